//! Distances and motion on the map: great-circle distance, a city driving estimate, the
//! nearest candidates, whether a tracked crew is moving, and grid cells to group incidents.

use serde::{Deserialize, Serialize};

#[cfg(test)]
mod tests;

/// Latitude and longitude in degrees (WGS 84).
pub type LatLon = (f64, f64);

/// Mean Earth radius (IUGG), metres.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;
/// How much longer a city road route is than the straight line.
pub const ROAD_FACTOR: f64 = 1.3;
/// Average city driving speed, km/h.
pub const CITY_SPEED_KMH: f64 = 35.0;
/// Above this speed between the last two fixes a track is moving, km/h.
pub const STANDING_MAX_KMH: f64 = 5.0;
/// A track whose fixes spread further than this from the newest one is moving, metres.
pub const STANDING_RADIUS_M: f64 = 100.0;

/// Great-circle (haversine) distance in metres.
pub fn distance_m(a: LatLon, b: LatLon) -> f64 {
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// Initial bearing from `a` to `b`, degrees clockwise from north in `[0, 360)`.
pub fn bearing_deg(a: LatLon, b: LatLon) -> f64 {
    let (lat1, lat2) = (a.0.to_radians(), b.0.to_radians());
    let dlon = (b.1 - a.1).to_radians();
    let y = dlon.sin() * lat2.cos();
    let x = lat1.cos() * lat2.sin() - lat1.sin() * lat2.cos() * dlon.cos();
    y.atan2(x).to_degrees().rem_euclid(360.0)
}

/// Estimated driving time in seconds over a straight-line distance in a city: the distance
/// times the road factor 1.3 at 35 km/h, rounded up (0 for a non-positive or NaN distance).
pub fn eta_s(distance_m: f64) -> u32 {
    let seconds = distance_m * ROAD_FACTOR * 3.6 / CITY_SPEED_KMH;
    if seconds > 0.0 {
        // The nudge keeps a whole number of seconds whole despite rounding (3 500 m is 468 s,
        // not 468.000…1); `as` saturates at u32::MAX.
        (seconds - 1e-6).ceil() as u32
    } else {
        0
    }
}

/// The candidates with their distance from `from`, nearest first (ties keep their order).
pub fn nearest<T: Copy>(from: LatLon, candidates: impl IntoIterator<Item = (T, LatLon)>) -> Vec<(T, f64)> {
    let mut out: Vec<(T, f64)> = candidates.into_iter().map(|(t, pos)| (t, distance_m(from, pos))).collect();
    out.sort_by(|a, b| a.1.total_cmp(&b.1));
    out
}

/// One position report.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Fix {
    /// When it was taken (Unix ms).
    pub at_ms: i64,
    /// Where.
    pub pos: LatLon,
}

/// Whether a tracked unit is moving.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Motion {
    /// Standing still.
    Standing,
    /// Moving.
    Moving {
        /// Speed between the last two fixes, km/h.
        speed_kmh: f64,
    },
    /// Fewer than two fixes in the window.
    Unknown,
}

/// Motion from the fixes taken within `(now_ms - window_ms, now_ms]` (in any order).
///
/// Fewer than two fixes: [`Motion::Unknown`]. Moving when the speed between the last two
/// fixes is above 5 km/h or any fix lies more than 100 m from the newest; otherwise
/// standing. Two fixes with the same time have speed 0.
pub fn motion(track: &[Fix], now_ms: i64, window_ms: i64) -> Motion {
    let start = now_ms.saturating_sub(window_ms);
    let mut fixes: Vec<&Fix> = track.iter().filter(|f| start < f.at_ms && f.at_ms <= now_ms).collect();
    fixes.sort_by_key(|f| f.at_ms);
    let [.., before, newest] = fixes[..] else {
        return Motion::Unknown;
    };
    let dt_ms = newest.at_ms - before.at_ms;
    let speed_kmh = if dt_ms > 0 { distance_m(before.pos, newest.pos) / (dt_ms as f64 / 1000.0) * 3.6 } else { 0.0 };
    let spread_m = fixes.iter().map(|f| distance_m(f.pos, newest.pos)).fold(0.0, f64::max);
    if speed_kmh > STANDING_MAX_KMH || spread_m > STANDING_RADIUS_M {
        Motion::Moving { speed_kmh }
    } else {
        Motion::Standing
    }
}

/// The name of the grid cell of `cell_deg` degrees holding `pos`: the cell's south-west
/// corner as `"lat:lon"`, e.g. `"44.40:26.10"` for (44.4268, 26.1025) with 0.1°. At least two
/// decimals, more for finer cells. A `cell_deg` that is not positive and finite names the
/// exact position to 6 decimals.
pub fn cell_key(pos: LatLon, cell_deg: f64) -> String {
    let (cell, decimals) = if cell_deg.is_finite() && cell_deg > 0.0 {
        let decimals = (-cell_deg.log10()).ceil().clamp(2.0, 9.0) as usize;
        (cell_deg, decimals)
    } else {
        (1e-6, 6)
    };
    // A small nudge so that a corner given in decimal (44.4 / 0.1 = 443.999…) is its own cell;
    // adding 0.0 turns -0.0 into 0.0.
    let corner = |v: f64| ((v / cell + 1e-9).floor() * cell) + 0.0;
    format!("{:.*}:{:.*}", decimals, corner(pos.0), decimals, corner(pos.1))
}
