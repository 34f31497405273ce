//! Simulated guards: a crew the engine dispatches reports that it is on its way, drives to
//! the incident (about 150 m every 2 s), and reports on site within 50 m. The incident stays
//! open for the operator to close, which frees the crew. A crew nobody frees waits on site
//! for [`WAIT_ON_SITE`], then drives back to its base and reports available, so an
//! unattended demo keeps having crews to send. A crew whose guard is signed in on the crew
//! page is driven by that person, not simulated.

use std::collections::HashMap;
use std::time::Duration;

use app::ssr::engine::EngineHandle;
use engine::rules::geo::{distance_m, LatLon};
use engine::{Actor, Command, Crew, CrewStatus};
use tokio::sync::watch;
use tokio::time::Instant;

use super::city::CREWS;

/// How often the guards move and report.
const TICK: Duration = Duration::from_secs(2);
/// How far a crew drives in one tick, metres.
const STEP_M: f64 = 150.0;
/// Closer than this to the target a crew has arrived, metres.
const ARRIVED_M: f64 = 50.0;
/// How long a crew waits on site for the operator before it drives back.
pub const WAIT_ON_SITE: Duration = Duration::from_secs(3 * 60);

/// Runs the guards until shutdown.
pub async fn run(engine: EngineHandle, store: store::Store, shutdown: watch::Receiver<bool>) {
    let mut on_site_since: HashMap<i64, Instant> = HashMap::new();
    let mut ticks = crate::ticks::Ticks::new(TICK, shutdown);
    while ticks.next().await {
        let Ok(crews) = engine
            .read(|e, _| {
                e.crews()
                    .map(|c| {
                        let target = c
                            .incident
                            .and_then(|id| e.incident(id))
                            .and_then(|i| i.position.or_else(|| e.site(i.site_id).map(|s| s.position())));
                        (c.clone(), target)
                    })
                    .collect::<Vec<_>>()
            })
            .await
        else {
            return;
        };
        let manned = manned_crews(&store, engine.clock().now_ms()).await;
        for (crew, target) in crews.into_iter().filter(|(c, _)| !manned.contains(&c.id)) {
            let Some(report) = next_report(&crew, target, &mut on_site_since, Instant::now()) else { continue };
            if let Some(status) = report.status {
                tracing::info!(crew = %crew.name, status = status.as_str(), incident = ?crew.incident, "demo crew");
            }
            let command = Command::CrewReport { crew_id: crew.id, status: report.status, position: report.position };
            if let Err(e) = engine.command(Actor::Crew(crew.id), command).await {
                tracing::warn!(crew = crew.id, error = %e, "demo crew report refused");
            }
        }
    }
}

/// Crews whose guard is signed in (a person drives them).
async fn manned_crews(store: &store::Store, now_ms: i64) -> Vec<i64> {
    let (Ok(crews), Ok(users)) = (store.list_crews().await, store.signed_in_users(now_ms).await) else {
        return Vec::new();
    };
    crews.into_iter().filter(|c| c.user_id.is_some_and(|u| users.iter().any(|s| s.id == u))).map(|c| c.id).collect()
}

/// What a crew reports in one tick.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Report {
    status: Option<CrewStatus>,
    position: Option<LatLon>,
}

/// The crew's next report, from its status, where its incident is (`None`: no open incident)
/// and how long it has been on site.
fn next_report(
    crew: &Crew,
    target: Option<LatLon>,
    on_site_since: &mut HashMap<i64, Instant>,
    now: Instant,
) -> Option<Report> {
    let report = |status, position| Some(Report { status, position });
    if crew.status != CrewStatus::OnSite {
        on_site_since.remove(&crew.id);
    }
    match (crew.status, target) {
        (CrewStatus::Dispatched, Some(_)) => report(Some(CrewStatus::EnRoute), Some(crew.position)),
        (CrewStatus::EnRoute, Some(to)) => match step_toward(crew.position, to, STEP_M) {
            (pos, true) => report(Some(CrewStatus::OnSite), Some(pos)),
            (pos, false) => report(None, Some(pos)),
        },
        (CrewStatus::OnSite, Some(_)) => {
            let since = *on_site_since.entry(crew.id).or_insert(now);
            if now.duration_since(since) >= WAIT_ON_SITE {
                on_site_since.remove(&crew.id);
                report(Some(CrewStatus::Returning), None)
            } else {
                None
            }
        }
        // Sent, but the incident is gone (closed while the crew was not yet freed).
        (CrewStatus::Dispatched | CrewStatus::EnRoute | CrewStatus::OnSite, None) => {
            report(Some(CrewStatus::Returning), None)
        }
        (CrewStatus::Returning, _) => match step_toward(crew.position, base_of(crew), STEP_M) {
            (pos, true) => report(Some(CrewStatus::Available), Some(pos)),
            (pos, false) => report(None, Some(pos)),
        },
        (CrewStatus::Available | CrewStatus::Off, _) => None,
    }
}

/// Where a crew starts its shift (its current position if it is not a demo crew).
fn base_of(crew: &Crew) -> LatLon {
    CREWS.iter().find(|(name, ..)| *name == crew.name).map_or(crew.position, |&(_, lat, lon)| (lat, lon))
}

/// One step of at most `step_m` metres from `from` straight toward `to`; `true` once within
/// [`ARRIVED_M`] of it (the position is then `to`).
pub fn step_toward(from: LatLon, to: LatLon, step_m: f64) -> (LatLon, bool) {
    let d = distance_m(from, to);
    if d <= step_m + ARRIVED_M || !d.is_finite() {
        return (to, true);
    }
    let f = step_m / d;
    ((from.0 + (to.0 - from.0) * f, from.1 + (to.1 - from.1) * f), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crew(status: CrewStatus, position: LatLon) -> Crew {
        Crew {
            id: 1,
            name: "Echipaj 1 Nord".into(),
            position,
            heading: None,
            status,
            on_shift: true,
            incident: Some(7),
            updated_at_ms: 0,
        }
    }

    #[test]
    fn a_step_covers_150_m_until_the_crew_arrives() {
        let (from, to) = ((44.4620, 26.0950), (44.4313, 26.1010));
        let total = distance_m(from, to);
        let (pos, arrived) = step_toward(from, to, STEP_M);
        assert!(!arrived);
        assert!((distance_m(from, pos) - STEP_M).abs() < 2.0);
        assert!((distance_m(pos, to) - (total - STEP_M)).abs() < 2.0);
        let mut pos = from;
        let mut steps = 0;
        loop {
            steps += 1;
            let (next, arrived) = step_toward(pos, to, STEP_M);
            pos = next;
            if arrived {
                break;
            }
        }
        assert_eq!(pos, to);
        assert!((steps as f64 - total / STEP_M).abs() <= 1.0, "{steps} steps for {total} m");
    }

    #[test]
    fn a_crew_goes_en_route_drives_arrives_waits_and_returns() {
        let site = (44.4313, 26.1010);
        let mut since = HashMap::new();
        let t0 = Instant::now();
        let r = next_report(&crew(CrewStatus::Dispatched, (44.4620, 26.0950)), Some(site), &mut since, t0).unwrap();
        assert_eq!(r.status, Some(CrewStatus::EnRoute));
        let r = next_report(&crew(CrewStatus::EnRoute, (44.4620, 26.0950)), Some(site), &mut since, t0).unwrap();
        assert_eq!(r.status, None);
        let r = next_report(&crew(CrewStatus::EnRoute, (44.4314, 26.1010)), Some(site), &mut since, t0).unwrap();
        assert_eq!(r, Report { status: Some(CrewStatus::OnSite), position: Some(site) });
        assert_eq!(next_report(&crew(CrewStatus::OnSite, site), Some(site), &mut since, t0), None);
        let later = t0 + WAIT_ON_SITE;
        let r = next_report(&crew(CrewStatus::OnSite, site), Some(site), &mut since, later).unwrap();
        assert_eq!(r.status, Some(CrewStatus::Returning));
        let r = next_report(&crew(CrewStatus::Returning, (44.4621, 26.0950)), None, &mut since, later).unwrap();
        assert_eq!(r, Report { status: Some(CrewStatus::Available), position: Some((44.4620, 26.0950)) });
        assert_eq!(next_report(&crew(CrewStatus::Available, site), None, &mut since, later), None);
    }
}
