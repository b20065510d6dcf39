//! Latency samples and their percentiles.
//!
//! Samples are kept whole and sorted, and a percentile is the nearest-rank value of the
//! sorted list: exact, with no histogram buckets to round it (a few thousand `u64`s sort in
//! microseconds). "Added latency" is the difference of two percentiles (through − direct at
//! the same rank), not a percentile of per-call differences: the two sides are separate
//! processes and no call has a twin on the other side.

use serde_json::{Value, json};

/// The percentiles every latency table shows, with their labels.
pub const PERCENTILES: [(f64, &str); 4] =
    [(50.0, "p50"), (90.0, "p90"), (99.0, "p99"), (99.9, "p99.9")];

/// Round-trip times of one session, in nanoseconds, sorted.
#[derive(Debug, Clone, Default)]
pub struct Samples {
    sorted_ns: Vec<u64>,
}

impl Samples {
    pub fn new(mut ns: Vec<u64>) -> Samples {
        ns.sort_unstable();
        Samples { sorted_ns: ns }
    }

    pub fn len(&self) -> usize {
        self.sorted_ns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sorted_ns.is_empty()
    }

    /// Nearest-rank percentile in nanoseconds (0 when empty).
    pub fn percentile_ns(&self, p: f64) -> u64 {
        if self.is_empty() {
            return 0;
        }
        let n = self.sorted_ns.len();
        // The epsilon keeps 99.9 % of 1000 at rank 999 despite binary rounding.
        let rank = (p * n as f64 / 100.0 - 1e-9).ceil() as usize;
        self.sorted_ns[rank.clamp(1, n) - 1]
    }

    /// Nearest-rank percentile in microseconds.
    pub fn us(&self, p: f64) -> f64 {
        self.percentile_ns(p) as f64 / 1000.0
    }

    pub fn mean_us(&self) -> f64 {
        if self.sorted_ns.is_empty() {
            return 0.0;
        }
        let sum: u128 = self.sorted_ns.iter().map(|&n| u128::from(n)).sum();
        sum as f64 / self.sorted_ns.len() as f64 / 1000.0
    }

    pub fn min_us(&self) -> f64 {
        self.sorted_ns.first().copied().unwrap_or(0) as f64 / 1000.0
    }

    pub fn max_us(&self) -> f64 {
        self.sorted_ns.last().copied().unwrap_or(0) as f64 / 1000.0
    }

    /// `{"n", "min_us", "mean_us", "p50_us", …, "max_us"}`.
    pub fn to_json(&self) -> Value {
        let mut out = json!({
            "n": self.len(),
            "min_us": round2(self.min_us()),
            "mean_us": round2(self.mean_us()),
            "max_us": round2(self.max_us()),
        });
        for (p, label) in PERCENTILES {
            out[format!("{label}_us")] = json!(round2(self.us(p)));
        }
        out
    }
}

/// Through-toolgate samples against the direct ones taken in the same run.
pub struct Versus<'a> {
    pub direct: &'a Samples,
    pub through: &'a Samples,
}

impl Versus<'_> {
    /// Added latency at percentile `p`, µs (negative when through was faster: noise).
    pub fn added_us(&self, p: f64) -> f64 {
        self.through.us(p) - self.direct.us(p)
    }

    /// through / direct at percentile `p`.
    pub fn ratio(&self, p: f64) -> f64 {
        ratio(self.through.us(p), self.direct.us(p))
    }

    /// `{"added_p50_us", …, "ratio_p50", …}`.
    pub fn to_json(&self) -> Value {
        let mut out = json!({});
        for (p, label) in PERCENTILES {
            out[format!("added_{label}_us")] = json!(round2(self.added_us(p)));
            out[format!("ratio_{label}")] = json!(round2(self.ratio(p)));
        }
        out
    }
}

/// `a / b`, or 0 when `b` is 0.
pub fn ratio(a: f64, b: f64) -> f64 {
    if b == 0.0 { 0.0 } else { a / b }
}

/// Two decimals, for JSON that a person also reads.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let s = Samples::new((1..=1000).rev().map(|n| n * 1000).collect());
        assert_eq!(s.percentile_ns(50.0), 500_000);
        assert_eq!(s.percentile_ns(99.0), 990_000);
        assert_eq!(s.percentile_ns(99.9), 999_000);
        assert_eq!(s.percentile_ns(100.0), 1_000_000);
        assert_eq!(s.percentile_ns(0.0), 1000);
        assert_eq!(Samples::new(vec![7]).percentile_ns(99.9), 7);
        assert_eq!(Samples::default().percentile_ns(50.0), 0);
    }

    #[test]
    fn added_latency_is_a_difference_of_percentiles() {
        let direct = Samples::new(vec![10_000, 20_000, 30_000]);
        let through = Samples::new(vec![15_000, 35_000, 45_000]);
        let v = Versus {
            direct: &direct,
            through: &through,
        };
        assert_eq!(v.added_us(50.0), 15.0);
        assert_eq!(v.ratio(50.0), 1.75);
    }
}
