//! NTP, how hosts set their clocks from servers (RFC 5905): a 48-byte header of
//! flags (leap indicator, version, mode), stratum, poll interval, precision,
//! root delay and dispersion, reference ID and four timestamps, then NTPv4
//! extension fields (RFC 7822) and an optional key ID and message digest. The
//! control (mode 6) messages of ntpd are shown by their flags, its private
//! (mode 7) ones by their flags, sequence, implementation and request code.

use super::data::shown_bytes;
use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use super::frame::{malformed, UtcTime};
use crate::proto::bytes::{be16, be32};
use crate::sniff::render::Mac;
use crate::sniff::tree::draw::bit_pattern;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::fmt::Write as _;
use std::net::Ipv4Addr;

/// The NTP dissector.
pub struct Ntp;

/// NTP's UDP port (RFC 5905 §7).
const PORTS: &[Claim] = &[Claim::UdpPort(123)];

/// Byte offsets of the header (RFC 5905 §7.3, figure 8).
mod at {
    pub const FLAGS: usize = 0;
    pub const STRATUM: usize = 1;
    pub const POLL: usize = 2;
    pub const PRECISION: usize = 3;
    pub const ROOT_DELAY: usize = 4;
    pub const ROOT_DISPERSION: usize = 8;
    pub const REFID: usize = 12;
    pub const REFTIME: usize = 16;
    /// Mode 7: the auth bit and sequence number, the implementation, the request code.
    pub const PRIV_AUTH_SEQ: usize = 1;
    pub const PRIV_IMPL: usize = 2;
    pub const PRIV_REQCODE: usize = 3;
    /// The end of the header: extension fields and the MAC follow.
    pub const END: usize = 48;
}

/// The control and private modes, whose messages are not the time header.
const MODE_CONTROL: u8 = 6;
const MODE_PRIVATE: u8 = 7;
/// The flags' bit fields.
const LI_MASK: u8 = 0xc0;
/// In mode 7, the response and more bits take the leap indicator's place.
const RESPONSE_BIT: u8 = 0x80;
const MORE_BIT: u8 = 0x40;
const VN_MASK: u8 = 0x38;
const MODE_MASK: u8 = 0x07;
/// Poll intervals RFC 5905 allows (§7.3, log2 seconds), as tshark checks them.
const POLL_MIN: u8 = 4;
const POLL_MAX: u8 = 17;
/// Seconds from the NTP epoch (1900) to the Unix epoch (1970).
const NTP_TO_UNIX: i64 = 2_208_988_800;
/// The top bit of a timestamp's seconds: clear for times after 7 February 2036.
const ERA_BIT: u32 = 0x8000_0000;
/// A key ID, and a key ID with the longest digest, SHA-1 (RFC 5905 §7.3; RFC 7822 §7.5).
const KEY_ID_LEN: usize = 4;
const MAX_MAC_LEN: usize = 24;
/// An extension field's header, and the smallest one (RFC 7822 §3).
const EXT_HEADER_LEN: usize = 4;
const EXT_MIN_LEN: usize = 16;

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "ntp", ftype: Ftype::Protocol, title: "Network Time Protocol", base: "" },
    FieldDecl { name: "ntp.flags", ftype: Ftype::Uint8, title: "Flags", base: "BASE_HEX" },
    FieldDecl { name: "ntp.flags.li", ftype: Ftype::Uint8, title: "Leap Indicator", base: "BASE_DEC" },
    FieldDecl { name: "ntp.flags.vn", ftype: Ftype::Uint8, title: "Version number", base: "BASE_DEC" },
    FieldDecl { name: "ntp.flags.mode", ftype: Ftype::Uint8, title: "Mode", base: "BASE_DEC" },
    FieldDecl { name: "ntp.priv.flags.r", ftype: Ftype::Uint8, title: "Response bit", base: "BASE_DEC" },
    FieldDecl { name: "ntp.priv.flags.more", ftype: Ftype::Uint8, title: "More bit", base: "BASE_DEC" },
    FieldDecl { name: "ntp.priv.auth_seq", ftype: Ftype::Uint8, title: "Auth, sequence", base: "BASE_DEC" },
    FieldDecl { name: "ntp.priv.auth", ftype: Ftype::Uint8, title: "Auth bit", base: "BASE_DEC" },
    FieldDecl { name: "ntp.priv.seq", ftype: Ftype::Uint8, title: "Sequence number", base: "BASE_DEC" },
    FieldDecl { name: "ntp.priv.impl", ftype: Ftype::Uint8, title: "Implementation", base: "BASE_DEC" },
    FieldDecl { name: "ntp.priv.reqcode", ftype: Ftype::Uint8, title: "Request code", base: "BASE_DEC" },
    FieldDecl { name: "ntp.stratum", ftype: Ftype::Uint8, title: "Peer Clock Stratum", base: "BASE_DEC" },
    FieldDecl { name: "ntp.ppoll", ftype: Ftype::Uint8, title: "Peer Polling Interval", base: "BASE_DEC" },
    FieldDecl { name: "ntp.precision", ftype: Ftype::Uint8, title: "Peer Clock Precision", base: "BASE_DEC" },
    FieldDecl { name: "ntp.rootdelay", ftype: Ftype::Uint32, title: "Root Delay", base: "BASE_DEC" },
    FieldDecl { name: "ntp.rootdispersion", ftype: Ftype::Uint32, title: "Root Dispersion", base: "BASE_DEC" },
    FieldDecl { name: "ntp.refid", ftype: Ftype::Bytes, title: "Reference ID", base: "" },
    FieldDecl {
        name: "ntp.reftime",
        ftype: Ftype::AbsoluteTime,
        title: "Reference Timestamp",
        base: "ABSOLUTE_TIME_UTC",
    },
    FieldDecl { name: "ntp.org", ftype: Ftype::AbsoluteTime, title: "Origin Timestamp", base: "ABSOLUTE_TIME_UTC" },
    FieldDecl { name: "ntp.rec", ftype: Ftype::AbsoluteTime, title: "Receive Timestamp", base: "ABSOLUTE_TIME_UTC" },
    FieldDecl { name: "ntp.xmt", ftype: Ftype::AbsoluteTime, title: "Transmit Timestamp", base: "ABSOLUTE_TIME_UTC" },
    FieldDecl { name: "ntp.ext.type", ftype: Ftype::Uint16, title: "Field Type", base: "BASE_HEX" },
    FieldDecl { name: "ntp.ext.length", ftype: Ftype::Uint16, title: "Length", base: "BASE_DEC" },
    FieldDecl { name: "ntp.ext.value", ftype: Ftype::Bytes, title: "Value", base: "" },
    FieldDecl { name: "ntp.keyid", ftype: Ftype::Bytes, title: "Key ID", base: "" },
    FieldDecl { name: "ntp.mac", ftype: Ftype::Bytes, title: "Message Authentication Code", base: "" },
];

/// Wireshark's name of a leap indicator (RFC 5905 figure 9).
fn leap_name(li: u8) -> &'static str {
    match li {
        0 => "no warning",
        1 => "last minute of the day has 61 seconds",
        2 => "last minute of the day has 59 seconds",
        _ => "unknown (clock unsynchronized)",
    }
}

/// Wireshark's name of a mode (RFC 5905 figure 10).
fn mode_name(mode: u8) -> &'static str {
    match mode {
        1 => "symmetric active",
        2 => "symmetric passive",
        3 => "client",
        4 => "server",
        5 => "broadcast",
        MODE_CONTROL => "reserved for NTP control message",
        MODE_PRIVATE => "reserved for private use",
        _ => "reserved",
    }
}

/// The mode as the Info column words it.
fn mode_word(mode: u8) -> &'static str {
    match mode {
        MODE_CONTROL => "control",
        MODE_PRIVATE => "private",
        m => mode_name(m),
    }
}

/// Wireshark's name of a stratum (RFC 5905 figure 11).
fn stratum_name(s: u8) -> &'static str {
    match s {
        0 => "unspecified or invalid",
        1 => "primary reference",
        2..=15 => "secondary reference",
        16 => "unsynchronized",
        _ => "reserved",
    }
}

/// Wireshark's description of a primary reference source (RFC 5905 figure 12
/// and ntpd's older codes), by its four-character code.
fn reference_source(code: &[u8]) -> Option<&'static str> {
    let name = match code {
        b"GOES" => "Geostationary Orbit Environment Satellite",
        b"GPS\0" => "Global Position System",
        b"GAL\0" => "Galileo Positioning System",
        b"PPS\0" => "Generic pulse-per-second",
        b"IRIG" => "Inter-Range Instrumentation Group",
        b"WWVB" => "LF Radio WWVB Ft. Collins, CO 60 kHz",
        b"DCF\0" => "LF Radio DCF77 Mainflingen, DE 77.5 kHz",
        b"HBG\0" => "LF Radio HBG Prangins, HB 75 kHz",
        b"MSF\0" => "LF Radio MSF Anthorn, UK 60 kHz",
        b"JJY\0" => "LF Radio JJY Fukushima, JP 40 kHz, Saga, JP 60 kHz",
        b"LORC" => "MF Radio LORAN C station, 100 kHz",
        b"TDF\0" => "MF Radio Allouis, FR 162 kHz",
        b"CHU\0" => "HF Radio CHU Ottawa, Ontario",
        b"WWV\0" => "HF Radio WWV Ft. Collins, CO",
        b"WWVH" => "HF Radio WWVH Kauai, HI",
        b"NIST" => "NIST telephone modem",
        b"ACTS" => "NIST telephone modem",
        b"USNO" => "USNO telephone modem",
        b"PTB\0" => "European telephone modem",
        b"LOCL" => "uncalibrated local clock",
        b"CESM" => "calibrated Cesium clock",
        b"RBDM" => "calibrated Rubidium clock",
        b"OMEG" => "OMEGA radionavigation system",
        b"DCN\0" => "DCN routing protocol",
        b"TSP\0" => "TSP time protocol",
        b"DTS\0" => "Digital Time Service",
        b"ATOM" => "Atomic clock (calibrated)",
        b"VLF\0" => "VLF radio (OMEGA,, etc.)",
        b"FREE" => "(Internal clock)",
        b"INIT" => "(Initialization)",
        _ => return None,
    };
    Some(name)
}

/// The name of a mode 7 request code (ntpd's ntp_request.h, as Wireshark names them).
fn request_code_name(c: u8) -> &'static str {
    const NAMES: [&str; 46] = [
        "PEER_LIST",
        "PEER_LIST_SUM",
        "PEER_INFO",
        "PEER_STATS",
        "SYS_INFO",
        "SYS_STATS",
        "IO_STATS",
        "MEM_STATS",
        "LOOP_INFO",
        "TIMER_STATS",
        "CONFIG",
        "UNCONFIG",
        "SET_SYS_FLAG",
        "CLR_SYS_FLAG",
        "MONITOR",
        "NOMONITOR",
        "GET_RESTRICT",
        "RESADDFLAGS",
        "RESSUBFLAGS",
        "UNRESTRICT",
        "MON_GETLIST",
        "RESET_STATS",
        "RESET_PEER",
        "REREAD_KEYS",
        "DO_DIRTY_HACK",
        "DONT_DIRTY_HACK",
        "TRUSTKEY",
        "UNTRUSTKEY",
        "AUTHINFO",
        "TRAPS",
        "ADD_TRAP",
        "CLR_TRAP",
        "REQUEST_KEY",
        "CONTROL_KEY",
        "GET_CTLSTATS",
        "GET_LEAPINFO",
        "GET_CLOCKINFO",
        "SET_CLKFUDGE",
        "GET_KERNEL",
        "GET_CLKBUGINFO",
        "Unknown",
        "SET_PRECISION",
        "MON_GETLIST_1",
        "HOSTNAME_ASSOCID",
        "IF_STATS",
        "IF_RELOAD",
    ];
    NAMES.get(usize::from(c)).copied().unwrap_or("Unknown")
}

/// The name of a mode 7 implementation number.
fn implementation_name(i: u8) -> &'static str {
    match i {
        0 => "UNIV",
        2 => "XNTPD_OLD (pre-IPv6)",
        3 => "XNTPD",
        _ => "Unknown",
    }
}

/// Wireshark's name of an extension field type (RFC 8915 §5.7 for NTS).
fn ext_type_name(t: u16) -> &'static str {
    match t {
        0x0104 => "Unique Identifier",
        0x0204 => "NTS Cookie",
        0x0304 => "NTS Cookie Placeholder",
        0x0404 => "NTS Authenticator and Encrypted Extension Fields",
        _ => "Unknown",
    }
}

/// The version and mode of the flags byte.
fn version_mode(flags: u8) -> (u8, u8) {
    ((flags & VN_MASK) >> 3, flags & MODE_MASK)
}

/// Whether the message is shorter than its header (modes 6 and 7 excepted).
fn cut_short(pdu: &[u8]) -> bool {
    match pdu.first() {
        None => true,
        Some(&f) if matches!(version_mode(f).1, MODE_CONTROL | MODE_PRIVATE) => false,
        Some(_) => pdu.len() < at::END,
    }
}

/// An NTP timestamp as tshark shows it: `NULL` when zero, else the date in UTC.
fn timestamp(b: &[u8]) -> String {
    let (secs, frac) = (be32(b, 0), be32(b, 4));
    if secs == 0 && frac == 0 {
        return "NULL".to_string();
    }
    let nanos = (u64::from(frac) * 1_000_000_000) >> 32;
    // A time with the top bit clear is in the era after 2036 (RFC 4330 §3).
    let era = if secs & ERA_BIT == 0 { 1i64 << 32 } else { 0 };
    let unix = i64::from(secs) + era - NTP_TO_UNIX;
    format!("{} UTC", UtcTime(unix * 1_000_000_000 + nanos as i64))
}

/// A 16.16 fixed-point number of seconds (root delay and dispersion).
fn short_format(v: u32) -> f64 {
    f64::from(v) / 65536.0
}

/// The Reference ID as tshark words it: a source code for strata 0 and 1, an
/// IPv4 address above.
fn reference_id(stratum: u8, id: &[u8]) -> String {
    if id.iter().all(|&b| b == 0) {
        return "NULL".to_string();
    }
    if stratum >= 2 {
        return Ipv4Addr::new(id[0], id[1], id[2], id[3]).to_string();
    }
    match reference_source(id) {
        Some(name) => name.to_string(),
        None => {
            let end = id.iter().position(|&b| b == 0).unwrap_or(id.len());
            format!("Unidentified reference source '{}'", String::from_utf8_lossy(&id[..end]))
        }
    }
}

impl Dissector for Ntp {
    fn name(&self) -> &'static str {
        "ntp"
    }

    fn title(&self) -> &'static str {
        "Network Time Protocol"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "NTP"
    }

    fn claims(&self) -> &'static [Claim] {
        PORTS
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn label_in(&self, pdu: &[u8], ctx: Ctx) -> String {
        super::dissector::first_line(self, pdu, ctx)
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        let Some(&f) = pdu.first() else { return };
        let (v, mode) = version_mode(f);
        let _ = write!(out, "NTP Version {v}, {}", mode_word(mode));
        if let (MODE_PRIVATE, Some(&code)) = (mode, pdu.get(at::PRIV_REQCODE)) {
            let r = if f & RESPONSE_BIT != 0 { "Response" } else { "Request" };
            let _ = write!(out, ", {r}, {}", request_code_name(code));
        }
        if cut_short(pdu) {
            out.push_str("[Malformed Packet]");
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, out: &mut Tree) {
        let Some(&f) = pdu.first() else { return };
        let (v, mode) = version_mode(f);
        out.at(0)
            .proto("ntp")
            .bytes(o, pdu.len())
            .line(format_args!("Network Time Protocol (NTP Version {v}, {})", mode_word(mode)));
        flags(out, f, o);
        if mode == MODE_PRIVATE {
            private_header(out, pdu, o);
        }
        if matches!(mode, MODE_CONTROL | MODE_PRIVATE) {
            return;
        }
        if header(out, pdu, o) {
            trailer(out, pdu, o);
        } else {
            malformed(out, "NTP");
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let decl = &FIELDS[field];
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, decl.name, decl.ftype, &mut owned);
        out.extend(owned);
    }
}

/// The flags byte: leap indicator (or, in mode 7, the response and more bits),
/// version and mode as bit fields.
fn flags(out: &mut Tree, f: u8, o: usize) {
    let (v, mode) = version_mode(f);
    let li = (f & LI_MASK) >> 6;
    let response = if f & RESPONSE_BIT != 0 { "Response" } else { "Request" };
    let first = if mode == MODE_PRIVATE {
        format!("Response bit: {response}")
    } else {
        format!("Leap Indicator: {}", leap_name(li))
    };
    out.at(1)
        .field("ntp.flags", Ftype::Uint8, Value::hex(u64::from(f), 2))
        .bytes(o + at::FLAGS, 1)
        .line(format_args!("Flags: 0x{f:02x}, {first}, Version number: NTP Version {v}, Mode: {}", mode_name(mode)));
    let bits = |value: u8, n: u32, shift: u32| bit_pattern(u32::from(value), n, shift, 8);
    if mode == MODE_PRIVATE {
        let (r, more) = (f >> 7, (f & MORE_BIT) >> 6);
        out.at(2)
            .field("ntp.priv.flags.r", Ftype::Uint8, r)
            .bytes(o, 1)
            .mask(u64::from(RESPONSE_BIT), u64::from(r))
            .line(format_args!("{} = Response bit: {response} ({r})", bits(r, 1, 7)));
        out.at(2)
            .field("ntp.priv.flags.more", Ftype::Uint8, more)
            .bytes(o, 1)
            .mask(u64::from(MORE_BIT), u64::from(more))
            .line(format_args!("{} = More bit: {more}", bits(more, 1, 6)));
    } else {
        out.at(2)
            .field("ntp.flags.li", Ftype::Uint8, li)
            .bytes(o, 1)
            .mask(u64::from(LI_MASK), u64::from(li))
            .line(format_args!("{} = Leap Indicator: {} ({li})", bits(li, 2, 6), leap_name(li)));
    }
    out.at(2)
        .field("ntp.flags.vn", Ftype::Uint8, v)
        .bytes(o, 1)
        .mask(u64::from(VN_MASK), u64::from(v))
        .line(format_args!("{} = Version number: NTP Version {v} ({v})", bits(v, 3, 3)));
    out.at(2)
        .field("ntp.flags.mode", Ftype::Uint8, mode)
        .bytes(o, 1)
        .mask(u64::from(MODE_MASK), u64::from(mode))
        .line(format_args!("{} = Mode: {} ({mode})", bits(mode, 3, 0), mode_name(mode)));
}

/// The start of a mode 7 message: auth bit, sequence number, implementation and
/// request code (ntpd's ntp_request.h), as far as the message holds them.
fn private_header(out: &mut Tree, pdu: &[u8], o: usize) {
    let Some(&b) = pdu.get(at::PRIV_AUTH_SEQ) else { return };
    let o1 = o + at::PRIV_AUTH_SEQ;
    out.at(1).field("ntp.priv.auth_seq", Ftype::Uint8, b).bytes(o1, 1).line(format_args!("Auth, sequence: {b}"));
    let (auth, seq) = (b >> 7, b & 0x7f);
    out.at(2)
        .field("ntp.priv.auth", Ftype::Uint8, auth)
        .bytes(o1, 1)
        .mask(0x80, u64::from(auth))
        .line(format_args!("{} = Auth bit: {auth}", bit_pattern(u32::from(auth), 1, 7, 8)));
    out.at(2)
        .field("ntp.priv.seq", Ftype::Uint8, seq)
        .bytes(o1, 1)
        .mask(0x7f, u64::from(seq))
        .line(format_args!("{} = Sequence number: {seq}", bit_pattern(u32::from(seq), 7, 0, 8)));
    let Some(&i) = pdu.get(at::PRIV_IMPL) else { return };
    out.at(1)
        .field("ntp.priv.impl", Ftype::Uint8, i)
        .bytes(o + at::PRIV_IMPL, 1)
        .line(format_args!("Implementation: {} ({i})", implementation_name(i)));
    let Some(&c) = pdu.get(at::PRIV_REQCODE) else { return };
    out.at(1)
        .field("ntp.priv.reqcode", Ftype::Uint8, c)
        .bytes(o + at::PRIV_REQCODE, 1)
        .line(format_args!("Request code: {} ({c})", request_code_name(c)));
}

/// The rest of the 48-byte header; false when the message ends before its end.
fn header(out: &mut Tree, pdu: &[u8], o: usize) -> bool {
    let Some(h) = pdu.get(..at::END) else { return false };
    let stratum = h[at::STRATUM];
    out.at(1)
        .field("ntp.stratum", Ftype::Uint8, stratum)
        .bytes(o + at::STRATUM, 1)
        .line(format_args!("Peer Clock Stratum: {} ({stratum})", stratum_name(stratum)));
    let poll = h[at::POLL];
    let item = out.at(1).field("ntp.ppoll", Ftype::Uint8, poll).bytes(o + at::POLL, 1);
    if (POLL_MIN..=POLL_MAX).contains(&poll) {
        item.line(format_args!("Peer Polling Interval: {poll} ({} seconds)", 1u32 << poll));
    } else {
        item.line(format_args!("Peer Polling Interval: invalid ({poll})"));
    }
    let precision = h[at::PRECISION];
    out.at(1)
        .field("ntp.precision", Ftype::Uint8, precision)
        .bytes(o + at::PRECISION, 1)
        .line(format_args!("Peer Clock Precision: {:.6} seconds", 2f64.powi(i32::from(precision as i8))));
    let delay = be32(h, at::ROOT_DELAY);
    out.at(1)
        .field("ntp.rootdelay", Ftype::Uint32, delay)
        .bytes(o + at::ROOT_DELAY, 4)
        .line(format_args!("Root Delay: {:.6} seconds", short_format(delay)));
    let disp = be32(h, at::ROOT_DISPERSION);
    out.at(1)
        .field("ntp.rootdispersion", Ftype::Uint32, disp)
        .bytes(o + at::ROOT_DISPERSION, 4)
        .line(format_args!("Root Dispersion: {:.6} seconds", short_format(disp)));
    let id = &h[at::REFID..at::REFTIME];
    out.at(1)
        .field("ntp.refid", Ftype::Bytes, Mac(id))
        .bytes(o + at::REFID, 4)
        .line(format_args!("Reference ID: {}", reference_id(stratum, id)));
    let stamps = [
        ("ntp.reftime", "Reference Timestamp"),
        ("ntp.org", "Origin Timestamp"),
        ("ntp.rec", "Receive Timestamp"),
        ("ntp.xmt", "Transmit Timestamp"),
    ];
    for (i, (name, title)) in stamps.into_iter().enumerate() {
        let start = at::REFTIME + 8 * i;
        let t = timestamp(&h[start..start + 8]);
        out.at(1).field(name, Ftype::AbsoluteTime, &t).bytes(o + start, 8).line(format_args!("{title}: {t}"));
    }
    true
}

/// What follows the header: extension fields while more than a key ID and the
/// longest digest remain (tshark's rule), then the key ID and digest.
fn trailer(out: &mut Tree, pdu: &[u8], o: usize) {
    let mut i = at::END;
    while pdu.len() - i > MAX_MAC_LEN {
        let rest = &pdu[i..];
        let len = usize::from(be16(rest, 2));
        if len < EXT_MIN_LEN || len > rest.len() {
            return;
        }
        extension(out, &rest[..len], o + i);
        i += len;
    }
    if pdu.len() - i >= KEY_ID_LEN {
        mac(out, &pdu[i..], o + i);
    }
}

/// An extension field (RFC 7822 §3).
fn extension(out: &mut Tree, e: &[u8], o: usize) {
    out.at(1).field("ntp.ext", Ftype::None, "").bytes(o, e.len()).line(format_args!("Extension"));
    let t = be16(e, 0);
    out.at(2)
        .field("ntp.ext.type", Ftype::Uint16, Value::hex16(t))
        .bytes(o, 2)
        .line(format_args!("Field Type: {} (0x{t:04x})", ext_type_name(t)));
    out.at(2).field("ntp.ext.length", Ftype::Uint16, e.len()).bytes(o + 2, 2).line(format_args!("Length: {}", e.len()));
    let v = &e[EXT_HEADER_LEN..];
    out.at(2)
        .field("ntp.ext.value", Ftype::Bytes, Mac(v))
        .bytes(o + EXT_HEADER_LEN, v.len())
        .line(format_args!("Value: {}", shown_bytes(v)));
}

/// The key ID and, when present, the message digest (RFC 5905 §7.3).
fn mac(out: &mut Tree, b: &[u8], o: usize) {
    let (key, digest) = b.split_at(KEY_ID_LEN);
    out.at(1).field("ntp.keyid", Ftype::Bytes, Mac(key)).bytes(o, 4).line(format_args!("Key ID: {}", shown_bytes(key)));
    if !digest.is_empty() {
        out.at(1)
            .field("ntp.mac", Ftype::Bytes, Mac(digest))
            .bytes(o + 4, digest.len())
            .line(format_args!("Message Authentication Code: {}", shown_bytes(digest)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ntp-time.pcap (tcpdump's tests) frame 1: a version 4 client request with
    /// only its transmit timestamp, leap indicator 3.
    const CLIENT: &[u8] = &[
        0xe3, 0x00, 0x08, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // flags..refid
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // reference, origin, receive
        0xdd, 0x47, 0xff, 0xf4, 0xed, 0xb0, 0xcc, 0xbc, // transmit
    ];
    /// Frame 2: the stratum 2 server's answer.
    const SERVER: &[u8] = &[
        0x24, 0x02, 0x08, 0xe8, 0x00, 0x00, 0x00, 0x15, 0x00, 0x00, 0x09, 0x52, 0x84, 0xc7, 0x07, 0xc9, // header
        0xdd, 0x47, 0xfb, 0x3a, 0x56, 0x76, 0x37, 0xc0, // reference
        0xdd, 0x47, 0xff, 0xf4, 0xed, 0xb0, 0xcc, 0xbc, // origin
        0xdd, 0x47, 0xff, 0xf4, 0xee, 0x0f, 0x47, 0x43, // receive
        0xdd, 0x47, 0xff, 0xf4, 0xee, 0x11, 0x19, 0xcf, // transmit
    ];

    fn info(pdu: &[u8]) -> String {
        crate::sniff::dissect::testing::info_of(&Ntp, pdu, Ctx::default())
    }

    fn values(pdu: &[u8], name: &str) -> Vec<String> {
        let i = FIELDS.iter().position(|f| f.name == name).unwrap();
        let mut out = Vec::new();
        Ntp.values(pdu, Ctx::default(), i, &mut out);
        out.iter().map(|v| v.to_string()).collect()
    }

    fn lines(pdu: &[u8]) -> Vec<String> {
        let mut t = Tree::new();
        Ntp.tree(pdu, Ctx::default(), 42, &mut t);
        t.items().iter().filter(|i| i.shown).map(|i| t.display(i).to_string()).collect()
    }

    #[test]
    fn info_names_version_and_mode() {
        assert_eq!(info(CLIENT), "NTP Version 4, client");
        assert_eq!(info(SERVER), "NTP Version 4, server");
        assert_eq!(info(&[0x16, 0x02]), "NTP Version 2, control");
        assert_eq!(info(&SERVER[..20]), "NTP Version 4, server[Malformed Packet]");
    }

    #[test]
    fn the_tree_in_tsharks_words() {
        let c = lines(CLIENT);
        for w in [
            "Network Time Protocol (NTP Version 4, client)",
            "Flags: 0xe3, Leap Indicator: unknown (clock unsynchronized), Version number: NTP Version 4, Mode: client",
            "11.. .... = Leap Indicator: unknown (clock unsynchronized) (3)",
            "..10 0... = Version number: NTP Version 4 (4)",
            ".... .011 = Mode: client (3)",
            "Peer Clock Stratum: unspecified or invalid (0)",
            "Peer Polling Interval: 8 (256 seconds)",
            "Peer Clock Precision: 1.000000 seconds",
            "Reference ID: NULL",
            "Origin Timestamp: NULL",
            "Transmit Timestamp: Aug 23, 2017 13:21:56.928478999 UTC",
        ] {
            assert!(c.contains(&w.to_string()), "{w}: {c:#?}");
        }
        let s = lines(SERVER);
        for w in [
            "Peer Clock Stratum: secondary reference (2)",
            "Root Delay: 0.000320 seconds",
            "Root Dispersion: 0.036407 seconds",
            "Reference ID: 132.199.7.201",
            "Reference Timestamp: Aug 23, 2017 13:01:46.337741360 UTC",
            "Receive Timestamp: Aug 23, 2017 13:21:56.929920629 UTC",
        ] {
            assert!(s.contains(&w.to_string()), "{w}: {s:#?}");
        }
    }

    #[test]
    fn reference_ids_timestamps_and_the_trailer() {
        assert_eq!(reference_id(1, b"GPS\0"), "Global Position System");
        assert_eq!(reference_id(1, b"GPSs"), "Unidentified reference source 'GPSs'");
        assert_eq!(reference_id(0, b"INIT"), "(Initialization)");
        // Seconds with the top bit clear belong to the era after 2036.
        assert_eq!(timestamp(&[0x0d, 0, 0, 0, 0, 0, 0, 0]), "Jan  5, 2043 14:51:44.000000000 UTC");
        let mut m = SERVER.to_vec();
        m.extend_from_slice(&[0x01, 0x04, 0x00, 0x1c]);
        m.extend_from_slice(&[7; 24]);
        m.extend_from_slice(&[0, 0, 0, 8]);
        let l = lines(&m);
        for w in ["Extension", "Field Type: Unique Identifier (0x0104)", "Length: 28", "Key ID: 00000008"] {
            assert!(l.contains(&w.to_string()), "{w}: {l:#?}");
        }
    }

    #[test]
    fn fields_come_from_the_tree_with_their_types() {
        assert_eq!(values(SERVER, "ntp.flags"), ["0x24"]);
        assert_eq!(values(SERVER, "ntp.flags.mode"), ["4"]);
        assert_eq!(values(SERVER, "ntp.precision"), ["232"]);
        assert_eq!(values(SERVER, "ntp.rootdelay"), ["21"]);
        assert_eq!(values(SERVER, "ntp.refid"), ["84c707c9"]);
        assert_eq!(values(CLIENT, "ntp.reftime"), ["NULL"]);
        assert_eq!(values(&[0x97, 0], "ntp.priv.flags.r"), ["1"]);
        assert_eq!(values(&[0x97, 0], "ntp.flags.li"), [""; 0]);
    }

    #[test]
    fn private_messages_name_their_request() {
        // ntp-mode7.pcap frame 2: an AUTHINFO response.
        let m = [0x97, 0x00, 0x03, 28, 0x00, 0x01, 0x00, 0x24];
        assert_eq!(info(&m), "NTP Version 2, private, Response, AUTHINFO");
        assert_eq!(info(&[0x17, 0, 3, 40]), "NTP Version 2, private, Request, Unknown");
        let l = lines(&m);
        for w in [
            "Auth, sequence: 0",
            "Implementation: XNTPD (3)",
            "Request code: AUTHINFO (28)",
            "1... .... = Response bit: Response (1)",
        ] {
            assert!(l.contains(&w.to_string()), "{w}: {l:#?}");
        }
        assert_eq!(values(&m, "ntp.priv.reqcode"), ["28"]);
    }

    #[test]
    fn every_truncation_is_decoded_as_far_as_it_goes_never_a_panic() {
        let mut long = SERVER.to_vec();
        long.extend_from_slice(&[0x01, 0x04, 0x00, 0x10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0, 0, 0, 8]);
        for pdu in [CLIENT, SERVER, &long[..], &[0x97, 0x80, 0x03, 28, 0, 1, 0, 0x24]] {
            for n in 0..=pdu.len() {
                let cut = &pdu[..n];
                let _ = info(cut);
                let mut t = Tree::new();
                Ntp.tree(cut, Ctx::default(), 0, &mut t);
                for f in 1..FIELDS.len() {
                    Ntp.values(cut, Ctx::default(), f, &mut Vec::new());
                }
            }
        }
        assert!(lines(&SERVER[..30]).contains(&"[Malformed Packet: NTP]".to_string()));
    }
}
