//! Building the engine from the store at start, and reading signals for it.

use std::collections::HashMap;

use engine::{Contact, Crew, CrewStatus, Engine, Incident, Signal, Site, SiteInfo, SiteSettings, SiteState};
use store::{ContactRecord, CrewRecord, SignalRecord, SiteRecord, Store, StoreError};

/// The name of the engine's cursor over the signals table.
pub const CURSOR: &str = "engine";

/// The engine as the store holds it, and the last signal it processed. On the first start
/// of a database that already has signals, the engine starts after the newest: history is
/// not replayed as new alarms; that starting point is stored at once, so a later load (after
/// a failed write, or on another node taking over) never skips a signal stored since.
pub async fn load(store: &Store) -> Result<(Engine, i64), StoreError> {
    let mut settings: HashMap<i64, SiteSettings> = HashMap::new();
    for (id, json) in store.site_settings_all().await? {
        settings.insert(id, parse_or_default(&json, "site settings", id));
    }
    let mut states: HashMap<i64, SiteState> = HashMap::new();
    for (id, json) in store.site_states_all().await? {
        states.insert(id, parse_or_default(&json, "site state", id));
    }
    let mut contacts: HashMap<i64, Vec<Contact>> = HashMap::new();
    for c in store.all_contacts().await? {
        contacts.entry(c.site_id).or_default().push(contact(c));
    }
    let sites = store.list_sites().await?.into_iter().map(|s| {
        let id = s.id;
        Site {
            info: site_info(s, contacts.remove(&id).unwrap_or_default()),
            settings: settings.remove(&id).unwrap_or_default(),
            state: states.remove(&id).unwrap_or_default(),
        }
    });
    let sites: Vec<Site> = sites.collect();
    let mut open = Vec::new();
    for row in store.open_incidents().await? {
        match serde_json::from_str::<Incident>(&row.detail) {
            Ok(i) => open.push(i),
            Err(e) => tracing::error!(incident = row.id, error = %e, "unreadable incident left out of the engine"),
        }
    }
    let crews = crews(store).await?;
    let mut engine = Engine::new(sites, open, crews, store.max_incident_id().await?);
    engine.set_centre_plans(app::ssr::plans::centre_plans(store).await?);
    engine.set_holidays(app::ssr::plans::holiday_dates(store).await?);
    let cursor = match store.cursor(CURSOR).await? {
        Some(c) => c,
        None => store.init_cursor(CURSOR, store.max_signal_id().await?).await?,
    };
    Ok((engine, cursor))
}

/// One site from the store (for a reload after its settings or contacts changed).
pub async fn site(store: &Store, site_id: i64) -> Result<Option<Site>, StoreError> {
    let Some(record) = store.site(site_id).await? else { return Ok(None) };
    let settings = store
        .site_settings(site_id)
        .await?
        .map(|json| parse_or_default(&json, "site settings", site_id))
        .unwrap_or_default();
    let contacts = store.contacts(site_id).await?.into_iter().map(contact).collect();
    Ok(Some(Site { info: site_info(record, contacts), settings, state: SiteState::default() }))
}

/// Every crew from the store.
pub async fn crews(store: &Store) -> Result<Vec<Crew>, StoreError> {
    Ok(store.list_crews().await?.into_iter().map(crew).collect())
}

fn parse_or_default<T: serde::de::DeserializeOwned + Default>(json: &str, what: &str, id: i64) -> T {
    serde_json::from_str(json).unwrap_or_else(|e| {
        tracing::error!(site = id, error = %e, "unreadable {what}; using defaults");
        T::default()
    })
}

fn site_info(s: SiteRecord, contacts: Vec<Contact>) -> SiteInfo {
    let time_zone = s.time_zone.parse().unwrap_or_else(|_| {
        tracing::warn!(site = s.id, zone = %s.time_zone, "unknown time zone; using UTC");
        chrono_tz::UTC
    });
    SiteInfo { id: s.id, name: s.name, time_zone, location: (s.lat, s.lon), owner_user_id: s.owner_user_id, contacts }
}

fn contact(c: ContactRecord) -> Contact {
    Contact {
        id: c.id,
        name: c.name,
        phone: c.phone,
        email: c.email,
        user_id: c.user_id,
        unavailable_from_ms: c.unavailable_from_ms,
        unavailable_until_ms: c.unavailable_until_ms,
        sms: c.sms,
        language: c.language,
    }
}

fn crew(c: CrewRecord) -> Crew {
    Crew {
        id: c.id,
        name: c.name,
        position: (c.lat, c.lon),
        heading: c.heading,
        status: CrewStatus::parse(&c.status).unwrap_or(CrewStatus::Available),
        on_shift: c.on_shift,
        incident: None,
        updated_at_ms: c.updated_at_ms,
    }
}

/// A stored signal as the engine reads it.
pub fn signal(s: &SignalRecord) -> Signal {
    Signal {
        id: s.id,
        site_id: s.site_id,
        at_ms: s.received_at_ms,
        protocol: if s.transport == "internal" { Some("internal".into()) } else { s.protocol.clone() },
        qualifier: s.qualifier.as_deref().map(|q| app::ssr::views::qualifier_digit(q).to_owned()),
        code: s.event_code.clone(),
        zone: s.zone.clone(),
        zone_name: s.zone_name.clone(),
        user: s.user_number.clone(),
        meaning: s.meaning.clone(),
        position: s.lat.zip(s.lon),
    }
}
