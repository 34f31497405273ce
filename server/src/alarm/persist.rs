//! Turning an engine [`Output`] into one store transaction: incidents, site states, crews,
//! journal lines, signal links, outbox messages and audit entries, with the cursor.

use engine::{Actor, Engine, Incident, Notice, NoticeKind, Output};
use store::{CrewUpdate, EngineBatch, IncidentRow, JournalEntry, NewAudit, NewOutbox, Store, StoreError};

use super::load::CURSOR;

/// What goes into the engine's transaction besides the output.
#[derive(Debug, Default)]
pub struct Extras {
    /// The signal cursor to move to.
    pub cursor: Option<i64>,
    /// Dashboard events (JSON) for the other nodes.
    pub events: Vec<String>,
    /// Answers to queued commands from other nodes.
    pub answers: Vec<(i64, String)>,
    /// The engine lease's token: the whole transaction is refused if it is stale.
    pub fence: Option<i64>,
}

/// Stores an output (and the cursor, events and answers) in one transaction.
pub async fn persist(
    store: &Store,
    engine: &Engine,
    out: &Output,
    extras: Extras,
    now_ms: i64,
) -> Result<(), StoreError> {
    if out.is_empty() && extras.cursor.is_none() && extras.answers.is_empty() {
        return Ok(());
    }
    let Extras { cursor, events, answers, fence } = extras;
    let mut batch = EngineBatch {
        cursor: cursor.map(|c| (CURSOR.to_owned(), c)),
        events,
        answers,
        fence,
        ..EngineBatch::default()
    };
    batch.incidents = out.incidents.values().map(incident_row).collect();
    for site_id in &out.sites {
        if let Some(site) = engine.site(*site_id) {
            batch.site_states.push((*site_id, serde_json::to_string(&site.state).expect("site state serializes")));
        }
    }
    batch.incident_signals = out.links.clone();
    for j in &out.journal {
        batch.journal.push(JournalEntry {
            incident_id: j.incident,
            at_ms: j.at_ms,
            actor: j.actor.name().to_owned(),
            actor_user_id: j.actor.user_id(),
            action: j.action.clone(),
            detail: j.detail.clone(),
        });
        if matches!(j.actor, Actor::Operator(_) | Actor::Customer(_)) {
            batch.audit.push(NewAudit {
                at_ms: j.at_ms,
                actor_user_id: j.actor.user_id(),
                action: format!("incident.{}", j.action),
                subject: Some(format!("incident:{}", j.incident)),
                detail: j.detail.clone(),
            });
        }
    }
    for e in &out.site_events {
        batch.audit.push(NewAudit {
            at_ms: e.at_ms,
            actor_user_id: e.actor.user_id(),
            action: format!("site.{}", e.action),
            subject: Some(format!("site:{}", e.site_id)),
            detail: e.detail.clone(),
        });
    }
    for c in out.crews.values() {
        batch.crews.push(CrewUpdate {
            id: c.id,
            lat: c.position.0,
            lon: c.position.1,
            status: c.status.as_str().to_owned(),
            heading: c.heading,
            on_shift: c.on_shift,
            at_ms: c.updated_at_ms,
        });
    }
    for notice in &out.notices {
        batch.outbox.extend(outbox_rows(store, engine, notice, now_ms).await?);
    }
    batch.outbox.extend(escalation_alerts(store, engine, out, now_ms).await?);
    store.apply_engine_batch(&batch).await
}

/// An incident nobody claimed in time: SMS and e-mail to the supervisors and administrators
/// signed in now (on shift), where they gave a phone or an address.
async fn escalation_alerts(
    store: &Store,
    engine: &Engine,
    out: &Output,
    now_ms: i64,
) -> Result<Vec<NewOutbox>, StoreError> {
    let late: Vec<&Incident> = out
        .journal
        .iter()
        .filter(|j| j.action == "escalated" && j.detail.as_deref().is_some_and(|d| d.starts_with("not claimed")))
        .filter_map(|j| out.incidents.get(&j.incident))
        .collect();
    if late.is_empty() {
        return Ok(Vec::new());
    }
    let bosses: Vec<_> = store
        .signed_in_users(now_ms)
        .await?
        .into_iter()
        .filter(|u| u.role == "supervisor" || u.role == "admin")
        .collect();
    let mut rows = Vec::new();
    for inc in late {
        let site = engine.site(inc.site_id).map_or_else(|| format!("site {}", inc.site_id), |s| s.info.name.clone());
        let subject =
            format!("Vigil: P{} {} at {site} not claimed", inc.priority, engine::words::category(inc.category));
        let body = format!(
            "Incident {} ({} at {site}) has waited unclaimed. Open it: /operator/incidents/{}",
            inc.id,
            engine::words::category(inc.category),
            inc.id
        );
        for u in &bosses {
            let row = |channel: &str, recipient: &str| NewOutbox {
                created_at_ms: now_ms,
                channel: channel.into(),
                recipient: recipient.into(),
                subject: subject.clone(),
                body: body.clone(),
                site_id: Some(inc.site_id),
                incident_id: Some(inc.id),
            };
            if let Some(phone) = u.phone.as_deref().filter(|p| !p.is_empty()) {
                rows.push(row("sms", phone));
            }
            if let Some(email) = u.email.as_deref().filter(|e| !e.is_empty()) {
                rows.push(row("email", email));
            }
        }
    }
    Ok(rows)
}

/// The stored row of an incident.
pub fn incident_row(i: &Incident) -> IncidentRow {
    IncidentRow {
        id: i.id,
        site_id: i.site_id,
        category: name_of(&i.category),
        priority: i64::from(i.priority),
        status: i.status.as_str().to_owned(),
        opened_at_ms: i.opened_at_ms,
        updated_at_ms: i.updated_at_ms,
        closed_at_ms: i.closed_at_ms,
        resolution: i.resolution.map(|r| r.as_str().to_owned()),
        claimed_by: i.claimed_by,
        crew_id: i.crew_id,
        group_key: i.group_key.clone(),
        deadline_at_ms: i.deadline(),
        silent: i.silent,
        detail: serde_json::to_string(i).expect("incident serializes"),
    }
}

/// The serde name of a unit enum value (`Category::LinkFailure` -> `link_failure`).
pub fn name_of<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        other => format!("{other:?}"),
    }
}

/// One notice to the site's reachable contacts: push to their (and the owner's) browsers,
/// e-mail where they gave an address, SMS when the notice asks for it.
async fn outbox_rows(store: &Store, engine: &Engine, n: &Notice, now_ms: i64) -> Result<Vec<NewOutbox>, StoreError> {
    let Some(site) = engine.site(n.site_id) else { return Ok(Vec::new()) };
    // Each contact reads it in their language; everyone else in the engine's English.
    let row = |channel: &str, recipient: String, language: Option<&str>| {
        let (subject, body) = app::ssr::notices::texts(n, &site.info.name, language.and_then(app::lang::Lang::parse));
        NewOutbox {
            created_at_ms: now_ms,
            channel: channel.to_owned(),
            recipient,
            subject,
            body,
            site_id: Some(n.site_id),
            incident_id: n.incident,
        }
    };
    let mut rows = Vec::new();
    let reachable: Vec<_> = site.info.contacts.iter().filter(|c| c.reachable(now_ms)).collect();
    for c in &reachable {
        if n.sms && c.sms && !c.phone.is_empty() {
            rows.push(row("sms", c.phone.clone(), c.language.as_deref()));
        }
        if let Some(email) = c.email.as_ref().filter(|e| !e.is_empty()) {
            rows.push(row("email", email.clone(), c.language.as_deref()));
        }
    }
    let mut users: Vec<i64> = reachable.iter().filter_map(|c| c.user_id).collect();
    users.extend(site.info.owner_user_id);
    users.extend(store.site_member_ids(n.site_id).await?);
    users.sort_unstable();
    users.dedup();
    let alarm = matches!(n.kind, NoticeKind::Alarm | NoticeKind::NoContactReached | NoticeKind::LifeSignMissed);
    let opted_out = store.push_opted_out(n.site_id, alarm).await?;
    users.retain(|u| !opted_out.contains(u));
    let language_of =
        |user: i64| site.info.contacts.iter().find(|c| c.user_id == Some(user)).and_then(|c| c.language.as_deref());
    for sub in store.push_subscriptions_of_users(&users).await? {
        let json = serde_json::json!({ "endpoint": sub.endpoint, "keys": { "p256dh": sub.p256dh, "auth": sub.auth } });
        rows.push(row("push", json.to_string(), language_of(sub.user_id)));
    }
    Ok(rows)
}
