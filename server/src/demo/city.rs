//! Bucharest, for the demo: real street names near their real places, with generated sites.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use store::{NewSite, PathSpec, Store, StoreError};

/// Every demo panel is supervised on one path: a link test each minute, failed after
/// this long without one.
pub const LINK_INTERVAL_MS: i64 = 120_000;

fn link_path() -> PathSpec {
    PathSpec { line: "*".into(), name: "ip".into(), interval_ms: LINK_INTERVAL_MS, grace_ms: 60_000 }
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
    "Popescu", "Ionescu", "Popa", "Dumitru", "Stan", "Stoica", "Gheorghe", "Rusu", "Munteanu", "Matei",
    "Constantin", "Șerban", "Moldovan", "Lazăr", "Ciobanu", "Florea", "Dinu", "Marin", "Tudor", "Radu",
];
const GIVEN: &[&str] = &["Ana", "Maria", "Elena", "Ioana", "Andrei", "Mihai", "Alexandru", "Cristina", "Dan", "Radu"];
const BUSINESSES: &[&str] = &[
    "Farmacia", "Brutăria", "Cabinet stomatologic", "Bijuterii", "Cafenea", "Birou", "Depozit",
    "Magazin alimentar", "Florărie", "Grădinița", "Atelier auto", "Librăria",
];
const HOME_ZONES: &[&str] = &["Front door", "Hall PIR", "Living room PIR", "Kitchen PIR", "Bedroom PIR", "Smoke detector hall", "Balcony door", "Panic button"];
const SHOP_ZONES: &[&str] = &["Entrance door", "Shop floor PIR", "Back door", "Storeroom PIR", "Safe vibration", "Smoke detector", "Roller shutter", "Hold-up button"];
/// Where the guard crews start their shift.
pub const CREWS: &[(&str, f64, f64)] = &[
    ("Echipaj 1 Nord", 44.4620, 26.0950),
    ("Echipaj 2 Est", 44.4350, 26.1450),
    ("Echipaj 3 Sud", 44.4080, 26.1000),
    ("Echipaj 4 Vest", 44.4330, 26.0400),
];

/// The account number of the `i`th demo site (0-based).
pub fn account_number(i: usize) -> String {
    format!("{}", 2001 + i)
}

/// Creates `sites` sites (the first owned by the demo customer), each with an account, zones
/// and contacts, and the guard crews. Deterministic: the same city every time.
pub async fn seed(store: &Store, sites: usize, customer: Option<i64>) -> Result<(), StoreError> {
    let mut rng = StdRng::seed_from_u64(0x5e_c0_de);
    for i in 0..sites {
        let (street, lat, lon) = STREETS[i % STREETS.len()];
        let surname = *SURNAMES.choose(&mut rng).unwrap_or(&"Popescu");
        let business = rng.gen_bool(0.35);
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
                time_zone: "Europe/Bucharest".into(),
                owner_user_id: if i == 0 { customer } else { None },
            })
            .await?;
        store.create_account(site_id, &account_number(i)).await?;
        store.set_account_paths(&account_number(i), &[link_path()]).await?;
        let zones = if business { SHOP_ZONES } else { HOME_ZONES };
        for (n, zone) in zones.iter().take(rng.gen_range(4..=zones.len())).enumerate() {
            store.create_zone(site_id, n as i64 + 1, zone).await?;
        }
        for position in 1..=rng.gen_range(2..=3) {
            let person = format!("{} {}", GIVEN.choose(&mut rng).unwrap_or(&"Ana"), surname);
            let phone = format!("+40 7{:02} {:03} {:03}", rng.gen_range(20..80), rng.gen_range(0..1000), rng.gen_range(0..1000));
            store.create_contact(site_id, position, &person, &phone).await?;
        }
    }
    for &(name, lat, lon) in CREWS {
        store.create_crew(name, lat, lon, "available").await?;
    }
    Ok(())
}
