//! The lanes section of a report: each lane's packet outcomes, churn, latency and
//! rolling window, read out of the fold's lane table.
//!
//! It reads the fold's state and never changes it; lanes come out sorted by lane
//! id, so hash order never reaches a report.

use crate::analysis::fold::lanes::LaneTable;
use crate::analysis::fold::packets::PacketTracker;
use crate::analysis::report::numbers::{mean_ms, ms, ratio};
use crate::analysis::report::schema::sections::{LaneReport, LatencyReport, RollingReport};

/// The lanes as a report shows them, by lane id; `packets` tells which are in flight.
pub(crate) fn lanes(table: &LaneTable, packets: &PacketTracker) -> Vec<LaneReport> {
    let mut in_flight = vec![0u64; table.lanes.len()];
    for st in packets.live.values() {
        if st.is_in_flight()
            && let Some(n) = in_flight.get_mut(st.lane as usize)
        {
            *n += 1;
        }
    }
    let mut out: Vec<LaneReport> = table
        .lanes
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut recent: Vec<u64> = l.recent_latency.iter().copied().collect();
            let (mut packets, mut presented, mut churn) = (0u64, 0u64, 0u64);
            for f in l.recent_packets.iter() {
                packets += 1;
                presented += u64::from(f.presented);
                churn += u64::from(f.churn);
            }
            LaneReport {
                lane: l.id,
                packets: super::packets(&l.packets),
                in_flight: in_flight[i],
                created: l.created,
                destroyed: l.destroyed,
                churn_ratio: ratio(l.created + l.destroyed, l.packets.presented),
                latency: LatencyReport {
                    samples: l.latency_count,
                    mean_ms: mean_ms(l.latency_sum_ns, l.latency_count),
                    max_ms: (l.latency_count > 0).then(|| ms(l.latency_max_ns)),
                    recent_samples: recent.len() as u64,
                    p50_ms: percentile(&mut recent, 50).map(ms),
                    p95_ms: percentile(&mut recent, 95).map(ms),
                },
                recent: RollingReport {
                    packets,
                    presented,
                    churn,
                    churn_ratio: ratio(churn, presented),
                },
            }
        })
        .collect();
    out.sort_by_key(|l| l.lane);
    out
}

/// The nearest-rank percentile `p` (0–100) of `values`, `None` when empty.
fn percentile(values: &mut [u64], p: u64) -> Option<u64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len() as u64;
    let rank = (p * n).div_ceil(100).clamp(1, n);
    values.get((rank - 1) as usize).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut v = vec![5, 1, 4, 2, 3];
        assert_eq!(percentile(&mut v, 50), Some(3));
        assert_eq!(percentile(&mut v, 95), Some(5));
        assert_eq!(percentile(&mut v, 0), Some(1));
        assert_eq!(percentile(&mut [], 50), None);
    }
}
