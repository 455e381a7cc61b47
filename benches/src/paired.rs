//! A paired comparison of two contenders: rounds in which both run the same batch of work one
//! after the other, in alternating order, and the ratio of their times taken per round.
//!
//! Divan (and criterion) measure one contender's samples, then the other's. On a shared VM the
//! machine drifts between the two (another tenant, the CPU's clock, the page cache), and the
//! figure compares two moments as much as two clients: two runs of the typed benchmark
//! disagreed by a factor of two. Pairing puts both contenders in every round, so drift that
//! lasts longer than a round falls on both alike and cancels in that round's ratio; the order
//! alternates so that neither always runs on the cache the other warmed. The median of the
//! per-round ratios is the figure, and its spread (10th to 90th percentile) says how far to
//! trust it.

use std::{
    future::Future,
    time::{Duration, Instant},
};

/// What one contender does in a round: `batch` units of work, awaited to the end.
pub trait Contender {
    /// Runs one round's batch.
    fn run(&self, batch: usize) -> impl Future<Output = ()>;
}

/// The result of [`compare`]: per-round times of both contenders and their ratios.
#[derive(Debug, Clone)]
pub struct Report {
    /// Time per unit of work of the first contender, one entry per round.
    pub first: Vec<Duration>,
    /// Time per unit of work of the second contender, one entry per round.
    pub second: Vec<Duration>,
    /// Per round, the second's time over the first's: the first's throughput relative to the
    /// second's (above 1: the first is faster).
    pub ratios: Vec<f64>,
}

impl Report {
    /// The median of the per-round ratios.
    pub fn median_ratio(&self) -> f64 {
        quantile(&self.ratios, 0.5)
    }

    /// The 10th and 90th percentiles of the per-round ratios.
    pub fn ratio_spread(&self) -> (f64, f64) {
        (quantile(&self.ratios, 0.1), quantile(&self.ratios, 0.9))
    }

    /// The median time per unit of each contender, in microseconds.
    pub fn median_micros(&self) -> (f64, f64) {
        let us = |d: &[Duration]| quantile(&d.iter().map(|d| d.as_secs_f64() * 1e6).collect::<Vec<_>>(), 0.5);
        (us(&self.first), us(&self.second))
    }
}

/// The `q` quantile of `values` (nearest rank), `NaN` when there are none.
pub fn quantile(values: &[f64], q: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// Runs `warmup` unmeasured rounds, then `rounds` measured ones; in each, both contenders run
/// `batch` units, the first one first in even rounds and second in odd ones.
pub fn compare(
    rt: &tokio::runtime::Runtime,
    rounds: usize,
    warmup: usize,
    batch: usize,
    first: &impl Contender,
    second: &impl Contender,
) -> Report {
    let mut report = Report { first: Vec::new(), second: Vec::new(), ratios: Vec::new() };
    for round in 0..warmup + rounds {
        let (a, b) = if round % 2 == 0 {
            let a = timed(rt, first, batch);
            (a, timed(rt, second, batch))
        } else {
            let b = timed(rt, second, batch);
            (timed(rt, first, batch), b)
        };
        if round >= warmup {
            let per_unit = |d: Duration| d / batch.max(1) as u32;
            report.first.push(per_unit(a));
            report.second.push(per_unit(b));
            report.ratios.push(b.as_secs_f64() / a.as_secs_f64());
        }
    }
    report
}

fn timed(rt: &tokio::runtime::Runtime, contender: &impl Contender, batch: usize) -> Duration {
    let start = Instant::now();
    rt.block_on(contender.run(batch));
    start.elapsed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_by_nearest_rank() {
        let v = [5.0, 1.0, 3.0, 2.0, 4.0];
        assert_eq!(quantile(&v, 0.5), 3.0);
        assert_eq!(quantile(&v, 0.0), 1.0);
        assert_eq!(quantile(&v, 1.0), 5.0);
        assert!(quantile(&[], 0.5).is_nan());
    }

    struct Sleep(Duration);
    impl Contender for Sleep {
        async fn run(&self, batch: usize) {
            for _ in 0..batch {
                tokio::time::sleep(self.0).await;
            }
        }
    }

    #[test]
    fn a_contender_twice_as_slow_has_half_the_throughput() {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let fast = Sleep(Duration::from_millis(2));
        let slow = Sleep(Duration::from_millis(8));
        let report = compare(&rt, 6, 1, 2, &fast, &slow);
        assert_eq!((report.first.len(), report.second.len(), report.ratios.len()), (6, 6, 6));
        // Sleeps overshoot by up to a timer tick, so the ratio is near 4, never near 1.
        assert!(report.median_ratio() > 2.0, "{report:?}");
        let (lo, hi) = report.ratio_spread();
        assert!(lo <= report.median_ratio() && report.median_ratio() <= hi);
    }
}
