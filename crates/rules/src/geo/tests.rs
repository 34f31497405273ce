use super::*;

const UNIRII: LatLon = (44.4268, 26.1025);
const VICTORIEI: LatLon = (44.4522, 26.0862);
const UNIVERSITATE: LatLon = (44.4355, 26.1025);
const GARA_DE_NORD: LatLon = (44.4467, 26.0756);
const OTOPENI: LatLon = (44.5711, 26.0850);

fn near(actual: f64, expected: f64, tolerance: f64) {
    assert!((actual - expected).abs() <= tolerance, "{actual} is not {expected} ± {tolerance}");
}

#[test]
fn known_distances() {
    // Piața Unirii to Piața Victoriei: about 3.1 km.
    near(distance_m(UNIRII, VICTORIEI), 3_107.0, 5.0);
    near(distance_m(VICTORIEI, UNIRII), distance_m(UNIRII, VICTORIEI), 1e-6);
    // Unirii to Universitate, due north: 0.0087° of latitude.
    near(distance_m(UNIRII, UNIVERSITATE), 967.4, 0.5);
    // One degree of latitude on the mean sphere: R·π/180 = 111 195 m.
    near(distance_m((44.0, 26.0), (45.0, 26.0)), 111_195.0, 1.0);
    // A degree of longitude at 60° is half of one at the equator.
    near(distance_m((60.0, 0.0), (60.0, 1.0)) * 2.0, distance_m((0.0, 0.0), (0.0, 1.0)), 20.0);
    // Antipodes: half the circumference, without NaN from rounding.
    near(distance_m((0.0, 0.0), (0.0, 180.0)), 20_015_115.0, 10.0);
    assert_eq!(distance_m(UNIRII, UNIRII), 0.0);
}

#[test]
fn city_eta() {
    // 3 107 m × 1.3 at 35 km/h (9.72 m/s) = 415.4 s, rounded up.
    assert_eq!(eta_s(distance_m(UNIRII, VICTORIEI)), 416);
    assert_eq!(eta_s(3_500.0), 468);
    // 1 km straight line: 1 300 m of road in 133.7 s.
    assert_eq!(eta_s(1_000.0), 134);
    assert_eq!(eta_s(0.0), 0);
    assert_eq!(eta_s(-5.0), 0);
    assert_eq!(eta_s(f64::NAN), 0);
    assert_eq!(eta_s(f64::INFINITY), u32::MAX);
}

#[test]
fn nearest_crews_first() {
    let crews = [("otopeni", OTOPENI), ("victoriei", VICTORIEI), ("unirii", UNIRII), ("gara", GARA_DE_NORD)];
    let order = nearest(UNIVERSITATE, crews);
    let names: Vec<&str> = order.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["unirii", "victoriei", "gara", "otopeni"]);
    near(order[0].1, 967.4, 0.5);
    near(order[3].1, 15_142.0, 5.0);
    assert!(nearest(UNIRII, Vec::<(u8, LatLon)>::new()).is_empty());
}

fn fix(at_s: i64, pos: LatLon) -> Fix {
    Fix { at_ms: at_s * 1000, pos }
}

/// `metres` north of Piața Unirii.
fn north(metres: f64) -> LatLon {
    (UNIRII.0 + metres / 111_195.0, UNIRII.1)
}

#[test]
fn standing_with_gps_jitter() {
    let track = [fix(100, north(0.0)), fix(130, north(12.0)), fix(160, north(-8.0)), fix(190, north(5.0))];
    assert_eq!(motion(&track, 200_000, 120_000), Motion::Standing);
}

#[test]
fn moving_by_speed() {
    // 300 m in 30 s = 36 km/h; given newest first.
    let track = [fix(130, north(300.0)), fix(100, north(0.0))];
    match motion(&track, 140_000, 60_000) {
        Motion::Moving { speed_kmh } => near(speed_kmh, 36.0, 0.1),
        other => panic!("{other:?}"),
    }
    // 30 m in 30 s = 3.6 km/h: standing.
    let slow = [fix(100, north(0.0)), fix(130, north(30.0))];
    assert_eq!(motion(&slow, 140_000, 60_000), Motion::Standing);
}

#[test]
fn moving_by_spread() {
    // Crawled 150 m in 4 minutes, then stopped at a light: slow, but far from where it was.
    let track = [fix(0, north(0.0)), fix(120, north(100.0)), fix(230, north(149.0)), fix(240, north(150.0))];
    match motion(&track, 240_000, 300_000) {
        Motion::Moving { speed_kmh } => near(speed_kmh, 0.36, 0.01),
        other => panic!("{other:?}"),
    }
    // With a window that leaves the first fix out, it has stayed within 100 m.
    assert_eq!(motion(&track, 240_000, 200_000), Motion::Standing);
}

#[test]
fn window_bounds_and_unknown() {
    let track = [fix(100, north(0.0)), fix(130, north(300.0))];
    assert_eq!(motion(&[], 0, 60_000), Motion::Unknown);
    assert_eq!(motion(&track[..1], 130_000, 60_000), Motion::Unknown);
    // The window is (now - window, now]: a fix at exactly now - window is out...
    assert_eq!(motion(&track, 160_000, 60_000), Motion::Unknown);
    // ...one a millisecond later is in.
    assert!(matches!(motion(&track, 159_999, 60_000), Motion::Moving { .. }));
    // A fix after now does not count.
    assert_eq!(motion(&track, 129_999, 60_000), Motion::Unknown);
    // Two fixes with the same time: speed 0.
    let same = [fix(100, north(0.0)), fix(100, north(10.0))];
    assert_eq!(motion(&same, 100_000, 60_000), Motion::Standing);
}

#[test]
fn grid_cells() {
    assert_eq!(cell_key(UNIRII, 0.1), "44.40:26.10");
    assert_eq!(cell_key(UNIRII, 0.05), "44.40:26.10");
    assert_eq!(cell_key(UNIRII, 0.01), "44.42:26.10");
    assert_eq!(cell_key(VICTORIEI, 0.01), "44.45:26.08");
    assert_eq!(cell_key(UNIRII, 0.005), "44.425:26.100");
    // A corner belongs to its own cell.
    assert_eq!(cell_key((44.4, 26.1), 0.1), "44.40:26.10");
    // South and west: the south-west corner is more negative.
    assert_eq!(cell_key((-33.8688, -70.6693), 0.1), "-33.90:-70.70");
    assert_eq!(cell_key((-0.01, 0.0), 0.1), "-0.10:0.00");
    assert_eq!(cell_key(UNIRII, 0.0), "44.426800:26.102500");
    // Nearby incidents share a cell, distant ones do not.
    assert_eq!(cell_key(UNIRII, 0.05), cell_key(UNIVERSITATE, 0.05));
    assert_ne!(cell_key(UNIRII, 0.05), cell_key(OTOPENI, 0.05));
}

#[test]
fn bearings_point_the_way_travelled() {
    near(bearing_deg((44.40, 26.10), (44.50, 26.10)), 0.0, 0.01);
    near(bearing_deg((44.40, 26.10), (44.40, 26.20)), 90.0, 0.1);
    near(bearing_deg((44.50, 26.10), (44.40, 26.10)), 180.0, 0.01);
    near(bearing_deg((44.40, 26.20), (44.40, 26.10)), 270.0, 0.1);
}
