//! Service-level figures for supervisors: how long incidents waited to be acknowledged, to
//! the first call and to a dispatch.

/// One incident's times, unix milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sample {
    /// Opened (first signal).
    pub opened_ms: i64,
    /// First claimed by an operator.
    pub acked_ms: Option<i64>,
    /// First call to a contact.
    pub first_call_ms: Option<i64>,
    /// Crew sent.
    pub dispatched_ms: Option<i64>,
}

/// Count, mean and 90th percentile of some waits, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Figure {
    /// How many waits.
    pub count: u32,
    /// Mean, seconds.
    pub mean_s: Option<f64>,
    /// 90th percentile (nearest rank), seconds.
    pub p90_s: Option<f64>,
}

/// The three figures over a set of incidents.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Figures {
    /// Opened to acknowledged.
    pub to_ack: Figure,
    /// Opened to the first call.
    pub to_call: Figure,
    /// Opened to dispatch.
    pub to_dispatch: Figure,
}

/// Figures over `samples`; an incident counts in a figure only once that step happened.
pub fn figures(samples: &[Sample]) -> Figures {
    let waits = |pick: fn(&Sample) -> Option<i64>| -> Figure {
        figure(samples.iter().filter_map(|s| pick(s).map(|t| (t - s.opened_ms).max(0))).collect())
    };
    Figures {
        to_ack: waits(|s| s.acked_ms),
        to_call: waits(|s| s.first_call_ms),
        to_dispatch: waits(|s| s.dispatched_ms),
    }
}

fn figure(mut waits_ms: Vec<i64>) -> Figure {
    if waits_ms.is_empty() {
        return Figure::default();
    }
    waits_ms.sort_unstable();
    let n = waits_ms.len();
    let mean = waits_ms.iter().map(|&w| w as f64).sum::<f64>() / n as f64 / 1000.0;
    let rank = (0.9 * n as f64).ceil() as usize;
    let p90 = waits_ms[rank.clamp(1, n) - 1] as f64 / 1000.0;
    Figure { count: n as u32, mean_s: Some(mean), p90_s: Some(p90) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(ack: Option<i64>, call: Option<i64>, dispatch: Option<i64>) -> Sample {
        Sample {
            opened_ms: 1_000_000,
            acked_ms: ack.map(|a| 1_000_000 + a * 1000),
            first_call_ms: call.map(|c| 1_000_000 + c * 1000),
            dispatched_ms: dispatch.map(|d| 1_000_000 + d * 1000),
        }
    }

    #[test]
    fn empty_has_no_figures() {
        assert_eq!(figures(&[]), Figures::default());
    }

    #[test]
    fn mean_and_p90_count_only_what_happened() {
        let samples: Vec<Sample> =
            (1..=10).map(|i| s(Some(i), if i % 2 == 0 { Some(i * 10) } else { None }, None)).collect();
        let f = figures(&samples);
        assert_eq!(f.to_ack.count, 10);
        assert_eq!(f.to_ack.mean_s, Some(5.5));
        assert_eq!(f.to_ack.p90_s, Some(9.0));
        assert_eq!(f.to_call.count, 5);
        assert_eq!(f.to_call.mean_s, Some(60.0));
        assert_eq!(f.to_call.p90_s, Some(100.0));
        assert_eq!(f.to_dispatch, Figure::default());
    }

    #[test]
    fn one_sample_is_its_own_p90_and_clock_skew_is_not_negative() {
        let f = figures(&[s(Some(-3), None, Some(240))]);
        assert_eq!((f.to_ack.mean_s, f.to_ack.p90_s), (Some(0.0), Some(0.0)));
        assert_eq!(f.to_dispatch.p90_s, Some(240.0));
    }
}
