//! Live clocks: the server's now, ticking each second in the browser, and how waits read.

use leptos::prelude::*;

/// A signal holding the server's now (unix ms), ticking every second once hydrated.
/// `server_now_ms` corrects the browser's clock; call [`sync`] again with a newer reading.
pub fn ticking() -> (RwSignal<i64>, RwSignal<i64>) {
    let offset = RwSignal::new(0_i64);
    let now = RwSignal::new(0_i64);
    #[cfg(feature = "hydrate")]
    {
        let tick = move || now.set(js_sys::Date::now() as i64 + offset.get_untracked());
        tick();
        if let Ok(handle) = set_interval_with_handle(tick, std::time::Duration::from_secs(1)) {
            on_cleanup(move || handle.clear());
        }
    }
    (now, offset)
}

/// Sets the offset so that the browser's clock reads as the server's.
pub fn sync(offset: RwSignal<i64>, now: RwSignal<i64>, server_now_ms: i64) {
    #[cfg(feature = "hydrate")]
    {
        let local = js_sys::Date::now() as i64;
        offset.set(server_now_ms - local);
        now.set(server_now_ms);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (offset, now, server_now_ms);
}

/// A wait as `m:ss` (or `h:mm:ss`).
pub fn elapsed(ms: i64) -> String {
    let s = (ms / 1000).max(0);
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// The colour class of an unclaimed wait: `ok`, `amber` or `red`.
pub fn wait_class(waited_ms: i64, limits: crate::model::ops::QueueLimits) -> &'static str {
    let s = waited_ms / 1000;
    if s >= i64::from(limits.red_s) {
        "red"
    } else if s >= i64::from(limits.amber_s) {
        "amber"
    } else {
        "ok"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ops::QueueLimits;

    #[test]
    fn waits_read_as_minutes_and_turn_amber_then_red() {
        assert_eq!(elapsed(65_000), "1:05");
        assert_eq!(elapsed(3_725_000), "1:02:05");
        assert_eq!(elapsed(-5), "0:00");
        let l = QueueLimits { amber_s: 30, red_s: 60, escalate_s: 60 };
        assert_eq!((wait_class(29_999, l), wait_class(30_000, l), wait_class(60_000, l)), ("ok", "amber", "red"));
    }
}
