//! QUIC's packet headers (RFC 9000 §17) on UDP port 443, without decryption:
//! a long header names its type, version and both connection IDs in the clear
//! (§17.2); Version Negotiation (§17.2.1) and Retry (§17.2.5) carry nothing
//! encrypted at all. A short header (§17.3) names only the destination
//! connection ID, whose length the connection's long headers told.
//!
//! tshark decrypts Initial packets (their keys come from the client's first
//! destination connection ID, RFC 9001 §5.2) and lists the frames inside;
//! socklab does not decrypt, so an Initial shows only its type and connection
//! ID, as tshark shows one whose version it cannot decrypt.

use super::dissector::{CaptureState, Claim, Ctx, Dissector, FieldDecl, Recall, RECALL_BYTES};
use crate::proto::bytes::be32_at;
use crate::sniff::hash::FxHashMap;
use crate::sniff::tree::draw::masked_bits;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::fmt::Write as _;

/// The QUIC dissector.
pub struct Quic;

/// HTTP/3's port, where tshark looks for QUIC.
const PORT: u16 = 443;
/// The longest connection ID of QUIC version 1 (RFC 9000 §17.2).
const MAX_CID: usize = 20;

/// Bits of the first byte (RFC 9000 §17.2, §17.3.1).
mod bit {
    pub const LONG: u8 = 0x80;
    pub const FIXED: u8 = 0x40;
    pub const SPIN: u8 = 0x20;
    pub const TYPE: u8 = 0x30;
}

/// A long header's fields (RFC 9000 §17.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Long<'p> {
    first: u8,
    version: u32,
    dcid: &'p [u8],
    scid: &'p [u8],
    /// Offset of what follows the source connection ID.
    rest: usize,
}

/// Reads a long header; `None` when it is cut short or a connection ID is too long.
fn long(pdu: &[u8]) -> Option<Long<'_>> {
    let first = *pdu.first()?;
    let version = be32_at(pdu, 1)?;
    let dcil = usize::from(*pdu.get(5)?);
    let dcid = pdu.get(6..6 + dcil)?;
    let scil = usize::from(*pdu.get(6 + dcil)?);
    let scid = pdu.get(7 + dcil..7 + dcil + scil)?;
    let ok = version == 0 || (dcil <= MAX_CID && scil <= MAX_CID);
    ok.then_some(Long { first, version, dcid, scid, rest: 7 + dcil + scil })
}

/// tshark's name of a version 1 long header type (RFC 9000 §17.2).
fn type_name(first: u8) -> &'static str {
    match (first & bit::TYPE) >> 4 {
        0 => "Initial",
        1 => "0-RTT",
        2 => "Handshake",
        _ => "Retry",
    }
}

/// Connection IDs in hex.
struct Hex<'a>(&'a [u8]);

impl std::fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "quic", ftype: Ftype::Protocol, title: "QUIC IETF", base: "" },
    FieldDecl { name: "quic.packet_length", ftype: Ftype::Uint32, title: "Packet Length", base: "BASE_DEC" },
    FieldDecl { name: "quic.header_form", ftype: Ftype::Uint8, title: "Header Form", base: "BASE_DEC" },
    FieldDecl { name: "quic.fixed_bit", ftype: Ftype::Boolean, title: "Fixed Bit", base: "8" },
    FieldDecl { name: "quic.long.packet_type", ftype: Ftype::Uint8, title: "Packet Type", base: "BASE_DEC" },
    FieldDecl { name: "quic.vn.unused", ftype: Ftype::Uint8, title: "Unused", base: "BASE_HEX" },
    FieldDecl { name: "quic.version", ftype: Ftype::Uint32, title: "Version", base: "BASE_HEX" },
    FieldDecl { name: "quic.dcil", ftype: Ftype::Uint8, title: "Destination Connection ID Length", base: "BASE_DEC" },
    FieldDecl { name: "quic.dcid", ftype: Ftype::Bytes, title: "Destination Connection ID", base: "" },
    FieldDecl { name: "quic.scil", ftype: Ftype::Uint8, title: "Source Connection ID Length", base: "BASE_DEC" },
    FieldDecl { name: "quic.scid", ftype: Ftype::Bytes, title: "Source Connection ID", base: "" },
    FieldDecl { name: "quic.supported_version", ftype: Ftype::Uint32, title: "Supported Version", base: "BASE_HEX" },
    FieldDecl { name: "quic.retry_token", ftype: Ftype::Bytes, title: "Retry Token", base: "" },
    FieldDecl { name: "quic.retry_integrity_tag", ftype: Ftype::Bytes, title: "Retry Integrity Tag", base: "" },
    FieldDecl { name: "quic.short", ftype: Ftype::None, title: "QUIC Short Header", base: "" },
    FieldDecl { name: "quic.spin_bit", ftype: Ftype::Boolean, title: "Spin Bit", base: "8" },
    FieldDecl { name: "quic.remaining_payload", ftype: Ftype::Bytes, title: "Remaining Payload", base: "" },
];

/// The Retry Integrity Tag's length (RFC 9000 §17.2.5, RFC 9001 §5.8).
const TAG_LEN: usize = 16;

impl Dissector for Quic {
    fn name(&self) -> &'static str {
        "quic"
    }

    fn title(&self) -> &'static str {
        "QUIC IETF"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "QUIC"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::UdpPort(PORT)]
    }

    /// A QUIC version 1 packet has its fixed bit set (RFC 9000 §17.2, §17.3.1),
    /// a Version Negotiation packet version 0.
    fn accepts(&self, pdu: &[u8]) -> bool {
        match pdu.first() {
            Some(&b) if b & bit::LONG != 0 => long(pdu).is_some_and(|l| l.version == 0 || b & bit::FIXED != 0),
            Some(&b) => b & bit::FIXED != 0,
            None => false,
        }
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn info(&self, pdu: &[u8], ctx: Ctx, out: &mut String) {
        let Some(&first) = pdu.first() else { return };
        if first & bit::LONG == 0 {
            // The key phase bit lies under header protection (RFC 9001 §5.4):
            // without the keys it reads as tshark shows it, phase 0.
            out.push_str("Protected Payload (KP0)");
            return;
        }
        let Some(l) = long(pdu) else {
            out.push_str("[Malformed Packet]");
            return;
        };
        let name = if l.version == 0 { "Version Negotiation" } else { type_name(first) };
        // tshark names the server's connection ID: its source ID on the way
        // back, the destination ID on the way to it.
        let (which, cid) = if ctx.to_port { ("DCID", l.dcid) } else { ("SCID", l.scid) };
        let _ = write!(out, "{name}, {which}={}", Hex(cid));
    }

    fn recalled_info(&self, _pdu: &[u8], r: &Recall, out: &mut String) {
        let n = usize::from(r.flags).min(RECALL_BYTES);
        if n > 0 {
            let _ = write!(out, ", DCID={}", Hex(&r.bytes[..n]));
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, t: &mut Tree) {
        t.at(0).proto("quic").bytes(o, pdu.len()).line(format_args!("QUIC IETF"));
        let n = pdu.len();
        t.at(1).field("quic.packet_length", Ftype::Uint32, n).line(format_args!("[Packet Length: {n}]"));
        let Some(&first) = pdu.first() else { return };
        if first & bit::LONG == 0 {
            short_tree(pdu, first, o, t);
            return;
        }
        let b = u64::from(first);
        t.at(1)
            .field("quic.header_form", Ftype::Uint8, 1)
            .bytes(o, 1)
            .mask(0x80, 1)
            .line(format_args!("{} = Header Form: Long Header (1)", masked_bits(b, 0x80, 8)));
        let Some(l) = long(pdu) else {
            super::frame::malformed(t, "QUIC");
            return;
        };
        if l.version == 0 {
            let u = first & 0x7f;
            t.at(1)
                .field("quic.vn.unused", Ftype::Uint8, Value::hex(u64::from(u), 2))
                .bytes(o, 1)
                .mask(0x7f, u64::from(u))
                .line(format_args!("{} = Unused: 0x{u:02x}", masked_bits(b, 0x7f, 8)));
        } else {
            let fixed = first & bit::FIXED != 0;
            let ty = (first & bit::TYPE) >> 4;
            if ty != 3 {
                t.at(1)
                    .field("quic.fixed_bit", Ftype::Boolean, u8::from(fixed))
                    .bytes(o, 1)
                    .mask(0x40, u64::from(fixed))
                    .line(format_args!(
                        "{} = Fixed Bit: {}",
                        masked_bits(b, 0x40, 8),
                        if fixed { "True" } else { "False" }
                    ));
            }
            t.at(1)
                .field("quic.long.packet_type", Ftype::Uint8, ty)
                .bytes(o, 1)
                .mask(0x30, u64::from(ty))
                .line(format_args!("{} = Packet Type: {} ({ty})", masked_bits(b, 0x30, 8), type_name(first)));
        }
        let v = l.version;
        let vname = if v == 0 { "Version Negotiation".to_string() } else { version_name(v) };
        t.at(1)
            .field("quic.version", Ftype::Uint32, Value::hex(u64::from(v), 8))
            .bytes(o + 1, 4)
            .line(format_args!("Version: {vname} (0x{v:08x})"));
        cids(&l, o, t);
        if l.version == 0 {
            for (k, sv) in pdu[l.rest..].chunks_exact(4).enumerate() {
                let sv = u32::from_be_bytes([sv[0], sv[1], sv[2], sv[3]]);
                let grease = if sv & 0x0f0f_0f0f == 0x0a0a_0a0a { " (GREASE)" } else { "" };
                t.at(1)
                    .field("quic.supported_version", Ftype::Uint32, Value::hex(u64::from(sv), 8))
                    .bytes(o + l.rest + 4 * k, 4)
                    .line(format_args!("Supported Version: {} (0x{sv:08x}){grease}", version_name(sv)));
            }
        } else if (first & bit::TYPE) >> 4 == 3 {
            let rest = &pdu[l.rest..];
            if let Some(token_len) = rest.len().checked_sub(TAG_LEN) {
                let (token, tag) = rest.split_at(token_len);
                t.at(1)
                    .field("quic.retry_token", Ftype::Bytes, Hex(token))
                    .bytes(o + l.rest, token_len)
                    .line(format_args!("Retry Token: {}", Short(token)));
                t.at(1)
                    .field("quic.retry_integrity_tag", Ftype::Bytes, Hex(tag))
                    .bytes(o + l.rest + token_len, TAG_LEN)
                    .line(format_args!("Retry Integrity Tag: {}", Hex(tag)));
            }
        } else {
            let rest = &pdu[l.rest..];
            if !rest.is_empty() {
                t.at(1)
                    .field("quic.remaining_payload", Ftype::Bytes, Hex(rest))
                    .bytes(o + l.rest, rest.len())
                    .line(format_args!("Remaining Payload: {}", Short(rest)));
            }
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let Some(decl) = FIELDS.get(field) else { return };
        let mut vals = Vec::new();
        super::dissector::tree_values(self, pdu, ctx, decl.name, decl.ftype, &mut vals);
        out.extend(vals);
    }

    fn capture_state(&self) -> Option<Box<dyn CaptureState>> {
        Some(Box::<QuicState>::default())
    }
}

/// The connection IDs and their lengths.
fn cids(l: &Long<'_>, o: usize, t: &mut Tree) {
    let (dl, sl) = (l.dcid.len(), l.scid.len());
    t.at(1)
        .field("quic.dcil", Ftype::Uint8, dl)
        .bytes(o + 5, 1)
        .line(format_args!("Destination Connection ID Length: {dl}"));
    if dl > 0 {
        t.at(1)
            .field("quic.dcid", Ftype::Bytes, Hex(l.dcid))
            .bytes(o + 6, dl)
            .line(format_args!("Destination Connection ID: {}", Hex(l.dcid)));
    }
    t.at(1)
        .field("quic.scil", Ftype::Uint8, sl)
        .bytes(o + 6 + dl, 1)
        .line(format_args!("Source Connection ID Length: {sl}"));
    if sl > 0 {
        t.at(1)
            .field("quic.scid", Ftype::Bytes, Hex(l.scid))
            .bytes(o + 7 + dl, sl)
            .line(format_args!("Source Connection ID: {}", Hex(l.scid)));
    }
}

/// A short header (RFC 9000 §17.3.1): only its first bits are in the clear.
fn short_tree(pdu: &[u8], first: u8, o: usize, t: &mut Tree) {
    let b = u64::from(first);
    t.at(1).field("quic.short", Ftype::None, "").bytes(o, pdu.len()).line(format_args!("QUIC Short Header"));
    t.at(2)
        .field("quic.header_form", Ftype::Uint8, 0)
        .bytes(o, 1)
        .mask(0x80, 0)
        .line(format_args!("{} = Header Form: Short Header (0)", masked_bits(b, 0x80, 8)));
    let fixed = first & bit::FIXED != 0;
    t.at(2)
        .field("quic.fixed_bit", Ftype::Boolean, u8::from(fixed))
        .bytes(o, 1)
        .mask(0x40, u64::from(fixed))
        .line(format_args!("{} = Fixed Bit: {}", masked_bits(b, 0x40, 8), if fixed { "True" } else { "False" }));
    let spin = first & bit::SPIN != 0;
    t.at(2)
        .field("quic.spin_bit", Ftype::Boolean, u8::from(spin))
        .bytes(o, 1)
        .mask(0x20, u64::from(spin))
        .line(format_args!("{} = Spin Bit: {}", masked_bits(b, 0x20, 8), if spin { "True" } else { "False" }));
}

/// tshark's name of a QUIC version.
fn version_name(v: u32) -> String {
    match v {
        1 => "1".to_string(),
        0x6b33_43cf => "2".to_string(),
        v if v >> 8 == 0xff_0000 => format!("draft-{}", v & 0xff),
        _ => "Unknown".to_string(),
    }
}

/// Bytes in hex as tshark's `-V` line shows them: cut with `…` after 36.
struct Short<'a>(&'a [u8]);

impl std::fmt::Display for Short<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.len().min(36);
        write!(f, "{}", Hex(&self.0[..n]))?;
        if self.0.len() > 36 {
            f.write_str("…")?;
        }
        Ok(())
    }
}

/// Most client/server port pairs remembered.
const MAX_CONNECTIONS: usize = 4096;

/// The connection IDs each end chose (RFC 9000 §7.2), per pair of ports: what
/// tells the length of a short header's destination connection ID.
#[derive(Default)]
pub struct QuicState {
    /// (server port, client port) → (the server's ID, the client's ID).
    ids: FxHashMap<(u16, u16), (Vec<u8>, Vec<u8>)>,
}

impl CaptureState for QuicState {
    fn frame(&mut self, _pdu: &[u8], _frame: u32, _secs: i64) -> Option<Recall> {
        None
    }

    /// tshark takes a short header for QUIC only on a connection a long header opened.
    fn disowns(&mut self, pdu: &[u8], ctx: Ctx) -> bool {
        let short = pdu.first().is_some_and(|b| b & bit::LONG == 0);
        let key = ctx.port.zip(ctx.peer);
        short && key.is_none_or(|k| !self.ids.contains_key(&k))
    }

    fn frame_in(&mut self, pdu: &[u8], ctx: Ctx, frame: u32, _nanos: i64) -> Option<Recall> {
        let key = (ctx.port?, ctx.peer?);
        let first = *pdu.first()?;
        if first & bit::LONG != 0 {
            let l = long(pdu).filter(|l| l.version != 0)?;
            if !self.ids.contains_key(&key) && self.ids.len() >= MAX_CONNECTIONS {
                self.ids.clear();
            }
            let e = self.ids.entry(key).or_default();
            if ctx.to_port {
                e.1 = l.scid.to_vec();
            } else {
                e.0 = l.scid.to_vec();
            }
            return None;
        }
        // A short header's destination is the receiver's own ID.
        let (server, client) = self.ids.get(&key)?;
        let id = if ctx.to_port { server } else { client };
        let dcid = pdu.get(1..1 + id.len())?;
        if dcid.is_empty() || dcid.len() > RECALL_BYTES {
            return None;
        }
        let mut bytes = [0u8; RECALL_BYTES];
        bytes[..dcid.len()].copy_from_slice(dcid);
        Some(Recall { frame, secs: 0, bytes, flags: dcid.len() as u8 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::{info_of, values_of};

    /// quic_vn.pcap frame 2: the server's Version Negotiation (versions 1 and a GREASE one).
    const VN: &[u8] =
        &[0xf5, 0, 0, 0, 0, 0, 8, 0x9d, 0x57, 0x28, 0x48, 0x12, 0x87, 0xa3, 0xb4, 0, 0, 0, 1, 0x1a, 0x2a, 0x3a, 0x4a];

    #[test]
    fn version_negotiation_names_the_source_id() {
        assert!(Quic.accepts(VN));
        assert_eq!(info_of(&Quic, VN, Ctx::from(443)), "Version Negotiation, SCID=9d5728481287a3b4");
        assert_eq!(values_of(&Quic, VN, Ctx::from(443), "quic.supported_version"), ["0x00000001", "0x1a2a3a4a"]);
        let mut t = Tree::new();
        Quic.tree(VN, Ctx::from(443), 62, &mut t);
        let lines: Vec<&str> = t.items().iter().map(|i| t.display(i)).collect();
        assert!(lines.contains(&"Supported Version: Unknown (0x1a2a3a4a) (GREASE)"));
        assert!(lines.contains(&".111 0101 = Unused: 0x75"));
    }

    #[test]
    fn retry_and_handshake_need_no_keys() {
        // A Retry (type 3) from the server: empty DCID, 8-byte SCID, a token and the tag.
        let mut retry = vec![0xf0, 0, 0, 0, 1, 0, 8, 0xe1, 0x05, 0x1e, 0xaa, 0x7a, 0xdf, 0xb2, 0x30];
        retry.extend([0x45; 20]);
        retry.extend([0xf6; 16]);
        assert_eq!(info_of(&Quic, &retry, Ctx::from(443)), "Retry, SCID=e1051eaa7adfb230");
        assert_eq!(values_of(&Quic, &retry, Ctx::from(443), "quic.retry_integrity_tag"), ["f6".repeat(16)]);
        // A Handshake to the server names the destination ID.
        let hs = [0xe0, 0, 0, 0, 1, 8, 0x0c, 0x3c, 0x2e, 0x28, 0x7c, 0xcd, 0xc5, 0x35, 0, 0x40, 0x10, 1, 2];
        assert_eq!(info_of(&Quic, &hs, Ctx::to(443)), "Handshake, DCID=0c3c2e287ccdc535");
    }

    #[test]
    fn short_headers_get_their_id_from_the_long_ones() {
        let mut s = QuicState::default();
        let server_hs = [0xe0, 0, 0, 0, 1, 0, 8, 0x0c, 0x3c, 0x2e, 0x28, 0x7c, 0xcd, 0xc5, 0x35, 0x40, 0x10];
        let ctx_from = Ctx { peer: Some(57406), ..Ctx::from(443) };
        let ctx_to = Ctx { peer: Some(57406), ..Ctx::to(443) };
        assert!(s.disowns(&[0x40, 1, 2], ctx_to), "no long header opened the connection yet");
        assert_eq!(s.frame_in(&server_hs, ctx_from, 5, 0), None);
        assert!(!s.disowns(&[0x40, 1, 2], ctx_to));
        let short = [0x40, 0x0c, 0x3c, 0x2e, 0x28, 0x7c, 0xcd, 0xc5, 0x35, 0x99, 0x98];
        let r = s.frame_in(&short, ctx_to, 18, 0).expect("the server's ID");
        let mut info = info_of(&Quic, &short, ctx_to);
        Quic.recalled_info(&short, &r, &mut info);
        assert_eq!(info, "Protected Payload (KP0), DCID=0c3c2e287ccdc535");
        // The client chose an empty ID: nothing to show on the way back.
        assert_eq!(s.frame_in(&[0x44, 1, 2, 3], ctx_from, 19, 0), None);
        assert_eq!(info_of(&Quic, &[0x44, 1, 2, 3], ctx_from), "Protected Payload (KP0)");
    }

    #[test]
    fn cut_and_hostile_headers_never_panic() {
        let hs = [0xe0, 0, 0, 0, 1, 8, 0x0c, 0x3c, 0x2e, 0x28, 0x7c, 0xcd, 0xc5, 0x35, 0, 0x40, 0x10, 1, 2];
        for pdu in [VN, &hs[..], &[0xc0, 0, 0, 0, 1, 0xff, 0xff][..]] {
            for n in 0..=pdu.len() {
                let cut = &pdu[..n];
                let _ = Quic.accepts(cut);
                let _ = info_of(&Quic, cut, Ctx::to(443));
                let mut t = Tree::new();
                Quic.tree(cut, Ctx::to(443), 0, &mut t);
                let mut s = QuicState::default();
                let _ = s.frame_in(cut, Ctx { peer: Some(1), ..Ctx::to(443) }, 1, 0);
            }
        }
        // A connection ID longer than 20 bytes is not QUIC version 1.
        assert!(!Quic.accepts(&[0xc0, 0, 0, 0, 1, 21]));
    }
}
