//! Unit tests of the tracker: hand-built segment sequences. The expected values
//! are what tshark 4.0.17 (`tshark -n -2`) prints for the same segments written
//! to a capture file.

use super::analysis as a;
use super::flags::{ACK, FIN, PSH, RST, SYN};
use super::*;
use std::net::Ipv4Addr;

/// One millisecond.
const MS: Nanos = 1_000_000;

fn ep(host: u8, port: u16) -> Endpoint {
    Endpoint { ip: IpAddr::V4(Ipv4Addr::new(10, 0, 0, host)), port }
}

fn client() -> Endpoint {
    ep(1, 40000)
}

fn server() -> Endpoint {
    ep(2, 80)
}

/// A segment with window 1000, no payload and no options.
fn seg(src: Endpoint, dst: Endpoint, seq: u32, ack: u32, flags: u16) -> Segment {
    Segment { frame: 0, time: 0, src, dst, seq, ack, flags, window: 1000, payload_len: 0, options: Options::default() }
}

fn with_len(s: Segment, len: u32) -> Segment {
    Segment { payload_len: len, ..s }
}

fn with_window(s: Segment, window: u16) -> Segment {
    Segment { window, ..s }
}

fn with_ws(s: Segment, shift: u8) -> Segment {
    Segment { options: Options { wscale: Some(shift), ..Options::default() }, ..s }
}

/// Feeds segments to a tracker, numbering frames from 1.
struct Script {
    tracker: Tracker,
    frame: u32,
}

impl Script {
    fn new() -> Script {
        Script { tracker: Tracker::new(), frame: 0 }
    }

    /// Sends `s` at `ms` milliseconds.
    fn at(&mut self, ms: i64, s: Segment) -> SegmentInfo {
        self.frame += 1;
        self.tracker.process(&Segment { frame: self.frame, time: 1_000_000_000_000 + ms * MS, ..s })
    }

    fn stream(&self, index: u32) -> &Stream {
        self.tracker.stream(index).expect("stream exists")
    }
}

fn c2s(seq: u32, ack: u32, flags: u16) -> Segment {
    seg(client(), server(), seq, ack, flags)
}

fn s2c(seq: u32, ack: u32, flags: u16) -> Segment {
    seg(server(), client(), seq, ack, flags)
}

#[test]
fn handshake_data_and_fin_teardown_use_relative_numbers() {
    let mut s = Script::new();
    let syn = s.at(0, with_ws(c2s(1000, 0, SYN), 7));
    assert_eq!((syn.stream, syn.seq, syn.ack, syn.nxtseq), (0, 0, 0, 1));
    assert_eq!(syn.direction, Some(Direction::ClientToServer));
    assert!(!syn.has_scalefactor);
    let synack = s.at(10, with_ws(s2c(5000, 1001, SYN | ACK), 8));
    assert_eq!((synack.seq, synack.ack, synack.nxtseq), (0, 1, 1));
    assert_eq!(synack.direction, Some(Direction::ServerToClient));
    assert_eq!((synack.acks_frame, synack.ack_rtt), (1, 10 * MS));
    let ack = s.at(20, c2s(1001, 5001, ACK));
    assert_eq!((ack.seq, ack.ack, ack.window_size, ack.scalefactor), (1, 1, 128_000, 128));
    assert_eq!((ack.acks_frame, ack.irtt), (2, 20 * MS));
    let data = s.at(30, with_len(c2s(1001, 5001, ACK | PSH), 10));
    assert_eq!((data.seq, data.nxtseq, data.bytes_in_flight), (1, 11, 10));
    let data_ack = s.at(40, s2c(5001, 1011, ACK));
    assert_eq!((data_ack.ack, data_ack.window_size, data_ack.acks_frame), (11, 256_000, 4));
    let fin = s.at(50, c2s(1011, 5001, FIN | ACK));
    assert_eq!((fin.seq, fin.nxtseq), (11, 12));
    let fin2 = s.at(60, s2c(5001, 1012, FIN | ACK));
    assert_eq!((fin2.seq, fin2.ack, fin2.nxtseq, fin2.acks_frame), (1, 12, 2, 6));
    let last = s.at(70, c2s(1012, 5002, ACK));
    assert_eq!((last.seq, last.ack, last.acks_frame), (12, 2, 7));
    let st = s.stream(0);
    assert_eq!(st.completeness, 31);
    assert_eq!((st.client, st.server), (client(), server()));
    assert_eq!(st.isn, [Some(1000), Some(5000)]);
    assert_eq!(st.wscale, [Some(7), Some(8)]);
    assert_eq!(st.irtt, Some(20 * MS));
}

#[test]
fn wrapped_sequence_numbers_stay_relative_and_clean() {
    let isn = 0xFFFF_FFF0u32;
    let mut s = Script::new();
    s.at(0, c2s(isn, 0, SYN));
    s.at(10, s2c(7, isn.wrapping_add(1), SYN | ACK));
    s.at(20, c2s(isn.wrapping_add(1), 8, ACK));
    let first = s.at(30, with_len(c2s(isn.wrapping_add(1), 8, ACK | PSH), 100));
    assert_eq!((first.seq, first.nxtseq, first.analysis), (1, 101, 0));
    let second = s.at(31, with_len(c2s(isn.wrapping_add(101), 8, ACK | PSH), 100));
    assert_eq!((second.seq, second.nxtseq, second.analysis), (101, 201, 0));
    let ack = s.at(40, s2c(8, isn.wrapping_add(201), ACK));
    assert_eq!((ack.ack, ack.acks_frame, ack.analysis), (201, 5, 0));
}

#[test]
fn lost_out_of_order_spurious_and_plain_retransmissions() {
    let isn = 0xFFFF_FFF0u32;
    let at = |n: u32| isn.wrapping_add(n);
    let mut s = Script::new();
    s.at(0, c2s(isn, 0, SYN));
    s.at(10, s2c(7, at(1), SYN | ACK));
    s.at(20, c2s(at(1), 8, ACK));
    s.at(30, with_len(c2s(at(1), 8, ACK | PSH), 100));
    let lost = s.at(31, with_len(c2s(at(201), 8, ACK | PSH), 100));
    assert_eq!(lost.analysis, a::LOST_SEGMENT);
    let ooo = s.at(32, with_len(c2s(at(101), 8, ACK | PSH), 100));
    assert_eq!(ooo.analysis, a::OUT_OF_ORDER);
    let ack = s.at(50, s2c(8, at(301), ACK));
    assert_eq!((ack.acks_frame, ack.ack_rtt), (5, 19 * MS));
    let spurious = s.at(300, with_len(c2s(at(1), 8, ACK | PSH), 100));
    assert_eq!(spurious.analysis, a::SPURIOUS_RETRANSMISSION);
    assert_ne!(spurious.analysis & a::ANY_RETRANSMISSION, 0);
    s.at(400, with_len(c2s(at(301), 8, ACK | PSH), 50));
    let retransmission = s.at(900, with_len(c2s(at(301), 8, ACK | PSH), 50));
    assert_eq!((retransmission.analysis, retransmission.bytes_in_flight), (a::RETRANSMISSION, 350));
    let unseen = s.at(950, s2c(8, at(400), ACK));
    assert_eq!(unseen.analysis, a::ACK_LOST_SEGMENT);
}

#[test]
fn syn_retransmission_is_a_retransmission_in_the_same_stream() {
    let mut s = Script::new();
    s.at(0, with_ws(c2s(1000, 0, SYN), 7));
    let again = s.at(1000, with_ws(c2s(1000, 0, SYN), 7));
    assert_eq!((again.stream, again.seq, again.analysis), (0, 0, a::RETRANSMISSION));
    let synack = s.at(1010, with_ws(s2c(5000, 1001, SYN | ACK), 8));
    assert_eq!(synack.acks_frame, 1);
    let ack = s.at(1020, c2s(1001, 5001, ACK));
    assert_eq!(ack.irtt, 20 * MS);
    assert_eq!(s.tracker.len(), 1);
}

#[test]
fn port_reuse_with_a_new_isn_starts_a_new_stream() {
    let mut s = Script::new();
    s.at(0, c2s(1000, 0, SYN));
    s.at(10, s2c(5000, 1001, SYN | ACK));
    s.at(20, c2s(1001, 5001, ACK));
    s.at(30, c2s(1001, 5001, FIN | ACK));
    s.at(40, s2c(5001, 1002, FIN | ACK));
    s.at(50, c2s(1002, 5002, ACK));
    let syn = s.at(1000, c2s(9000, 0, SYN));
    assert_eq!((syn.stream, syn.seq, syn.analysis), (1, 0, a::REUSED_PORTS));
    assert!(syn.has_analysis);
    let synack = s.at(1010, with_ws(s2c(7000, 9001, SYN | ACK), 2));
    assert_eq!((synack.stream, synack.ack, synack.acks_frame), (1, 1, 7));
    let ack = s.at(1020, with_window(c2s(9001, 7001, ACK), 500));
    assert_eq!((ack.window_size, ack.scalefactor), (500, -2));
    s.at(1030, with_len(s2c(7001, 9001, ACK | PSH), 5));
    let rst = s.at(1040, with_window(c2s(9001, 7006, RST | ACK), 0));
    assert_eq!((rst.stream, rst.ack, rst.analysis, rst.acks_frame), (1, 6, 0, 10));
    assert_eq!(s.stream(0).completeness, 1 | 2 | 4 | 16);
    assert_eq!(s.stream(1).completeness, 1 | 2 | 4 | 8 | 32);
}

#[test]
fn simultaneous_open_keeps_one_stream() {
    let mut s = Script::new();
    s.at(0, with_ws(c2s(1000, 0, SYN), 3));
    let syn2 = s.at(1, s2c(5000, 0, SYN));
    assert_eq!((syn2.stream, syn2.seq), (0, 0));
    let synack1 = s.at(2, with_ws(c2s(1000, 5001, SYN | ACK), 3));
    assert_eq!((synack1.ack, synack1.analysis, synack1.acks_frame), (1, a::RETRANSMISSION, 2));
    let synack2 = s.at(3, s2c(5000, 1001, SYN | ACK));
    assert_eq!((synack2.ack, synack2.analysis, synack2.acks_frame), (1, a::RETRANSMISSION, 1));
    let ack = s.at(4, c2s(1001, 5001, ACK));
    assert_eq!((ack.analysis, ack.dup_ack_num, ack.scalefactor), (a::DUPLICATE_ACK, 1, -2));
    s.at(5, with_len(s2c(5001, 1001, ACK), 20));
    assert_eq!(s.stream(0).completeness, 15);
    assert_eq!(s.stream(0).irtt, Some(3 * MS));
}

#[test]
fn stream_without_syn_numbers_from_one() {
    let mut s = Script::new();
    let first = s.at(0, with_len(s2c(5000, 1000, ACK | PSH), 100));
    assert_eq!((first.seq, first.ack, first.nxtseq), (1, 1, 101));
    assert_eq!((first.window_size, first.scalefactor, first.has_scalefactor), (1000, -1, true));
    let ack = s.at(10, c2s(1000, 5100, ACK));
    assert_eq!((ack.seq, ack.ack, ack.acks_frame), (1, 101, 1));
    // The first sender is the client until a SYN says otherwise.
    assert_eq!(s.stream(0).client, server());
    let st = s.stream(0);
    assert_eq!((st.completeness, st.settled().completeness_shown(1), st.settled().completeness_shown(2)), (4, 4, 12));
}

#[test]
fn window_scale_missing_on_one_side_means_no_scaling() {
    let mut s = Script::new();
    s.at(0, with_ws(c2s(1000, 0, SYN), 7));
    s.at(10, s2c(5000, 1001, SYN | ACK));
    let ack = s.at(20, c2s(1001, 5001, ACK));
    assert_eq!((ack.window_size, ack.scalefactor), (1000, -2));
    let back = s.at(30, with_len(s2c(5001, 1001, ACK), 10));
    assert_eq!((back.window_size, back.scalefactor), (1000, -2));
    assert_eq!(s.stream(0).settled().window_shift(Direction::ClientToServer), -2);
}

#[test]
fn window_scale_of_an_unanswered_syn_still_applies_to_its_sender() {
    let mut s = Script::new();
    s.at(0, with_ws(c2s(1000, 0, SYN), 3));
    let ack = s.at(100, c2s(1001, 5001, ACK));
    assert_eq!((ack.window_size, ack.scalefactor), (8000, 8));
    let data = s.at(200, with_len(s2c(5001, 1001, ACK), 10));
    assert_eq!((data.window_size, data.scalefactor, data.acks_frame), (1000, -1, 1));
    let (window, factor) = s.stream(0).settled().final_window(Direction::ServerToClient, ACK, 1000);
    assert_eq!((window, factor), (1000, Some(-1)));
    assert_eq!(s.stream(0).settled().final_window(Direction::ClientToServer, SYN, 1000), (1000, None));
}

#[test]
fn syn_ack_first_counts_in_completeness_only_on_tsharks_second_pass() {
    let mut s = Script::new();
    s.at(0, with_ws(s2c(6000, 2001, SYN | ACK), 4));
    s.at(100, c2s(2001, 6001, ACK));
    s.at(200, with_len(c2s(2001, 6001, ACK | PSH), 10));
    let st = s.stream(0);
    assert_eq!(st.client, client());
    assert_eq!(st.completeness, 12);
    assert_eq!(
        (st.settled().completeness_shown(1), st.settled().completeness_shown(2), st.settled().completeness_shown(3)),
        (12, 14, 14)
    );
}

#[test]
fn duplicate_acks_are_numbered_and_fast_retransmission_follows() {
    let mut s = Script::new();
    s.at(0, with_len(s2c(5000, 1000, ACK | PSH), 100));
    s.at(10, c2s(1000, 5100, ACK));
    s.at(20, with_len(s2c(5100, 1000, ACK | PSH), 100));
    let lost = s.at(30, with_len(s2c(5300, 1000, ACK | PSH), 100));
    assert_eq!(lost.analysis, a::LOST_SEGMENT);
    let ack = s.at(40, c2s(1000, 5200, ACK));
    assert_eq!((ack.analysis, ack.acks_frame), (0, 3));
    let dup1 = s.at(50, c2s(1000, 5200, ACK));
    assert_eq!((dup1.analysis, dup1.dup_ack_num, dup1.dup_ack_frame), (a::DUPLICATE_ACK, 1, 5));
    let dup2 = s.at(60, c2s(1000, 5200, ACK));
    assert_eq!((dup2.analysis, dup2.dup_ack_num, dup2.dup_ack_frame), (a::DUPLICATE_ACK, 2, 5));
    let fast = s.at(61, with_len(s2c(5200, 1000, ACK | PSH), 100));
    assert_eq!(fast.analysis, a::FAST_RETRANSMISSION);
    let ack = s.at(70, c2s(1000, 5400, ACK));
    assert_eq!((ack.analysis, ack.acks_frame), (0, 4));
}

#[test]
fn keep_alive_and_its_ack() {
    let mut s = Script::new();
    s.at(0, with_len(s2c(5000, 1000, ACK | PSH), 100));
    s.at(10, c2s(1000, 5100, ACK));
    let keep_alive = s.at(500, s2c(5099, 1000, ACK));
    assert_eq!((keep_alive.seq, keep_alive.analysis), (100, a::KEEP_ALIVE));
    let reply = s.at(510, c2s(1000, 5100, ACK));
    assert_eq!(reply.analysis, a::KEEP_ALIVE_ACK);
}

#[test]
fn zero_window_probe_and_window_update() {
    let mut s = Script::new();
    s.at(0, with_len(s2c(5000, 1000, ACK | PSH), 100));
    s.at(10, c2s(1000, 5100, ACK));
    let zero = s.at(20, with_window(c2s(1000, 5100, ACK), 0));
    assert_eq!((zero.analysis, zero.window_size), (a::ZERO_WINDOW, 0));
    let probe = s.at(30, with_len(s2c(5100, 1000, ACK), 1));
    assert_eq!((probe.analysis, probe.nxtseq), (a::ZERO_WINDOW_PROBE, 102));
    let probe_ack = s.at(40, with_window(c2s(1000, 5100, ACK), 0));
    assert_eq!(probe_ack.analysis, a::ZERO_WINDOW | a::ZERO_WINDOW_PROBE_ACK);
    let update = s.at(50, with_window(c2s(1000, 5100, ACK), 2000));
    assert_eq!(update.analysis, a::WINDOW_UPDATE);
}

#[test]
fn rst_without_ack_shows_the_raw_ack_and_counts_in_completeness() {
    let mut s = Script::new();
    s.at(0, with_len(s2c(5000, 1000, ACK | PSH), 100));
    s.at(10, c2s(1000, 5100, ACK));
    let rst = s.at(20, s2c(5100, 1000, RST));
    assert_eq!((rst.seq, rst.ack, rst.nxtseq, rst.analysis), (101, 1000, 101, 0));
    assert_eq!(s.stream(0).completeness, 4 | 32);
}

#[test]
fn rst_answering_a_syn_completes_a_refused_connection() {
    let mut s = Script::new();
    s.at(0, c2s(1000, 0, SYN));
    let rst = s.at(1, with_window(s2c(0, 1001, RST | ACK), 0));
    assert_eq!((rst.stream, rst.seq, rst.ack, rst.acks_frame), (0, 1, 1, 1));
    // RST+ACK without SYN counts as an ACK too.
    assert_eq!(s.stream(0).completeness, 1 | 4 | 32);
}

#[test]
fn ack_of_a_syn_with_data_counts_tfo_data() {
    let mut s = Script::new();
    s.at(0, with_len(c2s(1000, 0, SYN), 5));
    let synack = s.at(10, s2c(9000, 1006, SYN | ACK));
    assert_eq!((synack.ack, synack.acks_frame), (6, 1));
    assert_eq!(s.stream(0).completeness, 1 | 2 | 8);
}

/// The connection of `port_reuse_with_a_new_isn_starts_a_new_stream`, then a
/// new one on the same ports, on a tracker that retires each stream after its
/// last frame as a second pass does: every answer is the same, and the
/// retired stream's memory goes to the next one.
#[test]
fn a_retired_stream_answers_as_if_kept_and_its_place_is_reused() {
    let mut kept = Script::new();
    let mut retiring = Script::new();
    let close = [
        (0, c2s(1000, 0, SYN)),
        (10, s2c(5000, 1001, SYN | ACK)),
        (20, c2s(1001, 5001, ACK)),
        (30, c2s(1001, 5001, FIN | ACK)),
        (40, s2c(5001, 1002, FIN | ACK)),
        (50, c2s(1002, 5002, ACK)),
    ];
    for (ms, seg) in close {
        assert_eq!(kept.at(ms, seg), retiring.at(ms, seg));
    }
    retiring.tracker.retire(0);
    retiring.tracker.retire(0);
    assert!(retiring.tracker.stream(0).is_none());
    let again = [(1000, c2s(9000, 0, SYN)), (1010, s2c(7000, 9001, SYN | ACK)), (1020, c2s(9001, 7001, ACK))];
    for (ms, seg) in again {
        assert_eq!(kept.at(ms, seg), retiring.at(ms, seg));
    }
    let opened = retiring.tracker.stream(1).expect("the new connection's stream");
    assert_eq!((opened.index, retiring.tracker.len()), (1, 2));
    assert_eq!(retiring.tracker.settle()[0], None);
    assert_eq!(retiring.tracker.settle()[1], Some(kept.stream(1).settled()));
}

#[test]
fn distinct_port_pairs_get_indices_in_order_of_appearance() {
    let mut s = Script::new();
    let a0 = s.at(0, seg(ep(1, 1), server(), 1, 0, SYN));
    let b0 = s.at(1, seg(ep(1, 2), server(), 1, 0, SYN));
    let a1 = s.at(2, seg(server(), ep(1, 1), 1, 2, SYN | ACK));
    assert_eq!((a0.stream, b0.stream, a1.stream), (0, 1, 0));
    assert_eq!(s.tracker.len(), 2);
}

#[test]
fn acked_unseen_segment_is_reported_once_per_gap() {
    let mut s = Script::new();
    let first = s.at(0, with_len(s2c(5001, 1001, ACK | PSH), 100));
    assert_eq!(first.bytes_in_flight, 100);
    s.at(10, c2s(1001, 5101, ACK));
    let beyond = s.at(20, c2s(1001, 5201, ACK));
    assert_eq!((beyond.ack, beyond.analysis), (201, a::ACK_LOST_SEGMENT));
    let same_gap = s.at(30, c2s(1001, 5301, ACK));
    assert_eq!(same_gap.analysis, 0);
    let lost = s.at(40, with_len(s2c(5301, 1001, ACK | PSH), 100));
    assert_eq!((lost.analysis, lost.bytes_in_flight), (a::LOST_SEGMENT, 0));
    let after_hole = s.at(50, c2s(1001, 5401, ACK));
    assert_eq!((after_hole.analysis, after_hole.acks_frame), (a::ACK_LOST_SEGMENT, 5));
    let resumed = s.at(60, with_len(s2c(5401, 1001, ACK | PSH), 100));
    assert_eq!((resumed.analysis, resumed.bytes_in_flight), (0, 100));
    let more = s.at(70, with_len(s2c(5501, 1001, ACK | PSH), 100));
    assert_eq!(more.bytes_in_flight, 200);
    let ack = s.at(80, with_window(c2s(1001, 5601, ACK), 2000));
    assert_eq!((ack.analysis, ack.acks_frame), (0, 8));
}

#[test]
fn window_full_uses_the_unscaled_window_before_the_first_ack() {
    let mut s = Script::new();
    s.at(0, with_ws(c2s(1000, 0, SYN), 2));
    s.at(100, with_window(with_ws(s2c(5000, 1001, SYN | ACK), 2), 100));
    s.at(200, c2s(1001, 5001, ACK));
    let full = s.at(201, with_len(c2s(1001, 5001, ACK | PSH), 100));
    assert_eq!(full.analysis, a::WINDOW_FULL);
}

#[test]
fn spurious_retransmission_takes_precedence_over_out_of_order() {
    let mut s = Script::new();
    s.at(0, c2s(1000, 0, SYN));
    s.at(100, s2c(5000, 1001, SYN | ACK));
    s.at(200, c2s(1001, 5001, ACK));
    s.at(201, with_len(c2s(1001, 5001, ACK | PSH), 100));
    s.at(202, with_len(c2s(1101, 5001, ACK | PSH), 100));
    s.at(203, s2c(5001, 1201, ACK));
    let again = s.at(204, with_len(c2s(1001, 5001, ACK | PSH), 100));
    assert_eq!(again.analysis, a::SPURIOUS_RETRANSMISSION);
}

#[test]
fn fin_after_an_acked_unseen_segment_counts_as_fast_retransmission() {
    // tshark 4.0 keeps the "gap reported" mark in an unsigned duplicate-ACK counter,
    // so the next segment repeating the peer's ACK point passes the `>= 2` test.
    let mut s = Script::new();
    s.at(0, c2s(1000, 0, SYN));
    s.at(10, s2c(5000, 1001, SYN | ACK));
    s.at(40, c2s(1001, 5001, ACK));
    s.at(60, with_len(c2s(1001, 5001, ACK | PSH), 274));
    s.at(61, s2c(5001, 1275, ACK));
    s.at(62, s2c(5001, 1275, FIN | ACK));
    s.at(140, with_len(c2s(1275, 5001, ACK), 1440));
    let fin = s.at(141, s2c(5001, 2723, FIN | ACK));
    assert_eq!(fin.analysis, a::FAST_RETRANSMISSION | a::ACK_LOST_SEGMENT);
}

#[test]
fn same_syn_again_rewinds_a_stray_rst_and_shows_an_analysis_tree() {
    let mut s = Script::new();
    s.at(0, c2s(1000, 0, SYN));
    let rst = s.at(100, c2s(5000, 0, RST));
    assert_eq!(rst.seq, 4000);
    let again = s.at(1000, c2s(1000, 0, SYN));
    assert_eq!((again.stream, again.analysis, again.has_analysis), (0, a::RETRANSMISSION, true));
    s.at(1010, s2c(7000, 1001, SYN | ACK));
    s.at(1020, c2s(1001, 7001, ACK));
    let data = s.at(1030, with_len(c2s(1001, 7001, ACK | PSH), 10));
    assert_eq!(data.analysis, 0);
}

#[test]
fn second_pass_uses_the_final_base_before_a_syn_ack_moved_it() {
    let mut s = Script::new();
    s.at(0, c2s(1000, 0, SYN));
    let rst = s.at(1, seg(server(), client(), 0, 1000, RST | ACK));
    assert_eq!((rst.seq, rst.ack), (1, 0));
    let synack = s.at(2, s2c(7000, 1001, SYN | ACK));
    assert_eq!((synack.seq, synack.analysis), (0, a::REUSED_PORTS));
    let st = s.stream(0);
    let rst_segment = Segment { frame: 2, ..seg(server(), client(), 0, 1000, RST | ACK) };
    let shown = st.settled().second_pass(&rst_segment, &rst);
    assert_eq!((shown.seq, shown.nxtseq, shown.ack), (0u32.wrapping_sub(7000), 0u32.wrapping_sub(7000), 0));
}

#[test]
fn icmp_quoted_header_starts_a_stream_without_sequence_analysis() {
    let mut s = Script::new();
    let quoted_syn = c2s(1000, 0, SYN);
    s.frame += 1;
    let quoted = s.tracker.process_quoted(&Segment { frame: 1, time: 1_000_000_000_000, ..quoted_syn });
    assert_eq!((quoted.stream, quoted.seq, quoted.has_analysis), (0, 1000, false));
    let other = s.at(1, seg(client(), ep(3, 80), 5, 0, SYN));
    assert_eq!(other.stream, 1);
    let real = s.at(2, quoted_syn);
    assert_eq!((real.stream, real.seq, real.analysis), (0, 0, 0));
    assert_eq!(s.stream(0).completeness, 1);
}

#[test]
fn completeness_in_tsharks_words() {
    assert_eq!(completeness::words(31), "Complete, WITH_DATA (31)");
    assert_eq!(completeness::words(23), "Complete, NO_DATA (23)");
    assert_eq!(completeness::words(37), "Incomplete (37)");
    assert_eq!(completeness::words(1), "Incomplete, SYN_SENT (1)");
    assert_eq!(completeness::words(3), "Incomplete, CLIENT_ESTABLISHED (3)");
    assert_eq!(completeness::words(7), "Incomplete, ESTABLISHED (7)");
    assert_eq!(completeness::words(15), "Incomplete, DATA (15)");
    assert_eq!(completeness::words(0), "Incomplete (0)");
}

/// captures/tcp-echo-interfaces.pcapng frames 18-19 (tshark: fin_active, then
/// fin_passive): the server closes first, the client answers; a FIN the server
/// sends again is still active, and segments without FIN have no part.
#[test]
fn the_first_side_to_send_fin_initiates_the_closing() {
    let mut s = Script::new();
    s.at(0, c2s(1000, 0, SYN));
    s.at(10, s2c(5000, 1001, SYN | ACK));
    let ack = s.at(20, c2s(1001, 5001, ACK));
    assert_eq!(ack.closing, None);
    let first = s.at(30, s2c(5001, 1001, FIN | ACK));
    assert_eq!(first.closing, Some(Closing::Active));
    let answer = s.at(40, c2s(1001, 5002, FIN | ACK));
    assert_eq!(answer.closing, Some(Closing::Passive));
    let again = s.at(50, s2c(5001, 1002, FIN | ACK));
    assert_eq!(again.closing, Some(Closing::Active));
}

/// suricata-verify tcp-fastopen-10: a SYN with a TFO cookie and 517 bytes of
/// data; every SYN-ACK of the stream after it is asked whether it takes that data.
#[test]
fn a_syn_with_tfo_data_marks_the_stream_s_syn_acks() {
    let mut s = Script::new();
    let plain = s.at(0, c2s(1000, 0, SYN));
    assert!(!plain.tfo_syn_data);
    let tfo = Options { tfo_cookie: true, ..Options::default() };
    let syn = s.at(1, with_len(Segment { options: tfo, ..c2s(1000, 0, SYN) }, 517));
    assert!(!syn.tfo_syn_data, "only SYN-ACKs carry it");
    let synack = s.at(10, s2c(5000, 1001, SYN | ACK));
    assert!(synack.tfo_syn_data);
    let again = s.at(20, s2c(5000, 1001, SYN | ACK));
    assert!(again.tfo_syn_data);
}

/// As zeek tcp/reassembly.pcap frames 16 and 36: a retransmission's RTO counts
/// from the oldest segment still unacknowledged, not from the newest one.
#[test]
fn the_rto_counts_from_the_oldest_unacknowledged_segment() {
    let mut s = Script::new();
    s.at(0, c2s(1000, 0, SYN));
    s.at(10, s2c(5000, 1001, SYN | ACK));
    s.at(20, c2s(1001, 5001, ACK));
    s.at(30, with_len(c2s(1001, 5001, ACK), 100));
    s.at(40, with_len(c2s(1101, 5001, ACK), 100));
    let again = s.at(500, with_len(c2s(1001, 5001, ACK), 100));
    assert_ne!(again.analysis & a::RETRANSMISSION, 0);
    assert_eq!((again.rto, again.rto_frame), (470 * MS, 4));
    let first = s.at(510, with_len(c2s(1201, 5001, ACK), 100));
    assert_eq!((first.rto, first.rto_frame), (0, 0));
}

/// As captures/tcp-echo-interfaces.pcapng frame 11: a SYN-ACK sent again after
/// the client acknowledged it has nothing unacknowledged; its RTO counts from
/// the first SYN-ACK.
#[test]
fn a_syn_ack_sent_again_counts_its_rto_from_the_first_one() {
    let mut s = Script::new();
    s.at(0, c2s(1000, 0, SYN));
    s.at(10, s2c(5000, 1001, SYN | ACK));
    s.at(20, c2s(1001, 5001, ACK));
    let again = s.at(30, s2c(5000, 1001, SYN | ACK));
    assert_ne!(again.analysis & a::RETRANSMISSION, 0);
    assert_eq!((again.rto, again.rto_frame), (20 * MS, 2));
}

/// A closed connection, then what may still come on its ports: a retransmitted
/// FIN and its ACK, a RST, a keep-alive, a late SYN-ACK with another ISN, and a
/// new connection's SYN.
fn close_then_late_segments() -> Vec<(i64, Segment)> {
    vec![
        (0, with_ws(c2s(1000, 0, SYN), 7)),
        (10, with_ws(s2c(5000, 1001, SYN | ACK), 8)),
        (20, c2s(1001, 5001, ACK)),
        (30, with_len(c2s(1001, 5001, ACK | PSH), 100)),
        (40, with_len(s2c(5001, 1101, ACK | PSH), 50)),
        (50, c2s(1101, 5051, FIN | ACK)),
        (60, s2c(5051, 1102, FIN | ACK)),
        (70, c2s(1102, 5052, ACK)),
        (80, s2c(5051, 1102, FIN | ACK)),
        (90, c2s(1102, 5052, ACK)),
        (95, with_len(c2s(1050, 5052, ACK | PSH), 20)),
        (100, c2s(1102, 5052, RST)),
        (110, s2c(9000, 1102, SYN | ACK)),
        (120, c2s(7000, 0, SYN)),
        (130, s2c(8000, 7001, SYN | ACK)),
    ]
}

#[test]
fn a_parking_tracker_settles_and_answers_as_one_that_keeps_every_stream() {
    let (mut whole, mut parking) = (Tracker::new(), Tracker::parking());
    for (frame, (ms, s)) in close_then_late_segments().into_iter().enumerate() {
        let s = Segment { frame: frame as u32 + 1, time: 1_000_000_000_000 + ms * MS, ..s };
        let (a, b) = (whole.process(&s), parking.process(&s));
        assert_eq!(
            (a.stream, a.seq, a.ack, a.analysis, a.window_size),
            (b.stream, b.seq, b.ack, b.analysis, b.window_size)
        );
        assert_eq!(whole.settle(), parking.settle(), "after frame {}", frame + 1);
    }
    assert_eq!(parking.len(), 2);
}
