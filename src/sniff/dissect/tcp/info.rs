//! TCP's Info column as tshark writes it: analysis marks, ports, flags,
//! relative numbers, window and options; a segment of a message that later
//! segments complete is tagged as such.

use super::opt;
use crate::sniff::app::App;
use crate::sniff::packet::{Packet, Tcp};
use crate::sniff::render::put_u64;
use crate::sniff::tcp::flags::FlagNames;
use crate::sniff::tcp::{analysis, flags, SegmentInfo};
use std::io::{self, Write};

/// Writes the Info column of a segment whose TCP header is `h`.
pub fn write(out: &mut impl Write, h: &Tcp, p: &Packet<'_>) -> io::Result<()> {
    match &p.app {
        App::Segment(line) => {
            match line {
                Some(line) => write!(out, "{line} ")?,
                None => summary(out, h, p.tcp.as_ref())?,
            }
            out.write_all(b" [TCP segment of a reassembled PDU]")
        }
        App::Continued => {
            summary(out, h, p.tcp.as_ref())?;
            out.write_all(b" [TCP segment of a reassembled PDU]")
        }
        _ => summary(out, h, p.tcp.as_ref()),
    }
}

/// TCP Info: analysis prefixes, ports, flags, numbers, options.
fn summary(out: &mut impl Write, h: &Tcp, info: Option<&SegmentInfo>) -> io::Result<()> {
    marks(out, info)?;
    put_u64(out, u64::from(h.sport))?;
    out.write_all(" → ".as_bytes())?;
    put_u64(out, u64::from(h.dport))?;
    out.write_all(b" [")?;
    flag_names(out, h.flags)?;
    out.write_all(b"]")?;
    let (seq, ack, win) = match info {
        Some(i) => (i.seq, i.ack, i.window_size),
        None => (h.seq, h.ack, i64::from(h.window)),
    };
    out.write_all(b" Seq=")?;
    put_u64(out, u64::from(seq))?;
    if h.flags & flags::ACK != 0 {
        out.write_all(b" Ack=")?;
        put_u64(out, u64::from(ack))?;
    }
    if win < 0 {
        write!(out, " Win={win}")?;
    } else {
        out.write_all(b" Win=")?;
        put_u64(out, win.unsigned_abs())?;
    }
    if h.flags & flags::URG != 0 {
        out.write_all(b" Urg=")?;
        put_u64(out, u64::from(h.urgent))?;
    }
    out.write_all(b" Len=")?;
    put_u64(out, u64::from(h.payload_len))?;
    let o = &h.options;
    let sack_base = match info {
        Some(i) if h.flags & flags::ACK != 0 => h.ack.wrapping_sub(i.ack),
        _ => 0,
    };
    let mut sack_done = false;
    for &kind in h.option_kinds() {
        match kind {
            opt::MSS => {
                if let Some(m) = o.mss {
                    write!(out, " MSS={m}")?;
                }
            }
            opt::WSCALE => {
                if let Some(s) = o.wscale {
                    write!(out, " WS={}", 1u32 << s.min(14))?;
                }
            }
            opt::SACK_PERM if o.sack_perm => out.write_all(b" SACK_PERM")?,
            opt::TIMESTAMPS => {
                if let Some((v, e)) = o.timestamps {
                    out.write_all(b" TSval=")?;
                    put_u64(out, u64::from(v))?;
                    out.write_all(b" TSecr=")?;
                    put_u64(out, u64::from(e))?;
                }
            }
            opt::TFO | opt::EXPERIMENTAL if h.tfo_len == 2 => out.write_all(b" TFO=R")?,
            opt::TFO | opt::EXPERIMENTAL if h.tfo_len > 2 => out.write_all(b" TFO=C")?,
            opt::SACK if !sack_done => {
                sack_done = true;
                for &(l, r) in &o.sack[..usize::from(o.sack_count)] {
                    write!(out, " SLE={} SRE={}", l.wrapping_sub(sack_base), r.wrapping_sub(sack_base))?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The analysis marks that open the Info column (`[TCP Previous segment not
/// captured] `): tshark puts them before a fence, so they stay when a protocol
/// above TCP writes its own Info after them.
pub fn marks(out: &mut impl Write, info: Option<&SegmentInfo>) -> io::Result<()> {
    let a = info.map_or(0, |i| i.analysis);
    for (bit, text) in PREFIXES {
        if a & bit != 0 {
            out.write_all(text.as_bytes())?;
        }
    }
    if a & analysis::DUPLICATE_ACK != 0 {
        if let Some(i) = info {
            write!(out, "[TCP Dup ACK {}#{}] ", i.dup_ack_frame, i.dup_ack_num)?;
        }
    }
    for (bit, text) in PREFIXES_AFTER_DUP {
        if a & bit != 0 {
            out.write_all(text.as_bytes())?;
        }
    }
    Ok(())
}

/// Analysis prefixes before a duplicate-ACK mark, in tshark's order.
const PREFIXES: [(u32, &str); 6] = [
    (analysis::ACK_LOST_SEGMENT, "[TCP ACKed unseen segment] "),
    (analysis::LOST_SEGMENT, "[TCP Previous segment not captured] "),
    (analysis::WINDOW_UPDATE, "[TCP Window Update] "),
    (analysis::WINDOW_FULL, "[TCP Window Full] "),
    (analysis::KEEP_ALIVE, "[TCP Keep-Alive] "),
    (analysis::KEEP_ALIVE_ACK, "[TCP Keep-Alive ACK] "),
];

/// Analysis prefixes after a duplicate-ACK mark.
const PREFIXES_AFTER_DUP: [(u32, &str); 8] = [
    (analysis::ZERO_WINDOW_PROBE, "[TCP ZeroWindowProbe] "),
    (analysis::ZERO_WINDOW, "[TCP ZeroWindow] "),
    (analysis::ZERO_WINDOW_PROBE_ACK, "[TCP ZeroWindowProbeAck] "),
    (analysis::SPURIOUS_RETRANSMISSION, "[TCP Spurious Retransmission] "),
    (analysis::FAST_RETRANSMISSION, "[TCP Fast Retransmission] "),
    (analysis::RETRANSMISSION, "[TCP Retransmission] "),
    (analysis::OUT_OF_ORDER, "[TCP Out-Of-Order] "),
    (analysis::REUSED_PORTS, "[TCP Port numbers reused] "),
];

/// Writes the flag names as the Info column shows them.
fn flag_names(out: &mut impl Write, f: u16) -> io::Result<()> {
    write!(out, "{}", FlagNames(f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_names_with_reserved_bits() {
        assert_eq!(FlagNames(0x012).to_string(), "SYN, ACK");
        assert_eq!(FlagNames(0).to_string(), "<None>");
        assert_eq!(FlagNames(0x0f00).to_string(), "AE, Reserved");
    }
}
