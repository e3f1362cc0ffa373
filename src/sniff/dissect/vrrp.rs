//! VRRP, how routers share a virtual router's addresses so that one takes over
//! when the master fails: version 2 (RFC 3768 §5.1) and version 3 (RFC 5798
//! §5.1, IPv4 and IPv6), IP protocol 112. A master multicasts Advertisements:
//! the virtual router's ID, its priority, the advertisement interval and the
//! virtual addresses; version 2 adds an authentication type and 8 bytes of
//! authentication data (RFC 2338's simple text password, kept by tshark).

use super::dissector::{AddrSum, Claim, Ctx, Dissector, FieldDecl};
use super::frame::malformed;
use crate::proto::bytes::be16;
use crate::sniff::icmp::internet_checksum;
use crate::sniff::tree::draw::{checksum_status, masked_bits};
use crate::sniff::tree::{Ftype, Group, Severity, Tree};
use crate::sniff::value::Value;
use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The VRRP dissector.
pub struct Vrrp;

/// VRRP's IP protocol number (IANA).
const IP_PROTO: u8 = 112;

/// Byte offsets (RFC 3768 §5.1, RFC 5798 §5.1).
mod at {
    /// Version (high nibble) and type (low nibble).
    pub const VER_TYPE: usize = 0;
    /// Virtual Router ID.
    pub const VRID: usize = 1;
    /// Priority.
    pub const PRIORITY: usize = 2;
    /// Count of addresses.
    pub const COUNT: usize = 3;
    /// v2: authentication type; v3: reserved bits and the interval's high bits.
    pub const AUTH_TYPE: usize = 4;
    /// v2: advertisement interval in seconds.
    pub const ADVER_INT: usize = 5;
    /// Checksum.
    pub const CHECKSUM: usize = 6;
    /// The first address.
    pub const ADDRS: usize = 8;
}

/// The simple text authentication type of RFC 2338 (reserved by RFC 3768).
const AUTH_SIMPLE: u8 = 1;
/// The authentication data of version 2.
const AUTH_LEN: usize = 8;
/// The 12-bit interval of version 3, in centiseconds.
const V3_INTERVAL_MASK: u16 = 0x0fff;

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "vrrp", ftype: Ftype::Protocol, title: "Virtual Router Redundancy Protocol", base: "" },
    FieldDecl { name: "vrrp.typever", ftype: Ftype::Uint8, title: "VRRP message version and type", base: "BASE_DEC" },
    FieldDecl { name: "vrrp.version", ftype: Ftype::Uint8, title: "VRRP protocol version", base: "BASE_DEC" },
    FieldDecl { name: "vrrp.type", ftype: Ftype::Uint8, title: "VRRP packet type", base: "BASE_DEC" },
    FieldDecl { name: "vrrp.virt_rtr_id", ftype: Ftype::Uint8, title: "Virtual Rtr ID", base: "BASE_DEC" },
    FieldDecl { name: "vrrp.prio", ftype: Ftype::Uint8, title: "Priority", base: "BASE_DEC" },
    FieldDecl { name: "vrrp.addr_count", ftype: Ftype::Uint8, title: "Addr Count", base: "BASE_DEC" },
    FieldDecl { name: "vrrp.auth_type", ftype: Ftype::Uint8, title: "Auth Type", base: "BASE_DEC" },
    FieldDecl { name: "vrrp.adver_int", ftype: Ftype::Uint8, title: "Adver Int", base: "BASE_DEC" },
    FieldDecl { name: "vrrp.reserved_mbz", ftype: Ftype::Uint8, title: "Reserved", base: "BASE_DEC" },
    FieldDecl { name: "vrrp.short_adver_int", ftype: Ftype::Uint16, title: "Adver Int", base: "BASE_DEC" },
    FieldDecl { name: "vrrp.checksum", ftype: Ftype::Uint16, title: "Checksum", base: "BASE_HEX" },
    FieldDecl { name: "vrrp.checksum.status", ftype: Ftype::Uint8, title: "Checksum Status", base: "BASE_NONE" },
    FieldDecl { name: "vrrp.ip_addr", ftype: Ftype::Ipv4, title: "IP Address", base: "" },
    FieldDecl { name: "vrrp.ipv6_addr", ftype: Ftype::Ipv6, title: "IPv6 Address", base: "" },
    FieldDecl { name: "vrrp.auth_string", ftype: Ftype::String, title: "Authentication String", base: "" },
];

/// The version (high nibble of the first byte).
fn version(pdu: &[u8]) -> Option<u8> {
    pdu.first().map(|b| b >> 4)
}

/// Bytes per virtual address: IPv6 when the PDU came over IPv6 (RFC 5798 §5.2.9).
fn addr_len(ctx: Ctx) -> usize {
    if ctx.addr_sum.is_some_and(|a| a.ipv6) {
        16
    } else {
        4
    }
}

/// Wireshark's words for a priority (RFC 3768 §5.3.4).
fn priority_name(p: u8) -> &'static str {
    match p {
        0 => "Current Master has stopped participating in VRRP",
        100 => "Default priority for a backup VRRP router",
        255 => "This VRRP router owns the virtual router's IP address(es)",
        _ => "Non-default backup priority",
    }
}

/// Wireshark's words for an authentication type (RFC 2338 §5.3.6, RFC 3768 §5.3.6).
fn auth_name(t: u8) -> &'static str {
    match t {
        0 => "No Authentication",
        1 => "Simple Text Authentication [RFC 2338] / Reserved [RFC 3768]",
        2 => "IP Authentication Header [RFC 2338] / Reserved [RFC 3768]",
        254 => "Cisco VRRP MD5 authentication",
        _ => "Unknown",
    }
}

/// Whether the checksum is right, and the value it should have: version 3
/// covers the IP pseudo-header (RFC 5798 §5.2.8), version 2 the message only.
/// `None` when version 3's addresses are unknown.
fn verify(pdu: &[u8], v: u8, addrs: Option<AddrSum>) -> Option<(bool, u16)> {
    let mut zeroed = pdu.to_vec();
    zeroed.get_mut(at::CHECKSUM..at::ADDRS)?.fill(0);
    let len = u16::try_from(pdu.len()).ok()?;
    let pseudo = match (v, addrs) {
        (3, Some(a)) => [a.sum.to_be_bytes(), len.to_be_bytes(), [0, IP_PROTO]].concat(),
        (3, None) => return None,
        _ => Vec::new(),
    };
    Some((internet_checksum(&[&pseudo, pdu]) == 0, internet_checksum(&[&pseudo, &zeroed])))
}

/// The end of the fixed part and the addresses, which tshark reads in any view.
fn addrs_end(pdu: &[u8], ctx: Ctx) -> usize {
    let n = usize::from(pdu.get(at::COUNT).copied().unwrap_or(0));
    at::ADDRS + n * addr_len(ctx)
}

impl Dissector for Vrrp {
    fn name(&self) -> &'static str {
        "vrrp"
    }

    fn title(&self) -> &'static str {
        "Virtual Router Redundancy Protocol"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "VRRP"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::IpProto(IP_PROTO)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    /// tshark prints the protocol's filter name for `-e vrrp`.
    fn label(&self, _pdu: &[u8]) -> String {
        self.name().to_string()
    }

    fn info(&self, pdu: &[u8], ctx: Ctx, out: &mut String) {
        let Some(v) = version(pdu) else { return };
        let _ = write!(out, "Announcement (v{v})");
        if pdu.len() < addrs_end(pdu, ctx) {
            out.push_str("[Malformed Packet]");
        }
    }

    fn tree(&self, pdu: &[u8], ctx: Ctx, o: usize, out: &mut Tree) {
        out.at(0).proto("vrrp").bytes(o, pdu.len()).line(format_args!("Virtual Router Redundancy Protocol"));
        if draw(pdu, ctx, o, out).is_none() {
            malformed(out, "VRRP");
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let Some(decl) = FIELDS.get(field) else { return };
        let mut owned = Vec::new();
        super::dissector::tree_values(self, pdu, ctx, decl.name, decl.ftype, &mut owned);
        out.extend(owned);
    }
}

/// The message's items; `None` where it ends before one.
fn draw(pdu: &[u8], ctx: Ctx, o: usize, out: &mut Tree) -> Option<()> {
    let b = *pdu.get(at::VER_TYPE)?;
    let (v, t) = (b >> 4, b & 0x0f);
    let tname = if t == 1 { "Advertisement" } else { "Unknown" };
    out.at(1)
        .field("vrrp.typever", Ftype::Uint8, b)
        .bytes(o, 1)
        .line(format_args!("Version {v}, Packet type {t} ({tname})"));
    let bits = |m: u64, w: u32, x: u64| masked_bits(x, m, w);
    out.at(2)
        .field("vrrp.version", Ftype::Uint8, v)
        .bytes(o, 1)
        .mask(0xf0, u64::from(v))
        .line(format_args!("{} = VRRP protocol version: {v}", bits(0xf0, 8, u64::from(b))));
    out.at(2)
        .field("vrrp.type", Ftype::Uint8, t)
        .bytes(o, 1)
        .mask(0x0f, u64::from(t))
        .line(format_args!("{} = VRRP packet type: {tname} ({t})", bits(0x0f, 8, u64::from(b))));
    let vrid = *pdu.get(at::VRID)?;
    out.at(1)
        .field("vrrp.virt_rtr_id", Ftype::Uint8, vrid)
        .bytes(o + at::VRID, 1)
        .line(format_args!("Virtual Rtr ID: {vrid}"));
    let p = *pdu.get(at::PRIORITY)?;
    out.at(1)
        .field("vrrp.prio", Ftype::Uint8, p)
        .bytes(o + at::PRIORITY, 1)
        .line(format_args!("Priority: {p} ({})", priority_name(p)));
    let n = *pdu.get(at::COUNT)?;
    out.at(1).field("vrrp.addr_count", Ftype::Uint8, n).bytes(o + at::COUNT, 1).line(format_args!("Addr Count: {n}"));
    let mut auth = 0;
    if v == 3 {
        let word = be16(pdu.get(at::AUTH_TYPE..at::CHECKSUM)?, 0);
        let rsvd = word >> 12;
        out.at(1)
            .field("vrrp.reserved_mbz", Ftype::Uint8, rsvd)
            .bytes(o + at::AUTH_TYPE, 1)
            .mask(0xf0, u64::from(rsvd))
            .line(format_args!("{} = Reserved: {rsvd}", bits(0xf0, 8, u64::from(word >> 8))));
        let int = word & V3_INTERVAL_MASK;
        out.at(1)
            .field("vrrp.short_adver_int", Ftype::Uint16, int)
            .bytes(o + at::AUTH_TYPE, 2)
            .mask(u64::from(V3_INTERVAL_MASK), u64::from(int))
            .line(format_args!("{} = Adver Int: {int}", bits(0x0fff, 16, u64::from(word))));
    } else {
        auth = *pdu.get(at::AUTH_TYPE)?;
        out.at(1)
            .field("vrrp.auth_type", Ftype::Uint8, auth)
            .bytes(o + at::AUTH_TYPE, 1)
            .line(format_args!("Auth Type: {} ({auth})", auth_name(auth)));
        let int = *pdu.get(at::ADVER_INT)?;
        out.at(1)
            .field("vrrp.adver_int", Ftype::Uint8, int)
            .bytes(o + at::ADVER_INT, 1)
            .line(format_args!("Adver Int: {int}"));
    }
    checksum(pdu, v, ctx, o, out)?;
    let size = addr_len(ctx);
    for i in 0..usize::from(n) {
        let a = at::ADDRS + i * size;
        let b = pdu.get(a..a + size)?;
        if size == 16 {
            let ip = Ipv6Addr::from(<[u8; 16]>::try_from(b).ok()?);
            out.at(1)
                .field("vrrp.ipv6_addr", Ftype::Ipv6, ip)
                .bytes(o + a, 16)
                .line(format_args!("IPv6 Address: {ip}"));
        } else {
            let ip = Ipv4Addr::new(b[0], b[1], b[2], b[3]);
            out.at(1).field("vrrp.ip_addr", Ftype::Ipv4, ip).bytes(o + a, 4).line(format_args!("IP Address: {ip}"));
        }
    }
    if v != 3 && auth == AUTH_SIMPLE {
        let a = addrs_end(pdu, ctx);
        let b = pdu.get(a..a + AUTH_LEN)?;
        let end = b.iter().position(|&c| c == 0).unwrap_or(AUTH_LEN);
        let text: String =
            b[..end].iter().map(|&c| if c.is_ascii_graphic() || c == b' ' { char::from(c) } else { '.' }).collect();
        out.at(1)
            .field("vrrp.auth_string", Ftype::String, &text)
            .bytes(o + a, AUTH_LEN)
            .line(format_args!("Authentication String: {text}"));
    }
    Some(())
}

/// The checksum, its verdict and status.
fn checksum(pdu: &[u8], v: u8, ctx: Ctx, o: usize, out: &mut Tree) -> Option<()> {
    let sum = be16(pdu.get(at::CHECKSUM..at::ADDRS)?, 0);
    let value = Value::hex(u64::from(sum), 4);
    let item = out.at(1).field("vrrp.checksum", Ftype::Uint16, value).bytes(o + at::CHECKSUM, 2);
    let Some((good, want)) = verify(pdu, v, ctx.addr_sum) else {
        item.line(format_args!("Checksum: 0x{sum:04x} [unverified]"));
        let code = checksum_status::UNVERIFIED;
        out.at(1).field("vrrp.checksum.status", Ftype::Uint8, code).line(format_args!("[Checksum Status: Unverified]"));
        return Some(());
    };
    if good {
        item.line(format_args!("Checksum: 0x{sum:04x} [correct]"));
    } else {
        item.line(format_args!("Checksum: 0x{sum:04x} incorrect, should be 0x{want:04x}"));
        let msg = format!("Bad checksum [should be 0x{want:04x}]");
        out.expert(2, "vrrp.checksum_bad.expert", Severity::Warning, Group::Checksum, &msg);
    }
    let (code, word) = if good { (checksum_status::GOOD, "Good") } else { (checksum_status::BAD, "Bad") };
    out.at(1).field("vrrp.checksum.status", Ftype::Uint8, code).line(format_args!("[Checksum Status: {word}]"));
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::{info_of, values_of};

    /// vrrp.pcap frame 1: VRRPv2 with three addresses and the password "abcdefgh".
    const V2_AUTH: &[u8] = &[
        0x21, 0x2a, 0xbf, 0x03, 0x01, 0x0a, 0xf1, 0x1f, 0x0a, 0x04, 0x2a, 0x01, 0x0a, 0x04, 0x2a, 0x02, 0x0a, 0x04,
        0x2a, 0x03, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
    ];
    /// vrrp.pcap frame 3: VRRPv3 over IPv4 (10.0.0.91 to 224.0.0.18).
    const V3_IPV4: &[u8] =
        &[0x31, 0x2c, 0xbf, 0x02, 0x03, 0xe8, 0xb3, 0xc6, 0x0a, 0x04, 0x2c, 0x64, 0x0a, 0x04, 0x2c, 0xc8];
    /// vrrp.pcap frame 6: VRRPv3 over IPv6 (fe80::d6ca:6dff:fe66:cf60 to ff02::12).
    const V3_IPV6: &[u8] = &[
        0x31, 0x2d, 0xbf, 0x02, 0x03, 0xe8, 0xcf, 0xa0, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00,
        0x5e, 0xff, 0xfe, 0x00, 0x02, 0x2d, 0x20, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0xab, 0xcd, 0x00, 0x0a,
    ];

    /// The pseudo-header address sum of two addresses, as the walk computes it.
    fn ctx(src: &str, dst: &str) -> Ctx {
        let words = |a: std::net::IpAddr| match a {
            std::net::IpAddr::V4(a) => a.octets().to_vec(),
            std::net::IpAddr::V6(a) => a.octets().to_vec(),
        };
        let (s, d): (std::net::IpAddr, std::net::IpAddr) = (src.parse().unwrap(), dst.parse().unwrap());
        let mut sum: u32 =
            words(s).chunks(2).chain(words(d).chunks(2)).map(|c| u32::from(c[0]) << 8 | u32::from(c[1])).sum();
        while sum > 0xffff {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        Ctx { addr_sum: Some(AddrSum { sum: sum as u16, ipv6: s.is_ipv6() }), ..Ctx::default() }
    }

    fn lines(pdu: &[u8], ctx: Ctx) -> Vec<String> {
        let mut t = Tree::new();
        Vrrp.tree(pdu, ctx, 34, &mut t);
        t.items().iter().filter(|i| i.shown).map(|i| t.display(i).to_string()).collect()
    }

    #[test]
    fn v2_with_simple_text_authentication() {
        let c = ctx("10.0.0.91", "224.0.0.18");
        assert_eq!(info_of(&Vrrp, V2_AUTH, c), "Announcement (v2)");
        let l = lines(V2_AUTH, c);
        for want in [
            "Version 2, Packet type 1 (Advertisement)",
            "0010 .... = VRRP protocol version: 2",
            ".... 0001 = VRRP packet type: Advertisement (1)",
            "Priority: 191 (Non-default backup priority)",
            "Auth Type: Simple Text Authentication [RFC 2338] / Reserved [RFC 3768] (1)",
            "Adver Int: 10",
            "Checksum: 0xf11f [correct]",
            "[Checksum Status: Good]",
            "IP Address: 10.4.42.3",
            "Authentication String: abcdefgh",
        ] {
            assert!(l.iter().any(|x| x == want), "{want}: {l:#?}");
        }
        assert_eq!(values_of(&Vrrp, V2_AUTH, c, "vrrp.ip_addr"), ["10.4.42.1", "10.4.42.2", "10.4.42.3"]);
        assert_eq!(values_of(&Vrrp, V2_AUTH, c, "vrrp.checksum"), ["0xf11f"]);
        assert_eq!(values_of(&Vrrp, V2_AUTH, c, "vrrp.typever"), ["33"]);
    }

    #[test]
    fn v3_checksum_covers_the_pseudo_header() {
        let c4 = ctx("10.0.0.91", "224.0.0.18");
        let l = lines(V3_IPV4, c4);
        assert!(l.iter().any(|x| x == "Checksum: 0xb3c6 [correct]"), "{l:#?}");
        assert!(l.iter().any(|x| x == ".... 0011 1110 1000 = Adver Int: 1000"), "{l:#?}");
        assert_eq!(values_of(&Vrrp, V3_IPV4, c4, "vrrp.short_adver_int"), ["1000"]);
        let c6 = ctx("fe80::d6ca:6dff:fe66:cf60", "ff02::12");
        let l = lines(V3_IPV6, c6);
        assert!(l.iter().any(|x| x == "Checksum: 0xcfa0 [correct]"), "{l:#?}");
        assert_eq!(values_of(&Vrrp, V3_IPV6, c6, "vrrp.ipv6_addr"), ["fe80::200:5eff:fe00:22d", "2001::abcd:a"]);
        // From other addresses, the same bytes fail.
        let l = lines(V3_IPV4, ctx("10.0.0.92", "224.0.0.18"));
        assert!(l.iter().any(|x| x == "Checksum: 0xb3c6 incorrect, should be 0xb3c5"), "{l:#?}");
        assert!(l.iter().any(|x| x == "[Checksum Status: Bad]"), "{l:#?}");
    }

    #[test]
    fn cut_short_is_malformed_without_panicking() {
        let c = ctx("10.0.0.91", "224.0.0.18");
        for n in 0..V2_AUTH.len() {
            let cut = &V2_AUTH[..n];
            let l = lines(cut, c);
            assert!(l.iter().any(|x| x == "[Malformed Packet: VRRP]"), "{n}: {l:#?}");
            let info = info_of(&Vrrp, cut, c);
            // The authentication string is read only for the details, as tshark does.
            assert_eq!(info.ends_with("[Malformed Packet]"), (1..20).contains(&n), "{n}: {info}");
        }
    }
}
