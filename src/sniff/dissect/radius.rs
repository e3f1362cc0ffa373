//! RADIUS, Remote Authentication Dial In User Service (RFC 2865), with its
//! accounting (RFC 2866) and dynamic authorization (RFC 5176) messages: a
//! network access server asks a RADIUS server whether a user may connect
//! (Access-Request → Access-Accept, -Reject or -Challenge), reports sessions
//! (Accounting-Request/-Response) and is told to end or change them
//! (Disconnect-, CoA-). A packet is a 20-byte header — code, identifier,
//! length, authenticator (RFC 2865 §3) — then attributes, each a type, a
//! length and a value (§5). tshark's Info column is `Access-Request id=240`,
//! and `, Duplicate Request` on a request sent again.

use super::dissector::{tree_values, CaptureState, Claim, Ctx, Dissector, FieldDecl, Recall, RECALL_BYTES};
use super::frame::malformed;
use crate::proto::bytes::{be16_at, be32_at};
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::collections::VecDeque;
use std::fmt::Write as _;
use std::net::Ipv4Addr;

/// The RADIUS dissector.
pub struct Radius;

/// The UDP ports tshark gives RADIUS: 1812/1813 (RFC 2865, 2866), the old
/// 1645/1646, 1700 and 3799 for dynamic authorization (RFC 5176).
const PORTS: &[Claim] = &[
    Claim::UdpPort(1645),
    Claim::UdpPort(1646),
    Claim::UdpPort(1700),
    Claim::UdpPort(1812),
    Claim::UdpPort(1813),
    Claim::UdpPort(3799),
];

/// Byte offsets of the header (RFC 2865 §3).
mod at {
    pub const CODE: usize = 0;
    pub const ID: usize = 1;
    pub const LENGTH: usize = 2;
    pub const AUTHENTICATOR: usize = 4;
    /// The header's end: the attributes start here.
    pub const END: usize = 20;
}

/// The longest packet RFC 2865 §3 allows.
const MAX_LEN: usize = 4096;

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "radius", ftype: Ftype::Protocol, title: "RADIUS Protocol", base: "" },
    FieldDecl { name: "radius.code", ftype: Ftype::Uint8, title: "Code", base: "BASE_DEC" },
    FieldDecl { name: "radius.id", ftype: Ftype::Uint8, title: "Identifier", base: "BASE_DEC" },
    FieldDecl { name: "radius.length", ftype: Ftype::Uint16, title: "Length", base: "BASE_DEC" },
    FieldDecl { name: "radius.authenticator", ftype: Ftype::Bytes, title: "Authenticator", base: "" },
    FieldDecl { name: "radius.avp.type", ftype: Ftype::Uint8, title: "Type", base: "BASE_DEC" },
    FieldDecl { name: "radius.avp.length", ftype: Ftype::Uint8, title: "Length", base: "BASE_DEC" },
    FieldDecl { name: "radius.User_Name", ftype: Ftype::String, title: "User-Name", base: "" },
    FieldDecl { name: "radius.NAS_IP_Address", ftype: Ftype::Ipv4, title: "NAS-IP-Address", base: "" },
];

/// Wireshark's name of a packet code (RFC 2865 §3, RFC 2866 §3, RFC 5176 §3).
fn code_name(c: u8) -> Option<&'static str> {
    Some(match c {
        1 => "Access-Request",
        2 => "Access-Accept",
        3 => "Access-Reject",
        4 => "Accounting-Request",
        5 => "Accounting-Response",
        11 => "Access-Challenge",
        12 => "Status-Server",
        13 => "Status-Client",
        40 => "Disconnect-Request",
        41 => "Disconnect-ACK",
        42 => "Disconnect-NAK",
        43 => "CoA-Request",
        44 => "CoA-ACK",
        45 => "CoA-NAK",
        _ => return None,
    })
}

/// Whether a code is a request (an answer carries the request's identifier).
fn is_request(c: u8) -> bool {
    matches!(c, 1 | 4 | 12 | 40 | 43)
}

/// How an attribute's value is shown (RFC 2865 §5 data types).
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Integer(fn(u32) -> Option<&'static str>),
    Address,
    Octets,
    /// User-Password: hidden with the shared secret (RFC 2865 §5.2).
    Encrypted,
}

/// No named values.
fn plain(_: u32) -> Option<&'static str> {
    None
}

/// Service-Type values (RFC 2865 §5.6).
fn service_type(v: u32) -> Option<&'static str> {
    Some(match v {
        1 => "Login",
        2 => "Framed",
        3 => "Callback-Login",
        4 => "Callback-Framed",
        5 => "Outbound",
        6 => "Administrative",
        7 => "NAS-Prompt",
        8 => "Authenticate-Only",
        9 => "Callback-NAS-Prompt",
        10 => "Call-Check",
        11 => "Callback-Administrative",
        _ => return None,
    })
}

/// Framed-Protocol values (RFC 2865 §5.7).
fn framed_protocol(v: u32) -> Option<&'static str> {
    Some(match v {
        1 => "PPP",
        2 => "SLIP",
        3 => "ARAP",
        4 => "Gandalf-SLML",
        5 => "Xylogics-IPX-SLIP",
        6 => "X.75-Synchronous",
        _ => return None,
    })
}

/// Framed-Routing values (RFC 2865 §5.10).
fn framed_routing(v: u32) -> Option<&'static str> {
    Some(match v {
        0 => "None",
        1 => "Broadcast",
        2 => "Listen",
        3 => "Broadcast-Listen",
        _ => return None,
    })
}

/// Framed-Compression values (RFC 2865 §5.13).
fn framed_compression(v: u32) -> Option<&'static str> {
    Some(match v {
        0 => "None",
        1 => "Van-Jacobsen-TCP-IP",
        2 => "IPX-Header-Compression",
        3 => "Stac-LZS",
        _ => return None,
    })
}

/// NAS-Port-Type values (RFC 2865 §5.41).
fn nas_port_type(v: u32) -> Option<&'static str> {
    Some(match v {
        0 => "Async",
        1 => "Sync",
        2 => "ISDN",
        3 => "ISDN-V120",
        4 => "ISDN-V110",
        5 => "Virtual",
        15 => "Ethernet",
        19 => "Wireless-802.11",
        _ => return None,
    })
}

/// Acct-Status-Type values (RFC 2866 §5.1).
fn acct_status(v: u32) -> Option<&'static str> {
    Some(match v {
        1 => "Start",
        2 => "Stop",
        3 => "Interim-Update",
        7 => "Accounting-On",
        8 => "Accounting-Off",
        _ => return None,
    })
}

/// An attribute's name and kind (RFC 2865 §5, RFC 2866 §5, RFC 2869, RFC 3162).
fn attribute(t: u8) -> (&'static str, Kind) {
    use Kind::*;
    match t {
        1 => ("User-Name", Text),
        2 => ("User-Password", Encrypted),
        3 => ("CHAP-Password", Octets),
        4 => ("NAS-IP-Address", Address),
        5 => ("NAS-Port", Integer(plain)),
        6 => ("Service-Type", Integer(service_type)),
        7 => ("Framed-Protocol", Integer(framed_protocol)),
        8 => ("Framed-IP-Address", Address),
        9 => ("Framed-IP-Netmask", Address),
        10 => ("Framed-Routing", Integer(framed_routing)),
        11 => ("Filter-Id", Text),
        12 => ("Framed-MTU", Integer(plain)),
        13 => ("Framed-Compression", Integer(framed_compression)),
        14 => ("Login-IP-Host", Address),
        18 => ("Reply-Message", Text),
        24 => ("State", Octets),
        25 => ("Class", Octets),
        26 => ("Vendor-Specific", Octets),
        27 => ("Session-Timeout", Integer(plain)),
        28 => ("Idle-Timeout", Integer(plain)),
        30 => ("Called-Station-Id", Text),
        31 => ("Calling-Station-Id", Text),
        32 => ("NAS-Identifier", Text),
        40 => ("Acct-Status-Type", Integer(acct_status)),
        44 => ("Acct-Session-Id", Text),
        60 => ("CHAP-Challenge", Octets),
        61 => ("NAS-Port-Type", Integer(nas_port_type)),
        79 => ("EAP-Message", Octets),
        80 => ("Message-Authenticator", Octets),
        87 => ("NAS-Port-Id", Text),
        95 => ("NAS-IPv6-Address", Octets),
        _ => ("Unknown-Attribute", Octets),
    }
}

/// Whether the bytes can be a RADIUS packet as tshark requires: a known code
/// and a length from the header's 20 bytes to 4096.
fn plausible(pdu: &[u8]) -> bool {
    let (Some(&code), Some(len)) = (pdu.get(at::CODE), be16_at(pdu, at::LENGTH)) else { return false };
    pdu.len() >= at::END && code_name(code).is_some() && (at::END..=MAX_LEN).contains(&usize::from(len))
}

/// Bytes as plain hex digits.
fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// EAP-Message's attribute type (RFC 3579 §3.1).
const EAP_MESSAGE: u8 = 79;

/// Wireshark's name of an EAP code (RFC 3748 §4).
fn eap_code(c: u8) -> &'static str {
    match c {
        1 => "Request",
        2 => "Response",
        3 => "Success",
        4 => "Failure",
        5 => "Initiate",
        6 => "Finish",
        _ => "Unknown",
    }
}

/// The header of the EAP packet an EAP-Message carries (RFC 3748 §4: code,
/// identifier, length), as the start of tshark's EAP block.
fn eap_tree(v: &[u8], o: usize, t: &mut Tree) {
    let (Some(&code), Some(&id), Some(len)) = (v.first(), v.get(1), be16_at(v, 2)) else { return };
    t.at(3).bytes(o, v.len()).line(format_args!("Extensible Authentication Protocol"));
    t.at(4).bytes(o, 1).line(format_args!("Code: {} ({code})", eap_code(code)));
    t.at(4).bytes(o + 1, 1).line(format_args!("Id: {id}"));
    t.at(4).bytes(o + 2, 2).line(format_args!("Length: {len}"));
}

/// Whether the packet carries an EAP-Message attribute, which tshark decodes as EAP.
fn carries_eap(pdu: &[u8]) -> bool {
    let end = be16_at(pdu, at::LENGTH).map_or(0, usize::from).min(pdu.len());
    let mut pos = at::END;
    while pos + 2 <= end {
        let (ty, len) = (pdu[pos], usize::from(pdu[pos + 1]));
        if ty == EAP_MESSAGE && len > 2 {
            return true;
        }
        if len < 2 {
            return false;
        }
        pos += len;
    }
    false
}

/// The attributes (RFC 2865 §5); false when one is cut short or its length is
/// below the two header bytes.
fn attributes(pdu: &[u8], o: usize, t: &mut Tree) -> bool {
    let mut pos = at::END;
    if pos < pdu.len() {
        t.at(1).bytes(o + pos, pdu.len() - pos).line(format_args!("Attribute Value Pairs"));
    }
    while pos < pdu.len() {
        let (Some(&ty), Some(&len)) = (pdu.get(pos), pdu.get(pos + 1)) else { return false };
        let len = usize::from(len);
        if len < 2 || pos + len > pdu.len() {
            return false;
        }
        let v = &pdu[pos + 2..pos + len];
        let (name, kind) = attribute(ty);
        let shown = match kind {
            Kind::Text => String::from_utf8_lossy(v).into_owned(),
            Kind::Encrypted => "Encrypted".into(),
            Kind::Address if v.len() == 4 => Ipv4Addr::new(v[0], v[1], v[2], v[3]).to_string(),
            Kind::Integer(names) if v.len() == 4 => {
                let n = be32_at(v, 0).unwrap_or_default();
                names(n).map_or(n.to_string(), |s| format!("{s}({n})"))
            }
            _ => hex(v),
        };
        if ty == EAP_MESSAGE {
            // tshark's summary of an EAP fragment (RFC 3579 §3.1) instead of its value.
            t.at(2).bytes(o + pos, len).line(format_args!("AVP: t={name}({ty}) l={len} Last Segment[1]"));
        } else {
            t.at(2).bytes(o + pos, len).line(format_args!("AVP: t={name}({ty}) l={len} val={shown}"));
        }
        t.at(3).field("radius.avp.type", Ftype::Uint8, ty).bytes(o + pos, 1).line(format_args!("Type: {ty}"));
        t.at(3).field("radius.avp.length", Ftype::Uint8, len).bytes(o + pos + 1, 1).line(format_args!("Length: {len}"));
        let vo = o + pos + 2;
        match (ty, kind) {
            (1, _) => t
                .at(3)
                .field("radius.User_Name", Ftype::String, &shown)
                .bytes(vo, v.len())
                .line(format_args!("{name}: {shown}")),
            (4, Kind::Address) if v.len() == 4 => t
                .at(3)
                .field("radius.NAS_IP_Address", Ftype::Ipv4, &shown)
                .bytes(vo, 4)
                .line(format_args!("{name}: {shown}")),
            (EAP_MESSAGE, _) => {
                t.at(3).bytes(vo, v.len()).line(format_args!("EAP fragment: {shown}"));
                eap_tree(v, vo, t);
            }
            (_, Kind::Encrypted) => t.at(3).bytes(vo, v.len()).line(format_args!("{name} (encrypted): {}", hex(v))),
            (_, Kind::Integer(names)) if v.len() == 4 => {
                let n = be32_at(v, 0).unwrap_or_default();
                let text = names(n).map_or(n.to_string(), |s| format!("{s} ({n})"));
                t.at(3).bytes(vo, 4).line(format_args!("{name}: {text}"));
            }
            _ => t.at(3).bytes(vo, v.len()).line(format_args!("{name}: {shown}")),
        }
        pos += len;
    }
    true
}

/// The packet's details under the protocol item; false when tshark finds it malformed.
fn tree_into(pdu: &[u8], o: usize, t: &mut Tree) -> bool {
    if pdu.len() < at::END {
        return false;
    }
    let (code, id) = (pdu[at::CODE], pdu[at::ID]);
    let len = be16_at(pdu, at::LENGTH).unwrap_or_default();
    t.at(1)
        .field("radius.code", Ftype::Uint8, code)
        .bytes(o, 1)
        .line(format_args!("Code: {} ({code})", code_name(code).unwrap_or("Unknown")));
    t.at(1)
        .field("radius.id", Ftype::Uint8, id)
        .bytes(o + at::ID, 1)
        .line(format_args!("Packet identifier: 0x{id:02x} ({id})"));
    t.at(1).field("radius.length", Ftype::Uint16, len).bytes(o + at::LENGTH, 2).line(format_args!("Length: {len}"));
    let auth = &pdu[at::AUTHENTICATOR..at::END];
    let colons = auth.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":");
    t.at(1)
        .field("radius.authenticator", Ftype::Bytes, colons)
        .bytes(o + at::AUTHENTICATOR, 16)
        .line(format_args!("Authenticator: {}", hex(auth)));
    let len = usize::from(len);
    if len > pdu.len() || len < at::END {
        return false;
    }
    attributes(&pdu[..len], o, t)
}

impl Dissector for Radius {
    fn name(&self) -> &'static str {
        "radius"
    }

    fn title(&self) -> &'static str {
        "RADIUS Protocol"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "RADIUS"
    }

    fn claims(&self) -> &'static [Claim] {
        PORTS
    }

    fn accepts(&self, pdu: &[u8]) -> bool {
        plausible(pdu)
    }

    fn protocols(&self, pdu: &[u8]) -> &'static str {
        if carries_eap(pdu) {
            "radius:eap"
        } else {
            "radius"
        }
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn len(&self, pdu: &[u8]) -> Option<usize> {
        be16_at(pdu, at::LENGTH).map(|l| usize::from(l).min(pdu.len()))
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        if let (Some(&code), Some(&id)) = (pdu.get(at::CODE), pdu.get(at::ID)) {
            let _ = write!(out, "{} id={id}", code_name(code).unwrap_or("Unknown"));
        }
        if !tree_into(pdu, 0, &mut Tree::new()) {
            out.push_str("[Malformed Packet]");
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, t: &mut Tree) {
        t.at(0).proto("radius").bytes(o, pdu.len()).line(format_args!("RADIUS Protocol"));
        if !tree_into(pdu, o, t) {
            malformed(t, "RADIUS");
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let Some(f) = FIELDS.get(field) else { return };
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, f.name, f.ftype, &mut owned);
        out.extend(owned);
    }

    fn capture_state(&self) -> Option<Box<dyn CaptureState>> {
        Some(Box::new(Requests::default()))
    }

    fn recalled_info(&self, _pdu: &[u8], _recall: &Recall, out: &mut String) {
        out.push_str(", Duplicate Request");
    }

    fn recalled_tree(&self, recall: &Recall, t: &mut Tree) {
        t.at(0).line(format_args!("[Duplicate Request Frame Number: {}]", recall.frame));
    }
}

/// How many recent requests the duplicate check remembers.
const REMEMBERED: usize = 256;

/// The recent requests: code, identifier and authenticator, and their frame.
/// A request sent again keeps all three (RFC 2865 §3: a retransmission keeps
/// the identifier and authenticator), which is how tshark spots it.
#[derive(Default)]
struct Requests {
    seen: VecDeque<([u8; 18], u32)>,
}

impl CaptureState for Requests {
    fn frame(&mut self, pdu: &[u8], frame: u32, _secs: i64) -> Option<Recall> {
        let code = *pdu.first()?;
        if !is_request(code) || pdu.len() < at::END {
            return None;
        }
        let mut key = [0u8; 18];
        key.copy_from_slice(&pdu[..at::END - 2]);
        key[2..].copy_from_slice(&pdu[at::AUTHENTICATOR..at::END]);
        if let Some(&(_, first)) = self.seen.iter().find(|(k, _)| *k == key) {
            return Some(Recall { frame: first, secs: 0, bytes: [0; RECALL_BYTES], flags: 0 });
        }
        if self.seen.len() == REMEMBERED {
            self.seen.pop_front();
        }
        self.seen.push_back((key, frame));
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::info_of;

    /// radius_localhost.pcap frame 1's header and its User-Name and NAS-Port attributes.
    fn request() -> Vec<u8> {
        let mut p = vec![1, 103, 0, 33];
        p.extend([0x40, 0xb6, 0x64, 0xdb, 0xf5, 0xd6, 0x81, 0xb2, 0xad, 0xbd, 0x17, 0x69, 0x51, 0x51, 0x18, 0xc8]);
        p.extend([1, 7, b's', b't', b'e', b'v', b'e', 5, 6, 0, 0, 0, 123]);
        p
    }

    #[test]
    fn info_names_the_code_and_the_identifier() {
        assert_eq!(info_of(&Radius, &request(), Ctx::default()), "Access-Request id=103");
        let mut t = Tree::new();
        Radius.tree(&request(), Ctx::default(), 0, &mut t);
        let l: Vec<&str> = t.items().iter().map(|i| t.display(i)).collect();
        assert!(l.contains(&"Packet identifier: 0x67 (103)"), "{l:?}");
        assert!(l.contains(&"AVP: t=User-Name(1) l=7 val=steve"), "{l:?}");
        assert!(l.contains(&"NAS-Port: 123"), "{l:?}");
        assert_eq!(Radius.protocols(&request()), "radius");
        let mut eap = request();
        eap.extend([79, 12, 2, 0x66, 0, 10, 1, b's', b't', b'e', b'v', b'e']);
        eap[3] = 45;
        assert_eq!(Radius.protocols(&eap), "radius:eap");
        let mut t = Tree::new();
        Radius.tree(&eap, Ctx::default(), 0, &mut t);
        let l: Vec<&str> = t.items().iter().map(|i| t.display(i)).collect();
        assert!(l.contains(&"Code: Response (2)"), "{l:?}");
    }

    #[test]
    fn a_length_past_the_bytes_is_malformed_and_garbage_is_refused() {
        let mut p = request();
        p[3] = 34;
        assert_eq!(info_of(&Radius, &p, Ctx::default()), "Access-Request id=103[Malformed Packet]");
        for n in 0..request().len() {
            let _ = info_of(&Radius, &request()[..n], Ctx::default());
            Radius.tree(&request()[..n], Ctx::default(), 0, &mut Tree::new());
        }
        assert!(!Radius.accepts(&[0x99; 30]));
        assert!(Radius.accepts(&request()));
    }

    #[test]
    fn a_request_sent_again_is_a_duplicate() {
        let mut s = Requests::default();
        assert!(s.frame(&request(), 15, 0).is_none());
        assert_eq!(s.frame(&request(), 16, 5).map(|r| r.frame), Some(15));
        let mut out = String::new();
        Radius.recalled_info(&request(), &Recall { frame: 15, secs: 0, bytes: [0; RECALL_BYTES], flags: 0 }, &mut out);
        assert_eq!(out, ", Duplicate Request");
    }
}
