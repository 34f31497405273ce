//! Bucharest, for the demo: real street names near their real places, with generated sites.
//!
//! Every contact's safe word (the password a contact gives to cancel an alarm or to prove
//! who they are on the phone) is [`DEMO_SAFE_WORD`], shown with the demo logins. Every tenth
//! site has a duress user (`9`): an opening by that user is a silent duress alarm. One
//! business in five is under open/close supervision (Monday to Saturday 08:00–20:00, five
//! minutes' tolerance). Three vehicles with trackers ([`VEHICLES`]) report positions; one
//! of them must report every five minutes.

use chrono::Datelike;
use engine::rules::schedule::{OpenHours, WeeklySchedule};
use engine::{Instructions, SiteKind, SiteSettings};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use store::{NewSite, PathSpec, Store};

use super::DemoError;

/// The safe word of every demo contact.
pub const DEMO_SAFE_WORD: &str = "trandafir";
/// The demo city's time zone.
pub const TIME_ZONE: &str = "Europe/Bucharest";
/// The panel user whose code is the duress code at duress sites.
pub const DURESS_USER: &str = "9";
const DAY_MS: i64 = 86_400_000;

/// A tracked vehicle of the demo: its tracker account, its name and its home base.
#[derive(Debug, Clone, Copy)]
pub struct Vehicle {
    /// Tracker account number.
    pub account: &'static str,
    /// Name (make and plate).
    pub name: &'static str,
    /// Where it is kept (latitude, longitude).
    pub base: (f64, f64),
    /// No report for this long raises a "No life sign" incident.
    pub life_sign_ms: i64,
}

/// The demo's vehicles: one stands, one drives, one goes silent.
pub const VEHICLES: &[Vehicle] = &[
    Vehicle { account: "9001", name: "Dacia Logan B-101-VGL", base: (44.4467, 26.0977), life_sign_ms: 3 * DAY_MS },
    Vehicle { account: "9002", name: "Ford Transit B-202-VGL", base: (44.4262, 26.0960), life_sign_ms: 3 * DAY_MS },
    Vehicle { account: "9003", name: "Renault Master B-303-VGL", base: (44.4390, 26.1560), life_sign_ms: 5 * 60_000 },
];

const VEHICLE_ZONES: &[&str] = &["Door contact", "Ignition", "Tilt sensor", "Panic button"];

/// Whether an account number belongs to a demo vehicle's tracker.
pub fn is_vehicle_account(number: &str) -> bool {
    VEHICLES.iter().any(|v| v.account.eq_ignore_ascii_case(number))
}

/// Monday to Saturday 08:00–20:00, five minutes' tolerance.
pub fn business_hours() -> WeeklySchedule {
    let hours = OpenHours {
        open: chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default(),
        close: chrono::NaiveTime::from_hms_opt(20, 0, 0).unwrap_or_default(),
    };
    let mut days = [Some(hours); 7];
    days[6] = None;
    WeeklySchedule { days, later: Default::default(), tolerance_min: 5 }
}

/// What the `i`th demo site agreed, when it differs from the defaults: every tenth site has
/// a duress user, one business in five is under open/close supervision.
pub fn site_settings(i: usize, business: bool) -> Option<SiteSettings> {
    if i % 10 == 3 {
        Some(SiteSettings { duress_user: Some(DURESS_USER.into()), ..SiteSettings::default() })
    } else if business && i.is_multiple_of(5) {
        Some(SiteSettings { schedule: Some(business_hours()), ..SiteSettings::default() })
    } else {
        None
    }
}

/// A vehicle's settings: no cancel window, a life sign expected every `life_sign_ms`.
pub fn vehicle_settings(life_sign_ms: i64) -> SiteSettings {
    SiteSettings {
        kind: SiteKind::Vehicle,
        cancel_window_s: 0,
        life_sign_ms: Some(life_sign_ms),
        ..SiteSettings::default()
    }
}

fn settings_json(settings: &SiteSettings) -> Result<String, DemoError> {
    serde_json::to_string(settings).map_err(|e| DemoError::Settings(e.to_string()))
}

/// What the operator and the guard are told about the `i`th demo site.
pub fn instructions(i: usize, business: bool) -> Instructions {
    const PETS: &[&str] = &["", "Dog (German shepherd) loose in the yard", "", "Two cats indoors", ""];
    const ACCESS: &[&str] = &[
        "Gate code at the guard box; ring the neighbour at no. 12 if the gate is locked",
        "Entrance from the courtyard, second door on the left",
        "Underground parking entrance on the side street",
        "Elderly resident lives alone; check the bedroom first",
    ];
    Instructions {
        keys: format!("{} set(s) at the centre, tag K-{:03}", 1 + i % 2, i + 1),
        pets: if business { String::new() } else { PETS[i % PETS.len()].to_owned() },
        notes: ACCESS[i % ACCESS.len()].to_owned(),
    }
}

/// Every demo panel is supervised on one path: a link test each minute, failed after
/// this long without one.
pub const LINK_INTERVAL_MS: i64 = 120_000;

fn link_path() -> PathSpec {
    PathSpec { line: "*".into(), name: "ip".into(), interval_ms: LINK_INTERVAL_MS, grace_ms: 60_000 }
}

/// A vehicle tracker reports at least twice a day on its mobile data path.
fn tracker_path() -> PathSpec {
    PathSpec { line: "*".into(), name: "gprs".into(), interval_ms: DAY_MS / 2, grace_ms: DAY_MS / 24 }
}

/// Streets of Bucharest with a point on each (latitude, longitude).
pub const STREETS: &[(&str, f64, f64)] = &[
    ("Calea Victoriei", 44.4400, 26.0960),
    ("Bulevardul Gheorghe Magheru", 44.4430, 26.0990),
    ("Strada Lipscani", 44.4313, 26.1010),
    ("Bulevardul Unirii", 44.4260, 26.1110),
    ("Calea Dorobanților", 44.4560, 26.0960),
    ("Șoseaua Pavel D. Kiseleff", 44.4640, 26.0820),
    ("Bulevardul Aviatorilor", 44.4600, 26.0910),
    ("Calea Moșilor", 44.4400, 26.1150),
    ("Strada Polonă", 44.4480, 26.1060),
    ("Bulevardul Carol I", 44.4370, 26.1100),
    ("Calea Griviței", 44.4500, 26.0700),
    ("Bulevardul Iuliu Maniu", 44.4340, 26.0150),
    ("Bulevardul Timișoara", 44.4260, 26.0350),
    ("Calea Rahovei", 44.4150, 26.0800),
    ("Șoseaua Giurgiului", 44.3980, 26.0950),
    ("Bulevardul Decebal", 44.4290, 26.1270),
    ("Strada Mihai Eminescu", 44.4450, 26.1080),
    ("Bulevardul Dacia", 44.4470, 26.1000),
    ("Strada Icoanei", 44.4430, 26.1070),
    ("Calea Floreasca", 44.4650, 26.1000),
    ("Bulevardul Ion Mihalache", 44.4600, 26.0700),
    ("Șoseaua Ștefan cel Mare", 44.4530, 26.1150),
    ("Bulevardul Lascăr Catargiu", 44.4490, 26.0970),
    ("Calea Plevnei", 44.4390, 26.0800),
    ("Splaiul Independenței", 44.4330, 26.0700),
    ("Bulevardul Mihail Kogălniceanu", 44.4350, 26.0880),
    ("Bulevardul Regina Elisabeta", 44.4350, 26.0960),
    ("Calea Călărașilor", 44.4330, 26.1250),
    ("Bulevardul Basarabia", 44.4320, 26.1500),
    ("Bulevardul Theodor Pallady", 44.4100, 26.1900),
    ("Șoseaua Pantelimon", 44.4430, 26.1500),
    ("Bulevardul Camil Ressu", 44.4160, 26.1500),
    ("Calea Văcărești", 44.4100, 26.1150),
    ("Bulevardul Tineretului", 44.4100, 26.1050),
    ("Strada Turda", 44.4580, 26.0650),
    ("Bulevardul Ghencea", 44.4150, 26.0400),
    ("Bulevardul Uverturii", 44.4400, 26.0250),
    ("Strada Brezoianu", 44.4370, 26.0950),
    ("Bulevardul Nicolae Titulescu", 44.4500, 26.0800),
    ("Calea Dudești", 44.4260, 26.1300),
    ("Bulevardul Mărășești", 44.4200, 26.1050),
    ("Șoseaua Colentina", 44.4600, 26.1400),
    ("Bulevardul Lacul Tei", 44.4620, 26.1200),
];

const SURNAMES: &[&str] = &[
    "Popescu",
    "Ionescu",
    "Popa",
    "Dumitru",
    "Stan",
    "Stoica",
    "Gheorghe",
    "Rusu",
    "Munteanu",
    "Matei",
    "Constantin",
    "Șerban",
    "Moldovan",
    "Lazăr",
    "Ciobanu",
    "Florea",
    "Dinu",
    "Marin",
    "Tudor",
    "Radu",
];
const GIVEN: &[&str] = &["Ana", "Maria", "Elena", "Ioana", "Andrei", "Mihai", "Alexandru", "Cristina", "Dan", "Radu"];
const BUSINESSES: &[&str] = &[
    "Farmacia",
    "Brutăria",
    "Cabinet stomatologic",
    "Bijuterii",
    "Cafenea",
    "Birou",
    "Depozit",
    "Magazin alimentar",
    "Florărie",
    "Grădinița",
    "Atelier auto",
    "Librăria",
];
const HOME_ZONES: &[&str] = &[
    "Front door",
    "Hall PIR",
    "Living room PIR",
    "Kitchen PIR",
    "Bedroom PIR",
    "Smoke detector hall",
    "Balcony door",
    "Panic button",
];
const SHOP_ZONES: &[&str] = &[
    "Entrance door",
    "Shop floor PIR",
    "Back door",
    "Storeroom PIR",
    "Safe vibration",
    "Smoke detector",
    "Roller shutter",
    "Hold-up button",
];
/// Where the guard crews start their shift.
pub const CREWS: &[(&str, f64, f64)] = &[
    ("Echipaj 1 Nord", 44.4620, 26.0950),
    ("Echipaj 2 Est", 44.4350, 26.1450),
    ("Echipaj 3 Sud", 44.4080, 26.1000),
    ("Echipaj 4 Vest", 44.4330, 26.0400),
    ("Echipaj 5 Centru", 44.4370, 26.0990),
    ("Echipaj 6 Nord-Est", 44.4560, 26.1300),
    ("Echipaj 7 Sud-Est", 44.4170, 26.1400),
    ("Echipaj 8 Nord-Vest", 44.4530, 26.0580),
];

/// The account number of the `i`th demo site (0-based): 2001, 2002, ..., skipping the
/// vehicles' 9001-9003 in cities of more than 7,000 sites.
pub fn account_number(i: usize) -> String {
    let n = 2001 + i;
    format!("{}", if n >= 9001 { n + 999 } else { n })
}

/// Creates `sites` sites (see [`customer_sites`] for the demo customers' ones), each with an account, zones, contacts with the safe word and settings, the
/// vehicles, and the guard crews. Deterministic: the same city every time.
pub async fn seed(store: &Store, sites: usize, customers: &[i64], guard: Option<i64>) -> Result<(), DemoError> {
    let customer = customers.first().copied();
    let safe_word = app::ssr::auth::hash_password(DEMO_SAFE_WORD.to_owned()).await?;
    let now = chrono::Utc::now().timestamp_millis();
    let mut rng = StdRng::seed_from_u64(0x5e_c0_de);
    for i in 0..sites {
        let (street, lat, lon) = STREETS[i % STREETS.len()];
        let drawn = *SURNAMES.choose(&mut rng).unwrap_or(&"Popescu");
        // The demo customer, Elena Dumitru, lives at the first site.
        let surname = if i < 2 { "Dumitru" } else { drawn };
        // Elena's home (site 0) and her shop with opening hours (site 1).
        let business = rng.gen_bool(0.35) && i != 0 || i == 1;
        let name = if business {
            format!("{} {}", BUSINESSES.choose(&mut rng).unwrap_or(&"Birou"), surname)
        } else {
            format!("{} residence", surname)
        };
        let site_id = store
            .create_site(&NewSite {
                name,
                address: format!("{} {}", street, rng.gen_range(1..180)),
                city: "București".into(),
                lat: lat + rng.gen_range(-0.0025..0.0025),
                lon: lon + rng.gen_range(-0.0035..0.0035),
                time_zone: TIME_ZONE.into(),
                owner_user_id: None,
            })
            .await?;
        store.create_account(site_id, &account_number(i)).await?;
        store.set_account_paths(&account_number(i), &[link_path()]).await?;
        let zones = if business { SHOP_ZONES } else { HOME_ZONES };
        for (n, zone) in zones.iter().take(rng.gen_range(4..=zones.len())).enumerate() {
            store.create_zone(site_id, n as i64 + 1, zone).await?;
        }
        for position in 1..=rng.gen_range(2..=3) {
            let given = *GIVEN.choose(&mut rng).unwrap_or(&"Ana");
            let given = if i == 0 && position == 1 { "Elena" } else { given };
            let person = format!("{given} {surname}");
            let phone = format!(
                "+40 7{:02} {:03} {:03}",
                rng.gen_range(20..80),
                rng.gen_range(0..1000),
                rng.gen_range(0..1000)
            );
            let contact = store.create_contact(site_id, position, &person, &phone).await?;
            store.set_contact_password(contact, Some(&safe_word)).await?;
            if i == 0 && position == 1 {
                store.set_contact_details(contact, Some("elena.dumitru@example.com"), customer).await?;
            }
        }
        let mut settings = site_settings(i, business).unwrap_or_default();
        match i {
            0 => settings.duress_user = Some(DURESS_USER.into()),
            1 => settings.schedule = Some(business_hours()),
            _ => {}
        }
        settings.instructions = instructions(i, business);
        store.put_site_settings(site_id, &settings_json(&settings)?, now).await?;
    }
    customer_sites(store, customers, sites).await?;
    for (n, v) in VEHICLES.iter().enumerate() {
        let site_id = store
            .create_site(&NewSite {
                name: v.name.into(),
                address: "Vehicle with tracker".into(),
                city: "București".into(),
                lat: v.base.0,
                lon: v.base.1,
                time_zone: TIME_ZONE.into(),
                owner_user_id: None,
            })
            .await?;
        store.create_account(site_id, v.account).await?;
        store.set_account_paths(v.account, &[tracker_path()]).await?;
        for (z, zone) in VEHICLE_ZONES.iter().enumerate() {
            store.create_zone(site_id, z as i64 + 1, zone).await?;
        }
        let surname = SURNAMES[(n * 7 + 3) % SURNAMES.len()];
        let contact = store
            .create_contact(site_id, 1, &format!("Dispecer flotă {surname}"), &format!("+40 721 900 00{n}"))
            .await?;
        store.set_contact_password(contact, Some(&safe_word)).await?;
        store.put_site_settings(site_id, &settings_json(&vehicle_settings(v.life_sign_ms))?, now).await?;
    }
    for (n, &(name, lat, lon)) in CREWS.iter().enumerate() {
        let crew = store.create_crew(name, lat, lon, "available").await?;
        store.set_crew_device(crew, Some(&format!("crew-{}", n + 1))).await?;
        store.set_crew_device_key(crew, Some(&app::ssr::auth::token_hash(&demo_device_key(n + 1)))).await?;
        if n == 0 {
            store.set_crew_user(crew, guard).await?;
        }
    }
    Ok(())
}

/// The demo customers' sites (site ids are 1-based in creation order): Elena (customer
/// 100001) owns her home (1) and her shop (2) and is a contact at site 3; Andrei (100002)
/// owns site 4. Each owned site gets four monthly invoices, the newest unpaid.
async fn customer_sites(store: &Store, customers: &[i64], sites: usize) -> Result<(), DemoError> {
    let ids = store.list_sites().await?;
    let site = |i: usize| ids.get(i).map(|s| s.id);
    let mut roles = Vec::new();
    if let Some(&elena) = customers.first() {
        roles.extend([(0, elena, "owner"), (1, elena, "owner"), (2, elena, "contact")]);
    }
    if let Some(&andrei) = customers.get(1) {
        roles.push((3, andrei, "owner"));
    }
    let today = chrono::Utc::now().date_naive();
    for (i, user, role) in roles.into_iter().filter(|(i, _, _)| *i < sites) {
        let Some(site_id) = site(i) else { continue };
        store.set_site_member(site_id, user, role).await?;
        if role != "owner" {
            continue;
        }
        for months_ago in (0..4u32).rev() {
            let issued =
                today.checked_sub_months(chrono::Months::new(months_ago)).unwrap_or(today).with_day(1).unwrap_or(today);
            let invoice = store::InvoiceRecord {
                id: 0,
                site_id,
                number: format!("VG-{}-{site_id:04}", issued.format("%Y%m")),
                issued_on: issued.to_string(),
                due_on: (issued + chrono::Days::new(14)).to_string(),
                // No text of its own: the app names the service in the customer's language.
                description: String::new(),
                amount_cents: if i == 1 { 18_900 } else { 12_900 },
                currency: "RON".into(),
                paid_on: (months_ago > 0).then(|| (issued + chrono::Days::new(5)).to_string()),
            };
            store.add_invoice(&invoice).await?;
        }
    }
    Ok(())
}

/// The demo crews' tracking keys (known, like the demo's passwords: a demo only).
pub fn demo_device_key(crew: usize) -> String {
    format!("demo-device-key-crew-{crew}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_follow_the_site_number() {
        assert_eq!(site_settings(3, false).and_then(|s| s.duress_user).as_deref(), Some("9"));
        assert_eq!(site_settings(13, true).and_then(|s| s.duress_user).as_deref(), Some("9"));
        assert!(site_settings(10, true).is_some_and(|s| s.schedule == Some(business_hours())));
        assert!(site_settings(10, false).is_none());
        assert!(site_settings(4, true).is_none());
        let hours = business_hours();
        assert!(hours.days[..6].iter().all(Option::is_some) && hours.days[6].is_none());
        assert_eq!(engine::rules::schedule::validate(&hours), Ok(()));
    }

    #[test]
    fn vehicles_have_their_own_accounts() {
        assert!(VEHICLES.iter().all(|v| is_vehicle_account(v.account)));
        assert!(!is_vehicle_account(&account_number(0)));
        assert!(
            (0..10_000).all(|i| !is_vehicle_account(&account_number(i))),
            "a big city never takes a vehicle's number"
        );
        assert_eq!((account_number(6999), account_number(7000)), ("9000".to_owned(), "10000".to_owned()));
        let settings = vehicle_settings(5 * 60_000);
        assert_eq!(
            (settings.kind, settings.cancel_window_s, settings.life_sign_ms),
            (SiteKind::Vehicle, 0, Some(300_000))
        );
    }
}
