//! The DNA Routing Layer header and its control messages (DECnet Phase IV
//! Routing Layer Functional Specification 2.0.0, §5 "Routing Layer messages"):
//! the routing flags, then either a data packet's header (short or long form)
//! or a control message (initialization, verification, hello and test,
//! level 1 or 2 routing, Ethernet router or endnode hello).

use super::dnet_name;
use super::walk::{field, Step, Walk, Word};
use crate::sniff::render::Mac;
use crate::sniff::tree::Ftype;

/// Routing flags: a control message (§5.1).
pub const CONTROL: u8 = 0x01;
/// Routing flags: the long data packet format (§5.2; 0x02 short, 0x06 long).
const LONG: u8 = 0x04;
/// Routing flags: padding follows, its length in the low seven bits.
const PADDING: u8 = 0x80;
/// Where the routing flags start: after the two-byte length of the Ethernet datagram.
pub const FLAGS_AT: usize = 2;

/// Control message types, as tshark names them (flags bits 1–3).
fn control_name(t: u8) -> String {
    match t {
        0 => "Initialization message".into(),
        1 => "Verification message".into(),
        2 => "Hello and test message".into(),
        3 => "Level 1 routing message".into(),
        4 => "Level 2 routing message".into(),
        5 => "Ethernet router hello message".into(),
        6 => "Ethernet endnode hello message".into(),
        n => format!("Unknown (0x{n:x})"),
    }
}

/// Node types of a hello's routing information.
fn node_type_name(t: u8) -> String {
    match t {
        1 => "Level 2 router".into(),
        2 => "Level 1 router".into(),
        3 => "End node".into(),
        n => format!("Unknown (0x{n:x})"),
    }
}

/// The routing header from the routing flags on; returns the offset after it
/// and whether a control message was decoded (then no NSP message follows).
pub fn header(w: &mut Walk<'_>) -> Step<(usize, bool)> {
    let mut at = FLAGS_AT;
    let first = w.u8(at)?;
    if first & PADDING != 0 {
        at += usize::from(first & !PADDING);
    }
    let flags = w.u8(at)?;
    let word = u64::from(flags);
    w.item(
        1,
        at,
        1,
        field("dec_dna.flags", Ftype::Uint8, format!("0x{flags:02x}")),
        format_args!("Routing flags: 0x{flags:02x}"),
    )?;
    if flags & CONTROL != 0 {
        control(w, at, flags)?;
        return Ok((at, true));
    }
    if flags & LONG != 0 {
        return long_header(w, at, flags);
    }
    let msglen = (flags & 0x06) >> 1;
    w.bits(
        2,
        Word { at, width: 8, value: word },
        0x06,
        field("dec_dna.flags.msglen", Ftype::Uint8, msglen),
        format_args!("Short data packet format: 0x{msglen:x}"),
    )?;
    w.flag(2, Word { at, width: 8, value: word }, 0x08, "dec_dna.flags.RQR", "Return to Sender Request")?;
    w.flag(2, Word { at, width: 8, value: word }, 0x10, "dec_dna.flags.RTS", "Packet on return trip")?;
    at += 1;
    node(w, 1, at, "dec_dna.dst_node", "Destination node")?;
    node(w, 1, at + 2, "dec_dna.src_node", "Source node")?;
    at += 4;
    let visited = w.u8(at)?;
    w.item(
        1,
        at,
        1,
        field("dec_dna.vst_node", Ftype::Uint8, visited),
        format_args!("Nodes visited ty this package: {visited}"),
    )?;
    Ok((at + 1, false))
}

/// A 16-bit node address (little-endian), shown in hex.
pub fn node(w: &mut Walk<'_>, depth: usize, at: usize, name: &'static str, title: &str) -> Step {
    let n = w.le16(at)?;
    w.item(depth, at, 2, field(name, Ftype::Uint16, format!("0x{n:04x}")), format_args!("{title}: 0x{n:04x}"))
}

/// A six-byte Ethernet address with its DECnet node address when it has one.
fn mac(w: &mut Walk<'_>, depth: usize, at: usize, name: &'static str, title: &str) -> Step {
    let b = w.slice(at, 6)?;
    let text = Mac(b).to_string();
    match dnet_name(b) {
        Some((area, node)) => {
            w.item(depth, at, 6, field(name, Ftype::Ether, &text), format_args!("{title}: {text} ({area}.{node})"))
        }
        None => w.item(depth, at, 6, field(name, Ftype::Ether, &text), format_args!("{title}: {text}")),
    }
}

/// The long data packet header (§5.2.2): the flags bit by bit, destination and
/// source as Ethernet addresses after their two-byte area fields, then the
/// next level 2 router, visit count, service class and protocol type.
fn long_header(w: &mut Walk<'_>, at: usize, flags: u8) -> Step<(usize, bool)> {
    let word = u64::from(flags);
    let msglen = (flags & 0x06) >> 1;
    w.bits(
        2,
        Word { at, width: 8, value: word },
        0x06,
        field("dec_dna.flags.msglen", Ftype::Uint8, msglen),
        format_args!("Long data packet format: 0x{msglen:x}"),
    )?;
    w.flag(2, Word { at, width: 8, value: word }, 0x08, "dec_dna.flags.RQR", "Return to Sender Request")?;
    w.flag(2, Word { at, width: 8, value: word }, 0x10, "dec_dna.flags.RTS", "Packet on return trip")?;
    w.flag(2, Word { at, width: 8, value: word }, 0x20, "dec_dna.flags.intra_eth", "Intra-ethernet packet")?;
    w.flag(2, Word { at, width: 8, value: word }, 0x40, "dec_dna.flags.discard", "Discarded packet")?;
    let dst = at + 3;
    mac(w, 1, dst, "dec_dna.dst.address", "Destination Address")?;
    let src = dst + 8;
    mac(w, 1, src, "dec_dna.src.addr", "Source Address")?;
    let mut at = src + 6;
    // tshark shows the reserved bytes as 0 whatever they hold.
    w.item(1, at, 1, field("dec_dna.nl2", Ftype::Uint8, "0x00"), format_args!("Next level 2 router: 0x00"))?;
    at += 1;
    let visits = w.u8(at)?;
    w.item(
        1,
        at,
        1,
        field("dec_dna.visit_cnt", Ftype::Uint8, format!("0x{visits:02x}")),
        format_args!("Visit count: 0x{visits:02x}"),
    )?;
    at += 1;
    w.item(1, at, 1, field("dec_dna.svc_cls", Ftype::Uint8, "0x00"), format_args!("Service class: 0x00"))?;
    at += 1;
    w.item(1, at, 1, field("dec_dna.proto_type", Ftype::Uint8, "0x00"), format_args!("Protocol type: 0x00"))?;
    Ok((at + 1, false))
}

/// A control message (§5.3): its type under the flags, then its fields.
fn control(w: &mut Walk<'_>, at: usize, flags: u8) -> Step {
    let kind = (flags >> 1) & 0x7;
    let word = u64::from(flags);
    w.flag(2, Word { at, width: 8, value: word }, u64::from(CONTROL), "dec_dna.flags.control", "Control packet")?;
    let t = (flags & 0x0e) >> 1;
    w.bits(
        2,
        Word { at, width: 8, value: word },
        0x0e,
        field("dec_dna.rt.msg_type", Ftype::Uint8, t),
        format_args!("Routing control message: {} (0x{t:x})", control_name(t)),
    )?;
    // tshark adds the type once more, already shifted, under the same mask.
    let again = (kind & 0x0e) >> 1;
    w.bits(
        1,
        Word { at, width: 8, value: u64::from(kind) },
        0x0e,
        field("dec_dna.rt.msg_type", Ftype::Uint8, again),
        format_args!("Routing control message: {} (0x{again:x})", control_name(again)),
    )?;
    let at = at + 1;
    match kind {
        0 => initialization(w, at),
        1 => verification(w, at),
        2 => hello_test(w, at),
        3 | 4 => routing(w, at, kind),
        _ => hello(w, at, kind),
    }
}

/// An initialization message (§5.3.1).
fn initialization(w: &mut Walk<'_>, mut at: usize) -> Step {
    w.info.push_str("Routing control, initialization message");
    node(w, 2, at, "dec_dna.src_node", "Source node")?;
    at += 2;
    let info = w.u8(at)?;
    w.need(at, 2)?;
    w.item(
        2,
        at,
        2,
        field("dec_dna.ctl.tiinfo", Ftype::Uint8, format!("0x{info:02x}")),
        format_args!("Routing information: 0x{info:02x}"),
    )?;
    at += 2;
    let size = w.le16(at)?;
    w.item(2, at, 2, field("dec_dna.ctl.blk_size", Ftype::Uint16, size), format_args!("Block size: {size}"))?;
    at += 2;
    let v = w.slice(at, 3)?;
    w.item(
        2,
        at,
        3,
        field("dec_dna.ctl.version", Ftype::None, ""),
        format_args!("Routing Layer version: {}.{}.{}.", v[0], v[1], v[2]),
    )?;
    at += 3;
    timer(w, at)?;
    at += 2;
    let n = usize::from(w.u8(at)?);
    if n != 0 {
        let b = w.slice(at, n)?;
        w.item(2, at, n, field("dec_dna.ctl.reserved", Ftype::Bytes, colons(b)), format_args!("Reserved: {}", hex(b)))?;
    }
    Ok(())
}

/// A verification message (§5.3.2).
fn verification(w: &mut Walk<'_>, at: usize) -> Step {
    w.info.push_str("Routing control, verification message");
    node(w, 2, at, "dec_dna.src_node", "Source node")?;
    let at = at + 2;
    let n = usize::from(w.u8(at)?);
    if n != 0 {
        let b = w.slice(at, n)?;
        w.item(
            2,
            at,
            n,
            field("dec_dna.ctl.fcnval", Ftype::Bytes, colons(b)),
            format_args!("Verification message function value: {}", hex(b)),
        )?;
    }
    Ok(())
}

/// A hello and test message (§5.3.3): the source node and test data.
fn hello_test(w: &mut Walk<'_>, at: usize) -> Step {
    w.info.push_str("Routing control, hello/test message");
    node(w, 2, at, "dec_dna.src_node", "Source node")?;
    let at = at + 2;
    let n = w.left(at);
    if n != 0 {
        let b = w.slice(at, n)?;
        w.item(
            2,
            at,
            n,
            field("dec_dna.ctl.test_data", Ftype::Bytes, colons(b)),
            format_args!("Test message data: {}", hex(b)),
        )?;
    }
    Ok(())
}

/// A level 1 or level 2 routing message (§5.3.4, §5.3.5): segments of routing
/// information, then a checksum over them.
fn routing(w: &mut Walk<'_>, at: usize, kind: u8) -> Step {
    node(w, 2, at, "dec_dna.src_node", "Source node")?;
    let mut at = at + 3;
    let mut left = w.left(at) as u32;
    let mut sum: u32 = 1;
    loop {
        let (count, start, info) = (w.le16(at)?, w.le16(at + 2)?, w.le16(at + 4)?);
        let (hops, cost) = ((info & 0x7c00) >> 10, info & 0x3ff);
        w.info.clear();
        let whose = if kind == 3 { "Id" } else { "area" };
        w.info.push_str(if kind == 3 {
            "Routing control, Level 1 routing message"
        } else {
            "Routing control, Level 2 routing message"
        });
        w.item(
            2,
            at,
            6,
            field("dec_dna.ctl.segment", Ftype::None, ""),
            format_args!("Segment: count:{count}, start {whose}: {start}, hops:{hops}, cost: {cost}"),
        )?;
        sum += u32::from(count) + u32::from(start) + u32::from(info);
        at += 6;
        left = left.wrapping_sub(6);
        if left <= 6 {
            break;
        }
    }
    at = at.wrapping_add(left as usize).wrapping_sub(2);
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    let got = w.le16(at)?;
    let text =
        if u32::from(got) == sum { "[correct]".to_string() } else { format!("incorrect, should be 0x{sum:04x}") };
    w.item(
        2,
        at,
        2,
        field("dec_dna.ctl.checksum", Ftype::Uint16, format!("0x{got:04x}")),
        format_args!("Checksum: 0x{got:04x} {text}"),
    )
}

/// The hello timer, in seconds.
fn timer(w: &mut Walk<'_>, at: usize) -> Step {
    let t = w.le16(at)?;
    w.item(2, at, 2, field("dec_dna.ctl.timer", Ftype::Uint16, t), format_args!("Hello timer(seconds): {t}"))
}

/// An Ethernet router hello (5) or endnode hello (6) message (§5.3.6, §5.3.7).
fn hello(w: &mut Walk<'_>, mut at: usize, kind: u8) -> Step {
    let v = w.slice(at, 3)?;
    w.item(
        2,
        at,
        3,
        field("dec_dna.ctl.version", Ftype::None, ""),
        format_args!("Routing Layer Version: {}.{}.{}", v[0], v[1], v[2]),
    )?;
    at += 3;
    mac(w, 2, at, "dec_dna.ctl.id", "Transmitting system ID")?;
    at += 6;
    info_flags(w, at)?;
    at += 1;
    let size = w.le16(at)?;
    w.item(2, at, 2, field("dec_dna.ctl.blk_size", Ftype::Uint16, size), format_args!("Block size: {size}"))?;
    at += 2;
    if kind == 5 {
        w.info.push_str("Routing control, Ethernet Router Hello  message");
        let p = w.u8(at)?;
        w.item(
            2,
            at,
            1,
            field("dec_dna.ctl.prio", Ftype::Uint8, format!("0x{p:02x}")),
            format_args!("Routing priority: 0x{p:02x}"),
        )?;
        at += 1;
    }
    // The area field, which tshark skips.
    at += 1;
    if kind == 6 {
        w.info.push_str("Routing control, Endnode Hello message");
        let seed = w.slice(at, 8)?;
        w.item(
            2,
            at,
            8,
            field("dec_dna.ctl.seed", Ftype::Bytes, colons(seed)),
            format_args!("Verification seed: {}", hex(seed)),
        )?;
        at += 8;
        mac(w, 2, at, "dec_dna.ctl_neighbor", "Neighbor")?;
        at += 6;
    }
    timer(w, at)?;
    // The timer and the reserved MPD byte.
    at += 3;
    if kind == 5 {
        router_states(w, at)?;
    }
    Ok(())
}

/// A hello's routing information byte, bit by bit.
fn info_flags(w: &mut Walk<'_>, at: usize) -> Step {
    let b = w.u8(at)?;
    let word = u64::from(b);
    let t = b & 0x03;
    let mut summary = format!("0x{b:02x}, Node type: {}", node_type_name(t));
    let bools: [(u64, &'static str, &str); 5] = [
        (0x04, "dec_dna.ctl.iinfo.vrf", "Verification required"),
        (0x08, "dec_dna.ctl.iinfo.rej", "Rejected"),
        (0x10, "dec_dna.ctl.iinfo.verf", "Verification failed"),
        (0x20, "dec_dna.ctl.iinfo.mta", "Accepts multicast traffic"),
        (0x40, "dec_dna.ctl.iinfo.blkreq", "Blocking requested"),
    ];
    for (mask, _, title) in bools {
        if word & mask != 0 {
            summary.push_str(", ");
            summary.push_str(title);
        }
    }
    w.item(
        2,
        at,
        1,
        field("dec_dna.ctl.tiinfo", Ftype::Uint8, format!("0x{b:02x}")),
        format_args!("Routing information: {summary}"),
    )?;
    w.bits(
        3,
        Word { at, width: 8, value: word },
        0x03,
        field("dec_dna.ctl.iinfo.node_type", Ftype::Uint8, t),
        format_args!("Node type: {} (0x{t:x})", node_type_name(t)),
    )?;
    for (mask, name, title) in bools {
        w.flag(3, Word { at, width: 8, value: word }, mask, name, title)?;
    }
    Ok(())
}

/// A router hello's list of router states: Ethernet names, each with the
/// routers it heard and their priority.
fn router_states(w: &mut Walk<'_>, at: usize) -> Step {
    let mut image = w.u8(at)?;
    let mut at = at + 1;
    w.item(
        2,
        at,
        usize::from(image),
        field("dec_dna.ctl.elist", Ftype::None, ""),
        format_args!("List of router states"),
    )?;
    while image > 0 {
        let name = w.slice(at, 7)?;
        w.item(
            3,
            at,
            7,
            field("dec_dna.ctl.ename", Ftype::Bytes, colons(name)),
            format_args!("Ethernet name: {}", hex(name)),
        )?;
        at += 7;
        image = image.wrapping_sub(7);
        let mut item = w.u8(at)?;
        at += 1;
        image = image.wrapping_sub(1);
        while item > 0 {
            mac(w, 4, at, "dec_dna.ctl.router_id", "Router ID")?;
            at += 6;
            let state = w.u8(at)?;
            let s = if state & 0x80 != 0 { "known 2-way" } else { "unknown" };
            w.item(5, at, 1, field("dec_dna.ctl.router_state", Ftype::String, s), format_args!("Router state: {s}"))?;
            let prio = state & 0x7f;
            w.bits(
                5,
                Word { at, width: 8, value: u64::from(state) },
                0x7f,
                field("dec_dna.ctl.router_prio", Ftype::Uint8, format!("0x{prio:02x}")),
                format_args!("Router priority: 0x{prio:02x}"),
            )?;
            at += 1;
            item = item.wrapping_sub(7);
            image = image.wrapping_sub(7);
        }
    }
    Ok(())
}

/// Bytes as lower-case hex without separators, as tshark shows FT_BYTES.
pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Bytes as tshark's JSON shows an FT_BYTES value: hex pairs joined by colons.
pub fn colons(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 3);
    for (i, x) in b.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        s.push_str(&format!("{x:02x}"));
    }
    s
}
