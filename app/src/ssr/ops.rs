//! The operators' views built from the engine and the store: map markers, queue cards, the
//! incident workspace, and the events pushed to dashboards when the engine's output is stored.

use std::collections::HashMap;

use engine::{Crew, Engine, Incident, Output, Site};
use serde::Serialize;

use crate::model::ops::{CrewMarker, CrewOnCard, IncidentCard, OpsEvent, SiteMarker};

/// User ids to display names (operators on cards, people in journals).
pub type Names = HashMap<i64, String>;

/// Every user's display name.
pub async fn user_names(store: &store::Store) -> Result<Names, store::StoreError> {
    Ok(store.list_users().await?.into_iter().map(|u| (u.id, u.display_name)).collect())
}

/// A serde enum's stored name (`burglary`, `call_contacts`, ...).
pub fn name_of<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Object(map)) => map.values().next().and_then(|v| v.as_str()).unwrap_or("").to_owned(),
        _ => String::new(),
    }
}

/// Open incidents per site: the most urgent priority among those not on test.
fn open_by_site(engine: &Engine) -> HashMap<i64, u8> {
    let mut worst: HashMap<i64, u8> = HashMap::new();
    for inc in engine.open_incidents().into_iter().filter(|i| !i.test) {
        let p = worst.entry(inc.site_id).or_insert(u8::MAX);
        *p = (*p).min(inc.priority);
    }
    worst
}

/// What colour a site is on the map: suspension, test, an alarm (priority 0-3), trouble
/// (any other open incident), else its arming state.
pub fn site_state(site: &Site, worst_open: Option<u8>, now_ms: i64) -> &'static str {
    if site.state.suspended(now_ms) {
        "suspended"
    } else if site.state.test_at(now_ms).is_some() {
        "test"
    } else if worst_open.is_some_and(|p| p <= 3) {
        "alarm"
    } else if worst_open.is_some() {
        "trouble"
    } else {
        match site.state.arm {
            engine::ArmState::Armed => "armed",
            engine::ArmState::Night => "night",
            engine::ArmState::Disarmed => "disarmed",
            engine::ArmState::Unknown => "unknown",
        }
    }
}

fn marker(site: &Site, worst: Option<u8>, now_ms: i64) -> SiteMarker {
    let at = site.position();
    SiteMarker {
        id: site.info.id,
        name: site.info.name.clone(),
        lat: at.0,
        lon: at.1,
        state: site_state(site, worst, now_ms).into(),
    }
}

/// Every site as a map marker.
pub fn site_markers(engine: &Engine, now_ms: i64) -> Vec<SiteMarker> {
    let worst = open_by_site(engine);
    let mut out: Vec<SiteMarker> = engine.sites().map(|s| marker(s, worst.get(&s.info.id).copied(), now_ms)).collect();
    out.sort_by_key(|m| m.id);
    out
}

/// A crew as a map marker.
pub fn crew_marker(c: &Crew) -> CrewMarker {
    CrewMarker {
        id: c.id,
        name: c.name.clone(),
        lat: c.position.0,
        lon: c.position.1,
        heading: c.heading,
        status: c.status.as_str().into(),
        on_shift: c.on_shift,
        incident: c.incident,
        updated_at_ms: c.updated_at_ms,
    }
}

/// An incident as a queue card: its crews as they are now (a crew's own status while it is
/// on the incident, when it left or was recalled otherwise), its status in words.
pub fn card(engine: &Engine, inc: &Incident, names: &Names) -> IncidentCard {
    let site = engine.site(inc.site_id);
    let at = inc.position.or_else(|| site.map(|s| s.position()));
    let tz = site.map(|s| s.info.time_zone).unwrap_or(chrono_tz::UTC);
    let crews: Vec<CrewOnCard> = inc
        .crews
        .iter()
        .map(|a| {
            let live = engine.crews().find(|c| c.id == a.crew_id);
            let (state, status, at) = match (a.end, a.ended_at_ms) {
                (Some(engine::CrewEnd::Left), Some(t)) => {
                    let at = engine::local_clock(t, tz);
                    (format!("left at {at}"), "left", Some(at))
                }
                (Some(engine::CrewEnd::Recalled), Some(t)) => {
                    let at = engine::local_clock(t, tz);
                    (format!("recalled at {at}"), "recalled", Some(at))
                }
                _ => (
                    live.map_or("dispatched", |c| engine::words::crew_status(c.status)).to_owned(),
                    live.map_or("dispatched", |c| c.status.as_str()),
                    None,
                ),
            };
            let name = live.map_or_else(|| a.name.clone(), |c| c.name.clone());
            CrewOnCard {
                crew_id: a.crew_id,
                name,
                backup: a.backup,
                active: a.active(),
                state,
                status: status.to_owned(),
                at,
            }
        })
        .collect();
    let crew_text = (!crews.is_empty()).then(|| {
        crews
            .iter()
            .map(|c| format!("{}{} {}", if c.backup { "backup " } else { "" }, c.name, c.state))
            .collect::<Vec<_>>()
            .join(" · ")
    });
    IncidentCard {
        id: inc.id,
        site_id: inc.site_id,
        site_name: site.map(|s| s.info.name.clone()).unwrap_or_else(|| format!("Site {}", inc.site_id)),
        title: inc.title.clone(),
        category: name_of(&inc.category),
        category_label: engine::words::category_title(inc.category),
        priority: inc.priority,
        status: inc.status.as_str().into(),
        status_text: status_text(inc),
        opened_at_ms: inc.opened_at_ms,
        acknowledged_at_ms: inc.acknowledged_at_ms,
        claimed_by: inc.claimed_by,
        claimed_by_name: inc.claimed_by.map(|id| names.get(&id).cloned().unwrap_or_else(|| format!("user {id}"))),
        escalated: inc.escalated_at_ms.is_some(),
        silent: inc.silent,
        crews,
        crew_text,
        group_key: inc.group_key.clone(),
        lat: at.map(|p| p.0).unwrap_or_default(),
        lon: at.map(|p| p.1).unwrap_or_default(),
    }
}

/// An incident's status in words.
pub fn status_text(inc: &Incident) -> String {
    use engine::Status;
    match inc.status {
        Status::New => "new",
        Status::Acknowledged => "claimed",
        Status::InProgress if !inc.crews.is_empty() && inc.active_crews().next().is_none() => {
            "crews gone: to be closed"
        }
        Status::InProgress => "in progress",
        Status::Dispatched => "crew on its way",
        Status::OnSite => "crew on site",
        Status::Closed => "closed",
    }
    .to_owned()
}

/// Open incidents as cards, highest priority then oldest first (test incidents left out).
pub fn queue(engine: &Engine, names: &Names) -> Vec<IncidentCard> {
    let mut open: Vec<&Incident> = engine.open_incidents().into_iter().filter(|i| !i.test).collect();
    open.sort_by_key(|i| (i.priority, i.opened_at_ms, i.id));
    open.into_iter().map(|i| card(engine, i, names)).collect()
}

/// What dashboards must be told after `out` was stored: every changed incident and crew, and
/// every site whose colour may have changed.
pub fn events(engine: &Engine, out: &Output, names: &Names, now_ms: i64) -> Vec<OpsEvent> {
    let mut events = Vec::new();
    let mut sites: Vec<i64> = out.sites.iter().copied().collect();
    for inc in out.incidents.values().filter(|i| !i.test) {
        events.push(OpsEvent::Incident(card(engine, inc, names)));
        sites.push(inc.site_id);
    }
    events.extend(out.crews.values().map(|c| OpsEvent::Crew(crew_marker(c))));
    sites.sort_unstable();
    sites.dedup();
    if !sites.is_empty() {
        let worst = open_by_site(engine);
        for id in sites {
            if let Some(site) = engine.site(id) {
                events.push(OpsEvent::Site(marker(site, worst.get(&id).copied(), now_ms)));
            }
        }
    }
    events
}
