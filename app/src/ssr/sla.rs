//! The supervisor view: who is on shift, who works what, and how fast incidents are
//! acknowledged, called and dispatched, for the last hour and per day.

use chrono::TimeZone;
use chrono_tz::Tz;
use engine::rules::sla::{figures, Figure, Sample};
use engine::Incident;

use super::work::WorkError;
use super::Ctx;
use crate::model::ops::{OperatorLine, SlaFigure, SlaPeriod, SupervisorView};
use crate::model::Role;

const HOUR_MS: i64 = 3_600_000;
const DAYS: i64 = 7;

fn sample(i: &Incident) -> Sample {
    Sample {
        opened_ms: i.opened_at_ms,
        acked_ms: i.acknowledged_at_ms,
        first_call_ms: i.calls.iter().map(|c| c.at_ms).min(),
        dispatched_ms: i.dispatched_at_ms,
    }
}

fn figure(f: Figure) -> SlaFigure {
    SlaFigure { count: f.count, mean_s: f.mean_s, p90_s: f.p90_s }
}

fn period(label: String, incidents: &[&Incident]) -> SlaPeriod {
    let f = figures(&incidents.iter().map(|i| sample(i)).collect::<Vec<_>>());
    SlaPeriod {
        label,
        to_ack: figure(f.to_ack),
        to_call: figure(f.to_call),
        to_dispatch: figure(f.to_dispatch),
        incidents: incidents.len() as u32,
        escalated: incidents.iter().filter(|i| i.escalated_at_ms.is_some()).count() as u32,
    }
}

/// Midnight of the day `at_ms` falls in, in `tz`.
fn day_start(at_ms: i64, tz: Tz) -> i64 {
    let Some(t) = chrono::DateTime::from_timestamp_millis(at_ms) else { return at_ms };
    let date = t.with_timezone(&tz).date_naive();
    date.and_hms_opt(0, 0, 0)
        .and_then(|m| tz.from_local_datetime(&m).earliest())
        .map(|d| d.timestamp_millis())
        .unwrap_or(at_ms)
}

/// The supervisor view at `now_ms`, days counted in the centre's time zone `tz`.
pub async fn supervisor_view(ctx: &Ctx, tz: Tz) -> Result<SupervisorView, WorkError> {
    let now_ms = ctx.engine.clock().now_ms();
    let today = day_start(now_ms, tz);
    let since = day_start(today - (DAYS - 1) * 24 * HOUR_MS + HOUR_MS, tz);
    let q = store::IncidentQuery {
        include_silent: true,
        since_ms: Some(since),
        limit: store::MAX_LIST_LIMIT,
        ..Default::default()
    };
    let incidents: Vec<Incident> = ctx
        .store
        .list_incidents(&q)
        .await?
        .into_iter()
        .filter_map(|r| serde_json::from_str::<Incident>(&r.detail).ok())
        .filter(|i| !i.test)
        .collect();
    let on_shift: Vec<i64> = ctx.store.signed_in_users(now_ms).await?.into_iter().map(|u| u.id).collect();
    let mut operators: Vec<OperatorLine> = ctx
        .store
        .list_users()
        .await?
        .into_iter()
        .filter(|u| Role::parse(&u.role).is_some_and(Role::is_staff))
        .map(|u| OperatorLine {
            on_shift: on_shift.contains(&u.id),
            open: incidents.iter().filter(|i| i.is_open() && i.claimed_by == Some(u.id)).count() as u32,
            today: incidents.iter().filter(|i| i.opened_at_ms >= today && i.claimed_by == Some(u.id)).count() as u32,
            id: u.id,
            name: u.display_name,
            role: u.role,
        })
        .collect();
    operators.sort_by_key(|o| (!o.on_shift, std::cmp::Reverse(o.open), o.id));
    let open: Vec<&Incident> = incidents.iter().filter(|i| i.is_open() && i.claimed_by.is_none()).collect();
    let last_hour: Vec<&Incident> = incidents.iter().filter(|i| i.opened_at_ms >= now_ms - HOUR_MS).collect();
    let mut days = Vec::new();
    let mut end = now_ms + 1;
    let mut start = today;
    for n in 0..DAYS {
        let of_day: Vec<&Incident> =
            incidents.iter().filter(|i| i.opened_at_ms >= start && i.opened_at_ms < end).collect();
        let label = if n == 0 { "Today".to_owned() } else { engine::local_time(start, tz)[..10].to_owned() };
        days.push(period(label, &of_day));
        end = start;
        start = day_start(start - HOUR_MS, tz);
    }
    Ok(SupervisorView {
        operators,
        unclaimed: open.len() as u32,
        escalated: open.iter().filter(|i| i.escalated_at_ms.is_some()).count() as u32,
        live: period("Last hour".into(), &last_hour),
        days,
    })
}
