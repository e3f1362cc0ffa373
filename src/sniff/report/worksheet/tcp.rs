//! The TCP questions of a lab worksheet, answered from one stream's segments as
//! `tshark -2` numbers them: endpoints, the handshake (RFC 9293 §3.5), the data
//! segments with their RTT samples and the RFC 6298 estimators, the receive
//! window, retransmissions and throughput.

use super::rtt::{self, Estimate};
use crate::sniff::report::{addr, flag_names, secs, Seg, TcpConv};
use crate::sniff::tcp::{analysis, flags};
use crate::sniff::value::Nanos;
use serde::Serialize;

/// Data segments listed with their RTT samples (the labs ask for six).
pub const FIRST_SEGMENTS: usize = 6;

/// A handshake or teardown segment with its sender and receiver.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    /// `frame.number`.
    pub frame: u32,
    /// `frame.time_relative`.
    pub time: String,
    /// Flags as Wireshark names them (`SYN, ACK`).
    pub flags: String,
    /// Sender `addr:port`.
    pub from: String,
    /// Receiver `addr:port`.
    pub to: String,
}

/// The SYN: its sequence numbers and what marks it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Syn {
    /// `frame.number`.
    pub frame: u32,
    /// `tcp.seq` (relative, 0).
    pub seq: u32,
    /// `tcp.seq_raw` (the client's initial sequence number).
    pub seq_raw: u32,
    /// What identifies it as a SYN.
    pub marked_by: String,
}

/// The SYN-ACK: its numbers and how its acknowledgment number is computed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SynAck {
    /// `frame.number`.
    pub frame: u32,
    /// `tcp.seq`.
    pub seq: u32,
    /// `tcp.seq_raw` (the server's initial sequence number).
    pub seq_raw: u32,
    /// `tcp.ack`.
    pub ack: u32,
    /// `tcp.ack_raw`.
    pub ack_raw: u32,
    /// How the ack was computed.
    pub ack_rule: String,
    /// What identifies it as a SYN-ACK.
    pub marked_by: String,
}

/// One data segment with the RTT sample of the ACK that covers it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DataSeg {
    /// `frame.number`.
    pub frame: u32,
    /// `tcp.seq`.
    pub seq: u32,
    /// `tcp.seq_raw`.
    pub seq_raw: u32,
    /// `tcp.len`.
    pub len: u32,
    /// `frame.time_relative` of the segment.
    pub sent: String,
    /// The first ACK from the receiver whose ack number covers the segment.
    pub ack_frame: Option<u32>,
    /// Its `frame.time_relative`.
    pub acked: Option<String>,
    /// SampleRTT = acked − sent (tshark's `tcp.analysis.ack_rtt` when that ACK's
    /// `tcp.analysis.acks_frame` is this segment). None when the segment or its
    /// bytes were retransmitted before the ACK (Karn's rule, RFC 6298 §3).
    pub sample_rtt: Option<String>,
    /// EstimatedRTT after this sample (α = 1/8).
    pub estimated_rtt: Option<String>,
    /// DevRTT after this sample (β = 1/4).
    pub dev_rtt: Option<String>,
    /// TimeoutInterval = EstimatedRTT + 4·DevRTT.
    pub timeout_interval: Option<String>,
}

/// A retransmitted segment and why tshark calls it one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Retransmission {
    /// `frame.number`.
    pub frame: u32,
    /// `tcp.seq`.
    pub seq: u32,
    /// `tcp.len`.
    pub len: u32,
    /// tshark's analysis flag.
    pub kind: &'static str,
    /// Why.
    pub why: &'static str,
}

/// The smallest window the receiver advertised.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MinWindow {
    /// `frame.number` of the segment advertising it.
    pub frame: u32,
    /// `tcp.window_size` (scaled), bytes.
    pub bytes: i64,
}

/// Throughput of the data direction.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Throughput {
    /// Payload bytes sent, retransmissions included.
    pub bytes: u64,
    /// From the first data segment's time.
    pub from: String,
    /// To the last data segment's time.
    pub to: String,
    /// bytes / (to − from).
    pub bytes_per_second: Option<f64>,
}

/// The TCP answers for one stream.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TcpSheet {
    /// `tcp.stream`.
    pub stream: u32,
    /// The side that sent the SYN.
    pub client: String,
    /// The other side.
    pub server: String,
    /// The SYN, when captured.
    pub syn: Option<Syn>,
    /// The SYN-ACK, when captured.
    pub syn_ack: Option<SynAck>,
    /// SYN, SYN-ACK, ACK as captured.
    pub handshake: Vec<Step>,
    /// From the first FIN or RST on.
    pub teardown: Vec<Step>,
    /// The first segment carrying data, either direction.
    pub first_data: Option<Step>,
    /// The side that sent the most payload (the data's sender).
    pub sender: String,
    /// The data's receiver.
    pub receiver: String,
    /// The sender's first data segments (at most [`FIRST_SEGMENTS`]).
    pub segments: Vec<DataSeg>,
    /// The smallest window the receiver advertised after the handshake.
    pub min_window: Option<MinWindow>,
    /// Frames tshark flags `tcp.analysis.window_full` (the sender filled the window).
    pub window_full: Vec<u32>,
    /// Frames the receiver advertised a zero window in.
    pub zero_window: Vec<u32>,
    /// Retransmitted segments of either side.
    pub retransmissions: Vec<Retransmission>,
    /// Throughput of the sender's data.
    pub throughput: Throughput,
}

/// Answers the TCP questions for `c` (its segments kept with `keep_all`).
pub fn answer(c: &TcpConv) -> TcpSheet {
    let ends = |from_client: bool| {
        let (a, b) = if from_client { (&c.client, &c.server) } else { (&c.server, &c.client) };
        (addr(a), addr(b))
    };
    let step = |s: &Seg| {
        let (from, to) = ends(s.from_client);
        Step { frame: s.frame, time: secs(s.rel), flags: flag_names(s.flags), from, to }
    };
    let from_client = data_sender(c);
    let (sender, receiver) = ends(from_client);
    let data: Vec<&Seg> = c.all.iter().filter(|s| s.from_client == from_client && s.len > 0).collect();
    TcpSheet {
        stream: c.index,
        client: addr(&c.client),
        server: addr(&c.server),
        syn: c.syn().map(syn),
        syn_ack: c.syn_ack().map(|s| syn_ack(s, c.syn())),
        handshake: c.handshake.iter().map(step).collect(),
        teardown: c.teardown.iter().map(step).collect(),
        first_data: c.all.iter().find(|s| s.len > 0).map(step),
        sender,
        receiver,
        segments: segments(c, from_client, &data),
        min_window: min_window(c, !from_client),
        window_full: data.iter().filter(|s| s.analysis & analysis::WINDOW_FULL != 0).map(|s| s.frame).collect(),
        zero_window: c
            .all
            .iter()
            .filter(|s| s.from_client != from_client && s.analysis & analysis::ZERO_WINDOW != 0)
            .map(|s| s.frame)
            .collect(),
        retransmissions: c.all.iter().filter_map(retransmission).collect(),
        throughput: throughput(&data),
    }
}

fn syn(s: &Seg) -> Syn {
    Syn {
        frame: s.frame,
        seq: s.seq,
        seq_raw: s.seq_raw,
        marked_by: "the SYN flag is set and ACK is not (tcp.flags.syn == 1 && tcp.flags.ack == 0)".to_string(),
    }
}

fn syn_ack(s: &Seg, syn: Option<&Seg>) -> SynAck {
    let ack_rule = match syn {
        Some(c) => format!(
            "the client's initial sequence number plus one (the SYN counts as one byte): {} + 1 = {} (relative: 0 + 1 = {})",
            c.seq_raw, s.ack_raw, s.ack
        ),
        None => format!(
            "the client's initial sequence number plus one; the SYN was not captured, so its number was {} − 1 = {}",
            s.ack_raw,
            s.ack_raw.wrapping_sub(1)
        ),
    };
    SynAck {
        frame: s.frame,
        seq: s.seq,
        seq_raw: s.seq_raw,
        ack: s.ack,
        ack_raw: s.ack_raw,
        ack_rule,
        marked_by: "the SYN and ACK flags are both set (tcp.flags.syn == 1 && tcp.flags.ack == 1)".to_string(),
    }
}

/// The first data segments with the ACK covering each and the estimators.
fn segments(c: &TcpConv, from_client: bool, data: &[&Seg]) -> Vec<DataSeg> {
    let mut est: Option<Estimate> = None;
    data.iter()
        .take(FIRST_SEGMENTS)
        .map(|s| {
            let ack = covering_ack(c, s, from_client);
            let sample = ack.filter(|a| !ambiguous(c, s, a)).map(|a| a.rel - s.rel);
            let e = sample.map(|r| rtt::update(est, r));
            if e.is_some() {
                est = e;
            }
            DataSeg {
                frame: s.frame,
                seq: s.seq,
                seq_raw: s.seq_raw,
                len: s.len,
                sent: secs(s.rel),
                ack_frame: ack.map(|a| a.frame),
                acked: ack.map(|a| secs(a.rel)),
                sample_rtt: sample.map(secs),
                estimated_rtt: e.map(|e| secs(e.estimated_rtt)),
                dev_rtt: e.map(|e| secs(e.dev_rtt)),
                timeout_interval: e.map(|e| secs(e.timeout)),
            }
        })
        .collect()
}

/// Whether the ACK `a` of segment `s` gives no RTT sample (Karn's rule, RFC 6298
/// §3): `s` is a retransmission, or its bytes were sent again before `a`.
pub fn ambiguous(c: &TcpConv, s: &Seg, a: &Seg) -> bool {
    s.is_retransmission()
        || c.all.iter().any(|x| {
            x.from_client == s.from_client
                && x.frame > s.frame
                && x.frame < a.frame
                && x.is_retransmission()
                && x.seq < s.nxtseq
                && s.seq < x.nxtseq
        })
}

/// Whether the client is the data's sender: the side that sent more payload
/// (the client when equal).
pub fn data_sender(c: &TcpConv) -> bool {
    let sent = |side: bool| c.all.iter().filter(|s| s.from_client == side).map(|s| u64::from(s.len)).sum::<u64>();
    sent(true) >= sent(false)
}

/// The first segment from the receiver (`from_client`: the sender's side), after
/// `s`, acknowledging all of `s`.
pub fn covering_ack<'a>(c: &'a TcpConv, s: &Seg, from_client: bool) -> Option<&'a Seg> {
    c.all.iter().find(|a| {
        a.from_client != from_client && a.frame > s.frame && a.flags & flags::ACK != 0 && seq_ge(a.ack, s.nxtseq)
    })
}

/// `a` at or after `b` in sequence space (RFC 9293 §3.4: arithmetic modulo 2^32).
fn seq_ge(a: u32, b: u32) -> bool {
    a.wrapping_sub(b) < 1 << 31
}

fn min_window(c: &TcpConv, receiver_is_client: bool) -> Option<MinWindow> {
    c.all
        .iter()
        .filter(|s| s.from_client == receiver_is_client && s.flags & flags::SYN == 0)
        .min_by_key(|s| s.win_calc)
        .map(|s| MinWindow { frame: s.frame, bytes: s.win_calc })
}

fn retransmission(s: &Seg) -> Option<Retransmission> {
    let (kind, why) = if s.analysis & analysis::SPURIOUS_RETRANSMISSION != 0 {
        ("tcp.analysis.spurious_retransmission", "it resends bytes the receiver had already acknowledged")
    } else if s.analysis & analysis::FAST_RETRANSMISSION != 0 {
        (
            "tcp.analysis.fast_retransmission",
            "it follows duplicate ACKs asking for this sequence number (RFC 5681 §3.2)",
        )
    } else if s.analysis & analysis::RETRANSMISSION != 0 {
        (
            "tcp.analysis.retransmission",
            "it resends bytes already sent and not yet acknowledged, with no duplicate ACKs calling for them: usually the retransmission timer expired (RFC 6298 §5)",
        )
    } else {
        return None;
    };
    Some(Retransmission { frame: s.frame, seq: s.seq, len: s.len, kind, why })
}

fn throughput(data: &[&Seg]) -> Throughput {
    let bytes = data.iter().map(|s| u64::from(s.len)).sum();
    let (from, to) = match (data.first(), data.last()) {
        (Some(a), Some(b)) => (a.rel, b.rel),
        _ => (0, 0),
    };
    let span: Nanos = to - from;
    Throughput {
        bytes,
        from: secs(from),
        to: secs(to),
        bytes_per_second: (span > 0).then(|| bytes as f64 * 1e9 / span as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::report::ShownOptions;
    use crate::sniff::tcp::Endpoint;

    const MS: Nanos = 1_000_000;

    fn seg(frame: u32, ms: i64, from_client: bool, seq: u32, ack: u32, len: u32, analysis: u32) -> Seg {
        Seg {
            frame,
            rel: ms * MS,
            from_client,
            flags: flags::ACK,
            seq,
            seq_raw: seq + 1000,
            ack,
            ack_raw: ack + 5000,
            nxtseq: seq + len,
            window: 100,
            win_calc: 100,
            len,
            options: ShownOptions::default(),
            analysis,
        }
    }

    fn conv(all: Vec<Seg>) -> TcpConv {
        let e = |port| Endpoint { ip: std::net::Ipv4Addr::LOCALHOST.into(), port };
        let mut c = TcpConv::for_test(e(40000), e(80));
        c.all = all;
        c
    }

    #[test]
    fn a_retransmitted_segment_gives_no_rtt_sample() {
        let c = conv(vec![
            seg(1, 0, true, 1, 1, 100, 0),
            seg(2, 10, false, 1, 101, 0, 0),
            seg(3, 20, true, 101, 1, 100, 0),
            seg(4, 300, true, 101, 1, 100, analysis::RETRANSMISSION),
            seg(5, 310, false, 1, 201, 0, 0),
        ]);
        let t = answer(&c);
        assert_eq!(t.segments.len(), 3);
        assert_eq!(t.segments[0].sample_rtt.as_deref(), Some("0.010000000"));
        // Frame 3 was sent again (frame 4) before its ACK (frame 5): the ACK may answer
        // either copy, so neither gives a sample.
        assert_eq!((t.segments[1].ack_frame, t.segments[1].sample_rtt.as_deref()), (Some(5), None));
        // The retransmission (Karn): no sample, the estimate unchanged.
        assert_eq!(t.segments[2].sample_rtt, None);
        assert_eq!(t.segments[2].estimated_rtt, None);
        assert_eq!(t.retransmissions.len(), 1);
        assert_eq!(t.retransmissions[0].kind, "tcp.analysis.retransmission");
    }

    #[test]
    fn the_ack_covering_a_segment_may_be_a_later_cumulative_one() {
        let c =
            conv(vec![seg(1, 0, true, 1, 1, 100, 0), seg(2, 1, true, 101, 1, 100, 0), seg(3, 40, false, 1, 201, 0, 0)]);
        let t = answer(&c);
        let acks: Vec<Option<u32>> = t.segments.iter().map(|s| s.ack_frame).collect();
        assert_eq!(acks, [Some(3), Some(3)]);
        assert_eq!(t.throughput.bytes, 200);
        assert_eq!(t.sender, "127.0.0.1:40000");
    }

    #[test]
    fn sequence_comparison_wraps() {
        assert!(seq_ge(5, u32::MAX - 5));
        assert!(!seq_ge(u32::MAX - 5, 5));
    }
}
