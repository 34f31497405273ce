//! Panel accounts from the admin pages: adding one to a site with its key and supervised
//! paths, changing the key (shown back only as its size) and the plain-frame policy, and
//! the paths. Every change lands in the audit journal; the link supervision picks changed
//! paths up within a minute (`paths_changed_since`).

use super::admin::audit;
use super::keys::{key_label, parse_key};
use super::work::WorkError;
use super::Ctx;
use crate::model::accounts::{
    check_paths, duration_text, key_problem, number_problem, AdminAccount, CheckedPath, PathLine,
};
use crate::model::admin::FieldErrors;
use crate::model::SessionUser;

fn one(field: &str, message: impl Into<String>) -> FieldErrors {
    FieldErrors { fields: vec![(field.into(), message.into())], form: None }
}

fn specs(paths: &[CheckedPath]) -> Vec<store::PathSpec> {
    paths
        .iter()
        .map(|p| store::PathSpec {
            line: p.line.clone(),
            name: p.name.clone(),
            interval_ms: p.interval_ms,
            grace_ms: p.grace_ms,
        })
        .collect()
}

/// The key typed, checked and parsed; `Ok(None)`: none given.
fn key_of(format: &str, key: &str) -> Result<Option<store::SecretKey>, FieldErrors> {
    if let Some(problem) = key_problem(format, key) {
        return Err(one("key", problem));
    }
    let k = key.trim();
    let (hex, text) = if k.is_empty() {
        (None, None)
    } else if format == "text" {
        (None, Some(k))
    } else {
        (Some(k), None)
    };
    parse_key(hex, text).map_err(|e| one("key", e.to_string()))
}

/// A site's accounts with their key sizes, policies and paths.
pub async fn site_accounts(ctx: &Ctx, site_id: i64, now_ms: i64) -> Result<Vec<AdminAccount>, WorkError> {
    let mut out = Vec::new();
    for a in ctx.store.list_accounts().await?.into_iter().filter(|a| a.site_id == site_id) {
        let full = ctx.store.account(&a.number).await?.unwrap_or(a);
        let paths = ctx.store.account_paths(full.id).await?;
        out.push(AdminAccount {
            number: full.number.clone(),
            key: full.key.as_ref().map(store::SecretKey::algorithm),
            allow_plain: full.allow_plain,
            paths: paths
                .into_iter()
                .filter(|p| p.active)
                .map(|p| {
                    let state = match (p.failed, p.last_seen_ms) {
                        (true, _) => "failed".to_owned(),
                        (false, Some(t)) => {
                            format!("last life sign {} ago", duration_text(((now_ms - t).max(1000) / 1000) * 1000))
                        }
                        (false, None) => "no life sign yet".to_owned(),
                    };
                    (
                        PathLine {
                            line: p.line,
                            name: p.name,
                            interval: duration_text(p.interval_ms),
                            grace: duration_text(p.grace_ms.max(1000)),
                        },
                        state,
                    )
                })
                .collect(),
        });
    }
    Ok(out)
}

/// Adds an account to a site, with its key (if the panel encrypts) and paths.
pub async fn add(
    ctx: &Ctx,
    user: &SessionUser,
    site_id: i64,
    number: &str,
    key_format: &str,
    key: &str,
    paths: &[PathLine],
) -> Result<FieldErrors, WorkError> {
    ctx.store.site(site_id).await?.ok_or_else(|| WorkError::NotFound(format!("site {site_id}")))?;
    if let Some(problem) = number_problem(number) {
        return Ok(one("number", problem));
    }
    let key = match key_of(key_format, key) {
        Ok(k) => k,
        Err(e) => return Ok(e),
    };
    let paths = match check_paths(paths) {
        Ok(p) => p,
        Err(e) => return Ok(e),
    };
    let number = number.trim().to_ascii_uppercase();
    match ctx.store.create_accounts_bulk(site_id, std::slice::from_ref(&number), key.as_ref(), &specs(&paths)).await {
        Ok(_) => {}
        Err(store::StoreError::Conflict(_)) => {
            return Ok(one("number", format!("Account {number} is already in use.")))
        }
        Err(e) => return Err(e.into()),
    }
    audit(
        ctx,
        user,
        "account.create",
        number.clone(),
        format!("site {site_id}, key {}, {} path(s)", key_label(key.as_ref()), paths.len()),
    )
    .await?;
    ctx.engine.reload_site(site_id).await?;
    Ok(FieldErrors::default())
}

async fn of_site(ctx: &Ctx, site_id: i64, number: &str) -> Result<String, WorkError> {
    match ctx.store.account(number.trim()).await? {
        Some(a) if a.site_id == site_id => Ok(a.number),
        _ => Err(WorkError::NotFound(format!("account {number} of site {site_id}"))),
    }
}

/// Removes an account from its site: the receiver no longer knows it, its links are no longer
/// supervised (the supervisor reads its paths as ended at its next sync), its key is
/// forgotten, and the number can be given again.
pub async fn remove(ctx: &Ctx, user: &SessionUser, site_id: i64, number: &str) -> Result<(), WorkError> {
    let number = of_site(ctx, site_id, number).await?;
    ctx.store.remove_account(&number).await?;
    audit(ctx, user, "account.remove", number, format!("from site {site_id}")).await?;
    ctx.engine.reload_site(site_id).await?;
    Ok(())
}

/// Sets (or with an empty key removes) an account's key, and whether plain frames are still
/// taken with a key (a panel whose encryption had to be switched off).
pub async fn set_key(
    ctx: &Ctx,
    user: &SessionUser,
    site_id: i64,
    number: &str,
    key_format: &str,
    key: &str,
    allow_plain: bool,
) -> Result<FieldErrors, WorkError> {
    let number = of_site(ctx, site_id, number).await?;
    let key = match key_of(key_format, key) {
        Ok(k) => k,
        Err(e) => return Ok(e),
    };
    ctx.store.set_account_key(&number, key.as_ref()).await?;
    ctx.store.set_account_plain_policy(&number, allow_plain && key.is_some(), &[]).await?;
    let detail = format!(
        "key {}{}",
        key_label(key.as_ref()),
        if allow_plain && key.is_some() { "; plain frames still taken" } else { "" }
    );
    audit(ctx, user, "account.key", number, detail).await?;
    Ok(FieldErrors::default())
}

/// Replaces an account's supervised paths (none: unsupervised).
pub async fn set_paths(
    ctx: &Ctx,
    user: &SessionUser,
    site_id: i64,
    number: &str,
    paths: &[PathLine],
) -> Result<FieldErrors, WorkError> {
    let number = of_site(ctx, site_id, number).await?;
    let paths = match check_paths(paths) {
        Ok(p) => p,
        Err(e) => return Ok(e),
    };
    ctx.store.set_account_paths(&number, &specs(&paths)).await?;
    let words: Vec<String> =
        paths.iter().map(|p| format!("{}:{} every {}", p.line, p.name, duration_text(p.interval_ms))).collect();
    audit(ctx, user, "account.paths", number, if words.is_empty() { "unsupervised".into() } else { words.join(", ") })
        .await?;
    Ok(FieldErrors::default())
}
