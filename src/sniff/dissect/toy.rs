//! A toy protocol that proves the registry's seam: this file and one line in
//! [`super::REGISTRY`] make the sniffer list, detail, filter and print it.
//!
//! Its PDU, over UDP port 7777 (or any UDP port when it looks like one):
//! version (1 byte), kind (1 byte: 1 hello, 2 bye), text length (2 bytes, big
//! endian), then the text.

use super::dissector::{Carrier, Claim, Ctx, Dissector, FieldDecl};
use crate::proto::bytes::be16;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;

/// The toy protocol.
pub struct Toy;

/// Offsets of the fields.
mod field {
    pub const VERSION: usize = 0;
    pub const KIND: usize = 1;
    pub const LEN: usize = 2;
    pub const TEXT: usize = 4;
}

const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "toy.version", ftype: Ftype::Uint8, title: "Version", base: "BASE_DEC" },
    FieldDecl { name: "toy.kind", ftype: Ftype::Uint8, title: "Kind", base: "BASE_DEC" },
    FieldDecl { name: "toy.len", ftype: Ftype::Uint16, title: "Text length", base: "BASE_DEC" },
    FieldDecl { name: "toy.text", ftype: Ftype::String, title: "Text", base: "BASE_NONE" },
];

/// The decoded PDU; `None` fields were cut off.
struct Msg<'p> {
    version: Option<u8>,
    kind: Option<u8>,
    text: Option<&'p [u8]>,
}

fn decode(pdu: &[u8]) -> Msg<'_> {
    let len = (pdu.len() >= field::TEXT).then(|| usize::from(be16(pdu, field::LEN)));
    Msg {
        version: pdu.get(field::VERSION).copied(),
        kind: pdu.get(field::KIND).copied(),
        text: len.and_then(|n| pdu.get(field::TEXT..field::TEXT + n)),
    }
}

fn kind_name(kind: u8) -> &'static str {
    match kind {
        1 => "Hello",
        2 => "Bye",
        _ => "Unknown",
    }
}

impl Dissector for Toy {
    fn name(&self) -> &'static str {
        "toy"
    }

    fn title(&self) -> &'static str {
        "Toy Protocol"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "TOY"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::UdpPort(7777), Claim::Heuristic(Carrier::Udp)]
    }

    fn heuristic(&self, carrier: Carrier, pdu: &[u8]) -> bool {
        let m = decode(pdu);
        carrier == Carrier::Udp
            && m.version == Some(1)
            && matches!(m.kind, Some(1 | 2))
            && m.text.is_some_and(|t| field::TEXT + t.len() == pdu.len())
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        let m = decode(pdu);
        out.push_str(m.kind.map_or("[Malformed Packet]", kind_name));
        if let Some(t) = m.text {
            out.push_str(&format!(" \"{}\"", String::from_utf8_lossy(t)));
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, at: usize, t: &mut Tree) {
        let m = decode(pdu);
        t.at(0).proto("toy").bytes(at, pdu.len()).line(format_args!("Toy Protocol"));
        if let Some(v) = m.version {
            t.at(1)
                .field("toy.version", Ftype::Uint8, v)
                .bytes(at + field::VERSION, 1)
                .line(format_args!("Version: {v}"));
        }
        if let Some(k) = m.kind {
            let name = kind_name(k);
            t.at(1)
                .field("toy.kind", Ftype::Uint8, k)
                .bytes(at + field::KIND, 1)
                .line(format_args!("Kind: {name} ({k})"));
        }
        if let Some(text) = m.text {
            let n = text.len();
            t.at(1).field("toy.len", Ftype::Uint16, n).bytes(at + field::LEN, 2).line(format_args!("Text length: {n}"));
            let s = String::from_utf8_lossy(text);
            t.at(1).field("toy.text", Ftype::String, &s).bytes(at + field::TEXT, n).line(format_args!("Text: {s}"));
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], _ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let m = decode(pdu);
        match field {
            0 => out.extend(m.version.map(|v| Value::Uint(u64::from(v)))),
            1 => out.extend(m.kind.map(|k| Value::Uint(u64::from(k)))),
            2 => out.extend(m.text.map(|t| Value::Uint(t.len() as u64))),
            3 => out.extend(m.text.map(|t| Value::Str(String::from_utf8_lossy(t)))),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::sniff::capture::Frame;
    use crate::sniff::dissect::link::LinkType;
    use crate::sniff::fields::{parse_filter, FieldId};
    use crate::sniff::pipeline::{Facts, Pipeline};
    use crate::sniff::render::{detail, list, Style};
    use crate::sniff::tree::json::{self, JsonStyle};
    use crate::sniff::tree::Tree;
    use crate::sniff::value::FieldSource;

    /// IPv4 + UDP 40000 → 7777 + the toy PDU: version 1, hello, "hi".
    const FRAME: &[u8] = &[
        0x45, 0, 0, 34, 0, 1, 0, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1, // IPv4
        0x9c, 0x40, 0x1e, 0x61, 0, 14, 0, 0, // UDP
        1, 1, 0, 2, b'h', b'i', // toy
    ];

    #[test]
    fn a_registered_protocol_shows_in_every_view() {
        let mut pipe = Pipeline::new(LinkType::Ipv4, Facts::default());
        let p = pipe.process(&Frame { time: 0, len: FRAME.len() as u32, data: FRAME, origin: None });
        assert_eq!(list::protocol(&p), "TOY");
        let mut info = Vec::new();
        list::info(&mut info, &p).unwrap();
        assert_eq!(String::from_utf8(info).unwrap(), "Hello \"hi\"");
        assert_eq!(crate::sniff::dissect::frame::fields::protocols(&p), "ip:udp:toy");

        let kind = FieldId::from_name("toy.kind").expect("a registered field resolves");
        assert_eq!(kind.name(), "toy.kind");
        let mut vals = Vec::new();
        p.values(kind, &mut vals);
        assert_eq!(vals.iter().map(|v| v.to_string()).collect::<Vec<_>>(), ["1"]);
        assert!(parse_filter("toy.text == \"hi\" && toy.kind == 1").unwrap().matches(&p));
        assert!(!parse_filter("toy.kind == 2").unwrap().matches(&p));

        let mut tree = Tree::new();
        let mut text = Vec::new();
        detail::write(&mut text, &mut tree, &p, Style::default()).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(
            text.contains("\nToy Protocol\n    Version: 1\n    Kind: Hello (1)\n    Text length: 2\n    Text: hi\n"),
            "{text}"
        );
        assert!(!text.contains("Data ("), "{text}");

        let mut out = Vec::new();
        let f = json::Frame { tree: &tree, data: FRAME, time: 0 };
        json::frame(&mut out, &f, JsonStyle { ek: false, raw: true }, true).unwrap();
        let compact: String = String::from_utf8(out).unwrap().split_whitespace().collect();
        assert!(compact.contains(r#""toy.kind_raw":["01",29,1,0,4],"toy.kind":"1""#), "{compact}");

        let mut glossary = Vec::new();
        crate::sniff::glossary::write_fields(&mut glossary).unwrap();
        assert!(String::from_utf8(glossary).unwrap().contains("F\tKind\ttoy.kind\tFT_UINT8\ttoy\tBASE_DEC\t0x0\t\n"));
        assert!(crate::sniff::render::outline::is_protocol("toy"));
    }

    #[test]
    fn the_heuristic_finds_it_on_another_udp_port_but_not_a_lookalike() {
        let on_port = |port: u16, payload: &[u8]| {
            let mut f = FRAME[..28].to_vec();
            f[22..24].copy_from_slice(&port.to_be_bytes());
            f.extend(payload);
            let mut pipe = Pipeline::new(LinkType::Ipv4, Facts::default());
            let p = pipe.process(&Frame { time: 0, len: f.len() as u32, data: &f, origin: None });
            list::protocol(&p)
        };
        assert_eq!(on_port(9999, &FRAME[28..]), "TOY");
        // The declared length does not match: not the toy protocol.
        assert_eq!(on_port(9999, &[1, 1, 0, 9, b'h', b'i']), "UDP");
    }

    #[test]
    fn a_cut_pdu_is_decoded_as_far_as_it_goes() {
        let cut = &FRAME[..FRAME.len() - 1];
        let mut pipe = Pipeline::new(LinkType::Ipv4, Facts::default());
        let p = pipe.process(&Frame { time: 0, len: FRAME.len() as u32, data: cut, origin: None });
        let mut info = Vec::new();
        list::info(&mut info, &p).unwrap();
        assert_eq!(String::from_utf8(info).unwrap(), "Hello");
    }
}
