//! A small city for the engine's tests: sites, contacts, crews, and signal builders.

#![allow(dead_code)]

use engine::{Contact, Crew, CrewStatus, Engine, Signal, Site, SiteInfo, SiteSettings, SiteState};

/// 2026-11-30 10:00 UTC.
pub const T0: i64 = 1_796_032_800_000;
pub const SEC: i64 = 1000;
pub const MIN: i64 = 60 * SEC;

pub fn site(id: i64, pos: (f64, f64), settings: SiteSettings) -> Site {
    Site {
        info: SiteInfo {
            id,
            name: format!("Site {id}"),
            time_zone: chrono_tz::Europe::Bucharest,
            location: pos,
            owner_user_id: Some(100 + id),
            contacts: vec![
                Contact {
                    id: id * 10 + 1,
                    name: "Ana".into(),
                    phone: "+40700000001".into(),
                    email: Some("ana@example.org".into()),
                    user_id: Some(100 + id),
                    unavailable_from_ms: None,
                    unavailable_until_ms: None,
                    sms: true,
                    language: None,
                },
                Contact {
                    id: id * 10 + 2,
                    name: "Mihai".into(),
                    phone: "+40700000002".into(),
                    email: None,
                    user_id: None,
                    unavailable_from_ms: None,
                    unavailable_until_ms: None,
                    sms: true,
                    language: None,
                },
            ],
        },
        settings,
        state: SiteState::default(),
    }
}

pub fn crew(id: i64, pos: (f64, f64)) -> Crew {
    Crew {
        id,
        name: format!("Echo {id}"),
        position: pos,
        heading: None,
        status: CrewStatus::Available,
        on_shift: true,
        incident: None,
        updated_at_ms: T0,
    }
}

/// Piața Unirii and a crew 3 km away at Piața Victoriei, another 6 km away.
pub fn city(settings: SiteSettings) -> Engine {
    Engine::new([site(1, (44.4268, 26.1025), settings)], [], [crew(7, (44.4522, 26.0862)), crew(8, (44.48, 26.05))], 0)
}

pub fn cid(id: i64, at: i64, q: &str, code: &str, zone: &str) -> Signal {
    Signal {
        id,
        site_id: Some(1),
        at_ms: at,
        protocol: Some("cid".into()),
        qualifier: Some(q.into()),
        code: Some(code.into()),
        zone: Some(zone.into()),
        zone_name: None,
        user: if code.starts_with('4') || code == "121" { Some(zone.into()) } else { None },
        meaning: format!("CID {q}{code} {zone}"),
        position: None,
    }
}
