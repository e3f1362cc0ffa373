//! The TCP block: header, flags, options, SEQ/ACK analysis and expert notes.

use super::*;

pub(super) fn tcp(out: &mut Tree, h: &Tcp, info: Option<&SegmentInfo>, compl: u8, note: &Note, d: usize) {
    let (seq, ack) = info.map_or((h.seq, h.ack), |i| (i.seq, i.ack));
    let ack_part = if h.flags & flags::ACK != 0 { format!(", Ack: {ack}") } else { String::new() };
    l!(
        out,
        d,
        "Transmission Control Protocol, Src Port: {}, Dst Port: {}, Seq: {seq}{ack_part}, Len: {}",
        h.sport,
        h.dport,
        h.payload_len
    );
    let d = d + 1;
    l!(out, d, "Source Port: {}", h.sport);
    l!(out, d, "Destination Port: {}", h.dport);
    if let Some(i) = info {
        l!(out, d, "[Stream index: {}]", i.stream);
        l!(out, d, "[Conversation completeness: {}]", completeness::words(compl));
    }
    l!(out, d, "[TCP Segment Len: {}]", h.payload_len);
    match info {
        Some(i) => {
            l!(out, d, "Sequence Number: {}    (relative sequence number)", i.seq);
            l!(out, d, "Sequence Number (raw): {}", h.seq);
            l!(out, d, "[Next Sequence Number: {}    (relative sequence number)]", i.nxtseq);
            if h.flags & flags::ACK != 0 {
                l!(out, d, "Acknowledgment Number: {}    (relative ack number)", i.ack);
            } else {
                l!(out, d, "Acknowledgment Number: {}", i.ack);
            }
        }
        None => {
            l!(out, d, "Sequence Number (raw): {}", h.seq);
        }
    }
    l!(out, d, "Acknowledgment number (raw): {}", h.ack);
    l!(out, d, "{:04b} .... = Header Length: {} bytes ({})", h.hdr_len / 4, h.hdr_len, h.hdr_len / 4);
    l!(out, d, "Flags: 0x{:03x} ({})", h.flags, FlagNames(h.flags));
    l!(out, d + 1, "000. .... .... = Reserved: {}", set(h.flags & flags::RESERVED != 0));
    for flag in flags::TABLE.iter().rev() {
        let v = u8::from(h.flags & flag.bit != 0);
        let bits = flag.pattern.replace('x', &v.to_string());
        l!(out, d + 1, "{bits} = {}: {}", flag.label, set(v == 1));
        if v == 1 {
            flag_expert_info(out, h, flag.bit, d + 2);
        }
    }
    l!(out, d + 1, "[TCP Flags: {}]", flags_str(h.flags));
    match note {
        Note::ActiveClose { .. } => expert(out, d + 2, "Note", "This frame initiates the connection closing"),
        Note::PassiveClose { .. } => expert(out, d + 2, "Note", "This frame undergoes the connection closing"),
        _ => {}
    }
    l!(out, d, "Window: {}", h.window);
    if let Some(i) = info {
        l!(out, d, "[Calculated window size: {}]", i.window_size);
        if h.flags & flags::SYN == 0 {
            let why = match i.scalefactor {
                -1 => "-1 (unknown)".to_string(),
                -2 => "-2 (no window scaling used)".to_string(),
                f => f.to_string(),
            };
            l!(out, d, "[Window size scaling factor: {why}]");
        }
    }
    l!(out, d, "Checksum: 0x{:04x} [unverified]", h.checksum);
    l!(out, d, "[Checksum Status: Unverified]");
    l!(out, d, "Urgent Pointer: {}", h.urgent);
    let sack_base = match info {
        Some(i) if h.flags & flags::ACK != 0 => h.ack.wrapping_sub(i.ack),
        _ => 0,
    };
    tcp_options(out, h, sack_base, d);
    if let Some(i) = info {
        l!(out, d, "[Timestamps]");
        l!(
            out,
            d + 1,
            "[Time since first frame in this TCP stream: {} seconds]",
            Secs { nanos: i.time_relative, decimals: 9 }
        );
        l!(
            out,
            d + 1,
            "[Time since previous frame in this TCP stream: {} seconds]",
            Secs { nanos: i.time_delta, decimals: 9 }
        );
        seq_ack_analysis(out, i, d);
    }
    if h.payload_len > 0 {
        l!(out, d, "TCP payload ({} bytes)", h.payload_len);
        if info.is_some_and(|i| i.analysis & analysis::ANY_RETRANSMISSION != 0) {
            l!(out, d, "Retransmitted TCP segment data ({} bytes)", h.payload_len);
        }
    }
}

/// Wireshark's expert notes under the SYN and FIN flags.
pub(super) fn flag_expert_info(out: &mut Tree, h: &Tcp, bit: u16, d: usize) {
    if bit == flags::SYN {
        let text = if h.flags & flags::ACK != 0 {
            format!("Connection establish acknowledge (SYN+ACK): server port {}", h.sport)
        } else {
            format!("Connection establish request (SYN): server port {}", h.dport)
        };
        expert(out, d, "Chat", &text);
    }
    if bit == flags::RST {
        expert(out, d, "Warning", "Connection reset (RST)");
    }
    if bit == flags::FIN {
        expert(out, d, "Chat", "Connection finish (FIN)");
    }
}

/// One expert-info block (group Sequence) at depth `d`.
pub(super) fn expert(out: &mut Tree, d: usize, level: &str, text: &str) {
    l!(out, d, "[Expert Info ({level}/Sequence): {text}]");
    l!(out, d + 1, "[{text}]");
    l!(out, d + 1, "[Severity level: {level}]");
    l!(out, d + 1, "[Group: Sequence]")
}

/// Wireshark's summary name of a TCP option kind.
pub(super) fn option_name(kind: u8) -> &'static str {
    match kind {
        0 => "End of Option List (EOL)",
        1 => "No-Operation (NOP)",
        2 => "Maximum segment size",
        3 => "Window scale",
        4 => "SACK permitted",
        5 => "SACK",
        8 => "Timestamps",
        34 => "TCP Fast Open",
        _ => "Unknown",
    }
}

pub(super) fn tcp_options(out: &mut Tree, h: &Tcp, sack_base: u32, d: usize) {
    let len = usize::from(h.hdr_len).saturating_sub(20);
    if len == 0 {
        return;
    }
    let names: Vec<&str> = h.option_kinds().iter().map(|&k| option_name(k)).collect();
    l!(out, d, "Options: ({len} bytes), {}", names.join(", "));
    let o = &h.options;
    let mut sack_done = false;
    let d = d + 1;
    for &kind in h.option_kinds() {
        match kind {
            0 => {
                l!(out, d, "TCP Option - End of Option List (EOL)");
                l!(out, d + 1, "Kind: End of Option List (0)");
            }
            1 => {
                l!(out, d, "TCP Option - No-Operation (NOP)");
                l!(out, d + 1, "Kind: No-Operation (1)");
            }
            2 => {
                if let Some(m) = o.mss {
                    l!(out, d, "TCP Option - Maximum segment size: {m} bytes");
                    l!(out, d + 1, "Kind: Maximum Segment Size (2)");
                    l!(out, d + 1, "Length: 4");
                    l!(out, d + 1, "MSS Value: {m}");
                }
            }
            3 => {
                if let Some(s) = o.wscale {
                    let mult = 1u32 << s.min(14);
                    l!(out, d, "TCP Option - Window scale: {s} (multiply by {mult})");
                    l!(out, d + 1, "Kind: Window Scale (3)");
                    l!(out, d + 1, "Length: 3");
                    l!(out, d + 1, "Shift count: {s}");
                    l!(out, d + 1, "[Multiplier: {mult}]");
                }
            }
            4 => {
                l!(out, d, "TCP Option - SACK permitted");
                l!(out, d + 1, "Kind: SACK Permitted (4)");
                l!(out, d + 1, "Length: 2");
            }
            5 if !sack_done => {
                sack_done = true;
                let blocks = &o.sack[..usize::from(o.sack_count)];
                let rel = |v: u32| v.wrapping_sub(sack_base);
                let edges: Vec<String> = blocks.iter().map(|&(l, r)| format!("{}-{}", rel(l), rel(r))).collect();
                l!(out, d, "TCP Option - SACK {}", edges.join(" "));
                l!(out, d + 1, "Kind: SACK (5)");
                l!(out, d + 1, "Length: {}", 2 + 8 * blocks.len());
                for &(left, right) in blocks {
                    l!(out, d + 1, "left edge = {} (relative)", rel(left));
                    l!(out, d + 1, "right edge = {} (relative)", rel(right));
                }
                l!(out, d + 1, "[TCP SACK Count: {}]", blocks.len());
            }
            8 => {
                if let Some((v, e)) = o.timestamps {
                    l!(out, d, "TCP Option - Timestamps: TSval {v}, TSecr {e}");
                    l!(out, d + 1, "Kind: Time Stamp Option (8)");
                    l!(out, d + 1, "Length: 10");
                    l!(out, d + 1, "Timestamp value: {v}");
                    l!(out, d + 1, "Timestamp echo reply: {e}");
                }
            }
            5 => {}
            k => l!(out, d, "TCP Option - {} ({k})", option_name(k)),
        }
    }
}

/// Analysis flags other than duplicate ACKs, with Wireshark's expert level and text.
pub(super) const ANALYSIS_EXPERTS: [(u32, &str, &str); 14] = [
    (analysis::RETRANSMISSION, "Note", "This frame is a (suspected) retransmission"),
    (analysis::FAST_RETRANSMISSION, "Note", "This frame is a (suspected) fast retransmission"),
    (analysis::SPURIOUS_RETRANSMISSION, "Note", "This frame is a (suspected) spurious retransmission"),
    (analysis::OUT_OF_ORDER, "Warning", "This frame is a (suspected) out-of-order segment"),
    (analysis::LOST_SEGMENT, "Warning", "Previous segment(s) not captured (common at capture start)"),
    (analysis::ACK_LOST_SEGMENT, "Warning", "ACKed segment that wasn't captured (common at capture start)"),
    (analysis::ZERO_WINDOW, "Warning", "TCP Zero Window segment"),
    (analysis::ZERO_WINDOW_PROBE, "Note", "TCP Zero Window Probe"),
    (analysis::ZERO_WINDOW_PROBE_ACK, "Note", "TCP Zero Window Probe Ack"),
    (analysis::KEEP_ALIVE, "Note", "TCP keep-alive segment"),
    (analysis::KEEP_ALIVE_ACK, "Note", "ACK to a TCP keep-alive segment"),
    (analysis::WINDOW_UPDATE, "Chat", "TCP window update"),
    (analysis::WINDOW_FULL, "Warning", "TCP window specified by the receiver is now completely full"),
    (
        analysis::REUSED_PORTS,
        "Note",
        "A new tcp session is started with the same ports as an earlier session in this trace",
    ),
];

pub(super) fn seq_ack_analysis(out: &mut Tree, i: &SegmentInfo, d: usize) {
    let shown = i.acks_frame != 0 || i.irtt != 0 || i.bytes_in_flight != 0 || i.analysis != 0 || i.dup_ack_num != 0;
    if !shown {
        return;
    }
    l!(out, d, "[SEQ/ACK analysis]");
    if i.acks_frame != 0 {
        l!(out, d + 1, "[This is an ACK to the segment in frame: {}]", i.acks_frame);
        l!(out, d + 1, "[The RTT to ACK the segment was: {} seconds]", Secs { nanos: i.ack_rtt, decimals: 9 });
    }
    if i.irtt != 0 {
        l!(out, d + 1, "[iRTT: {} seconds]", Secs { nanos: i.irtt, decimals: 9 });
    }
    if i.bytes_in_flight != 0 {
        l!(out, d + 1, "[Bytes in flight: {}]", i.bytes_in_flight);
        l!(out, d + 1, "[Bytes sent since last PSH flag: {}]", i.push_bytes_sent);
    }
    if i.analysis != 0 {
        l!(out, d + 1, "[TCP Analysis Flags]");
        for (bit, level, text) in ANALYSIS_EXPERTS {
            if i.analysis & bit != 0 {
                expert(out, d + 2, level, text);
            }
        }
        if i.analysis & analysis::DUPLICATE_ACK != 0 {
            l!(out, d + 2, "[This is a TCP duplicate ack]");
        }
    }
    if i.dup_ack_num != 0 {
        l!(out, d + 1, "[Duplicate ACK #: {}]", i.dup_ack_num);
        l!(out, d + 1, "[Duplicate to the ACK in frame: {}]", i.dup_ack_frame);
        expert(out, d + 2, "Note", &format!("Duplicate ACK (#{})", i.dup_ack_num));
    }
}
