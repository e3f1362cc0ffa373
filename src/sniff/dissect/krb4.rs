//! Kerberos version 4 (MIT Project Athena, "Kerberos Authentication and
//! Authorization System", section E.2.1), which tshark finds on the Kerberos
//! port, UDP 88, when the first byte says version 4, and on UDP 750. A message
//! starts with the version and a byte whose upper seven bits are the message
//! type and whose lowest bit is the byte order of the numbers that follow;
//! then, for a ticket request to the KDC, the client's name, instance and
//! realm as NUL-terminated strings, the time, the requested lifetime (in
//! five-minute units) and the service's name and instance.

use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use super::frame::{cut_short, cut_short_info, UtcTime};
use super::textline::shown;
use crate::sniff::tree::draw::masked_bits;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;

/// The Kerberos v4 dissector.
pub struct Krb4;

/// The Kerberos port (RFC 4120 §7.2.1), which also carries version 4, and
/// version 4's own port.
const CLAIMS: &[Claim] = &[Claim::UdpPort(88), Claim::UdpPort(750)];

/// The version byte of Kerberos 4, and the one of Transarc AFS's variant.
const VERSION: u8 = 4;
const TRANSARC_VERSION: u8 = 0x63;
/// Byte offsets: version, then message type and byte order.
const AT_VERSION: usize = 0;
const AT_MSG_TYPE: usize = 1;
const AT_BODY: usize = 2;
/// The message type's bits and the byte order bit of the second byte.
const TYPE_MASK: u8 = 0xfe;
const LITTLE_ENDIAN: u8 = 0x01;
/// The unknown block a Transarc KDC request starts with.
const TRANSARC_BLOB: usize = 8;
/// Minutes in a lifetime unit.
const LIFETIME_MINUTES: u32 = 5;

/// The message types (section E.2.1).
const KDC_REQUEST: u8 = 1;
const KDC_REPLY: u8 = 2;
const APPL_REQUEST: u8 = 3;

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "krb4", ftype: Ftype::Protocol, title: "Kerberos v4", base: "" },
    FieldDecl { name: "krb4.version", ftype: Ftype::Uint8, title: "Version", base: "BASE_DEC" },
    FieldDecl { name: "krb4.auth_msg_type", ftype: Ftype::Uint8, title: "Msg Type", base: "BASE_HEX" },
    FieldDecl { name: "krb4.m_type", ftype: Ftype::Uint8, title: "M Type", base: "BASE_HEX" },
    FieldDecl { name: "krb4.byte_order", ftype: Ftype::Uint8, title: "Byte Order", base: "BASE_HEX" },
    FieldDecl { name: "krb4.name", ftype: Ftype::Stringz, title: "Name", base: "" },
    FieldDecl { name: "krb4.instance", ftype: Ftype::Stringz, title: "Instance", base: "" },
    FieldDecl { name: "krb4.realm", ftype: Ftype::Stringz, title: "Realm", base: "" },
    FieldDecl { name: "krb4.time_sec", ftype: Ftype::AbsoluteTime, title: "Time Sec", base: "" },
    FieldDecl { name: "krb4.exp_date", ftype: Ftype::AbsoluteTime, title: "Exp Date", base: "" },
    FieldDecl { name: "krb4.req_date", ftype: Ftype::AbsoluteTime, title: "Req Date", base: "" },
    FieldDecl { name: "krb4.lifetime", ftype: Ftype::Uint8, title: "Lifetime", base: "BASE_DEC" },
    FieldDecl { name: "krb4.s_name", ftype: Ftype::Stringz, title: "Service Name", base: "" },
    FieldDecl { name: "krb4.s_instance", ftype: Ftype::Stringz, title: "Service Instance", base: "" },
    FieldDecl { name: "krb4.kvno", ftype: Ftype::Uint8, title: "Kvno", base: "BASE_DEC" },
    FieldDecl { name: "krb4.length", ftype: Ftype::Uint32, title: "Length", base: "BASE_DEC" },
    FieldDecl { name: "krb4.ticket.length", ftype: Ftype::Uint8, title: "Ticket Length", base: "BASE_DEC" },
    FieldDecl { name: "krb4.request.length", ftype: Ftype::Uint8, title: "Request Length", base: "BASE_DEC" },
    FieldDecl { name: "krb4.ticket.blob", ftype: Ftype::Bytes, title: "Ticket Blob", base: "" },
    FieldDecl { name: "krb4.request.blob", ftype: Ftype::Bytes, title: "Request Blob", base: "" },
    FieldDecl { name: "krb4.encrypted_blob", ftype: Ftype::Bytes, title: "Encrypted Blob", base: "" },
    FieldDecl { name: "krb4.unknown_transarc_blob", ftype: Ftype::Bytes, title: "Unknown Transarc Blob", base: "" },
];

/// Wireshark's name of a message type (section E.2.1).
fn type_name(t: u8) -> Option<&'static str> {
    Some(match t {
        KDC_REQUEST => "KDC Request",
        KDC_REPLY => "KDC Reply",
        APPL_REQUEST => "Appl Request",
        4 => "Appl Request Mutual",
        5 => "Err Reply",
        6 => "Private",
        7 => "Safe",
        8 => "Appl Err",
        63 => "Die",
        _ => return None,
    })
}

/// The message's type and its text with the Transarc prefix, when it is Kerberos 4.
fn message_type(pdu: &[u8]) -> Option<(u8, String)> {
    let version = *pdu.get(AT_VERSION)?;
    if version != VERSION && version != TRANSARC_VERSION {
        return None;
    }
    let t = *pdu.get(AT_MSG_TYPE)? >> 1;
    let prefix = if version == TRANSARC_VERSION { "TRANSARC-" } else { "" };
    Some((t, format!("{prefix}{}", type_name(t)?)))
}

/// A read past the end of the PDU.
struct Short;

impl Dissector for Krb4 {
    fn name(&self) -> &'static str {
        "krb4"
    }

    fn title(&self) -> &'static str {
        "Kerberos v4"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "KRB4"
    }

    fn claims(&self) -> &'static [Claim] {
        CLAIMS
    }

    /// tshark's Kerberos dissector hands a message to version 4's only when
    /// its version and type are version 4's.
    fn accepts(&self, pdu: &[u8]) -> bool {
        message_type(pdu).is_some()
    }

    fn protocols(&self, _pdu: &[u8]) -> &'static str {
        "kerberos:krb4"
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn info(&self, pdu: &[u8], ctx: Ctx, out: &mut String) {
        let Some((_, text)) = message_type(pdu) else { return };
        out.push_str(&text);
        if (Walk { p: pdu, off: 0, tree: None }).body().is_err() {
            out.push_str(cut_short_info(ctx.cut));
        }
    }

    fn tree(&self, pdu: &[u8], ctx: Ctx, off: usize, t: &mut Tree) {
        t.at(0).proto("krb4").bytes(off, pdu.len()).line(format_args!("Kerberos v4"));
        if message_type(pdu).is_none() {
            return;
        }
        let walked = Walk { p: pdu, off, tree: Some(&mut *t) }.message();
        if walked.is_err() {
            cut_short(t, "KRB4", ctx.cut);
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let Some(f) = FIELDS.get(field) else { return };
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, f.name, f.ftype, &mut owned);
        out.extend(owned);
    }
}

/// One pass over a message, adding its fields to the tree when there is one.
struct Walk<'a> {
    p: &'a [u8],
    off: usize,
    tree: Option<&'a mut Tree>,
}

impl Walk<'_> {
    /// The version and type bytes, then the body.
    fn message(&mut self) -> Result<(), Short> {
        let (version, kind) = (self.p[AT_VERSION], self.p[AT_MSG_TYPE]);
        let off = self.off;
        if let Some(t) = self.tree.as_deref_mut() {
            t.at(1).field("krb4.version", Ftype::Uint8, version).bytes(off, 1).line(format_args!("Version: {version}"));
            let name = message_type(self.p).map(|(_, n)| n).unwrap_or_default();
            let order = if kind & LITTLE_ENDIAN != 0 { "Little Endian" } else { "Big Endian" };
            let b = off + AT_MSG_TYPE;
            t.at(1)
                .field("krb4.auth_msg_type", Ftype::Uint8, format_args!("0x{kind:02x}"))
                .bytes(b, 1)
                .line(format_args!("Msg Type: 0x{kind:02x} {name} ({order})"));
            let m = kind >> 1;
            let plain = type_name(m).unwrap_or("Unknown");
            t.at(2)
                .field("krb4.m_type", Ftype::Uint8, format_args!("0x{m:02x}"))
                .bytes(b, 1)
                .mask(u64::from(TYPE_MASK), u64::from(m))
                .line(format_args!(
                    "{} = M Type: {plain} (0x{m:02x})",
                    masked_bits(u64::from(kind), u64::from(TYPE_MASK), 8)
                ));
            let bo = kind & LITTLE_ENDIAN;
            t.at(2)
                .field("krb4.byte_order", Ftype::Uint8, format_args!("0x{bo:02x}"))
                .bytes(b, 1)
                .mask(u64::from(LITTLE_ENDIAN), u64::from(bo))
                .line(format_args!("{} = Byte Order: {order} (0x{bo:x})", masked_bits(u64::from(kind), 1, 8)));
        }
        self.body()
    }

    /// The body of the message types tshark decodes (section E.2.1).
    fn body(&mut self) -> Result<(), Short> {
        let kind = self.p.get(AT_MSG_TYPE).copied().ok_or(Short)?;
        let little = kind & LITTLE_ENDIAN != 0;
        let transarc = self.p.first() == Some(&TRANSARC_VERSION);
        match kind >> 1 {
            KDC_REQUEST => self.kdc_request(little, transarc),
            KDC_REPLY => self.kdc_reply(little),
            APPL_REQUEST => self.appl_request(little),
            _ => Ok(()),
        }
    }

    fn kdc_request(&mut self, little: bool, transarc: bool) -> Result<(), Short> {
        let mut at = AT_BODY;
        if transarc {
            at = self.blob(at, TRANSARC_BLOB, "krb4.unknown_transarc_blob", "Unknown Transarc Blob")?;
        }
        at = self.string(at, "krb4.name", "Name")?;
        at = self.string(at, "krb4.instance", "Instance")?;
        at = self.string(at, "krb4.realm", "Realm")?;
        at = self.time(at, little, "krb4.time_sec", "Time Sec")?;
        at = self.lifetime(at)?;
        at = self.string(at, "krb4.s_name", "Service Name")?;
        self.string(at, "krb4.s_instance", "Service Instance").map(|_| ())
    }

    fn kdc_reply(&mut self, little: bool) -> Result<(), Short> {
        let mut at = self.string(AT_BODY, "krb4.name", "Name")?;
        at = self.string(at, "krb4.instance", "Instance")?;
        at = self.string(at, "krb4.realm", "Realm")?;
        at = self.time(at, little, "krb4.time_sec", "Time Sec")?;
        // A byte nobody has explained comes before the expiry date.
        at = self.time(at + 1, little, "krb4.exp_date", "Exp Date")?;
        at = self.uint8(at, "krb4.kvno", "Kvno")?;
        let raw = self.p.get(at..at + 2).ok_or(Short)?;
        let len = if little { u16::from_le_bytes([raw[0], raw[1]]) } else { u16::from_be_bytes([raw[0], raw[1]]) };
        let off = self.off;
        if let Some(t) = self.tree.as_deref_mut() {
            t.at(1).field("krb4.length", Ftype::Uint32, len).bytes(off + at, 2).line(format_args!("Length: {len}"));
        }
        self.blob(at + 2, usize::from(len), "krb4.encrypted_blob", "Encrypted Blob").map(|_| ())
    }

    fn appl_request(&mut self, little: bool) -> Result<(), Short> {
        let mut at = self.uint8(AT_BODY, "krb4.kvno", "Kvno")?;
        at = self.string(at, "krb4.realm", "Realm")?;
        let tlen = self.p.get(at).copied().ok_or(Short)?;
        at = self.uint8(at, "krb4.ticket.length", "Ticket Length")?;
        let rlen = self.p.get(at).copied().ok_or(Short)?;
        at = self.uint8(at, "krb4.request.length", "Request Length")?;
        at = self.blob(at, usize::from(tlen), "krb4.ticket.blob", "Ticket Blob")?;
        at = self.blob(at, usize::from(rlen), "krb4.request.blob", "Request Blob")?;
        at = self.time(at, little, "krb4.req_date", "Req Date")?;
        at = self.lifetime(at)?;
        at = self.string(at, "krb4.s_name", "Service Name")?;
        self.string(at, "krb4.s_instance", "Service Instance").map(|_| ())
    }

    /// A NUL-terminated string; returns where the next field starts.
    fn string(&mut self, at: usize, field: &'static str, title: &str) -> Result<usize, Short> {
        let rest = self.p.get(at..).ok_or(Short)?;
        let nul = rest.iter().position(|&b| b == 0).ok_or(Short)?;
        // Read as ASCII: a byte of 0x80 or more is a replacement character.
        let text: String = rest[..nul].iter().map(|&b| if b < 0x80 { char::from(b) } else { '\u{fffd}' }).collect();
        let off = self.off;
        if let Some(t) = self.tree.as_deref_mut() {
            t.at(1)
                .field(field, Ftype::Stringz, &text)
                .bytes(off + at, nul + 1)
                .line(format_args!("{title}: {}", shown(text.as_bytes())));
        }
        Ok(at + nul + 1)
    }

    /// A time in seconds since 1970 in the message's byte order.
    fn time(&mut self, at: usize, little: bool, field: &'static str, title: &str) -> Result<usize, Short> {
        let raw: [u8; 4] = self.p.get(at..at + 4).and_then(|b| b.try_into().ok()).ok_or(Short)?;
        let secs = if little { u32::from_le_bytes(raw) } else { u32::from_be_bytes(raw) };
        let when = UtcTime(i64::from(secs) * 1_000_000_000);
        let off = self.off;
        if let Some(t) = self.tree.as_deref_mut() {
            t.at(1)
                .field(field, Ftype::AbsoluteTime, format_args!("{when} UTC"))
                .bytes(off + at, 4)
                .line(format_args!("{title}: {when} UTC"));
        }
        Ok(at + 4)
    }

    fn lifetime(&mut self, at: usize) -> Result<usize, Short> {
        let v = self.p.get(at).copied().ok_or(Short)?;
        let off = self.off;
        if let Some(t) = self.tree.as_deref_mut() {
            let minutes = u32::from(v) * LIFETIME_MINUTES;
            t.at(1)
                .field("krb4.lifetime", Ftype::Uint8, v)
                .bytes(off + at, 1)
                .line(format_args!("Lifetime: {v} ({minutes} minutes)"));
        }
        Ok(at + 1)
    }

    fn uint8(&mut self, at: usize, field: &'static str, title: &str) -> Result<usize, Short> {
        let v = self.p.get(at).copied().ok_or(Short)?;
        let off = self.off;
        if let Some(t) = self.tree.as_deref_mut() {
            t.at(1).field(field, Ftype::Uint8, v).bytes(off + at, 1).line(format_args!("{title}: {v}"));
        }
        Ok(at + 1)
    }

    fn blob(&mut self, at: usize, len: usize, field: &'static str, title: &str) -> Result<usize, Short> {
        let bytes = self.p.get(at..at + len).ok_or(Short)?;
        let off = self.off;
        if let Some(t) = self.tree.as_deref_mut() {
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            t.at(1).field(field, Ftype::Bytes, &hex).bytes(off + at, len).line(format_args!("{title}: {hex}"));
        }
        Ok(at + len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::{info_of, values_of};

    /// babel_update_oobr.pcap (tcpdump's tests) frame 8: a KDC request whose
    /// name, instance and realm end, cut after its lifetime (27 of 748 bytes captured).
    const REQUEST: &[u8] = &[
        4, 2, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 4, 0xd7, 0xd7, 0xd7, 0xd7, 0xd7, 0xd7, 0xd7, 0, 0,
        0, 0xff, 0, 0, 0x16, 0x88,
    ];
    /// The same file's frame 31: Appl Request Mutual, little endian (no body decoded).
    const MUTUAL: &[u8] = &[4, 9, 0x0f, 0x0f, 0x0f];

    fn tree_text(pdu: &[u8], ctx: Ctx) -> String {
        let mut t = Tree::new();
        Krb4.tree(pdu, ctx, 0, &mut t);
        t.items().iter().map(|i| format!("{}\n", t.display(i))).collect()
    }

    #[test]
    fn only_version_4_with_a_known_type_is_taken() {
        assert!(Krb4.accepts(REQUEST));
        assert!(Krb4.accepts(MUTUAL));
        assert!(!Krb4.accepts(&[5, 2]));
        assert!(!Krb4.accepts(&[4, 0x20]));
        assert!(!Krb4.accepts(&[4]));
        assert_eq!(Krb4.protocols(REQUEST), "kerberos:krb4");
    }

    #[test]
    fn a_request_cut_by_the_capture_says_so() {
        let cut = Ctx { cut: true, ..Ctx::default() };
        assert_eq!(info_of(&Krb4, REQUEST, cut), "KDC Request[Packet size limited during capture]");
        assert_eq!(info_of(&Krb4, REQUEST, Ctx::default()), "KDC Request[Malformed Packet]");
        assert_eq!(info_of(&Krb4, MUTUAL, cut), "Appl Request Mutual");
        let text = tree_text(REQUEST, cut);
        for line in [
            "Msg Type: 0x02 KDC Request (Big Endian)\n0000 001. = M Type: KDC Request (0x01)\n.... ...0 = Byte Order: Big Endian (0x0)\n",
            "Name: \\017\\017\\017\\017\\017\\017\\017\\017\\017\\004\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\n",
            "Instance: \nRealm: \nTime Sec: Jul 28, 2105 02:08:22.000000000 UTC\nLifetime: 136 (680 minutes)\n",
            "[Packet size limited during capture: KRB4 truncated]\n",
        ] {
            assert!(text.contains(line), "{line}: {text}");
        }
        assert_eq!(values_of(&Krb4, REQUEST, cut, "krb4.lifetime"), ["136"]);
        assert_eq!(values_of(&Krb4, REQUEST, cut, "krb4.auth_msg_type"), ["0x02"]);
        let text = tree_text(MUTUAL, cut);
        assert!(text.contains("Msg Type: 0x09 Appl Request Mutual (Little Endian)\n"), "{text}");
        assert!(!text.contains("truncated"), "{text}");
    }

    #[test]
    fn every_message_type_survives_any_cut() {
        let mut whole = REQUEST.to_vec();
        whole.extend(b"krbtgt\0ATHENA\0");
        assert_eq!(info_of(&Krb4, &whole, Ctx::default()), "KDC Request");
        for kind in [2u8, 3, 4, 5, 7, 0xc6 >> 1 << 1] {
            let mut p = whole.clone();
            p[1] = kind << 1;
            for n in 0..p.len() {
                let _ = tree_text(&p[..n], Ctx::default());
                let _ = info_of(&Krb4, &p[..n], Ctx::default());
            }
        }
        let mut transarc = whole.clone();
        transarc[0] = TRANSARC_VERSION;
        assert!(info_of(&Krb4, &transarc, Ctx::default()).starts_with("TRANSARC-KDC Request"));
    }
}
