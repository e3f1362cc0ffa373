//! The retransmission timer's estimators (RFC 6298 §2): EstimatedRTT (SRTT),
//! DevRTT (RTTVAR) and TimeoutInterval (RTO), updated per RTT sample.

use crate::sniff::value::Nanos;
use serde::Serialize;

/// The gain of EstimatedRTT: α = 1/8 (RFC 6298 §2.3).
pub const ALPHA_DIV: i64 = 8;
/// The gain of DevRTT: β = 1/4 (RFC 6298 §2.3).
pub const BETA_DIV: i64 = 4;
/// K in TimeoutInterval = EstimatedRTT + K·DevRTT (RFC 6298 §2.2).
pub const K: i64 = 4;

/// The estimators after one sample.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Estimate {
    /// EstimatedRTT (SRTT), nanoseconds.
    pub estimated_rtt: Nanos,
    /// DevRTT (RTTVAR), nanoseconds.
    pub dev_rtt: Nanos,
    /// TimeoutInterval (RTO) = EstimatedRTT + 4·DevRTT, before RFC 6298's 1 s floor.
    pub timeout: Nanos,
}

/// The next estimate from the previous one (None before the first sample) and a
/// sample: the first sample sets SRTT = R and RTTVAR = R/2 (§2.2); later ones
/// update RTTVAR with the old SRTT, then SRTT (§2.3).
pub fn update(prev: Option<Estimate>, sample: Nanos) -> Estimate {
    let (srtt, var) = match prev {
        None => (sample, sample / 2),
        Some(p) => {
            let var = p.dev_rtt - p.dev_rtt / BETA_DIV + (p.estimated_rtt - sample).abs() / BETA_DIV;
            let srtt = p.estimated_rtt - p.estimated_rtt / ALPHA_DIV + sample / ALPHA_DIV;
            (srtt, var)
        }
    };
    Estimate { estimated_rtt: srtt, dev_rtt: var, timeout: srtt + K * var }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Nanos = 1_000_000;

    #[test]
    fn first_sample_sets_srtt_and_half_of_it_as_rttvar() {
        let e = update(None, 80 * MS);
        assert_eq!((e.estimated_rtt, e.dev_rtt, e.timeout), (80 * MS, 40 * MS, 240 * MS));
    }

    #[test]
    fn later_samples_use_the_old_srtt_for_rttvar() {
        let e = update(Some(update(None, 80 * MS)), 160 * MS);
        // RTTVAR = 3/4·40 + 1/4·|80 − 160| = 50; SRTT = 7/8·80 + 1/8·160 = 90.
        assert_eq!((e.estimated_rtt, e.dev_rtt, e.timeout), (90 * MS, 50 * MS, 290 * MS));
    }
}
