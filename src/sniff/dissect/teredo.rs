//! Teredo, IPv6 over UDP through NATs (RFC 4380), on UDP port 3544: an IPv6
//! packet, optionally after an authentication header (§5.1.1: indicator
//! 0x0001, client ID and authentication value lengths, the two values, an
//! 8-byte nonce and a confirmation byte) and an origin indication (indicator
//! 0x0000, then the client's UDP port and IPv4 address, each inverted bit by
//! bit). The walk decodes the IPv6 packet as the frame's own layers
//! ([`Dissector::inner`]).

use super::dissector::{Claim, Ctx, Dissector, FieldDecl, Inner, InnerKind};
use crate::proto::bytes::be16_at;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::net::Ipv4Addr;

/// The Teredo dissector.
pub struct Teredo;

/// Teredo's UDP port (IANA, RFC 4380 §2.7).
const UDP_PORT: u16 = 3544;
/// The indicators of the authentication and origin indication headers (§5.1.1).
const AUTH: u16 = 0x0001;
const ORIGIN: u16 = 0x0000;
/// The authentication header's fixed part: indicator, two lengths; and its end:
/// nonce and confirmation byte.
const AUTH_FIXED: usize = 4;
const AUTH_TRAILER: usize = 9;
/// The origin indication's length: indicator, port, IPv4 address.
const ORIGIN_LEN: usize = 8;
/// The EtherType of IPv6, what Teredo carries.
const ETHERTYPE_IPV6: u16 = 0x86dd;

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "teredo", ftype: Ftype::Protocol, title: "Teredo IPv6 over UDP tunneling", base: "" },
    FieldDecl { name: "teredo.orig.port", ftype: Ftype::Uint16, title: "Origin UDP port", base: "BASE_DEC" },
    FieldDecl { name: "teredo.orig.addr", ftype: Ftype::Ipv4, title: "Origin IPv4 address", base: "BASE_NONE" },
];

/// Indexes in [`FIELDS`].
mod f {
    pub const ORIGIN_PORT: usize = 1;
    pub const ORIGIN_ADDR: usize = 2;
}

/// Where the headers are: the authentication header's span, the origin
/// indication's offset, and where the IPv6 packet starts.
struct Layout {
    auth: Option<(usize, usize)>,
    origin: Option<usize>,
    ipv6: usize,
}

fn layout(pdu: &[u8]) -> Option<Layout> {
    let mut at = 0;
    let mut auth = None;
    if be16_at(pdu, at) == Some(AUTH) {
        let id_len = usize::from(*pdu.get(2)?);
        let au_len = usize::from(*pdu.get(3)?);
        let len = AUTH_FIXED + id_len + au_len + AUTH_TRAILER;
        auth = Some((at, len));
        at += len;
    }
    let mut origin = None;
    if be16_at(pdu, at) == Some(ORIGIN) {
        origin = Some(at);
        at += ORIGIN_LEN;
    }
    (pdu.get(at)? >> 4 == 6).then_some(Layout { auth, origin, ipv6: at })
}

/// The origin indication's port and address, uninverted.
fn origin(pdu: &[u8], at: usize) -> Option<(u16, Ipv4Addr)> {
    let port = !be16_at(pdu, at + 2)?;
    let a = pdu.get(at + 4..at + ORIGIN_LEN)?;
    Some((port, Ipv4Addr::new(!a[0], !a[1], !a[2], !a[3])))
}

impl Dissector for Teredo {
    fn name(&self) -> &'static str {
        "teredo"
    }

    fn title(&self) -> &'static str {
        "Teredo IPv6 over UDP tunneling"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "Teredo"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::UdpPort(UDP_PORT)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn accepts(&self, pdu: &[u8]) -> bool {
        layout(pdu).is_some()
    }

    fn inner(&self, pdu: &[u8], _ctx: Ctx) -> Option<Inner> {
        let l = layout(pdu)?;
        Some(Inner { offset: l.ipv6, kind: InnerKind::EtherType(ETHERTYPE_IPV6), below: None })
    }

    fn info(&self, _pdu: &[u8], _ctx: Ctx, _out: &mut String) {}

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, t: &mut Tree) {
        let Some(l) = layout(pdu) else {
            t.at(0).proto("teredo").bytes(o, pdu.len()).line(format_args!("Teredo IPv6 over UDP tunneling"));
            return;
        };
        t.at(0).proto("teredo").bytes(o, l.ipv6).line(format_args!("Teredo IPv6 over UDP tunneling"));
        if let Some((at, len)) = l.auth {
            auth_tree(t, pdu, o + at, &pdu[at..at + len]);
        }
        if let Some((at, (port, addr))) = l.origin.and_then(|at| Some((at, origin(pdu, at)?))) {
            t.at(1).bytes(o + at, ORIGIN_LEN).line(format_args!("Teredo Origin Indication header"));
            t.at(2)
                .field("teredo.orig.port", Ftype::Uint16, port)
                .bytes(o + at + 2, 2)
                .line(format_args!("Origin UDP port: {port}"));
            t.at(2)
                .field("teredo.orig.addr", Ftype::Ipv4, addr)
                .bytes(o + at + 4, 4)
                .line(format_args!("Origin IPv4 address: {addr}"));
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], _ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let Some((port, addr)) = layout(pdu).and_then(|l| origin(pdu, l.origin?)) else { return };
        match field {
            f::ORIGIN_PORT => out.push(Value::Uint(u64::from(port))),
            f::ORIGIN_ADDR => out.push(Value::Str(addr.to_string().into())),
            _ => {}
        }
    }
}

/// The authentication header (§5.1.1), `h` its bytes at `o` in the frame.
fn auth_tree(t: &mut Tree, _pdu: &[u8], o: usize, h: &[u8]) {
    t.at(1).bytes(o, h.len()).line(format_args!("Teredo Authentication header"));
    let (id_len, au_len) = (usize::from(h[2]), usize::from(h[3]));
    t.at(2).bytes(o + 2, 1).line(format_args!("Client identifier length: {id_len}"));
    t.at(2).bytes(o + 3, 1).line(format_args!("Authentication value length: {au_len}"));
    let nonce_at = AUTH_FIXED + id_len + au_len;
    let nonce = crate::sniff::render::Hex(&h[nonce_at..nonce_at + 8]);
    t.at(2).bytes(o + nonce_at, 8).line(format_args!("Nonce value: {nonce}"));
    t.at(2).bytes(o + nonce_at + 8, 1).line(format_args!("Confirmation byte: {:02x}", h[nonce_at + 8]));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::values_of;

    /// decode-teredo-01 frame 7: authentication and origin indication, then IPv6.
    const RA: &[u8] = &[
        0x00, 0x01, 0x00, 0x00, 0xcd, 0x56, 0x69, 0x40, 0x0b, 0x22, 0xdf, 0x88, 0x00, // authentication
        0x00, 0x00, 0xf1, 0x2a, 0xb9, 0xc8, 0x28, 0x15, // origin indication
        0x60, 0x00, // IPv6 ...
    ];

    #[test]
    fn headers_are_skipped_to_the_ipv6_packet() {
        let inner = Teredo.inner(RA, Ctx::default()).unwrap();
        assert_eq!((inner.offset, inner.kind), (21, InnerKind::EtherType(ETHERTYPE_IPV6)));
        assert_eq!(values_of(&Teredo, RA, Ctx::default(), "teredo.orig.port"), ["3797"]);
        assert_eq!(values_of(&Teredo, RA, Ctx::default(), "teredo.orig.addr"), ["70.55.215.234"]);
        assert_eq!(Teredo.inner(&RA[21..], Ctx::default()).map(|i| i.offset), Some(0), "bare IPv6");
        let mut t = Tree::new();
        Teredo.tree(RA, Ctx::default(), 42, &mut t);
        let lines: Vec<&str> = t.items().iter().map(|i| t.display(i)).collect();
        assert_eq!(lines[4], "Nonce value: cd5669400b22df88");
        assert_eq!(lines[7], "Origin UDP port: 3797");
    }

    #[test]
    fn what_is_not_teredo_is_refused_and_nothing_panics() {
        assert!(!Teredo.accepts(b"\x45\x00 an IPv4 header"));
        for n in 0..RA.len() {
            let _ = Teredo.inner(&RA[..n], Ctx::default());
            let mut t = Tree::new();
            Teredo.tree(&RA[..n], Ctx::default(), 0, &mut t);
        }
        let hostile = [0x00, 0x01, 0xff, 0xff, 0x60];
        assert_eq!(Teredo.inner(&hostile, Ctx::default()), None);
    }
}
