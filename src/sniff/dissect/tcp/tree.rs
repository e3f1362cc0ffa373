//! The TCP block: header, flags, options, SEQ/ACK analysis and expert notes,
//! each line the tshark field it shows (RFC 9293 §3.1 for the header, RFC 7323
//! and RFC 2018 for the options), with the bytes it came from.

use super::fields::flags_str;
use crate::sniff::dissect::tcp::field::tcp as at;
use crate::sniff::dissect::tcp::{opt, TFO_EXID};
use crate::sniff::packet::Tcp;
use crate::sniff::render::list::FlagNames;
use crate::sniff::render::{Hex, Mac, Secs};
use crate::sniff::tcp::Closing;
use crate::sniff::tcp::{analysis, completeness, flags, SegmentInfo};
use crate::sniff::tree::draw::{checksum_status, set};
use crate::sniff::tree::Tree;
use crate::sniff::tree::{Draft, Ftype, Group, Severity};
use crate::sniff::value::Value;
use std::fmt;
use std::ops::Range;

/// Where the options start in the header: after the fixed part.
const OPTIONS: usize = at::URGENT.end;
/// The byte of the data offset, the reserved bits and AE.
const FLAGS_HIGH: Range<usize> = at::DATA_OFFSET..at::DATA_OFFSET + 1;
/// The byte of the eight classic control bits.
const FLAGS_LOW: Range<usize> = at::DATA_OFFSET + 1..at::DATA_OFFSET + 2;
/// The flag bits of the 16-bit word at [`at::FLAGS`].
const FLAGS_MASK: u64 = 0x0fff;
/// Within an option: its kind, its length and the start of its value.
const OPT_KIND: usize = 0;
const OPT_LEN: usize = 1;
const OPT_VALUE: usize = 2;
/// Length of one SACK edge.
const SACK_EDGE: usize = 4;

/// An item's bytes given as a range of the TCP header.
trait Span {
    /// The bytes `r` of the header `h`.
    fn span(self, h: &Tcp, r: Range<usize>) -> Self;
}

impl Span for Draft<'_> {
    fn span(self, h: &Tcp, r: Range<usize>) -> Self {
        self.bytes(h.offset + r.start, r.len())
    }
}

/// The TCP layer of a frame whose bytes are `data`.
pub fn tcp(out: &mut Tree, data: &[u8], h: &Tcp, info: Option<&SegmentInfo>, compl: u8, d: usize) {
    title(out, data, h, info, d);
    let d = d + 1;
    ports(out, h, d);
    stream(out, h, info, compl, d);
    seq_ack(out, h, info, d);
    let hl = h.hdr_len;
    out.at(d).field("tcp.hdr_len", Ftype::Uint8, hl).span(h, FLAGS_HIGH).line(format_args!(
        "{:04b} .... = Header Length: {hl} bytes ({})",
        hl / 4,
        hl / 4
    ));
    flags_tree(out, h, info, d);
    window(out, h, info, d);
    checksum_urgent(out, h, d);
    let sack_base = match info {
        Some(i) if h.flags & flags::ACK != 0 => h.ack.wrapping_sub(i.ack),
        _ => 0,
    };
    tcp_options(out, data, h, sack_base, d);
    if let Some(i) = info {
        timestamps(out, i, d);
        // tshark's dissection stopped at the malformed header: no analysis items.
        if !h.malformed {
            seq_ack_analysis(out, i, d);
        }
    }
    payload(out, data, h, info, d);
}

/// The protocol item: the header's bytes (as far as captured).
fn title(out: &mut Tree, data: &[u8], h: &Tcp, info: Option<&SegmentInfo>, d: usize) {
    let (seq, ack) = info.map_or((h.seq, h.ack), |i| (i.seq, i.ack));
    let ack_part = if h.flags & flags::ACK != 0 { format!(", Ack: {ack}") } else { String::new() };
    let len = usize::from(h.hdr_len).min(data.len().saturating_sub(h.offset));
    out.at(d).proto("tcp").bytes(h.offset, len).line(format_args!(
        "Transmission Control Protocol, Src Port: {}, Dst Port: {}, Seq: {seq}{ack_part}, Len: {}",
        h.sport, h.dport, h.payload_len
    ));
}

fn ports(out: &mut Tree, h: &Tcp, d: usize) {
    out.at(d)
        .field("tcp.srcport", Ftype::Uint16, h.sport)
        .span(h, at::SRC_PORT)
        .line(format_args!("Source Port: {}", h.sport));
    out.at(d)
        .field("tcp.dstport", Ftype::Uint16, h.dport)
        .span(h, at::DST_PORT)
        .line(format_args!("Destination Port: {}", h.dport));
    out.at(d).field("tcp.port", Ftype::Uint16, h.sport).span(h, at::SRC_PORT).hidden();
    out.at(d).field("tcp.port", Ftype::Uint16, h.dport).span(h, at::DST_PORT).hidden();
}

/// What the tracker knows of the stream, and the segment's length.
fn stream(out: &mut Tree, h: &Tcp, info: Option<&SegmentInfo>, compl: u8, d: usize) {
    if let Some(i) = info {
        out.at(d).field("tcp.stream", Ftype::Uint32, i.stream).line(format_args!("[Stream index: {}]", i.stream));
        out.at(d)
            .field("tcp.completeness", Ftype::Uint8, compl)
            .line(format_args!("[Conversation completeness: {}]", completeness::words(compl)));
    }
    // A header quoted by an ICMP error (untracked) is dissected by tshark
    // without `tcp.len` (and `tcp.seq_raw`); here they stay text.
    let len = out.at(d);
    let len = if info.is_some() { len.field("tcp.len", Ftype::Uint32, h.payload_len) } else { len };
    len.line(format_args!("[TCP Segment Len: {}]", h.payload_len));
}

/// Checksum (not verified, as tshark by default) and urgent pointer.
fn checksum_urgent(out: &mut Tree, h: &Tcp, d: usize) {
    out.at(d)
        .field("tcp.checksum", Ftype::Uint16, Value::Hex { value: h.checksum.into(), digits: 4 })
        .span(h, at::CHECKSUM)
        .line(format_args!("Checksum: 0x{:04x} [unverified]", h.checksum));
    out.at(d)
        .field("tcp.checksum.status", Ftype::Uint8, checksum_status::UNVERIFIED)
        .line(format_args!("[Checksum Status: Unverified]"));
    out.at(d)
        .field("tcp.urgent_pointer", Ftype::Uint16, h.urgent)
        .span(h, at::URGENT)
        .line(format_args!("Urgent Pointer: {}", h.urgent));
    if h.urgent != 0 && h.flags & flags::URG == 0 {
        let text = "The urgent pointer field is nonzero while the URG flag is not set";
        out.expert(d + 1, "tcp.urgent_pointer.non_zero", Severity::Note, Group::Protocol, text);
    }
}

/// Sequence and acknowledgment numbers: relative (when tracked) and raw.
fn seq_ack(out: &mut Tree, h: &Tcp, info: Option<&SegmentInfo>, d: usize) {
    if let Some(i) = info {
        out.at(d)
            .field("tcp.seq", Ftype::Uint32, i.seq)
            .span(h, at::SEQ)
            .line(format_args!("Sequence Number: {}    (relative sequence number)", i.seq));
    }
    let raw = out.at(d);
    let raw = if info.is_some() { raw.field("tcp.seq_raw", Ftype::Uint32, h.seq).span(h, at::SEQ) } else { raw };
    raw.line(format_args!("Sequence Number (raw): {}", h.seq));
    if let Some(i) = info {
        out.at(d)
            .field("tcp.nxtseq", Ftype::Uint32, i.nxtseq)
            .line(format_args!("[Next Sequence Number: {}    (relative sequence number)]", i.nxtseq));
        let ack = out.at(d).field("tcp.ack", Ftype::Uint32, i.ack).span(h, at::ACK);
        if h.flags & flags::ACK != 0 {
            ack.line(format_args!("Acknowledgment Number: {}    (relative ack number)", i.ack));
            if i.tfo_syn_data {
                tfo_answer(out, i.ack, d + 1);
            }
        } else {
            ack.line(format_args!("Acknowledgment Number: {}", i.ack));
            if h.ack != 0 {
                let text = "The acknowledgment number field is nonzero while the ACK flag is not set";
                out.expert(d + 1, "tcp.ack.nonzero", Severity::Note, Group::Protocol, text);
            }
        }
    }
    out.at(d)
        .field("tcp.ack_raw", Ftype::Uint32, h.ack)
        .span(h, at::ACK)
        .line(format_args!("Acknowledgment number (raw): {}", h.ack));
}

/// Whether a SYN-ACK acknowledges the data of a TFO SYN (RFC 7413 §4.2.2):
/// its relative ACK goes past the SYN's one sequence number.
fn tfo_answer(out: &mut Tree, ack: u32, d: usize) {
    if ack > 1 {
        out.expert(d, "tcp.analysis.tfo_ack", Severity::Note, Group::Sequence, "TCP SYN-ACK accepting TFO data");
    } else {
        out.expert(d, "tcp.analysis.tfo_ignored", Severity::Note, Group::Sequence, "TCP SYN-ACK ignoring TFO data");
    }
}

/// tshark's field name of a control bit.
fn flag_field(bit: u16) -> &'static str {
    match bit {
        flags::FIN => "tcp.flags.fin",
        flags::SYN => "tcp.flags.syn",
        flags::RST => "tcp.flags.reset",
        flags::PSH => "tcp.flags.push",
        flags::ACK => "tcp.flags.ack",
        flags::URG => "tcp.flags.urg",
        flags::ECE => "tcp.flags.ece",
        flags::CWR => "tcp.flags.cwr",
        _ => "tcp.flags.ae",
    }
}

/// The flags word and one bit field per flag, as tshark masks them: the
/// reserved bits and AE in the first byte, the others in the second.
fn flags_tree(out: &mut Tree, h: &Tcp, info: Option<&SegmentInfo>, d: usize) {
    let f = h.flags;
    out.at(d)
        .field("tcp.flags", Ftype::Uint16, Value::Hex { value: f.into(), digits: 4 })
        .span(h, at::FLAGS)
        .mask(FLAGS_MASK, f.into())
        .line(format_args!("Flags: 0x{f:03x} ({})", FlagNames(f)));
    let d = d + 1;
    let res = f & flags::RESERVED;
    out.at(d)
        .field("tcp.flags.res", Ftype::Boolean, u8::from(res != 0))
        .span(h, FLAGS_HIGH)
        .mask(flags::RESERVED.into(), (res >> flags::RESERVED.trailing_zeros()).into())
        .line(format_args!("{:03b}. .... .... = Reserved: {}", res >> flags::RESERVED.trailing_zeros(), set(res != 0)));
    for flag in flags::TABLE.iter().rev() {
        let v = u8::from(f & flag.bit != 0);
        let bits = flag.pattern.replace('x', &v.to_string());
        let byte = if flag.bit > 0xff { FLAGS_HIGH } else { FLAGS_LOW };
        out.at(d)
            .field(flag_field(flag.bit), Ftype::Boolean, v)
            .span(h, byte)
            .mask(flag.bit.into(), v.into())
            .line(format_args!("{bits} = {}: {}", flag.label, set(v == 1)));
        if v == 1 {
            flag_expert_info(out, h, flag.bit, d + 1);
        }
    }
    out.at(d)
        .field("tcp.flags.str", Ftype::String, flags_str(f))
        .span(h, at::FLAGS)
        .line(format_args!("[TCP Flags: {}]", flags_str(f)));
    match info.and_then(|i| i.closing) {
        Some(Closing::Active) => out.expert(
            d + 1,
            "tcp.connection.fin_active",
            Severity::Note,
            Group::Sequence,
            "This frame initiates the connection closing",
        ),
        Some(Closing::Passive) => out.expert(
            d + 1,
            "tcp.connection.fin_passive",
            Severity::Note,
            Group::Sequence,
            "This frame undergoes the connection closing",
        ),
        None => {}
    }
}

/// Wireshark's expert notes under the SYN, RST and FIN flags.
fn flag_expert_info(out: &mut Tree, h: &Tcp, bit: u16, d: usize) {
    let chat = Severity::Chat;
    let seq = Group::Sequence;
    match bit {
        flags::SYN if h.flags & flags::ACK != 0 => {
            let text = format!("Connection establish acknowledge (SYN+ACK): server port {}", h.sport);
            out.expert(d, "tcp.connection.synack", chat, seq, &text);
        }
        flags::SYN => {
            let text = format!("Connection establish request (SYN): server port {}", h.dport);
            out.expert(d, "tcp.connection.syn", chat, seq, &text);
        }
        flags::RST => out.expert(d, "tcp.connection.rst", Severity::Warning, seq, "Connection reset (RST)"),
        flags::FIN => out.expert(d, "tcp.connection.fin", chat, seq, "Connection finish (FIN)"),
        _ => {}
    }
}

/// The window as sent, as scaled, and the scale factor (all on the window's bytes).
fn window(out: &mut Tree, h: &Tcp, info: Option<&SegmentInfo>, d: usize) {
    out.at(d)
        .field("tcp.window_size_value", Ftype::Uint16, h.window)
        .span(h, at::WINDOW)
        .line(format_args!("Window: {}", h.window));
    let Some(i) = info else { return };
    out.at(d)
        .field("tcp.window_size", Ftype::Uint32, i.window_size)
        .span(h, at::WINDOW)
        .line(format_args!("[Calculated window size: {}]", i.window_size));
    if h.flags & flags::SYN == 0 {
        let why = match i.scalefactor {
            -1 => "-1 (unknown)".to_string(),
            -2 => "-2 (no window scaling used)".to_string(),
            f => f.to_string(),
        };
        out.at(d)
            .field("tcp.window_size_scalefactor", Ftype::Int32, i.scalefactor)
            .span(h, at::WINDOW)
            .line(format_args!("[Window size scaling factor: {why}]"));
    }
}

/// Wireshark's summary name of a TCP option kind.
pub fn option_name(kind: u8) -> &'static str {
    match kind {
        0 => "End of Option List (EOL)",
        1 => "No-Operation (NOP)",
        2 => "Maximum segment size",
        3 => "Window scale",
        4 => "SACK permitted",
        5 => "SACK",
        8 => "Timestamps",
        30 => "Multipath TCP",
        34 => "TCP Fast Open",
        254 => "Experimental",
        _ => "Unknown",
    }
}

/// One option in the header: its kind and its bytes in the frame (kind, length
/// and value, as far as captured).
struct Opt<'a> {
    kind: u8,
    offset: usize,
    bytes: &'a [u8],
}

impl Opt<'_> {
    /// The option's pseudo-protocol item (`tcp.options.mss`), with its bytes.
    fn item<'t>(&self, out: &'t mut Tree, name: &'static str, d: usize) -> Draft<'t> {
        out.at(d).field(name, Ftype::Bytes, Mac(self.bytes)).pseudo_proto().bytes(self.offset, self.bytes.len())
    }

    /// The option's item with its `-V` title, then its kind and length.
    fn head(&self, out: &mut Tree, name: &'static str, title: fmt::Arguments<'_>, kind: &str, len: usize, d: usize) {
        self.item(out, name, d).line(title);
        self.kind(out, kind, d + 1);
        self.len(out, len, d + 1);
    }

    /// `tcp.option_kind` with the name tshark gives the kind.
    fn kind(&self, out: &mut Tree, label: &str, d: usize) {
        out.at(d)
            .field("tcp.option_kind", Ftype::Uint8, self.kind)
            .bytes(self.offset + OPT_KIND, 1)
            .line(format_args!("Kind: {label} ({})", self.kind));
    }

    /// `tcp.option_len`.
    fn len(&self, out: &mut Tree, len: usize, d: usize) {
        out.at(d)
            .field("tcp.option_len", Ftype::Uint8, len)
            .bytes(self.offset + OPT_LEN, 1)
            .line(format_args!("Length: {len}"));
    }

    /// The option's value bytes from `from` (counted from the option's start), `n` of them.
    fn value_at(&self, from: usize, n: usize) -> (usize, usize) {
        (self.offset + from, n)
    }
}

/// The options in wire order with their places, walked as the decoder walked them.
fn option_places<'a>(data: &'a [u8], h: &Tcp) -> Vec<Opt<'a>> {
    let start = h.offset + OPTIONS;
    let end = (h.offset + usize::from(h.hdr_len)).min(data.len());
    let bytes = data.get(start..end).unwrap_or(&[]);
    let mut pos = 0;
    let mut places = Vec::with_capacity(h.option_kinds().len());
    for &kind in h.option_kinds() {
        let len = match kind {
            opt::EOL | opt::NOP => 1,
            _ => bytes.get(pos + OPT_LEN).map_or(1, |&l| usize::from(l).max(1)),
        };
        let b = bytes.get(pos..(pos + len).min(bytes.len())).unwrap_or(&[]);
        places.push(Opt { kind, offset: start + pos, bytes: b });
        pos += len;
    }
    places
}

pub fn tcp_options(out: &mut Tree, data: &[u8], h: &Tcp, sack_base: u32, d: usize) {
    let len = usize::from(h.hdr_len).saturating_sub(OPTIONS);
    if len == 0 {
        return;
    }
    let start = h.offset + OPTIONS;
    let all = data.get(start..(start + len).min(data.len())).unwrap_or(&[]);
    let mut places = option_places(data, h);
    // After EOL only zero padding may follow (RFC 9293 §3.2); tshark stops the
    // list at an EOL followed by anything else.
    let eol = places.iter().position(|o| o.kind == opt::EOL);
    let after = |i: usize| all.get(places[i].offset + 1 - start..).unwrap_or(&[]);
    let bad_padding = eol.is_some_and(|i| after(i).iter().any(|&b| b != 0));
    if let (Some(i), true) = (eol, bad_padding) {
        places.truncate(i + 1);
    }
    let names: Vec<&str> = places.iter().map(|o| option_name(o.kind)).collect();
    out.at(d)
        .field("tcp.options", Ftype::Bytes, Mac(all))
        .bytes(start, all.len())
        .line(format_args!("Options: ({len} bytes), {}", names.join(", ")));
    let mut sack_done = false;
    let d = d + 1;
    for o in places {
        match o.kind {
            opt::SACK if !sack_done => {
                sack_done = true;
                sack(out, h, &o, sack_base, d);
            }
            opt::SACK => {}
            _ => option(out, h, &o, d),
        }
    }
    if bad_padding {
        out.text(d, format_args!("Non-zero header padding"));
        let text = "Non-zero header padding";
        out.expert(d + 1, "tcp.non_zero_bytes_after_eol", Severity::Error, Group::Protocol, text);
    }
    if h.flags & flags::SYN != 0 && !h.option_kinds().contains(&opt::MSS) {
        let text = "The SYN packet does not contain a MSS option";
        out.expert(d, "tcp.options.mss.absent", Severity::Note, Group::Protocol, text);
    }
}

/// Window scale's largest shift (RFC 7323 §2.3): a larger one counts as 14.
const MAX_WSCALE: u8 = 14;

/// One option other than SACK.
fn option(out: &mut Tree, h: &Tcp, o: &Opt<'_>, d: usize) {
    let opts = &h.options;
    match (o.kind, opts.mss, opts.wscale, opts.timestamps) {
        (opt::EOL, ..) => {
            o.item(out, "tcp.options.eol", d).line(format_args!("TCP Option - End of Option List (EOL)"));
            o.kind(out, "End of Option List", d + 1);
        }
        (opt::NOP, ..) => {
            o.item(out, "tcp.options.nop", d).line(format_args!("TCP Option - No-Operation (NOP)"));
            o.kind(out, "No-Operation", d + 1);
        }
        (opt::MSS, Some(m), ..) => mss(out, o, m, h.flags & flags::SYN != 0, d),
        (opt::WSCALE, _, Some(s), _) => wscale(out, o, s, d),
        (opt::SACK_PERM, ..) => {
            let title = format_args!("TCP Option - SACK permitted");
            o.head(out, "tcp.options.sack_perm", title, "SACK Permitted", 2, d);
        }
        (opt::TIMESTAMPS, .., Some(ts)) => timestamp_option(out, o, ts, d),
        (opt::MSS | opt::WSCALE | opt::TIMESTAMPS, ..) => wrong_length(out, o, d),
        (opt::TFO | opt::EXPERIMENTAL, ..) if fast_open_cookie(o).is_some() => fast_open(out, h, o, d),
        (k, ..) => {
            out.text(d, format_args!("TCP Option - {} ({k})", option_name(k)));
            // tshark dissects more kinds than this view names; their kind and
            // length are still known exactly.
            out.at(d + 1).field("tcp.option_kind", Ftype::Uint8, k).bytes(o.offset + OPT_KIND, 1).hidden();
            if let Some(&len) = o.bytes.get(OPT_LEN) {
                out.at(d + 1).field("tcp.option_len", Ftype::Uint8, len).bytes(o.offset + OPT_LEN, 1).hidden();
            }
        }
    }
}

/// An MSS, window scale or timestamps option whose length is not the one its
/// RFC fixes: its kind and length, and tshark's note of the length it should have.
fn wrong_length(out: &mut Tree, o: &Opt<'_>, d: usize) {
    let Some(&len) = o.bytes.get(OPT_LEN) else { return };
    let (title, kind, should) = match o.kind {
        opt::MSS => ("Maximum segment size", "Maximum Segment Size", 4),
        opt::WSCALE => ("Window scale", "Window Scale", 3),
        _ => ("Timestamps", "Time Stamp Option", 10),
    };
    let field = match o.kind {
        opt::MSS => "tcp.options.mss",
        opt::WSCALE => "tcp.options.wscale",
        _ => "tcp.options.timestamp",
    };
    o.head(out, field, format_args!("TCP Option - {title}"), kind, len.into(), d);
    if len != should {
        let text = format!("option length should be {should}");
        out.expert(d + 2, "tcp.option.len.invalid", Severity::Note, Group::Sequence, &text);
    }
}

/// Maximum segment size (RFC 9293 §3.2), which only a SYN may carry.
fn mss(out: &mut Tree, o: &Opt<'_>, m: u16, syn: bool, d: usize) {
    o.item(out, "tcp.options.mss", d).line(format_args!("TCP Option - Maximum segment size: {m} bytes"));
    if !syn {
        let text = "The non-SYN packet does contain a MSS option";
        out.expert(d + 1, "tcp.options.mss.present", Severity::Warning, Group::Protocol, text);
    }
    o.kind(out, "Maximum Segment Size", d + 1);
    o.len(out, 4, d + 1);
    let (pos, n) = o.value_at(OPT_VALUE, 2);
    out.at(d + 1).field("tcp.options.mss_val", Ftype::Uint16, m).bytes(pos, n).line(format_args!("MSS Value: {m}"));
}

/// Window scale (RFC 7323 §2): the shift and the multiplier it gives.
fn wscale(out: &mut Tree, o: &Opt<'_>, s: u8, d: usize) {
    let mult = 1u32 << s.min(MAX_WSCALE);
    let title = format_args!("TCP Option - Window scale: {s} (multiply by {mult})");
    o.head(out, "tcp.options.wscale", title, "Window Scale", 3, d);
    let (pos, n) = o.value_at(OPT_VALUE, 1);
    out.at(d + 1)
        .field("tcp.options.wscale.shift", Ftype::Uint8, s)
        .bytes(pos, n)
        .line(format_args!("Shift count: {s}"));
    if s > MAX_WSCALE {
        let text = "Window scale shift exceeds 14";
        out.expert(d + 2, "tcp.options.wscale.shift.invalid", Severity::Warning, Group::Protocol, text);
    }
    out.at(d + 1)
        .field("tcp.options.wscale.multiplier", Ftype::Uint16, mult)
        .bytes(pos, n)
        .line(format_args!("[Multiplier: {mult}]"));
}

/// Where a TCP Fast Open option's cookie starts (counted from the option's
/// start): kind 34, or the experimental kind 254 with TFO's ExID (RFC 7413
/// §4.1.1, RFC 6994); `None` for another option or one cut short.
fn fast_open_cookie(o: &Opt<'_>) -> Option<usize> {
    let declared = usize::from(*o.bytes.get(OPT_LEN)?);
    let start = match o.kind {
        opt::TFO => OPT_VALUE,
        _ if o.bytes.get(OPT_VALUE..OPT_VALUE + TFO_EXID.len()) == Some(&TFO_EXID) => OPT_VALUE + TFO_EXID.len(),
        _ => return None,
    };
    (o.bytes.len() == declared && declared >= start).then_some(start)
}

/// TCP Fast Open (RFC 7413 §4.1.1): a cookie request (no cookie) or a cookie;
/// tshark notes a SYN that carries a cookie.
fn fast_open(out: &mut Tree, h: &Tcp, o: &Opt<'_>, d: usize) {
    let Some(start) = fast_open_cookie(o) else { return };
    if o.kind == opt::TFO {
        let title = format_args!("TCP Option - TCP Fast Open");
        o.head(out, "tcp.options.tfo", title, "TCP Fast Open Cookie", o.bytes.len(), d);
    } else {
        let title = format_args!("TCP Option - Experimental: Fast Open");
        o.head(out, "tcp.options.experimental", title, "RFC3692-style Experiment 2", o.bytes.len(), d);
        let exid = u16::from_be_bytes(TFO_EXID);
        out.at(d + 1)
            .field("tcp.options.experimental.exid", Ftype::Uint16, Value::Hex { value: exid.into(), digits: 4 })
            .bytes(o.offset + OPT_VALUE, TFO_EXID.len())
            .line(format_args!("Experiment Identifier: Fast Open (0x{exid:04x})"));
    }
    let cookie = &o.bytes[start..];
    if cookie.is_empty() {
        // tshark gives the request the two bytes before where a cookie would start.
        out.at(d + 1)
            .field("tcp.options.tfo.request", Ftype::None, "")
            .bytes(o.offset + start - 2, 2)
            .line(format_args!("Fast Open Cookie Request"));
        return;
    }
    out.at(d + 1)
        .field("tcp.options.tfo.cookie", Ftype::Bytes, Mac(cookie))
        .bytes(o.offset + start, cookie.len())
        .line(format_args!("Fast Open Cookie: {}", Hex(cookie)));
    if h.flags & (flags::SYN | flags::ACK) == flags::SYN {
        out.expert(d + 2, "tcp.analysis.tfo_syn", Severity::Note, Group::Sequence, "TCP SYN with TFO Cookie");
    }
}

/// A 32-bit option field at depth `d` on the bytes `(offset, length)`.
fn uint32(out: &mut Tree, d: usize, name: &'static str, v: u32, (pos, len): (usize, usize), text: fmt::Arguments<'_>) {
    out.at(d).field(name, Ftype::Uint32, v).bytes(pos, len).line(text);
}

/// Timestamps (RFC 7323 §3): TSval and TSecr.
fn timestamp_option(out: &mut Tree, o: &Opt<'_>, (v, e): (u32, u32), d: usize) {
    let title = format_args!("TCP Option - Timestamps: TSval {v}, TSecr {e}");
    o.head(out, "tcp.options.timestamp", title, "Time Stamp Option", 10, d);
    let (pos, n) = o.value_at(OPT_VALUE, 4);
    uint32(out, d + 1, "tcp.options.timestamp.tsval", v, (pos, n), format_args!("Timestamp value: {v}"));
    uint32(out, d + 1, "tcp.options.timestamp.tsecr", e, (pos + n, n), format_args!("Timestamp echo reply: {e}"));
}

/// The first SACK option: its blocks' edges relative to `base`.
fn sack(out: &mut Tree, h: &Tcp, o: &Opt<'_>, base: u32, d: usize) {
    let opts = &h.options;
    let blocks = &opts.sack[..usize::from(opts.sack_count)];
    let rel = |v: u32| v.wrapping_sub(base);
    let edges: Vec<String> = blocks.iter().map(|&(l, r)| format!("{}-{}", rel(l), rel(r))).collect();
    let edges = edges.join(" ");
    let len = OPT_VALUE + 2 * SACK_EDGE * blocks.len();
    o.head(out, "tcp.options.sack", format_args!("TCP Option - SACK {edges}"), "SACK", len, d);
    for (n, &(left, right)) in blocks.iter().enumerate() {
        let (pos, len) = o.value_at(OPT_VALUE + 2 * SACK_EDGE * n, SACK_EDGE);
        let (l, r) = (rel(left), rel(right));
        uint32(out, d + 1, "tcp.options.sack_le", l, (pos, len), format_args!("left edge = {l} (relative)"));
        uint32(out, d + 1, "tcp.options.sack_re", r, (pos + len, len), format_args!("right edge = {r} (relative)"));
    }
    out.at(d + 1)
        .field("tcp.options.sack.count", Ftype::Uint8, blocks.len())
        .line(format_args!("[TCP SACK Count: {}]", blocks.len()));
    if is_dsack(h, blocks) {
        let (pos, len) = o.value_at(OPT_VALUE, SACK_EDGE);
        let (l, r) = (rel(blocks[0].0), rel(blocks[0].1));
        let (left, right) =
            (format_args!("[D-SACK Left Edge = {l} (relative)]"), format_args!("[D-SACK Right Edge = {r} (relative)]"));
        uint32(out, d + 1, "tcp.options.sack.dsack_le", l, (pos, len), left);
        uint32(out, d + 1, "tcp.options.sack.dsack_re", r, (pos + len, len), right);
        out.text(d + 1, format_args!("D-SACK Sequence"));
        out.expert(d + 2, "tcp.options.sack.dsack", Severity::Warning, Group::Sequence, "D-SACK Sequence");
    }
}

/// Whether the first SACK block reports data received twice (a D-SACK, RFC 2883
/// §4): it ends at or below the cumulative ACK, or lies inside the second block.
fn is_dsack(h: &Tcp, blocks: &[(u32, u32)]) -> bool {
    // `a` before `b` in sequence space (RFC 9293 §3.4).
    let before = |a: u32, b: u32| (a.wrapping_sub(b) as i32) < 0;
    let Some(&(left, right)) = blocks.first() else { return false };
    let below_ack = h.flags & flags::ACK != 0 && !before(h.ack, right);
    let inside_second = blocks.get(1).is_some_and(|&(l2, r2)| !before(left, l2) && !before(r2, right));
    below_ack || inside_second
}

/// `[Timestamps]`: time since the stream's first and previous frames.
fn timestamps(out: &mut Tree, i: &SegmentInfo, d: usize) {
    out.text(d, format_args!("[Timestamps]"));
    let (rel, delta) = (Secs { nanos: i.time_relative, decimals: 9 }, Secs { nanos: i.time_delta, decimals: 9 });
    out.at(d + 1)
        .field("tcp.time_relative", Ftype::RelativeTime, rel)
        .line(format_args!("[Time since first frame in this TCP stream: {rel} seconds]"));
    out.at(d + 1)
        .field("tcp.time_delta", Ftype::RelativeTime, delta)
        .line(format_args!("[Time since previous frame in this TCP stream: {delta} seconds]"));
}

/// The segment's data (as far as captured); a retransmission's again as `tcp.segment_data`.
fn payload(out: &mut Tree, data: &[u8], h: &Tcp, info: Option<&SegmentInfo>, d: usize) {
    if h.payload_len == 0 {
        return;
    }
    let start = h.offset + usize::from(h.hdr_len);
    let len = usize::try_from(h.payload_len).unwrap_or(usize::MAX);
    let bytes = data.get(start..start.saturating_add(len).min(data.len())).unwrap_or(&[]);
    // A segment cut off before its data (snap length) shows none, as tshark.
    if bytes.is_empty() {
        return;
    }
    if h.flags & flags::RST != 0 {
        reset_cause(out, bytes, start, d);
        return;
    }
    out.at(d)
        .field("tcp.payload", Ftype::Bytes, Mac(bytes))
        .bytes(start, bytes.len())
        .line(format_args!("TCP payload ({} bytes)", h.payload_len));
    // tshark repeats the data of a plain retransmission only (not of a fast
    // or spurious one).
    if info.is_some_and(|i| i.analysis & analysis::RETRANSMISSION != 0) {
        out.at(d)
            .field("tcp.segment_data", Ftype::Bytes, Mac(bytes))
            .bytes(start, bytes.len())
            .line(format_args!("Retransmitted TCP segment data ({} bytes)", h.payload_len));
    }
}

/// A retransmission's RTO and the frame it is counted from.
fn rto(out: &mut Tree, i: &SegmentInfo, d: usize) {
    let rto = Secs { nanos: i.rto, decimals: 9 };
    out.at(d)
        .field("tcp.analysis.rto", Ftype::RelativeTime, rto)
        .line(format_args!("[The RTO for this segment was: {rto} seconds]"));
    out.at(d)
        .field("tcp.analysis.rto_frame", Ftype::Framenum, i.rto_frame)
        .line(format_args!("[RTO based on delta from frame: {}]", i.rto_frame));
}

/// A RST's data: text saying why the connection was reset (RFC 9293 §3.5.3),
/// read as tshark reads ASCII: up to the first NUL, other bytes than ASCII as
/// U+FFFD, and a warning when non-NUL bytes follow that NUL.
fn reset_cause(out: &mut Tree, bytes: &[u8], start: usize, d: usize) {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let text: String = bytes[..end].iter().map(|&b| if b.is_ascii() { char::from(b) } else { '\u{fffd}' }).collect();
    out.at(d)
        .field("tcp.reset_cause", Ftype::String, &text)
        .bytes(start, bytes.len())
        .line(format_args!("Reset cause: {text}"));
    if bytes[end..].iter().any(|&b| b != 0) {
        let (sev, group) = (Severity::Warning, Group::Undecoded);
        out.expert(d + 1, "_ws.string.trailing_stray_characters", sev, group, "Trailing stray characters");
    }
}

/// Analysis flags other than duplicate ACKs: Wireshark's expert field, level and
/// text, in tshark's order (reused ports first).
pub const ANALYSIS_EXPERTS: [(u32, &str, Severity, &str); 14] = [
    (
        analysis::REUSED_PORTS,
        "tcp.analysis.reused_ports",
        Severity::Note,
        "A new tcp session is started with the same ports as an earlier session in this trace",
    ),
    (
        analysis::RETRANSMISSION,
        "tcp.analysis.retransmission",
        Severity::Note,
        "This frame is a (suspected) retransmission",
    ),
    (
        analysis::FAST_RETRANSMISSION,
        "tcp.analysis.fast_retransmission",
        Severity::Note,
        "This frame is a (suspected) fast retransmission",
    ),
    (
        analysis::SPURIOUS_RETRANSMISSION,
        "tcp.analysis.spurious_retransmission",
        Severity::Note,
        "This frame is a (suspected) spurious retransmission",
    ),
    (
        analysis::OUT_OF_ORDER,
        "tcp.analysis.out_of_order",
        Severity::Warning,
        "This frame is a (suspected) out-of-order segment",
    ),
    (
        analysis::LOST_SEGMENT,
        "tcp.analysis.lost_segment",
        Severity::Warning,
        "Previous segment(s) not captured (common at capture start)",
    ),
    (
        analysis::ACK_LOST_SEGMENT,
        "tcp.analysis.ack_lost_segment",
        Severity::Warning,
        "ACKed segment that wasn't captured (common at capture start)",
    ),
    (analysis::ZERO_WINDOW, "tcp.analysis.zero_window", Severity::Warning, "TCP Zero Window segment"),
    (analysis::ZERO_WINDOW_PROBE, "tcp.analysis.zero_window_probe", Severity::Note, "TCP Zero Window Probe"),
    (
        analysis::ZERO_WINDOW_PROBE_ACK,
        "tcp.analysis.zero_window_probe_ack",
        Severity::Note,
        "TCP Zero Window Probe Ack",
    ),
    (analysis::KEEP_ALIVE, "tcp.analysis.keep_alive", Severity::Note, "TCP keep-alive segment"),
    (analysis::KEEP_ALIVE_ACK, "tcp.analysis.keep_alive_ack", Severity::Note, "ACK to a TCP keep-alive segment"),
    (analysis::WINDOW_UPDATE, "tcp.analysis.window_update", Severity::Chat, "TCP window update"),
    (
        analysis::WINDOW_FULL,
        "tcp.analysis.window_full",
        Severity::Warning,
        "TCP window specified by the receiver is now completely full",
    ),
];

/// The retransmission's item, also shown after a fast or spurious one.
const RETRANSMISSION_EXPERT: (u32, &str, Severity, &str) = ANALYSIS_EXPERTS[1];

/// `[SEQ/ACK analysis]` (`tcp.analysis`): the frame acknowledged, RTTs, bytes in
/// flight, the analysis flags and duplicate ACKs.
pub fn seq_ack_analysis(out: &mut Tree, i: &SegmentInfo, d: usize) {
    // tshark shows the subtree whenever it made an analysis record, even an
    // empty one (a segment after a gap, whose bytes in flight are unknown).
    let shown = i.has_analysis
        || i.acks_frame != 0
        || i.irtt != 0
        || i.bytes_in_flight != 0
        || i.analysis != 0
        || i.dup_ack_num != 0;
    if !shown {
        return;
    }
    out.at(d).field("tcp.analysis", Ftype::None, "").line(format_args!("[SEQ/ACK analysis]"));
    let d = d + 1;
    if i.acks_frame != 0 {
        out.at(d)
            .field("tcp.analysis.acks_frame", Ftype::Framenum, i.acks_frame)
            .line(format_args!("[This is an ACK to the segment in frame: {}]", i.acks_frame));
        let rtt = Secs { nanos: i.ack_rtt, decimals: 9 };
        out.at(d)
            .field("tcp.analysis.ack_rtt", Ftype::RelativeTime, rtt)
            .line(format_args!("[The RTT to ACK the segment was: {rtt} seconds]"));
    }
    if i.irtt != 0 {
        let irtt = Secs { nanos: i.irtt, decimals: 9 };
        out.at(d)
            .field("tcp.analysis.initial_rtt", Ftype::RelativeTime, irtt)
            .line(format_args!("[iRTT: {irtt} seconds]"));
    }
    if i.bytes_in_flight != 0 {
        out.at(d)
            .field("tcp.analysis.bytes_in_flight", Ftype::Uint32, i.bytes_in_flight)
            .line(format_args!("[Bytes in flight: {}]", i.bytes_in_flight));
        out.at(d)
            .field("tcp.analysis.push_bytes_sent", Ftype::Uint32, i.push_bytes_sent)
            .line(format_args!("[Bytes sent since last PSH flag: {}]", i.push_bytes_sent));
    }
    if i.analysis != 0 {
        analysis_flags(out, i, d);
    }
    if i.dup_ack_num != 0 {
        out.at(d)
            .field("tcp.analysis.duplicate_ack_num", Ftype::Uint32, i.dup_ack_num)
            .line(format_args!("[Duplicate ACK #: {}]", i.dup_ack_num));
        out.at(d)
            .field("tcp.analysis.duplicate_ack_frame", Ftype::Framenum, i.dup_ack_frame)
            .line(format_args!("[Duplicate to the ACK in frame: {}]", i.dup_ack_frame));
        let text = format!("Duplicate ACK (#{})", i.dup_ack_num);
        out.expert(d + 1, "tcp.analysis.duplicate_ack", Severity::Note, Group::Sequence, &text);
    }
}

/// `[TCP Analysis Flags]` (`tcp.analysis.flags`) with one expert item per flag.
fn analysis_flags(out: &mut Tree, i: &SegmentInfo, d: usize) {
    out.at(d).field("tcp.analysis.flags", Ftype::None, "").line(format_args!("[TCP Analysis Flags]"));
    for (bit, field, severity, text) in ANALYSIS_EXPERTS {
        if i.analysis & bit != 0 {
            out.expert(d + 1, field, severity, Group::Sequence, text);
        }
        if bit == analysis::RETRANSMISSION && i.analysis & bit != 0 && i.rto != 0 {
            rto(out, i, d + 1);
        }
        // A fast or spurious retransmission is a retransmission too: tshark
        // adds that item after its own.
        let kinds = analysis::FAST_RETRANSMISSION | analysis::SPURIOUS_RETRANSMISSION;
        if bit & kinds != 0 && i.analysis & bit != 0 {
            let (_, field, severity, text) = RETRANSMISSION_EXPERT;
            out.expert(d + 1, field, severity, Group::Sequence, text);
        }
    }
    if i.analysis & analysis::DUPLICATE_ACK != 0 {
        out.at(d + 1)
            .field("tcp.analysis.duplicate_ack", Ftype::None, "")
            .line(format_args!("[This is a TCP duplicate ack]"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::dissect;
    use crate::sniff::dissect::link::LinkType;
    use crate::sniff::packet::Transport;
    use crate::sniff::tree::Bytes;

    /// Frame 4 of captures/tcp-echo.pcap: 127.0.0.1:50248 → :33105, PSH+ACK,
    /// NOP NOP Timestamps, 14 bytes "hello, server\n".
    const PSH_ACK: [u8; 80] = [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00, // Ethernet
        0x45, 0x00, 0x00, 0x42, 0xeb, 0xb5, 0x40, 0x00, 0x40, 0x06, 0x50, 0xfe, 127, 0, 0, 1, 127, 0, 0,
        1, // IPv4
        0xc4, 0x48, 0x81, 0x51, 0x0f, 0x3a, 0xc0, 0xef, 0xfc, 0xd6, 0x92, 0xc7, 0x80, 0x18, 0x00, 0x40, 0xfe, 0x36,
        0x00, 0x00, // TCP
        0x01, 0x01, 0x08, 0x0a, 0x76, 0xe1, 0xa0, 0xa8, 0x1e, 0xb5, 0xc4, 0x5d, // options
        b'h', b'e', b'l', b'l', b'o', b',', b' ', b's', b'e', b'r', b'v', b'e', b'r', b'\n',
    ];

    /// The tree of the frame's TCP layer, with what the tracker said about it in that capture.
    fn tree() -> Tree {
        let d = dissect(LinkType::Ethernet, &PSH_ACK);
        let Transport::Tcp(h) = d.transport else { panic!("no TCP: {d:?}") };
        let info = SegmentInfo {
            seq: 1,
            ack: 1,
            nxtseq: 15,
            window_size: 65536,
            scalefactor: 1024,
            has_scalefactor: true,
            has_analysis: true,
            bytes_in_flight: 14,
            push_bytes_sent: 14,
            irtt: 29_000,
            time_relative: 1_999_000,
            time_delta: 1_970_000,
            ..SegmentInfo::default()
        };
        let mut out = Tree::new();
        tcp(&mut out, &PSH_ACK, &h, Some(&info), 31, 0);
        out
    }

    /// One occurrence of a field: value, bytes (offset, length), mask, shown.
    type Occurrence = (String, Option<(u32, u32)>, u64, bool);

    /// Every occurrence of `field`.
    fn occurrences(t: &Tree, field: &str) -> Vec<Occurrence> {
        let span = |b: Option<Bytes>| b.map(|b| (b.offset, b.len));
        t.items()
            .iter()
            .filter(|i| i.field == field)
            .map(|i| (t.value(i).to_string(), span(i.bytes), i.bitmask, i.shown))
            .collect()
    }

    fn one(v: &str, bytes: Option<(u32, u32)>) -> Vec<Occurrence> {
        vec![(v.to_string(), bytes, 0, true)]
    }

    #[test]
    fn header_fields_carry_tsharks_values_and_bytes() {
        let t = tree();
        let tcp = &t.items()[0];
        assert_eq!(
            (tcp.field, tcp.ftype, tcp.bytes.map(|b| (b.offset, b.len))),
            ("tcp", Ftype::Protocol, Some((34, 32)))
        );
        assert_eq!(occurrences(&t, "tcp.srcport"), one("50248", Some((34, 2))));
        let ports = occurrences(&t, "tcp.port");
        assert_eq!(ports, [("50248".into(), Some((34, 2)), 0, false), ("33105".into(), Some((36, 2)), 0, false)]);
        assert_eq!(occurrences(&t, "tcp.stream"), one("0", None));
        assert_eq!(occurrences(&t, "tcp.seq"), one("1", Some((38, 4))));
        assert_eq!(occurrences(&t, "tcp.ack_raw"), one("4241920711", Some((42, 4))));
        assert_eq!(occurrences(&t, "tcp.hdr_len"), one("32", Some((46, 1))));
        assert_eq!(occurrences(&t, "tcp.window_size_scalefactor"), one("1024", Some((48, 2))));
        assert_eq!(occurrences(&t, "tcp.checksum"), one("0xfe36", Some((50, 2))));
    }

    #[test]
    fn flags_are_bit_fields_in_the_byte_that_holds_them() {
        let t = tree();
        assert_eq!(occurrences(&t, "tcp.flags"), [("0x0018".into(), Some((46, 2)), 0x0fff, true)]);
        assert_eq!(occurrences(&t, "tcp.flags.res"), [("0".into(), Some((46, 1)), 0x0e00, true)]);
        assert_eq!(occurrences(&t, "tcp.flags.ae"), [("0".into(), Some((46, 1)), 0x0100, true)]);
        assert_eq!(occurrences(&t, "tcp.flags.push"), [("1".into(), Some((47, 1)), 0x08, true)]);
        assert_eq!(occurrences(&t, "tcp.flags.str"), one("·······AP···", Some((46, 2))));
    }

    #[test]
    fn options_are_pseudo_protocols_with_kind_length_and_values() {
        let t = tree();
        assert_eq!(occurrences(&t, "tcp.options"), one("01:01:08:0a:76:e1:a0:a8:1e:b5:c4:5d", Some((54, 12))));
        let nop = t.items().iter().find(|i| i.field == "tcp.options.nop").expect("a NOP");
        assert!(nop.pseudo_proto);
        let kinds: Vec<_> = occurrences(&t, "tcp.option_kind").into_iter().map(|o| (o.0, o.1)).collect();
        assert_eq!(kinds, [("1".into(), Some((54, 1))), ("1".into(), Some((55, 1))), ("8".into(), Some((56, 1)))]);
        assert_eq!(occurrences(&t, "tcp.option_len"), one("10", Some((57, 1))));
        assert_eq!(occurrences(&t, "tcp.options.timestamp.tsecr"), one("515228765", Some((62, 4))));
    }

    #[test]
    fn analysis_times_and_payload() {
        let t = tree();
        assert_eq!(occurrences(&t, "tcp.time_delta"), one("0.001970000", None));
        assert_eq!(occurrences(&t, "tcp.analysis"), one("", None));
        assert_eq!(occurrences(&t, "tcp.analysis.initial_rtt"), one("0.000029000", None));
        assert_eq!(occurrences(&t, "tcp.analysis.bytes_in_flight"), one("14", None));
        assert_eq!(occurrences(&t, "tcp.payload"), one("68:65:6c:6c:6f:2c:20:73:65:72:76:65:72:0a", Some((66, 14))));
        assert!(occurrences(&t, "tcp.segment_data").is_empty());
    }

    #[test]
    fn a_syn_has_tsharks_expert_item_under_its_flag() {
        let mut frame = PSH_ACK;
        frame[47] = 0x02; // SYN alone
        let d = dissect(LinkType::Ethernet, &frame);
        let Transport::Tcp(h) = d.transport else { panic!("no TCP") };
        let mut t = Tree::new();
        tcp(&mut t, &frame, &h, None, 0, 0);
        let syn = t.items().iter().position(|i| i.field == "tcp.flags.syn").expect("the SYN bit");
        let expert = &t.items()[syn + 2];
        assert_eq!(expert.field, "tcp.connection.syn");
        assert_eq!(expert.depth, t.items()[syn].depth + 2);
        let msg = t.items().iter().find(|i| i.field == "_ws.expert.message").expect("a message");
        assert_eq!(t.value(msg), "Connection establish request (SYN): server port 33105");
    }

    /// tshark's `-T ek` keeps one value of a name repeated in different subtrees
    /// (the last), but an array for siblings of one name and their children: the
    /// two NOPs give ["1","1"], the timestamps option then "8".
    #[test]
    fn ek_keeps_the_last_option_kind_as_tshark() {
        use crate::sniff::tree::json::{frame, Frame, JsonStyle};
        let t = tree();
        let mut out = Vec::new();
        let f = Frame { tree: &t, data: &PSH_ACK, time: 0 };
        frame(&mut out, &f, JsonStyle { ek: true, raw: false }, true).unwrap();
        let doc = String::from_utf8(out).unwrap();
        assert!(doc.contains(r#""tcp_options_nop":["01","01"],"tcp_tcp_option_kind":"8","#), "{doc}");
        assert!(doc.contains(r#""tcp_tcp_port":["50248","33105"]"#), "{doc}");
    }

    /// The messages of the expert items in `t`, in order.
    fn experts(t: &Tree) -> Vec<String> {
        t.items().iter().filter(|i| i.field == "_ws.expert.message").map(|i| t.value(i).to_string()).collect()
    }

    /// The TCP tree of `frame` (Ethernet), with `info` as the tracker's answer.
    fn tree_of(frame: &[u8], info: Option<&SegmentInfo>) -> Tree {
        let d = dissect(LinkType::Ethernet, frame);
        let Transport::Tcp(h) = d.transport else { panic!("no TCP: {d:?}") };
        let mut t = Tree::new();
        tcp(&mut t, frame, &h, info, 0, 0);
        t
    }

    /// A SYN with a nonzero acknowledgment field and options without MSS (the
    /// frame above as a SYN): tshark notes both.
    #[test]
    fn a_syn_notes_a_nonzero_ack_field_and_a_missing_mss() {
        let mut frame = PSH_ACK;
        frame[47] = 0x02; // SYN alone, ack field 0xfcd692c7
        let t = tree_of(&frame, Some(&SegmentInfo { ack: 0xfcd6_92c7, ..SegmentInfo::default() }));
        assert_eq!(
            experts(&t),
            [
                "The acknowledgment number field is nonzero while the ACK flag is not set",
                "Connection establish request (SYN): server port 33105",
                "The SYN packet does not contain a MSS option",
            ]
        );
        let ack = t.items().iter().position(|i| i.field == "tcp.ack").expect("tcp.ack");
        assert_eq!(t.items()[ack + 1].depth, t.items()[ack].depth + 1, "the note is the field's child");
        let absent = t.items().iter().position(|i| i.field == "tcp.options.mss.absent").expect("absent");
        let options = t.items().iter().position(|i| i.field == "tcp.options").expect("options");
        assert_eq!(t.items()[absent].depth, t.items()[options].depth + 2);
    }

    /// Frame 25 of chrissanders-packets/activeosfingerprinting.pcapng: FIN+PSH+URG
    /// with window scale 15 and an MSS option (nmap's probe T5-like).
    const FIN_PSH_URG_OPTIONS: [u8; 74] = [
        0x00, 0x26, 0xf2, 0xac, 0xd3, 0x82, 0x00, 0x21, 0x6a, 0x5b, 0x7d, 0x4a, 0x08, 0x00, 0x45, 0x00, 0x00, 0x3c,
        0x5c, 0x4f, 0x00, 0x00, 0x26, 0x06, 0xbf, 0x36, 0xac, 0x10, 0x10, 0x80, 0xac, 0x10, 0x10, 0x96, 0xd2, 0xc3,
        0xa1, 0x50, 0x97, 0x4c, 0x9b, 0x17, 0x42, 0x1d, 0x04, 0x06, 0xa0, 0x29, 0xff, 0xff, 0xd8, 0xb7, 0x00, 0x00,
        0x03, 0x03, 0x0f, 0x01, 0x02, 0x04, 0x01, 0x09, 0x08, 0x0a, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
        0x04, 0x02,
    ];

    #[test]
    fn a_shift_over_14_and_mss_on_a_non_syn_are_warned_about() {
        let t = tree_of(&FIN_PSH_URG_OPTIONS, None);
        let e = experts(&t);
        assert!(e.contains(&"Window scale shift exceeds 14".to_string()), "{e:?}");
        assert!(e.contains(&"The non-SYN packet does contain a MSS option".to_string()), "{e:?}");
        let shift = t.items().iter().position(|i| i.field == "tcp.options.wscale.shift").expect("shift");
        assert_eq!(t.items()[shift + 1].depth, t.items()[shift].depth + 1);
        let mss = t.items().iter().position(|i| i.field == "tcp.options.mss").expect("mss");
        assert_eq!(t.items()[mss + 2].field, "tcp.options.mss.present", "before Kind, as tshark");
    }

    /// Frame 18 of the same capture: urgent pointer 63477 without URG.
    #[test]
    fn an_urgent_pointer_without_urg_is_noted() {
        let frame: [u8; 66] = [
            0x00, 0x26, 0xf2, 0xac, 0xd3, 0x82, 0x00, 0x21, 0x6a, 0x5b, 0x7d, 0x4a, 0x08, 0x00, 0x45, 0x00, 0x00, 0x34,
            0x54, 0xca, 0x00, 0x00, 0x3b, 0x06, 0xb1, 0xc3, 0xac, 0x10, 0x10, 0x80, 0xac, 0x10, 0x10, 0x96, 0xd2, 0xbc,
            0x00, 0x87, 0x97, 0x4c, 0x9b, 0x17, 0x00, 0x00, 0x00, 0x00, 0x88, 0xc2, 0x00, 0x03, 0xe6, 0x7f, 0xf7, 0xf5,
            0x03, 0x03, 0x0a, 0x01, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x01, 0x01,
        ];
        let t = tree_of(&frame, None);
        let e = experts(&t);
        assert!(e.contains(&"The urgent pointer field is nonzero while the URG flag is not set".to_string()), "{e:?}");
    }

    /// A fast retransmission is also a retransmission for tshark, but its data
    /// is not repeated as `tcp.segment_data` (tcp_dupack.pcapng frame 8).
    #[test]
    fn a_fast_retransmission_adds_the_retransmission_item_without_segment_data() {
        let info = SegmentInfo { analysis: analysis::FAST_RETRANSMISSION, ..SegmentInfo::default() };
        let t = tree_of(&PSH_ACK, Some(&info));
        assert_eq!(
            experts(&t),
            ["This frame is a (suspected) fast retransmission", "This frame is a (suspected) retransmission"]
        );
        assert!(occurrences(&t, "tcp.segment_data").is_empty());
        let info = SegmentInfo { analysis: analysis::RETRANSMISSION, ..SegmentInfo::default() };
        assert_eq!(occurrences(&tree_of(&PSH_ACK, Some(&info)), "tcp.segment_data").len(), 1);
    }

    /// A segment whose data the snap length cut off (zeek retransmit-fast009.pcap:
    /// 474 bytes announced, none captured) has no `tcp.payload`.
    #[test]
    fn data_not_captured_gives_no_payload_item() {
        let cut = &PSH_ACK[..66];
        let d = dissect(LinkType::Ethernet, cut);
        let Transport::Tcp(mut h) = d.transport else { panic!("no TCP: {d:?}") };
        // The length the IP header announces (the pipeline takes it from there).
        h.payload_len = 14;
        let info = SegmentInfo { analysis: analysis::RETRANSMISSION, ..SegmentInfo::default() };
        let mut t = Tree::new();
        tcp(&mut t, cut, &h, Some(&info), 0, 0);
        assert!(occurrences(&t, "tcp.payload").is_empty());
        assert!(occurrences(&t, "tcp.segment_data").is_empty());
    }

    /// tcp-echo-interfaces.pcapng frames 18-19: the tracker's part of a FIN in
    /// the closing is an expert item after the flags.
    #[test]
    fn a_fin_shows_its_part_in_the_closing() {
        let mut frame = PSH_ACK;
        frame[47] = 0x11; // FIN+ACK
        let info = SegmentInfo { closing: Some(Closing::Passive), ..SegmentInfo::default() };
        let t = tree_of(&frame, Some(&info));
        assert_eq!(experts(&t), ["Connection finish (FIN)", "This frame undergoes the connection closing"]);
        let info = SegmentInfo { closing: Some(Closing::Active), ..SegmentInfo::default() };
        let e = experts(&tree_of(&frame, Some(&info)));
        assert_eq!(e[1], "This frame initiates the connection closing");
    }

    /// The frame above as a SYN whose options are a TFO cookie (kind 34,
    /// suricata-verify tcp-fastopen-10 frame 1), two NOPs and an experimental
    /// TFO cookie request (tcpdump-tests tfo-5c1fa7f9ae91.pcap frame 1).
    fn tfo_syn() -> [u8; 80] {
        let mut frame = PSH_ACK;
        frame[47] = 0x02;
        frame[54..66].copy_from_slice(&[0x22, 0x06, 0xd4, 0xe7, 0x18, 0xbf, 0x01, 0x01, 0xfe, 0x04, 0xf9, 0x89]);
        frame
    }

    #[test]
    fn fast_open_options_show_the_cookie_and_the_request_as_tshark() {
        let frame = tfo_syn();
        let Transport::Tcp(h) = dissect(LinkType::Ethernet, &frame).transport else { panic!("no TCP") };
        assert!(h.options.tfo_cookie, "the tracker learns of the cookie");
        let t = tree_of(&frame, None);
        assert_eq!(occurrences(&t, "tcp.options.tfo"), one("22:06:d4:e7:18:bf", Some((54, 6))));
        assert_eq!(occurrences(&t, "tcp.options.tfo.cookie"), one("d4:e7:18:bf", Some((56, 4))));
        assert_eq!(occurrences(&t, "tcp.options.experimental"), one("fe:04:f9:89", Some((62, 4))));
        assert_eq!(occurrences(&t, "tcp.options.experimental.exid"), one("0xf989", Some((64, 2))));
        assert_eq!(occurrences(&t, "tcp.options.tfo.request"), one("", Some((64, 2))));
        let cookie = t.items().iter().position(|i| i.field == "tcp.options.tfo.cookie").expect("cookie");
        assert_eq!(t.items()[cookie + 2].field, "tcp.analysis.tfo_syn");
        assert_eq!(t.items()[cookie + 1].depth, t.items()[cookie].depth + 1);
        let e = experts(&t);
        assert!(e.contains(&"TCP SYN with TFO Cookie".to_string()), "{e:?}");
    }

    /// suricata-verify tcp-fastopen-05 frame 2 (ACK 4: accepted) and
    /// tcp-fastopen-10 frame 2 (ACK 1: ignored).
    #[test]
    fn a_syn_ack_after_tfo_data_tells_whether_it_accepts_it() {
        let mut frame = PSH_ACK;
        frame[47] = 0x12; // SYN+ACK
        for (ack, text) in [(4, "TCP SYN-ACK accepting TFO data"), (1, "TCP SYN-ACK ignoring TFO data")] {
            let info = SegmentInfo { ack, tfo_syn_data: true, ..SegmentInfo::default() };
            let t = tree_of(&frame, Some(&info));
            let ack_item = t.items().iter().position(|i| i.field == "tcp.ack").expect("tcp.ack");
            assert_eq!(t.value(&t.items()[ack_item + 3]), text);
            assert_eq!(experts(&t)[0], text);
        }
    }

    /// suricata-verify tcp-fastopen-10 frame 14: reused ports come first among
    /// the analysis flags.
    #[test]
    fn reused_ports_come_first_among_the_analysis_flags() {
        let info = SegmentInfo { analysis: analysis::REUSED_PORTS | analysis::LOST_SEGMENT, ..SegmentInfo::default() };
        let e = experts(&tree_of(&PSH_ACK, Some(&info)));
        assert_eq!(
            e,
            [
                "A new tcp session is started with the same ports as an earlier session in this trace",
                "Previous segment(s) not captured (common at capture start)"
            ]
        );
    }

    /// An EOL followed by non-zero bytes (as tcpdump-tests beep-oobr.pcap frame 2):
    /// the list stops at the EOL and tshark reports the padding.
    #[test]
    fn non_zero_bytes_after_eol_end_the_options() {
        let mut frame = PSH_ACK;
        frame[54..66].copy_from_slice(&[0, 0x30, 0x30, 0x30, 0, 0, 0, 0, 0, 0, 0, 0]);
        let t = tree_of(&frame, None);
        let kinds: Vec<_> = occurrences(&t, "tcp.option_kind").into_iter().map(|o| o.0).collect();
        assert_eq!(kinds, ["0"]);
        assert!(occurrences(&t, "tcp.option_len").is_empty());
        assert_eq!(experts(&t), ["Non-zero header padding"]);
        assert_eq!(occurrences(&t, "tcp.non_zero_bytes_after_eol").len(), 1);
    }

    /// Frame 1 of zeek-traces tcp/truncated-header.pcap: a SYN cut short by the
    /// capture, whose timestamps option says length 8.
    const SHORT_TIMESTAMPS: [u8; 68] = [
        0xea, 0xf6, 0x1c, 0x2d, 0x9f, 0xd2, 0x80, 0x0b, 0x98, 0x3b, 0xb9, 0xec, 0x08, 0x00, 0x45, 0x00, 0x00, 0x3c,
        0x38, 0xe0, 0x40, 0x00, 0x33, 0x06, 0x0c, 0xe2, 0xc9, 0xba, 0x9d, 0x43, 0x80, 0x03, 0x1a, 0xf9, 0xed, 0x9b,
        0x00, 0x19, 0x3e, 0x17, 0x75, 0xde, 0x00, 0x00, 0x00, 0x00, 0xa0, 0xc2, 0x16, 0xd0, 0x90, 0xd6, 0x00, 0x00,
        0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x08, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
    ];

    #[test]
    fn an_option_of_the_wrong_length_shows_its_kind_length_and_a_note() {
        let t = tree_of(&SHORT_TIMESTAMPS, Some(&SegmentInfo { bytes_in_flight: 1, ..SegmentInfo::default() }));
        assert_eq!(occurrences(&t, "tcp.options.timestamp"), one("08:08:00:00:00:01:00:00", Some((60, 8))));
        let lens: Vec<_> = occurrences(&t, "tcp.option_len").into_iter().map(|o| (o.0, o.1)).collect();
        assert_eq!(lens.last(), Some(&("8".to_string(), Some((61, 1)))));
        assert!(experts(&t).contains(&"option length should be 10".to_string()));
        let len = t.items().iter().rposition(|i| i.field == "tcp.option_len").expect("length");
        assert_eq!(t.items()[len + 1].depth, t.items()[len].depth + 1);
        // The capture cut the header: tshark shows no SEQ/ACK analysis.
        assert!(occurrences(&t, "tcp.analysis").is_empty());
    }

    /// Frame 1 of tcpdump-tests tcp_rst_diag_payload.pcap (null link): a RST
    /// whose 8 data bytes are a reset cause "3\xaa", a NUL and a stray 0x01.
    #[test]
    fn a_rst_s_data_is_its_reset_cause() {
        let frame: [u8; 52] = [
            0x02, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x30, 0x00, 0x00, 0x00, 0x00, 0xff, 0x06, 0x39, 0x1d, 0xc0, 0x00,
            0x02, 0x01, 0xc0, 0xa8, 0x00, 0x01, 0x9b, 0x95, 0x1f, 0x90, 0x00, 0x00, 0x00, 0x01, 0x13, 0xf4, 0x9a, 0xf1,
            0x50, 0x14, 0x00, 0x00, 0x86, 0xa8, 0x00, 0x00, 0x33, 0xaa, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
        ];
        let d = dissect(LinkType::Null, &frame);
        let Transport::Tcp(h) = d.transport else { panic!("no TCP: {d:?}") };
        let mut t = Tree::new();
        tcp(&mut t, &frame, &h, None, 0, 0);
        assert!(occurrences(&t, "tcp.payload").is_empty());
        assert_eq!(occurrences(&t, "tcp.reset_cause"), one("3\u{fffd}", Some((44, 8))));
        assert_eq!(experts(&t), ["Connection reset (RST)", "Trailing stray characters"]);
    }

    /// The frame above with NOP NOP and one SACK block that ends at `right`
    /// (the ACK field is 0xfcd692c7, relative ACK 1).
    fn with_sack(right: u32) -> Tree {
        let mut frame = PSH_ACK;
        frame[54..58].copy_from_slice(&[1, 1, 5, 10]);
        frame[58..62].copy_from_slice(&right.wrapping_sub(628).to_be_bytes());
        frame[62..66].copy_from_slice(&right.to_be_bytes());
        tree_of(&frame, Some(&SegmentInfo { ack: 1, ..SegmentInfo::default() }))
    }

    /// suricata-verify tcp-empty-sack frames 31 (a block up to the ACK: D-SACK)
    /// and 29 (a block that goes past it: not).
    #[test]
    fn a_first_sack_block_at_or_below_the_ack_is_a_dsack() {
        let t = with_sack(0xfcd6_92c7);
        assert_eq!(occurrences(&t, "tcp.options.sack.dsack_le"), one("4294966669", Some((58, 4))));
        assert_eq!(occurrences(&t, "tcp.options.sack.dsack_re"), one("1", Some((62, 4))));
        assert_eq!(experts(&t), ["D-SACK Sequence"]);
        let t = with_sack(0xfcd6_92c8);
        assert!(occurrences(&t, "tcp.options.sack.dsack_le").is_empty());
        assert!(experts(&t).is_empty());
    }

    /// tcpdump-tests beep-oobr.pcap frame 2 sets all three reserved bits.
    #[test]
    fn set_reserved_bits_show_as_ones() {
        let mut frame = PSH_ACK;
        frame[46] |= 0x0e;
        let t = tree_of(&frame, None);
        let res = t.items().iter().find(|i| i.field == "tcp.flags.res").expect("reserved");
        assert!(t.display(res).starts_with("111. .... .... = Reserved: Set"), "{}", t.display(res));
    }

    /// captures/tcp-echo-interfaces.pcapng frame 14: the RTO follows the
    /// retransmission's item (negative there: the original came later on another
    /// interface).
    #[test]
    fn a_retransmission_shows_its_rto() {
        let info =
            SegmentInfo { analysis: analysis::RETRANSMISSION, rto: -282_650, rto_frame: 8, ..SegmentInfo::default() };
        let t = tree_of(&PSH_ACK, Some(&info));
        assert_eq!(occurrences(&t, "tcp.analysis.rto"), one("-0.000282650", None));
        assert_eq!(occurrences(&t, "tcp.analysis.rto_frame"), one("8", None));
        let rto = t.items().iter().position(|i| i.field == "tcp.analysis.rto").expect("rto");
        assert_eq!(t.items()[rto - 1].field, "_ws.expert.group");
    }

    /// tcp_dupack.pcapng frame 2: data after a gap has an analysis record but
    /// nothing in it; tshark still shows `[SEQ/ACK analysis]`.
    #[test]
    fn an_empty_analysis_record_still_shows_its_subtree() {
        let info = SegmentInfo { has_analysis: true, ..SegmentInfo::default() };
        assert_eq!(occurrences(&tree_of(&PSH_ACK, Some(&info)), "tcp.analysis"), one("", None));
        assert!(occurrences(&tree_of(&PSH_ACK, Some(&SegmentInfo::default())), "tcp.analysis").is_empty());
    }
}
