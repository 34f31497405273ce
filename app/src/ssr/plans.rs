//! Action plans (the centre's and a site's own), a site's code overrides and the centre's
//! public holidays: what the admin pages show and save. Each change is audited and reaches
//! the engine at once.

use engine::rules::classify::{Category, Override};
use engine::{default_plan, Plan, SiteKind, SiteSettings, Step, StepKind};

use super::admin::{audit, settings_of};
use super::work::WorkError;
use super::Ctx;
use crate::model::admin::FieldErrors;
use crate::model::plans::{
    check_holidays, check_overrides, check_plan, CheckedStep, HolidayLine, OverrideLine, PlanForm, StepLine,
    PLAN_CATEGORIES,
};
use crate::model::SessionUser;

/// The name the centre's plans are stored under.
pub const CENTRE_PLANS: &str = "plans";

/// The name the centre's public holidays are stored under.
pub const CENTRE_HOLIDAYS: &str = "holidays";

/// A list the centre keeps as JSON under `name` (empty when never set, or unreadable: then
/// logged, and what holds without it holds).
async fn centre_list<T: serde::de::DeserializeOwned>(
    store: &store::Store,
    name: &str,
) -> Result<Vec<T>, store::StoreError> {
    Ok(match store.centre_setting(name).await? {
        Some(json) => serde_json::from_str(&json).unwrap_or_else(|e| {
            tracing::error!(setting = name, error = %e, "a centre setting is unreadable: left out");
            Vec::new()
        }),
        None => Vec::new(),
    })
}

/// The centre's public holidays as stored, by date.
pub async fn centre_holidays(store: &store::Store) -> Result<Vec<HolidayLine>, store::StoreError> {
    centre_list(store, CENTRE_HOLIDAYS).await
}

/// The days of the centre's public holidays (what the engine needs).
pub async fn holiday_dates(store: &store::Store) -> Result<Vec<chrono::NaiveDate>, store::StoreError> {
    Ok(centre_holidays(store)
        .await?
        .iter()
        .filter_map(|h| chrono::NaiveDate::parse_from_str(&h.date, "%Y-%m-%d").ok())
        .collect())
}

/// Replaces the centre's public holidays.
pub async fn save_holidays(ctx: &Ctx, user: &SessionUser, lines: &[HolidayLine]) -> Result<FieldErrors, WorkError> {
    let checked = match check_holidays(lines) {
        Ok(c) => c,
        Err(e) => return Ok(e),
    };
    let stored: Vec<HolidayLine> =
        checked.iter().map(|(d, name)| HolidayLine { date: d.to_string(), name: name.clone() }).collect();
    let json = serde_json::to_string(&stored).map_err(|e| WorkError::Invalid(e.to_string()))?;
    ctx.store.put_centre_setting(CENTRE_HOLIDAYS, &json, ctx.engine.clock().now_ms()).await?;
    let detail = if stored.is_empty() {
        "none".to_owned()
    } else {
        stored.iter().map(|h| format!("{} {}", h.date, h.name)).collect::<Vec<_>>().join(", ")
    };
    audit(ctx, user, "centre.holidays", "centre".into(), detail).await?;
    ctx.engine.reload_centre().await?;
    Ok(FieldErrors::default())
}

/// A category from its stored name.
pub fn category(name: &str) -> Option<Category> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
}

/// The centre's plans as stored (none when never set or unreadable: the built-in ones hold).
pub async fn centre_plans(store: &store::Store) -> Result<Vec<Plan>, store::StoreError> {
    centre_list(store, CENTRE_PLANS).await
}

/// A step as the editor shows it.
fn line(step: &Step) -> StepLine {
    let value = serde_json::to_value(step).unwrap_or_default();
    let kind = value.get("kind").and_then(|k| k.as_str()).unwrap_or_default().to_owned();
    let (seconds, text) = match &step.kind {
        StepKind::Wait { seconds } => (seconds.to_string(), String::new()),
        StepKind::Instruction { text } => (String::new(), text.clone()),
        _ => (String::new(), String::new()),
    };
    StepLine { kind, auto: step.auto, seconds, text }
}

/// A checked step as the engine runs it.
fn step(s: &CheckedStep) -> Result<Step, WorkError> {
    Ok(match s {
        CheckedStep::Wait { seconds } => Step::auto(StepKind::Wait { seconds: *seconds }),
        CheckedStep::Instruction { text } => Step::manual(StepKind::Instruction { text: text.clone() }),
        CheckedStep::Plain { kind, auto } => {
            let kind: StepKind = serde_json::from_value(serde_json::json!({ "kind": kind }))
                .map_err(|e| WorkError::Invalid(e.to_string()))?;
            Step { kind, auto: *auto }
        }
    })
}

fn found(plans: &[Plan], c: Category) -> Option<&Plan> {
    plans.iter().find(|p| p.categories.contains(&c))
}

/// Every category's plan for a site (`Some`) or for the centre (`None`), with where it
/// comes from.
pub async fn plans(ctx: &Ctx, site: Option<&SiteSettings>) -> Result<Vec<PlanForm>, WorkError> {
    let centre = centre_plans(&ctx.store).await?;
    let kind = site.map_or(SiteKind::Premises, |s| s.kind);
    let own: &[Plan] = site.map_or(&[], |s| &s.plans);
    Ok(PLAN_CATEGORIES
        .iter()
        .filter_map(|(name, _)| category(name).map(|c| (*name, c)))
        .map(|(name, c)| {
            let (source, steps) = match (found(own, c), found(&centre, c).filter(|_| kind == SiteKind::Premises)) {
                (Some(p), _) => ("site", p.steps.clone()),
                (None, Some(p)) => ("centre", p.steps.clone()),
                (None, None) => ("built-in", default_plan(c, kind)),
            };
            PlanForm { category: name.to_owned(), source: source.to_owned(), steps: steps.iter().map(line).collect() }
        })
        .collect())
}

/// Replaces `category`'s plan in `plans` (`steps` `None`: drops it).
fn replace(plans: &mut Vec<Plan>, c: Category, steps: Option<Vec<Step>>) {
    for p in plans.iter_mut() {
        p.categories.retain(|x| *x != c);
    }
    plans.retain(|p| !p.categories.is_empty());
    if let Some(steps) = steps {
        plans.push(Plan { categories: vec![c], steps });
    }
}

/// What an audit entry says of a plan.
fn described(c: &str, steps: &Option<Vec<Step>>, fallback: &str) -> String {
    let label = crate::model::plans::category_label(c);
    match steps {
        Some(s) => format!(
            "{label}: {}",
            s.iter()
                .map(|s| format!("{}{}", engine::words::step(&s.kind), if s.auto { " (auto)" } else { "" }))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => format!("{label}: {fallback}"),
    }
}

/// A category and its new steps (`None`: back to the fallback plan).
type NewPlan = (Category, Option<Vec<Step>>);

/// Checks and converts a plan's steps (`None`: back to the fallback plan).
fn checked(category_name: &str, steps: Option<&[StepLine]>) -> Result<Result<NewPlan, FieldErrors>, WorkError> {
    let Some(c) = category(category_name).filter(|_| PLAN_CATEGORIES.iter().any(|(n, _)| *n == category_name)) else {
        return Ok(Err(FieldErrors {
            fields: vec![("category".into(), crate::tx!(staff.check.not_category_plan_can).into())],
            form: None,
        }));
    };
    let Some(lines) = steps else {
        return Ok(Ok((c, None)));
    };
    match check_plan(category_name, lines) {
        Ok(s) => Ok(Ok((c, Some(s.iter().map(step).collect::<Result<Vec<_>, _>>()?)))),
        Err(e) => Ok(Err(e)),
    }
}

/// Sets a site's own plan for a category (`steps` `None`: the site follows the centre's).
pub async fn save_site_plan(
    ctx: &Ctx,
    user: &SessionUser,
    site_id: i64,
    category_name: &str,
    steps: Option<&[StepLine]>,
) -> Result<FieldErrors, WorkError> {
    ctx.store.site(site_id).await?.ok_or_else(|| WorkError::NotFound(format!("site {site_id}")))?;
    let (c, steps) = match checked(category_name, steps)? {
        Ok(x) => x,
        Err(e) => return Ok(e),
    };
    let mut settings = settings_of(ctx, site_id).await?;
    let detail = described(category_name, &steps, "the centre's plan");
    replace(&mut settings.plans, c, steps);
    let json = serde_json::to_string(&settings).map_err(|e| WorkError::Invalid(e.to_string()))?;
    ctx.store.put_site_settings(site_id, &json, ctx.engine.clock().now_ms()).await?;
    audit(ctx, user, "site.plan", format!("site:{site_id}"), detail).await?;
    ctx.engine.reload_site(site_id).await?;
    Ok(FieldErrors::default())
}

/// Sets the centre's plan for a category (`steps` `None`: back to the built-in plan).
pub async fn save_centre_plan(
    ctx: &Ctx,
    user: &SessionUser,
    category_name: &str,
    steps: Option<&[StepLine]>,
) -> Result<FieldErrors, WorkError> {
    let (c, steps) = match checked(category_name, steps)? {
        Ok(x) => x,
        Err(e) => return Ok(e),
    };
    let mut plans = centre_plans(&ctx.store).await?;
    let detail = described(category_name, &steps, "the built-in plan");
    replace(&mut plans, c, steps);
    let json = serde_json::to_string(&plans).map_err(|e| WorkError::Invalid(e.to_string()))?;
    ctx.store.put_centre_setting(CENTRE_PLANS, &json, ctx.engine.clock().now_ms()).await?;
    audit(ctx, user, "centre.plan", "centre".into(), detail).await?;
    ctx.engine.reload_centre().await?;
    Ok(FieldErrors::default())
}

/// A site's code overrides as the editor shows them.
pub fn overrides(settings: &SiteSettings) -> Vec<OverrideLine> {
    settings
        .overrides
        .iter()
        .map(|o| OverrideLine {
            protocol: o.protocol.clone(),
            code: o.code.clone(),
            category: serde_json::to_value(o.category)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            priority: o.priority.to_string(),
        })
        .collect()
}

/// Replaces a site's code overrides.
pub async fn save_overrides(
    ctx: &Ctx,
    user: &SessionUser,
    site_id: i64,
    lines: &[OverrideLine],
) -> Result<FieldErrors, WorkError> {
    ctx.store.site(site_id).await?.ok_or_else(|| WorkError::NotFound(format!("site {site_id}")))?;
    let checked = match check_overrides(lines) {
        Ok(c) => c,
        Err(e) => return Ok(e),
    };
    let mut settings = settings_of(ctx, site_id).await?;
    settings.overrides = checked
        .iter()
        .filter_map(|o| {
            category(&o.category).map(|category| Override {
                protocol: o.protocol.clone(),
                code: o.code.clone(),
                category,
                priority: o.priority,
            })
        })
        .collect();
    let json = serde_json::to_string(&settings).map_err(|e| WorkError::Invalid(e.to_string()))?;
    ctx.store.put_site_settings(site_id, &json, ctx.engine.clock().now_ms()).await?;
    let detail = if checked.is_empty() {
        "none".to_owned()
    } else {
        checked
            .iter()
            .map(|o| {
                format!(
                    "{} {} → {} (priority {})",
                    o.protocol.to_uppercase(),
                    o.code,
                    crate::model::plans::category_label(&o.category),
                    o.priority
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    audit(ctx, user, "site.overrides", format!("site:{site_id}"), detail).await?;
    ctx.engine.reload_site(site_id).await?;
    Ok(FieldErrors::default())
}

/// A country's public holidays in `year` ([`engine::rules::holidays`]), as holiday lines.
pub fn holiday_preset(country: &str, year: i32) -> Result<Vec<HolidayLine>, WorkError> {
    engine::rules::holidays::public_holidays(country, year)
        .map(|days| {
            days.into_iter().map(|(date, name)| HolidayLine { date: date.to_string(), name: name.to_owned() }).collect()
        })
        .ok_or_else(|| WorkError::Invalid(format!("no holiday calendar for {country:?} in {year}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_and_step_the_editor_offers_is_the_engines() {
        for (name, _) in PLAN_CATEGORIES {
            assert!(category(name).is_some(), "{name}");
        }
        for (kind, _) in crate::model::plans::STEP_KINDS {
            let line = match kind {
                "wait" => StepLine { kind: kind.into(), seconds: "30".into(), ..Default::default() },
                "instruction" => StepLine { kind: kind.into(), text: "Look".into(), ..Default::default() },
                _ => StepLine { kind: kind.into(), ..Default::default() },
            };
            let checked = check_plan("burglary", std::slice::from_ref(&line)).unwrap();
            let engine_step = step(&checked[0]).unwrap();
            assert_eq!(super::line(&engine_step).kind, kind, "a step goes to the engine and back");
        }
    }

    #[test]
    fn the_zone_types_are_the_stores() {
        let ours: Vec<&str> = crate::model::admin::ZONE_KINDS.iter().map(|(k, _)| *k).collect();
        assert_eq!(ours, store::ZONE_KINDS.to_vec());
    }

    #[test]
    fn the_page_offers_the_countries_the_rules_know() {
        assert_eq!(crate::model::plans::HOLIDAY_COUNTRIES, engine::rules::holidays::COUNTRIES);
        let ro = super::holiday_preset("RO", 2027).unwrap();
        assert_eq!((ro[0].date.as_str(), ro[0].name.as_str()), ("2027-01-01", "Anul Nou"));
        assert!(super::holiday_preset("XX", 2027).is_err() && super::holiday_preset("FR", 1800).is_err());
    }
}
