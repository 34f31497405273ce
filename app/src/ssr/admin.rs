//! Administration: searching sites, importing accounts from CSV (each row in one
//! transaction, journaled), and listing crews and users.

use super::work::WorkError;
use super::Ctx;
use crate::model::import::{check_row, split_csv, ImportResult, ImportRow};
use crate::model::ops::{AdminCrew, AdminSite, AdminUser};
use crate::model::SessionUser;

/// At most this many search results.
pub const SEARCH_LIMIT: usize = 50;

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Sites whose account, name, address or a contact's name or phone contains `query`.
pub async fn search(ctx: &Ctx, query: &str) -> Result<Vec<AdminSite>, WorkError> {
    let q = query.trim().to_lowercase();
    let qd = digits(&q);
    let sites = ctx.store.list_sites().await?;
    let accounts = ctx.store.list_accounts().await?;
    let contacts = ctx.store.all_contacts().await?;
    let mut out = Vec::new();
    for s in sites {
        let accs: Vec<String> = accounts.iter().filter(|a| a.site_id == s.id).map(|a| a.number.clone()).collect();
        let people: Vec<String> = contacts.iter().filter(|c| c.site_id == s.id).map(|c| format!("{} {}", c.name, c.phone)).collect();
        let hit = q.is_empty()
            || s.name.to_lowercase().contains(&q)
            || s.address.to_lowercase().contains(&q)
            || s.city.to_lowercase().contains(&q)
            || accs.iter().any(|a| a.to_lowercase().contains(&q))
            || people.iter().any(|p| p.to_lowercase().contains(&q) || (qd.len() >= 4 && digits(p).contains(&qd)));
        if hit {
            out.push(AdminSite { id: s.id, name: s.name, address: format!("{}, {}", s.address, s.city), accounts: accs, contacts: people });
            if out.len() >= SEARCH_LIMIT {
                break;
            }
        }
    }
    Ok(out)
}

async fn import_one(ctx: &Ctx, user: &SessionUser, row: ImportRow) -> Result<i64, String> {
    if row.time_zone.parse::<chrono_tz::Tz>().is_err() {
        return Err("time_zone: unknown zone".into());
    }
    let site = store::NewSite {
        name: row.name.clone(),
        address: row.address.clone(),
        city: row.city.clone(),
        lat: row.lat,
        lon: row.lon,
        time_zone: row.time_zone.clone(),
        owner_user_id: None,
    };
    let id = ctx.store.import_site(&site, &row.account, &row.contacts).await.map_err(|e| match e {
        store::StoreError::Conflict(_) => format!("account: {} is already in use", row.account),
        e => e.to_string(),
    })?;
    let audit = store::NewAudit {
        at_ms: ctx.engine.clock().now_ms(),
        actor_user_id: Some(user.id),
        action: "site.imported".into(),
        subject: Some(format!("site:{id}")),
        detail: Some(format!("account {} · {}", row.account, row.name)),
    };
    ctx.store.append_audit(&audit).await.map_err(|e| e.to_string())?;
    ctx.engine.reload_site(id).await.map_err(|e| e.to_string())?;
    Ok(id)
}

/// Imports CSV lines given with their line numbers; each row succeeds or fails alone.
pub async fn import(ctx: &Ctx, user: &SessionUser, lines: Vec<(usize, String)>) -> Vec<ImportResult> {
    let mut out = Vec::with_capacity(lines.len());
    for (line, text) in lines {
        let fields = split_csv(&text);
        let account = fields.first().cloned().unwrap_or_default();
        let result = match check_row(&fields) {
            Ok(row) => import_one(ctx, user, row).await.map_err(|e| vec![e]),
            Err(errors) => Err(errors),
        };
        out.push(match result {
            Ok(id) => ImportResult { line, account, site_id: Some(id), errors: Vec::new() },
            Err(errors) => ImportResult { line, account, site_id: None, errors },
        });
    }
    out
}

/// Every crew with its guard's login and device id.
pub async fn crews(ctx: &Ctx) -> Result<Vec<AdminCrew>, WorkError> {
    let users = ctx.store.list_users().await?;
    Ok(ctx
        .store
        .list_crews()
        .await?
        .into_iter()
        .map(|c| AdminCrew {
            login: c.user_id.and_then(|u| users.iter().find(|x| x.id == u)).map(|u| u.username.clone()),
            id: c.id,
            name: c.name,
            device_id: c.device_id,
            status: c.status,
        })
        .collect())
}

/// Every user and role.
pub async fn users(ctx: &Ctx) -> Result<Vec<AdminUser>, WorkError> {
    Ok(ctx.store.list_users().await?.into_iter().map(|u| AdminUser { id: u.id, username: u.username, name: u.display_name, role: u.role }).collect())
}
