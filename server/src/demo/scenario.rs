//! The demo's scripted show: 20 s after the start, and then every 45 s, one story plays out
//! at a site of the city, in a cycle of twelve (nine minutes), so that a person watching the
//! dashboard sees every kind of incident within a few minutes without being flooded.
//!
//! Panels speak through real DC-09 frames to the receiver's socket ([`super::link`]); people
//! (customers, the technician on the phone) act through engine commands. Each story is
//! logged (`story`, `site`) so it can be followed in the server's log:
//!
//! | story | what happens |
//! |---|---|
//! | `burglary_cancelled` | burglary; the customer cancels with the safe word 30 s later |
//! | `fire` | SIA fire alarm; a crew is sent when the 120 s cancel window ends |
//! | `panic` | panic from the customer's phone, near the site; a crew goes at once |
//! | `fail_to_close` | a supervised business opens, then closes early today but is not armed: "Fail to close" within two minutes |
//! | `burglary_dispatched` | burglary in two zones, not cancelled; the nearest crew goes after 150 s |
//! | `duress` | closing, then an opening by the duress user: a silent duress alarm |
//! | `vehicle_standing` | a parked vehicle's tracker reports, then its door alarm: a crew goes |
//! | `vehicle_moving` | a vehicle drives along Bulevardul Unirii, then an alarm: the police get its track |
//! | `test_mode` | a technician puts a site on test for 2 minutes; its alarm is recorded as a test; the test ends by itself |
//! | `ac_loss` | mains power lost (a trouble), restored 90 s later |
//! | `storm` | twelve burglaries at once in one part of the city: one storm group |
//! | `life_sign` | the vehicle that must report every 5 minutes went silent after its first report: "No life sign" |

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use app::ssr::engine::EngineHandle;
use chrono::{NaiveTime, Timelike};
use engine::rules::geo::{cell_key, LatLon};
use engine::rules::schedule::{OpenHours, TempChange};
use engine::{Actor, Command, SiteKind, SiteSettings, StormRule, TestScope};
use store::Store;
use tokio::sync::watch;

use super::city::{self, VEHICLES};
use super::link::{position_xdata, Held, Link};
use super::DemoError;

/// When the first story starts, after the demo starts.
pub const FIRST_STORY: Duration = Duration::from_secs(20);
/// Time between two stories.
pub const STORY_GAP: Duration = Duration::from_secs(45);
/// Burglaries in a storm.
pub const STORM_SIZE: usize = 12;

/// One scripted story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Story {
    /// A burglary the customer cancels with the safe word.
    BurglaryCancelled,
    /// A fire alarm.
    Fire,
    /// Panic from the customer's phone.
    Panic,
    /// A supervised business is not armed at its (changed) closing time.
    FailToClose,
    /// A burglary nobody cancels: a crew is dispatched.
    BurglaryDispatched,
    /// An opening with the duress code.
    Duress,
    /// A parked vehicle's alarm.
    VehicleStanding,
    /// A moving vehicle's alarm.
    VehicleMoving,
    /// An alarm from a site on test.
    TestMode,
    /// Mains power lost and restored.
    AcLoss,
    /// Many burglaries at once in one area.
    Storm,
    /// A vehicle that stopped reporting.
    LifeSign,
}

/// The stories in the order they play; the cycle repeats.
pub const STORIES: [Story; 12] = [
    Story::BurglaryCancelled,
    Story::Fire,
    Story::Panic,
    Story::FailToClose,
    Story::BurglaryDispatched,
    Story::Duress,
    Story::VehicleStanding,
    Story::VehicleMoving,
    Story::TestMode,
    Story::AcLoss,
    Story::Storm,
    Story::LifeSign,
];

impl Story {
    /// The name in the log.
    pub fn name(self) -> &'static str {
        match self {
            Story::BurglaryCancelled => "burglary_cancelled",
            Story::Fire => "fire",
            Story::Panic => "panic",
            Story::FailToClose => "fail_to_close",
            Story::BurglaryDispatched => "burglary_dispatched",
            Story::Duress => "duress",
            Story::VehicleStanding => "vehicle_standing",
            Story::VehicleMoving => "vehicle_moving",
            Story::TestMode => "test_mode",
            Story::AcLoss => "ac_loss",
            Story::Storm => "storm",
            Story::LifeSign => "life_sign",
        }
    }
}

/// When the `n`th story (0-based, counting over cycles) starts, after the demo starts.
pub fn story_start(n: usize) -> Duration {
    FIRST_STORY + STORY_GAP * n as u32
}

/// A site the show can use.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// Site id.
    pub site_id: i64,
    /// Its panel account.
    pub account: String,
    /// Its name.
    pub name: String,
    /// Where it is.
    pub pos: LatLon,
    /// Its owner (a customer user).
    pub owner: Option<i64>,
    /// Its time zone.
    pub tz: chrono_tz::Tz,
}

/// The sites and people the show plays with, from the store.
#[derive(Debug, Clone, Default)]
pub struct Cast {
    /// Sites of customers with the app (the demo customer's home), kept for their stories.
    own: Vec<Place>,
    /// Homes and shops with no special settings and no app user.
    plain: Vec<Place>,
    /// Sites with a duress user.
    duress: Vec<Place>,
    /// Businesses under open/close supervision.
    scheduled: Vec<Place>,
    /// The vehicles by account.
    vehicles: HashMap<String, Place>,
    /// The demo customer.
    customer: Option<i64>,
    /// The demo operator (takes the technician's call for test mode).
    operator: Option<i64>,
}

impl Cast {
    /// Reads the city: sites with their account and settings, the demo users.
    pub async fn load(store: &Store) -> Result<Cast, DemoError> {
        let accounts: HashMap<i64, String> =
            store.list_accounts().await?.into_iter().map(|a| (a.site_id, a.number)).collect();
        let settings: HashMap<i64, SiteSettings> = store
            .site_settings_all()
            .await?
            .into_iter()
            .filter_map(|(id, json)| serde_json::from_str(&json).ok().map(|s| (id, s)))
            .collect();
        let mut cast = Cast {
            customer: store.user_by_username("customer").await?.map(|u| u.id),
            operator: store.user_by_username("operator").await?.map(|u| u.id),
            ..Cast::default()
        };
        for site in store.list_sites().await? {
            let Some(account) = accounts.get(&site.id) else { continue };
            let place = Place {
                site_id: site.id,
                account: account.clone(),
                name: site.name,
                pos: (site.lat, site.lon),
                owner: site.owner_user_id,
                tz: site.time_zone.parse().unwrap_or(chrono_tz::Europe::Bucharest),
            };
            let s = settings.get(&site.id).cloned().unwrap_or_default();
            if s.kind == SiteKind::Vehicle {
                cast.vehicles.insert(account.to_ascii_uppercase(), place);
            } else if s.duress_user.is_some() {
                cast.duress.push(place);
            } else if s.schedule.is_some() {
                cast.scheduled.push(place);
            } else if place.owner.is_some() {
                cast.own.push(place);
            } else {
                cast.plain.push(place);
            }
        }
        Ok(cast)
    }

    fn vehicle(&self, n: usize) -> Option<&Place> {
        VEHICLES.get(n).and_then(|v| self.vehicles.get(v.account))
    }

    /// Who acts for a site's customer: its owner, else the demo customer.
    fn customer_of(&self, place: &Place) -> Option<Actor> {
        place.owner.or(self.customer).map(Actor::Customer)
    }
}

/// What the stories share.
struct Stage {
    cast: Cast,
    receiver: SocketAddr,
    engine: EngineHandle,
    held: Held,
}

/// Runs the show until shutdown.
pub async fn run(
    cast: Cast,
    receiver: SocketAddr,
    engine: EngineHandle,
    held: Held,
    mut shutdown: watch::Receiver<bool>,
) {
    tracing::info!(
        own = cast.own.len(),
        plain = cast.plain.len(),
        duress = cast.duress.len(),
        scheduled = cast.scheduled.len(),
        vehicles = cast.vehicles.len(),
        "demo show: first story in {} s, then one every {} s",
        FIRST_STORY.as_secs(),
        STORY_GAP.as_secs()
    );
    let stage = Arc::new(Stage { cast, receiver, engine, held });
    // The silent vehicle reports once when the demo starts; its life sign is then missed.
    life_sign(&stage, true).await;
    let start = tokio::time::Instant::now();
    let mut cursors = Cursors::default();
    for n in 0.. {
        tokio::select! {
            _ = tokio::time::sleep_until(start + story_start(n)) => {}
            _ = shutdown.changed() => return,
        }
        let story = STORIES[n % STORIES.len()];
        let cycle = n / STORIES.len();
        let stage = stage.clone();
        let busy = busy_sites(&stage).await;
        let Some(play) = cast_story(&stage, story, cycle, &busy, &mut cursors) else {
            tracing::info!(story = story.name(), "demo story skipped: no free site for it");
            continue;
        };
        let mut stop = shutdown.clone();
        tokio::spawn(async move {
            tokio::select! {
                _ = play.run(&stage) => {}
                _ = stop.changed() => {}
            }
        });
    }
}

/// Sites with an open incident or on test: stories pick other ones.
async fn busy_sites(stage: &Stage) -> HashSet<i64> {
    let cast = &stage.cast;
    let ids: Vec<i64> =
        cast.own.iter().chain(&cast.plain).chain(&cast.duress).chain(&cast.scheduled).map(|p| p.site_id).collect();
    stage
        .engine
        .read(move |e, now| {
            let mut busy: HashSet<i64> = e.open_incidents().iter().map(|i| i.site_id).collect();
            busy.extend(ids.into_iter().filter(|id| e.site(*id).is_some_and(|s| s.state.test_at(now).is_some())));
            busy
        })
        .await
        .unwrap_or_default()
}

/// Where each list of sites was last picked, so stories move around the city.
#[derive(Debug, Default)]
struct Cursors {
    plain: usize,
    duress: usize,
    scheduled: usize,
    storm: usize,
}

/// The next site of `list` from `cursor` on that is not busy.
fn pick(list: &[Place], cursor: &mut usize, busy: &HashSet<i64>) -> Option<Place> {
    (0..list.len()).find_map(|k| {
        let i = (*cursor + k) % list.len();
        let place = &list[i];
        (!busy.contains(&place.site_id)).then(|| {
            *cursor = i + 1;
            place.clone()
        })
    })
}

/// The sites of the grid cell (as storms are grouped) with the most sites, in list order.
pub fn largest_cell(places: &[Place], cell_deg: f64) -> Vec<Place> {
    let mut cells: HashMap<String, Vec<Place>> = HashMap::new();
    for p in places {
        cells.entry(cell_key(p.pos, cell_deg)).or_default().push(p.clone());
    }
    let mut cells: Vec<(String, Vec<Place>)> = cells.into_iter().collect();
    cells.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    cells.into_iter().next().map(|(_, v)| v).unwrap_or_default()
}

/// A story with its sites chosen.
enum Play {
    BurglaryCancelled(Place, Actor),
    Fire(Place),
    Panic(Place, Actor),
    FailToClose(Place, Actor),
    BurglaryDispatched(Place),
    Duress(Place),
    VehicleStanding(Place, LatLon),
    VehicleMoving(Place, Vec<LatLon>),
    TestMode(Place, Actor),
    AcLoss(Place),
    Storm(Vec<Place>),
    LifeSign,
}

/// Parking spots for the standing vehicle, taken in turn.
const PARKING: &[(&str, LatLon)] = &[
    ("Piața Romană", (44.44672, 26.09770)),
    ("Piața Universității", (44.43550, 26.10230)),
    ("Piața Victoriei", (44.45240, 26.08610)),
];

/// The moving vehicle drives along Bulevardul Unirii (west to east, then back).
const ROUTE: (LatLon, LatLon) = ((44.42660, 26.09900), (44.42700, 26.10950));
/// Positions it reports before its alarm, one every [`FIX_EVERY`].
const ROUTE_FIXES: usize = 7;
const FIX_EVERY: Duration = Duration::from_secs(10);

/// Chooses the sites for a story; `None` when none is free.
fn cast_story(stage: &Stage, story: Story, cycle: usize, busy: &HashSet<i64>, c: &mut Cursors) -> Option<Play> {
    let cast = &stage.cast;
    // The customer's own site when it is free, else the next free home or shop.
    let own_or_plain = |c: &mut Cursors| {
        cast.own.iter().find(|p| !busy.contains(&p.site_id)).cloned().or_else(|| pick(&cast.plain, &mut c.plain, busy))
    };
    Some(match story {
        Story::BurglaryCancelled => {
            let place = own_or_plain(c)?;
            let actor = cast.customer_of(&place)?;
            Play::BurglaryCancelled(place, actor)
        }
        Story::Fire => Play::Fire(pick(&cast.plain, &mut c.plain, busy)?),
        Story::Panic => {
            let place = own_or_plain(c)?;
            let actor = cast.customer_of(&place)?;
            Play::Panic(place, actor)
        }
        Story::FailToClose => {
            let place = pick(&cast.scheduled, &mut c.scheduled, busy)?;
            let actor = cast.customer_of(&place)?;
            Play::FailToClose(place, actor)
        }
        Story::BurglaryDispatched => Play::BurglaryDispatched(pick(&cast.plain, &mut c.plain, busy)?),
        Story::Duress => Play::Duress(pick(&cast.duress, &mut c.duress, busy)?),
        Story::VehicleStanding => {
            let (_, spot) = PARKING[cycle % PARKING.len()];
            Play::VehicleStanding(cast.vehicle(0)?.clone(), spot)
        }
        Story::VehicleMoving => {
            let (from, to) = if cycle.is_multiple_of(2) { ROUTE } else { (ROUTE.1, ROUTE.0) };
            Play::VehicleMoving(cast.vehicle(1)?.clone(), track(from, to, ROUTE_FIXES))
        }
        Story::TestMode => {
            let place = pick(&cast.plain, &mut c.plain, busy)?;
            Play::TestMode(place, cast.operator.map(Actor::Operator)?)
        }
        Story::AcLoss => Play::AcLoss(pick(&cast.plain, &mut c.plain, busy)?),
        Story::Storm => {
            let area = largest_cell(&cast.plain, StormRule::default().cell_deg);
            let mut sites = Vec::new();
            while sites.len() < STORM_SIZE.min(area.len()) {
                let Some(p) = pick(&area, &mut c.storm, busy) else { break };
                if sites.iter().any(|s: &Place| s.site_id == p.site_id) {
                    break;
                }
                sites.push(p);
            }
            if sites.len() < StormRule::default().threshold {
                return None;
            }
            Play::Storm(sites)
        }
        Story::LifeSign => Play::LifeSign,
    })
}

impl Play {
    async fn run(self, stage: &Stage) {
        match self {
            Play::BurglaryCancelled(place, actor) => {
                log("burglary_cancelled", &place, "burglary; the customer will cancel with the safe word in 30 s");
                let mut link = link(stage, &place);
                cid(&mut link, 1, 130, 1, 1).await;
                tokio::time::sleep(Duration::from_secs(30)).await;
                let reply =
                    stage.engine.command(actor, Command::Cancel { site_id: place.site_id, password_ok: true }).await;
                tracing::info!(story = "burglary_cancelled", site = %place.name, result = ?reply, "customer cancelled with the safe word");
            }
            Play::Fire(place) => {
                log("fire", &place, "fire alarm (SIA FA); a crew goes when the 120 s cancel window ends");
                let mut link = link(stage, &place);
                if let Err(e) = link.sia("ri1/FA6").await {
                    tracing::warn!(account = link.account(), error = %e, "demo frame not delivered");
                }
            }
            Play::Panic(place, actor) => {
                log("panic", &place, "panic button in the customer's app");
                let position = Some(offset(place.pos, 25.0, 40.0));
                let reply = stage.engine.command(actor, Command::Panic { site_id: place.site_id, position }).await;
                tracing::info!(story = "panic", site = %place.name, result = ?reply, "panic sent from the phone");
            }
            Play::FailToClose(place, actor) => fail_to_close(stage, place, actor).await,
            Play::BurglaryDispatched(place) => {
                log("burglary_dispatched", &place, "burglary in two zones, nobody cancels: a crew goes after 150 s");
                let mut link = link(stage, &place);
                cid(&mut link, 1, 130, 1, 1).await;
                tokio::time::sleep(Duration::from_secs(8)).await;
                cid(&mut link, 1, 130, 1, 2).await;
            }
            Play::Duress(place) => {
                log("duress", &place, "closing, then an opening with the duress code (user 9)");
                let mut link = link(stage, &place);
                cid(&mut link, 3, 401, 1, 9).await;
                tokio::time::sleep(Duration::from_secs(20)).await;
                cid(&mut link, 1, 401, 1, 9).await;
            }
            Play::VehicleStanding(place, spot) => {
                log("vehicle_standing", &place, "parked; tracker reports, then the door alarm");
                let mut link = link(stage, &place);
                for k in 0..2 {
                    tracker(&mut link, offset(spot, 3.0 * k as f64, 90.0), 1, 602, 0).await;
                    tokio::time::sleep(FIX_EVERY).await;
                }
                tracker(&mut link, offset(spot, 4.0, 90.0), 1, 130, 1).await;
            }
            Play::VehicleMoving(place, track) => {
                log(
                    "vehicle_moving",
                    &place,
                    "driving along Bulevardul Unirii, then an alarm: the police get the track",
                );
                let mut link = link(stage, &place);
                for pos in &track {
                    tracker(&mut link, *pos, 1, 602, 0).await;
                    tokio::time::sleep(FIX_EVERY).await;
                }
                let last = track.last().copied().unwrap_or(place.pos);
                let next =
                    track.iter().rev().nth(1).map_or(last, |before| (2.0 * last.0 - before.0, 2.0 * last.1 - before.1));
                tracker(&mut link, next, 1, 130, 2).await;
            }
            Play::TestMode(place, actor) => {
                log("test_mode", &place, "technician puts the site on test for 2 minutes, then trips a detector");
                let until_ms = stage.engine.clock().now_ms() + 2 * 60_000;
                let command = Command::StartTest { site_id: place.site_id, until_ms, scope: TestScope::default() };
                if let Err(e) = stage.engine.command(actor, command).await {
                    tracing::warn!(story = "test_mode", site = %place.name, error = %e, "test mode refused");
                    return;
                }
                tokio::time::sleep(Duration::from_secs(20)).await;
                let mut link = link(stage, &place);
                cid(&mut link, 1, 130, 1, 2).await;
                tokio::time::sleep(Duration::from_secs(5)).await;
                cid(&mut link, 3, 130, 1, 2).await;
            }
            Play::AcLoss(place) => {
                log("ac_loss", &place, "mains power lost; back in 90 s");
                let mut link = link(stage, &place);
                cid(&mut link, 1, 301, 0, 0).await;
                tokio::time::sleep(Duration::from_secs(90)).await;
                cid(&mut link, 3, 301, 0, 0).await;
            }
            Play::Storm(sites) => {
                let area = sites.first().map(|p| cell_key(p.pos, StormRule::default().cell_deg)).unwrap_or_default();
                tracing::info!(story = "storm", area = %area, sites = sites.len(), "storm: burglaries at once in one area");
                let sends = sites.into_iter().enumerate().map(|(k, place)| {
                    let mut link = link(stage, &place);
                    async move {
                        tokio::time::sleep(Duration::from_millis(150 * k as u64)).await;
                        tracing::info!(story = "storm", site = %place.name, "burglary");
                        cid(&mut link, 1, 130, 1, 1 + (k % 3) as u16).await;
                    }
                });
                futures::future::join_all(sends).await;
            }
            Play::LifeSign => life_sign(stage, false).await,
        }
    }
}

fn log(story: &'static str, place: &Place, what: &str) {
    tracing::info!(story, site = %place.name, account = %place.account, "{what}");
}

fn link(stage: &Stage, place: &Place) -> Link {
    Link::new(&place.account, stage.receiver, rand::random::<u16>() % 9000 + 500)
}

/// Sends a Contact ID event; a failure is logged (the receiver may be shutting down).
async fn cid(link: &mut Link, qualifier: u8, code: u16, group: u8, zone: u16) {
    if let Err(e) = link.cid(qualifier, code, group, zone, Vec::new()).await {
        tracing::warn!(account = link.account(), error = %e, "demo frame not delivered");
    }
}

/// Sends a tracker's Contact ID event with its position.
async fn tracker(link: &mut Link, pos: LatLon, qualifier: u8, code: u16, zone: u16) {
    let group = u8::from(zone != 0);
    if let Err(e) = link.cid(qualifier, code, group, zone, position_xdata(pos)).await {
        tracing::warn!(account = link.account(), error = %e, "demo frame not delivered");
    }
}

/// The supervised business opens, then tells the alarm company it closes early today, and
/// nobody arms it: "Fail to close" once the closing time plus the tolerance has passed.
async fn fail_to_close(stage: &Stage, place: Place, actor: Actor) {
    // Its background panel neither arms nor disarms until the incident is raised.
    stage.held.hold(&place.account);
    let _release = Release(&stage.held, &place.account);
    let mut link = link(stage, &place);
    cid(&mut link, 1, 401, 1, 2).await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let now = chrono::DateTime::from_timestamp_millis(stage.engine.clock().now_ms())
        .unwrap_or_default()
        .with_timezone(&place.tz);
    let tolerance = city::business_hours().tolerance_min;
    let Some(hours) = early_close(now.time(), tolerance) else {
        tracing::info!(story = "fail_to_close", site = %place.name, "too close to midnight to change today's hours; skipped");
        return;
    };
    let change = TempChange { date: now.date_naive(), hours: Some(hours) };
    match stage.engine.command(actor, Command::ScheduleChange { site_id: place.site_id, change }).await {
        Ok(_) => tracing::info!(
            story = "fail_to_close",
            site = %place.name,
            account = %place.account,
            "opened; today's closing changed to {} and nobody arms it: fail to close at {}",
            hours.close.format("%H:%M"),
            (hours.close + chrono::Duration::minutes(i64::from(tolerance))).format("%H:%M")
        ),
        Err(e) => {
            tracing::warn!(story = "fail_to_close", site = %place.name, error = %e, "schedule change refused");
            return;
        }
    }
    tokio::time::sleep(Duration::from_secs(150)).await;
}

/// Releases a held account when dropped (also when the show stops mid-story).
struct Release<'a>(&'a Held, &'a str);

impl Drop for Release<'_> {
    fn drop(&mut self) {
        self.0.release(self.1);
    }
}

/// Today's hours for the fail-to-close story: closing a few minutes ago, so that closing
/// plus `tolerance_min` falls within the next two minutes; opening an hour before (or at
/// midnight). `None` just after midnight, when that is not the same day.
pub fn early_close(now: NaiveTime, tolerance_min: u32) -> Option<OpenHours> {
    let minute = NaiveTime::from_hms_opt(now.hour(), now.minute(), 0)?;
    let back = chrono::Duration::minutes(i64::from(tolerance_min) - 2);
    let (close, wrapped) = minute.overflowing_sub_signed(back);
    if wrapped != 0 || close == NaiveTime::MIN {
        return None;
    }
    let (open, wrapped) = close.overflowing_sub_signed(chrono::Duration::hours(1));
    let open = if wrapped != 0 { NaiveTime::MIN } else { open };
    Some(OpenHours { open, close })
}

/// The silent vehicle: it reports once (at the start, or again after its "No life sign"
/// incident was closed) and then says nothing.
async fn life_sign(stage: &Stage, at_start: bool) {
    let Some(place) = stage.cast.vehicle(2).cloned() else { return };
    let site_id = place.site_id;
    let state = stage
        .engine
        .read(move |e, _| {
            let open = e.open_incidents().iter().any(|i| i.site_id == site_id);
            e.site(site_id).map(|s| (s.state.last_contact_ms, s.state.life_sign_raised, open))
        })
        .await
        .ok()
        .flatten();
    let Some((last_contact, raised, open)) = state else { return };
    let report = last_contact.is_none() || (raised && !open);
    if !report {
        if !at_start {
            tracing::info!(story = "life_sign", site = %place.name, "tracker still silent (must report every 5 min)");
        }
        return;
    }
    log("life_sign", &place, "tracker reports once, then goes silent: no life sign in 5 minutes");
    let mut link = link(stage, &place);
    tracker(&mut link, place.pos, 1, 602, 0).await;
}

/// `n` evenly spaced positions from `from` to `to`, both included.
pub fn track(from: LatLon, to: LatLon, n: usize) -> Vec<LatLon> {
    match n {
        0 => Vec::new(),
        1 => vec![from],
        _ => (0..n)
            .map(|k| {
                let f = k as f64 / (n - 1) as f64;
                (from.0 + (to.0 - from.0) * f, from.1 + (to.1 - from.1) * f)
            })
            .collect(),
    }
}

/// The position `metres` away from `pos` toward `bearing_deg` (0 north, 90 east).
pub fn offset(pos: LatLon, metres: f64, bearing_deg: f64) -> LatLon {
    let b = bearing_deg.to_radians();
    let dlat = metres * b.cos() / 111_320.0;
    let dlon = metres * b.sin() / (111_320.0 * pos.0.to_radians().cos());
    (pos.0 + dlat, pos.1 + dlon)
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::rules::geo::distance_m;

    fn place(id: i64, pos: LatLon) -> Place {
        Place {
            site_id: id,
            account: format!("{}", 2000 + id),
            name: format!("site {id}"),
            pos,
            owner: None,
            tz: chrono_tz::Europe::Bucharest,
        }
    }

    #[test]
    fn every_story_plays_once_a_cycle_of_nine_minutes() {
        let names: HashSet<&str> = STORIES.iter().map(|s| s.name()).collect();
        assert_eq!(names.len(), STORIES.len());
        assert_eq!(story_start(0), Duration::from_secs(20));
        assert_eq!(story_start(STORIES.len()) - story_start(0), Duration::from_secs(9 * 60));
        // The stories that take the engine longest come early in the cycle.
        let at = |s: Story| STORIES.iter().position(|x| *x == s).unwrap();
        assert!(at(Story::FailToClose) < 4 && at(Story::BurglaryCancelled) == 0);
    }

    #[test]
    fn the_moving_track_drives_at_city_speed() {
        let t = track(ROUTE.0, ROUTE.1, ROUTE_FIXES);
        assert_eq!(t.len(), ROUTE_FIXES);
        assert_eq!((t[0], t[ROUTE_FIXES - 1]), ROUTE);
        for w in t.windows(2) {
            let kmh = distance_m(w[0], w[1]) / FIX_EVERY.as_secs_f64() * 3.6;
            assert!((20.0..70.0).contains(&kmh), "{kmh} km/h");
        }
        assert!(track(ROUTE.0, ROUTE.1, 0).is_empty());
        assert_eq!(track(ROUTE.0, ROUTE.1, 1), vec![ROUTE.0]);
    }

    #[test]
    fn offsets_are_metres_away() {
        let p = (44.4268, 26.1025);
        for bearing in [0.0, 90.0, 180.0, 270.0, 40.0] {
            let d = distance_m(p, offset(p, 25.0, bearing));
            assert!((d - 25.0).abs() < 0.5, "{d} m at {bearing}");
        }
    }

    #[test]
    fn the_early_closing_is_due_within_two_minutes() {
        let t = |h, m, s| NaiveTime::from_hms_opt(h, m, s).unwrap();
        let hours = early_close(t(14, 7, 30), 5).unwrap();
        assert_eq!(hours, OpenHours { open: t(13, 4, 0), close: t(14, 4, 0) });
        // Deadline 14:09:00, between 1 and 2 minutes ahead of 14:07:30.
        let hours = early_close(t(0, 30, 0), 5).unwrap();
        assert_eq!(hours, OpenHours { open: t(0, 0, 0), close: t(0, 27, 0) });
        assert_eq!(early_close(t(0, 2, 59), 5), None);
        assert_eq!(early_close(t(0, 3, 0), 5), None);
        assert!(early_close(t(0, 4, 0), 5).is_some());
    }

    #[test]
    fn picks_go_round_and_skip_busy_sites() {
        let list: Vec<Place> = (1..=4).map(|i| place(i, (44.43, 26.1))).collect();
        let mut cursor = 0;
        let busy: HashSet<i64> = [2].into();
        let got: Vec<i64> = (0..4).filter_map(|_| pick(&list, &mut cursor, &busy)).map(|p| p.site_id).collect();
        assert_eq!(got, vec![1, 3, 4, 1]);
        let all: HashSet<i64> = (1..=4).collect();
        assert_eq!(pick(&list, &mut cursor, &all), None);
    }

    #[test]
    fn the_storm_area_is_the_cell_with_most_sites() {
        let mut list = vec![place(1, (44.41, 26.01)), place(2, (44.41, 26.02))];
        list.extend((3..=6).map(|i| place(i, (44.43 + 0.001 * i as f64, 26.11))));
        let area = largest_cell(&list, 0.05);
        assert_eq!(area.iter().map(|p| p.site_id).collect::<Vec<_>>(), vec![3, 4, 5, 6]);
        assert!(largest_cell(&[], 0.05).is_empty());
    }
}
