//! `/api/v1/osmand`: a crew phone running Traccar Client reports its position (OsmAnd
//! protocol: `id`, `lat`, `lon` or `location=lat,lon`, `timestamp`, as query parameters,
//! GET or POST). The device proves itself with the long random `key` an administrator was
//! shown once when setting its device id (Traccar Client keeps it in its server URL), checked
//! against its stored hash in constant time. An unknown device and a wrong key get the same
//! answer; failures are limited per address; a position older than the crew's last one does
//! not move it, and one that would mean a jump faster than [`MAX_SPEED_KMH`] is refused.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{Query, State};
use axum::http::StatusCode;
use engine::rules::geo::{distance_m, LatLon};
use engine::{Actor, Command};
use subtle::ConstantTimeEq;

use super::error::ApiError;
use super::AppState;
use crate::windows::Windows;

/// No crew drives faster than this; a report that would mean it did is forged or broken.
pub const MAX_SPEED_KMH: f64 = 250.0;
/// A position this much older than the crew's last change still counts as current.
const STALE_TOLERANCE_MS: i64 = 5_000;
/// Failed device checks allowed per client address per 10 minutes.
const FAILURES_PER_ADDRESS: u32 = 20;
/// Reports per client address per minute (phones report every few seconds at most).
const REPORTS_PER_ADDRESS: u32 = 600;

/// What the tracking door remembers: failures and reports per address, and counts of
/// refused positions.
pub struct DeviceGuard {
    failures: Windows<IpAddr>,
    reports: Windows<IpAddr>,
    /// Positions refused as impossible jumps.
    pub jumps_refused: AtomicU64,
    /// Positions older than the crew's last one (not applied).
    pub stale_ignored: AtomicU64,
}

impl Default for DeviceGuard {
    fn default() -> Self {
        DeviceGuard {
            failures: Windows::new(FAILURES_PER_ADDRESS, 10 * 60_000, 100_000),
            reports: Windows::new(REPORTS_PER_ADDRESS, 60_000, 100_000),
            jumps_refused: AtomicU64::new(0),
            stale_ignored: AtomicU64::new(0),
        }
    }
}

/// The one answer for an unknown device and a wrong key.
fn refused() -> ApiError {
    ApiError::Auth(app::ssr::auth::AuthError::Forbidden)
}

#[utoipa::path(post, path = "/api/v1/osmand", params(
    ("id" = String, Query, description = "device id set on the crew"),
    ("key" = String, Query, description = "the device's key, shown once to the administrator who set the device id"),
    ("lat" = Option<f64>, Query, description = "latitude"),
    ("lon" = Option<f64>, Query, description = "longitude"),
    ("location" = Option<String>, Query, description = "lat,lon (instead of lat and lon)"),
    ("timestamp" = Option<i64>, Query, description = "when the position was taken, unix seconds (or ms)"),
), responses(
    (status = 200, description = "position taken (or, when older than the crew's last one, kept out)"),
    (status = 400, description = "missing or bad position", body = super::error::ErrorBody),
    (status = 403, description = "unknown device or wrong key (one answer for both)", body = super::error::ErrorBody),
    (status = 422, description = "the position would mean an impossible jump", body = super::error::ErrorBody),
    (status = 429, description = "too many failures or reports from this address", body = super::error::ErrorBody),
))]
/// A position from a crew's tracking app.
pub async fn osmand(
    State(state): State<AppState>,
    axum_client_ip::ClientIp(client): axum_client_ip::ClientIp,
    Query(q): Query<HashMap<String, String>>,
) -> Result<StatusCode, ApiError> {
    let now = app::ssr::auth::now_ms();
    let guard = &state.devices;
    if !guard.reports.allow(&client, now) {
        return Err(ApiError::TooMany("too many reports from this address".into()));
    }
    let device = q
        .get("id")
        .or_else(|| q.get("deviceid"))
        .filter(|d| !d.is_empty())
        .ok_or_else(|| ApiError::BadRequest("id is required".into()))?;
    let key = q.get("key").map(String::as_str).unwrap_or_default();
    let found = state.ctx.store.crew_by_device(device).await?;
    let stored = found.as_ref().and_then(|(_, hash)| hash.clone()).unwrap_or_else(|| "-".repeat(64));
    let given = app::ssr::auth::token_hash(key);
    let matches = bool::from(given.as_bytes().ct_eq(stored.as_bytes()));
    let crew = match (found, matches && !key.is_empty()) {
        (Some((crew, _)), true) => crew,
        _ => {
            if !guard.failures.allow(&client, now) {
                return Err(ApiError::TooMany("too many failed device checks from this address".into()));
            }
            tracing::warn!(%client, "tracking report refused: unknown device or wrong key");
            return Err(refused());
        }
    };
    let position = osmand_position(&q)?;
    let taken_ms = taken_at_ms(&q, now);
    let crew_id = crew.id;
    // Timestamps come in whole seconds, and a status change also moves `updated_at`.
    if taken_ms + STALE_TOLERANCE_MS < crew.updated_at_ms {
        guard.stale_ignored.fetch_add(1, Ordering::Relaxed);
        tracing::info!(crew = crew_id, "tracking report older than the crew's last position: kept out");
        return Ok(StatusCode::OK);
    }
    let hours = ((taken_ms - crew.updated_at_ms).max(1_000) as f64) / 3_600_000.0;
    let kmh = distance_m((crew.lat, crew.lon), position) / 1000.0 / hours;
    if crew.updated_at_ms > 0 && kmh > MAX_SPEED_KMH {
        guard.jumps_refused.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(crew = crew_id, kmh = kmh.round(), "tracking report refused: impossible jump");
        return Err(ApiError::BadRequest(format!("the position would mean {} km/h", kmh.round())));
    }
    state
        .ctx
        .engine
        .command(Actor::Crew(crew_id), Command::CrewReport { crew_id, status: None, position: Some(position) })
        .await?;
    Ok(StatusCode::OK)
}

/// When the position was taken: the `timestamp` parameter (unix seconds, or milliseconds),
/// else now.
fn taken_at_ms(q: &HashMap<String, String>, now_ms: i64) -> i64 {
    match q.get("timestamp").and_then(|t| t.trim().parse::<i64>().ok()) {
        Some(t) if t > 100_000_000_000 => t,
        Some(t) => t.saturating_mul(1000),
        None => now_ms,
    }
}

/// The position in an OsmAnd request.
pub fn osmand_position(q: &HashMap<String, String>) -> Result<LatLon, ApiError> {
    let num =
        |k: &str, v: &str| v.trim().parse::<f64>().map_err(|_| ApiError::BadRequest(format!("{k} is not a number")));
    let (lat, lon) = match (q.get("lat"), q.get("lon"), q.get("location")) {
        (Some(lat), Some(lon), _) => (num("lat", lat)?, num("lon", lon)?),
        (_, _, Some(loc)) => {
            let (lat, lon) =
                loc.split_once(',').ok_or_else(|| ApiError::BadRequest("location must be lat,lon".into()))?;
            (num("lat", lat)?, num("lon", lon)?)
        }
        _ => return Err(ApiError::BadRequest("lat and lon (or location) are required".into())),
    };
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) || (lat == 0.0 && lon == 0.0) {
        return Err(ApiError::BadRequest("position out of range".into()));
    }
    Ok((lat, lon))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_in_seconds_or_milliseconds() {
        let q = |t: &str| HashMap::from([("timestamp".to_owned(), t.to_owned())]);
        assert_eq!(taken_at_ms(&q("1700000000"), 5), 1_700_000_000_000);
        assert_eq!(taken_at_ms(&q("1700000000123"), 5), 1_700_000_000_123);
        assert_eq!(taken_at_ms(&HashMap::new(), 5), 5);
    }
}
