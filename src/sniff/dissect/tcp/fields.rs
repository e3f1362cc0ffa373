//! TCP's fields (`tcp.*`), as `tshark -n -2 -T fields` prints them: the
//! header's, the stream analysis's, and those of a header quoted in an ICMP
//! error (after the outer ones, as tshark prints them).

use crate::sniff::field_id::{builtin_fields, FieldId};
use crate::sniff::packet::{Packet, Tcp, Transport};
use crate::sniff::tcp::{analysis, flags};
use crate::sniff::value::Value;
use std::borrow::Cow;
use std::fmt::Write as _;

builtin_fields! {
    Tcp;
    Tcp => "tcp",
    TcpSrcport => "tcp.srcport",
    TcpDstport => "tcp.dstport",
    TcpPort => "tcp.port",
    TcpStream => "tcp.stream",
    TcpLen => "tcp.len",
    TcpSeq => "tcp.seq",
    TcpSeqRaw => "tcp.seq_raw",
    TcpNxtseq => "tcp.nxtseq",
    TcpAck => "tcp.ack",
    TcpAckRaw => "tcp.ack_raw",
    TcpHdrLen => "tcp.hdr_len",
    TcpFlags => "tcp.flags",
    TcpFlagsSyn => "tcp.flags.syn",
    TcpFlagsAck => "tcp.flags.ack",
    TcpFlagsFin => "tcp.flags.fin",
    TcpFlagsReset => "tcp.flags.reset",
    TcpFlagsPush => "tcp.flags.push",
    TcpFlagsUrg => "tcp.flags.urg",
    TcpFlagsStr => "tcp.flags.str",
    TcpWindowSizeValue => "tcp.window_size_value",
    TcpWindowSize => "tcp.window_size",
    TcpWindowSizeScalefactor => "tcp.window_size_scalefactor",
    TcpCompleteness => "tcp.completeness",
    TcpOptionsMssVal => "tcp.options.mss_val",
    TcpOptionsWscaleShift => "tcp.options.wscale.shift",
    TcpOptionsWscaleMultiplier => "tcp.options.wscale.multiplier",
    TcpOptionsSackPerm => "tcp.options.sack_perm",
    TcpOptionsTsval => "tcp.options.timestamp.tsval",
    TcpOptionsTsecr => "tcp.options.timestamp.tsecr",
    TcpAnalysisFlags => "tcp.analysis.flags",
    TcpAnalysisRetransmission => "tcp.analysis.retransmission",
    TcpAnalysisOutOfOrder => "tcp.analysis.out_of_order",
    TcpAnalysisLostSegment => "tcp.analysis.lost_segment",
    TcpAnalysisDuplicateAck => "tcp.analysis.duplicate_ack",
    TcpAnalysisDuplicateAckNum => "tcp.analysis.duplicate_ack_num",
    TcpAnalysisDuplicateAckFrame => "tcp.analysis.duplicate_ack_frame",
    TcpAnalysisZeroWindow => "tcp.analysis.zero_window",
    TcpAnalysisKeepAlive => "tcp.analysis.keep_alive",
    TcpAnalysisWindowUpdate => "tcp.analysis.window_update",
    TcpAnalysisAcksFrame => "tcp.analysis.acks_frame",
    TcpAnalysisAckRtt => "tcp.analysis.ack_rtt",
    TcpAnalysisInitialRtt => "tcp.analysis.initial_rtt",
    TcpTimeRelative => "tcp.time_relative",
    TcpTimeDelta => "tcp.time_delta",
    TcpPayload => "tcp.payload",
}

/// Appends the values of TCP field `field` of `p`.
pub fn values<'s>(p: &'s Packet<'_>, field: FieldId, out: &mut Vec<Value<'s>>) {
    match field {
        FieldId::Tcp => out.extend(label(p).map(|s| Value::Str(Cow::Owned(s)))),
        FieldId::TcpPayload => {
            crate::sniff::layer_bytes::values(p, field, out);
        }
        _ => p.d.transports().for_each(|(t, outer)| header_values(p, t, outer, field, out)),
    }
}

/// The first line of TCP's details, which tshark prints for `tcp` as a field.
pub fn label(p: &Packet<'_>) -> Option<String> {
    let mut s = String::new();
    let h = match (p.d.transport, p.d.quoted.map(|q| q.transport)) {
        (Transport::Tcp(h), _) => h,
        // A quoted header: tshark names its raw sequence number only.
        (_, Some(Transport::Tcp(h))) => {
            let _ = write!(s, "Transmission Control Protocol, Src Port: {}, Dst Port: {}", h.sport, h.dport);
            let _ = write!(s, ", Seq: {}", h.seq);
            return Some(s);
        }
        (_, Some(Transport::TcpPorts { sport, dport, .. })) => {
            let _ = write!(s, "Transmission Control Protocol, Src Port: {sport}, Dst Port: {dport}");
            return Some(s);
        }
        _ => return None,
    };
    let (seq, ack) = p.tcp.map_or((h.seq, h.ack), |i| (i.seq, i.ack));
    let _ = write!(s, "Transmission Control Protocol, Src Port: {}, Dst Port: {}, Seq: {seq}", h.sport, h.dport);
    if h.flags & flags::ACK != 0 {
        let _ = write!(s, ", Ack: {ack}");
    }
    let _ = write!(s, ", Len: {}", h.payload_len);
    Some(s)
}

/// The fields of the outer TCP header, or (`outer` false) of the one an ICMP error quotes.
fn header_values<'s>(p: &'s Packet<'_>, t: &Transport, outer: bool, field: FieldId, out: &mut Vec<Value<'s>>) {
    use FieldId as F;
    let u = |v: u64| Value::Uint(v);
    match t {
        &Transport::TcpPorts { sport, dport, seq, .. } => match field {
            F::TcpSrcport => out.push(u(u64::from(sport))),
            F::TcpDstport => out.push(u(u64::from(dport))),
            F::TcpPort => out.extend([u(u64::from(sport)), u(u64::from(dport))]),
            // tshark shows the quoted sequence number as tcp.seq (there is no base).
            F::TcpSeq => out.push(u(u64::from(seq))),
            _ => {}
        },
        Transport::Tcp(h) => tcp_values(p, h, outer, field, out),
        _ => {}
    }
}

/// The fields of a whole TCP header `h` and its analysis.
fn tcp_values<'s>(p: &'s Packet<'_>, h: &Tcp, outer: bool, field: FieldId, out: &mut Vec<Value<'s>>) {
    use FieldId as F;
    let u = |v: u64| Value::Uint(v);
    let info = if outer { p.tcp } else { p.quoted_tcp };
    let o = &h.options;
    let flag = |bit: u16| Value::Bool(h.flags & bit != 0);
    let a = info.map_or(0, |i| i.analysis);
    let present = |bit: u32, out: &mut Vec<Value<'s>>| {
        if a & bit != 0 {
            out.push(Value::Present);
        }
    };
    match field {
        F::TcpSrcport => out.push(u(u64::from(h.sport))),
        F::TcpDstport => out.push(u(u64::from(h.dport))),
        F::TcpPort => out.extend([u(u64::from(h.sport)), u(u64::from(h.dport))]),
        // A quoted header has no length, raw/next sequence numbers in tshark.
        F::TcpLen if outer => out.push(u(u64::from(h.payload_len))),
        F::TcpSeqRaw if outer => out.push(u(u64::from(h.seq))),
        F::TcpAckRaw => out.push(u(u64::from(h.ack))),
        F::TcpHdrLen => out.push(u(u64::from(h.hdr_len))),
        F::TcpFlags => out.push(Value::hex(u64::from(h.flags), 4)),
        F::TcpFlagsSyn => out.push(flag(flags::SYN)),
        F::TcpFlagsAck => out.push(flag(flags::ACK)),
        F::TcpFlagsFin => out.push(flag(flags::FIN)),
        F::TcpFlagsReset => out.push(flag(flags::RST)),
        F::TcpFlagsPush => out.push(flag(flags::PSH)),
        F::TcpFlagsUrg => out.push(flag(flags::URG)),
        F::TcpFlagsStr => out.push(Value::Str(Cow::Owned(flags_str(h.flags)))),
        F::TcpWindowSizeValue => out.push(u(u64::from(h.window))),
        F::TcpOptionsMssVal => out.extend(o.mss.map(|m| u(u64::from(m)))),
        F::TcpOptionsWscaleShift => out.extend(o.wscale.map(|s| u(u64::from(s)))),
        F::TcpOptionsWscaleMultiplier => out.extend(o.wscale.map(|s| u(1u64 << s.min(14)))),
        F::TcpOptionsSackPerm if o.sack_perm => out.push(Value::Str(Cow::Borrowed("0402"))),
        F::TcpOptionsTsval => out.extend(o.timestamps.map(|(v, _)| u(u64::from(v)))),
        F::TcpOptionsTsecr => out.extend(o.timestamps.map(|(_, e)| u(u64::from(e)))),
        _ => {}
    }
    let Some(i) = info else { return };
    // tshark's dissection stopped at the malformed header: no analysis items.
    if h.malformed && field.name().starts_with("tcp.analysis.") {
        return;
    }
    match field {
        F::TcpStream => out.push(u(u64::from(i.stream))),
        F::TcpSeq => out.push(u(u64::from(i.seq))),
        F::TcpNxtseq if outer => out.push(u(u64::from(i.nxtseq))),
        F::TcpAck => out.push(u(u64::from(i.ack))),
        F::TcpWindowSize => out.push(Value::Int(i.window_size)),
        F::TcpWindowSizeScalefactor if h.flags & flags::SYN == 0 => out.push(Value::Int(i64::from(i.scalefactor))),
        F::TcpCompleteness => out.push(u(u64::from(if outer { p.completeness } else { p.quoted_completeness }))),
        F::TcpAnalysisFlags if a != 0 => out.push(Value::Present),
        // tshark adds the retransmission item for fast and spurious ones too.
        F::TcpAnalysisRetransmission => present(analysis::ANY_RETRANSMISSION, out),
        F::TcpAnalysisOutOfOrder => present(analysis::OUT_OF_ORDER, out),
        F::TcpAnalysisLostSegment => present(analysis::LOST_SEGMENT, out),
        // tshark 4.0 adds this field twice (the flag item and its expert copy).
        F::TcpAnalysisDuplicateAck => {
            present(analysis::DUPLICATE_ACK, out);
            present(analysis::DUPLICATE_ACK, out);
        }
        F::TcpAnalysisZeroWindow => present(analysis::ZERO_WINDOW, out),
        F::TcpAnalysisKeepAlive => present(analysis::KEEP_ALIVE, out),
        F::TcpAnalysisWindowUpdate => present(analysis::WINDOW_UPDATE, out),
        F::TcpAnalysisDuplicateAckNum if i.dup_ack_num != 0 => out.push(u(u64::from(i.dup_ack_num))),
        F::TcpAnalysisDuplicateAckFrame if i.dup_ack_frame != 0 => out.push(u(u64::from(i.dup_ack_frame))),
        F::TcpAnalysisAcksFrame if i.acks_frame != 0 => out.push(u(u64::from(i.acks_frame))),
        F::TcpAnalysisAckRtt if i.acks_frame != 0 => out.push(Value::Seconds(i.ack_rtt)),
        F::TcpAnalysisInitialRtt if i.irtt != 0 => out.push(Value::Seconds(i.irtt)),
        F::TcpTimeRelative => out.push(Value::Seconds(i.time_relative)),
        F::TcpTimeDelta => out.push(Value::Seconds(i.time_delta)),
        _ => {}
    }
}

/// `tcp.flags.str`: 12 positions, high bit first, `·` for clear bits (tshark's
/// letters: reserved ×3, Accurate ECN, CWR, ECE, URG, ACK, PSH, RST, SYN, FIN).
pub fn flags_str(f: u16) -> String {
    const LETTERS: [char; 12] = ['R', 'R', 'R', 'A', 'C', 'E', 'U', 'A', 'P', 'R', 'S', 'F'];
    LETTERS.iter().enumerate().map(|(i, &c)| if f & (1 << (11 - i)) != 0 { c } else { '·' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_str_like_tshark() {
        assert_eq!(flags_str(0x012), "·······A··S·");
        assert_eq!(flags_str(0x002), "··········S·");
        assert_eq!(flags_str(0x018), "·······AP···");
        assert_eq!(flags_str(0x011), "·······A···F");
    }
}
