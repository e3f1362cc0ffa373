//! The live view's data (`sniff --web`, `--capture --web`): the report page
//! with no packets, then Server-Sent Events that bring the packets in batches,
//! in the page's own encoding ([`Packets`]: rows, details, values and frames
//! chunks), and the lab views from time to time. Pure: the server sends what
//! this builds.
//!
//! Events, each one line of JSON:
//! - `fields`: field names and kinds from an index on (`names_at`, `names`,
//!   `kinds_at`, `kinds`); a batch carries the ones it adds or changes, and a
//!   viewer who connects later first gets them all;
//! - `packets`: a batch (`fields`, `rows`, `details`, `values`, `frames`);
//! - `views`: the lab views as one chunk, as the report page holds them;
//! - `dropped`, `end`: a sentence for the page to show before it closes.

use super::build::Collected;
use super::encode::chunk;
use super::packets::Packets;
use crate::sniff::packet::Packet;
use serde_json::{json, Value as Json};

/// The event with the field names and kinds.
pub const FIELDS: &str = "fields";
/// The event with a batch of packets.
pub const PACKETS: &str = "packets";
/// The event with the lab views.
pub const VIEWS: &str = "views";
/// The event telling a viewer it was dropped.
pub const DROPPED: &str = "dropped";
/// The event telling viewers the capture ended.
pub const END: &str = "end";
/// Where the page opens its event stream.
pub const EVENTS_PATH: &str = "/events";

/// One Server-Sent Event (HTML Living Standard §9.2): its name, then each
/// line of `data` as a `data:` line, then a blank line.
pub fn sse(event: &str, data: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + event.len() + 16);
    out.extend_from_slice(b"event: ");
    out.extend_from_slice(event.as_bytes());
    out.push(b'\n');
    for line in data.split('\n') {
        out.extend_from_slice(b"data: ");
        out.extend_from_slice(line.trim_end_matches('\r').as_bytes());
        out.push(b'\n');
    }
    out.push(b'\n');
    out
}

/// Encodes the packets of a live capture as they come.
pub struct LiveEncoder {
    packets: Packets,
    /// Names the viewers have (the first ones).
    names_sent: usize,
    /// Kinds as the viewers have them.
    kinds_sent: Vec<&'static str>,
    /// What the lab views take from the packets.
    collected: Collected,
    /// Batches that added or changed a field name or kind.
    field_changes: usize,
}

impl LiveEncoder {
    /// An encoder with no packets yet.
    pub fn new() -> Result<LiveEncoder, String> {
        let packets = Packets::new()?;
        let (names, kinds) = packets.fields();
        let (names_sent, kinds_sent) = (names.len(), kinds.to_vec());
        Ok(LiveEncoder { packets, names_sent, kinds_sent, collected: Collected::default(), field_changes: 0 })
    }

    /// The page's data before any packet (`title` names the capture, `filter`
    /// is the display filter its packets pass): the report page's, with `live`
    /// telling the page where its events come from.
    pub fn page_data(title: &str, filter: Option<&str>) -> Result<Json, String> {
        let mut packets = Packets::new()?.finish();
        packets["starts"] = json!([]);
        Ok(json!({
            "file": title,
            "filter": filter,
            "packets": packets,
            "open_stream": null,
            "views": chunk(&json!({ "streams": [], "dns": [], "http": [], "worksheet": "" })),
            "live": { "events": EVENTS_PATH },
        }))
    }

    /// Adds one packet.
    pub fn push(&mut self, p: &Packet<'_>) {
        self.packets.push(p);
        self.collected.push(p);
    }

    /// The packets pushed since the last batch, as the data of a
    /// [`PACKETS`] event; None when there were none.
    pub fn batch(&mut self) -> Option<String> {
        let [rows, details, values, frames] = self.packets.take_chunk()?;
        let fields = self.fields_update();
        Some(
            json!({ "fields": fields, "rows": rows, "details": details, "values": values, "frames": frames })
                .to_string(),
        )
    }

    /// The names and kinds new or changed since the last batch.
    fn fields_update(&mut self) -> Json {
        let (names, kinds) = self.packets.fields();
        let kinds_at = kinds.iter().zip(&self.kinds_sent).position(|(a, b)| a != b).unwrap_or(self.kinds_sent.len());
        let update = json!({
            "names_at": self.names_sent,
            "names": &names[self.names_sent..],
            "kinds_at": kinds_at,
            "kinds": &kinds[kinds_at..],
        });
        if names.len() > self.names_sent || kinds_at < kinds.len() {
            self.field_changes += 1;
        }
        self.names_sent = names.len();
        self.kinds_sent = kinds.to_vec();
        update
    }

    /// Every name and kind the batches so far carried, as the data of a
    /// [`FIELDS`] event (for a viewer who connects after them).
    pub fn fields(&self) -> String {
        let (names, _) = self.packets.fields();
        json!({ "names_at": 0, "names": &names[..self.names_sent], "kinds_at": 0, "kinds": self.kinds_sent })
            .to_string()
    }

    /// How many batches added or changed a field name or kind: when it grows,
    /// [`fields`](Self::fields) is news for later viewers.
    pub fn field_changes(&self) -> usize {
        self.field_changes
    }

    /// The TCP streams whose views are drawn, in the order they were met.
    pub fn streams(&self) -> &[u32] {
        &self.collected.streams
    }

    /// The data of a [`VIEWS`] event: `streams` (each of
    /// [`super::views::stream`]), the DNS and HTTP messages so far, the worksheet.
    pub fn views(&self, streams: Vec<Json>, worksheet: &str) -> String {
        let c = &self.collected;
        let v = json!({ "streams": streams, "dns": c.dns, "http": c.http, "worksheet": worksheet });
        json!({ "views": chunk(&v) }).to_string()
    }
}

/// The data of a [`DROPPED`] or [`END`] event: the sentence to show.
pub fn notice(text: &str) -> String {
    json!({ "text": text }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_has_its_name_then_one_data_line_per_line() {
        assert_eq!(sse("end", r#"{"a":1}"#), b"event: end\ndata: {\"a\":1}\n\n");
        assert_eq!(sse("x", "a\r\nb"), b"event: x\ndata: a\ndata: b\n\n");
    }

    #[test]
    fn json_data_is_one_line() {
        let text = notice("two\nlines");
        assert!(!text.contains('\n'), "{text}");
        assert_eq!(sse(DROPPED, &text).iter().filter(|&&b| b == b'\n').count(), 3);
    }

    /// IPv4 + UDP 40000 → 9: "hi".
    const UDP: &[u8] = &[
        0x45, 0, 0, 30, 0, 1, 0, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1, // IPv4
        0x9c, 0x40, 0, 9, 0, 10, 0, 0, b'h', b'i', // UDP
    ];

    /// A base64 gzip chunk as JSON.
    fn inflate(b64: &str) -> Json {
        use std::io::Read;
        const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let value = |c: u8| ALPHABET.find(char::from(c)).unwrap_or(0) as u8;
        let digits: Vec<u8> = b64.bytes().filter(|&c| c != b'=').map(value).collect();
        let mut z = Vec::new();
        for g in digits.chunks(4) {
            let n = g.iter().enumerate().fold(0u32, |n, (i, &d)| n | u32::from(d) << (18 - 6 * i));
            z.extend_from_slice(&n.to_be_bytes()[1..g.len()]);
        }
        let mut text = String::new();
        flate2::read::GzDecoder::new(&z[..]).read_to_string(&mut text).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn a_batch_holds_the_packets_since_the_last_in_the_pages_encoding() {
        use crate::sniff::capture::Frame;
        use crate::sniff::dissect::link::LinkType;
        use crate::sniff::pipeline::{Facts, Pipeline};
        let mut e = LiveEncoder::new().unwrap();
        let mut pipe = Pipeline::new(LinkType::Ipv4, Facts::default());
        let mut send = |e: &mut LiveEncoder, n: usize| {
            for _ in 0..n {
                e.push(&pipe.process(&Frame { time: 0, len: UDP.len() as u32, data: UDP, origin: None }));
            }
        };
        send(&mut e, 2);
        let first: Json = serde_json::from_str(&e.batch().unwrap()).unwrap();
        let rows = inflate(first["rows"].as_str().unwrap());
        assert_eq!((rows[0][0].clone(), rows[1][0].clone(), rows[0][4].clone()), (json!(1), json!(2), json!("UDP")));
        assert_eq!(inflate(first["details"].as_str().unwrap())["p"].as_array().unwrap().len(), 2);
        assert_eq!(inflate(first["values"].as_str().unwrap())["l"], json!([30, 30]));
        let udp_kind = first["fields"]["kinds"].as_array().unwrap();
        assert!(udp_kind.contains(&json!("p")), "the protocols met change kind: {}", first["fields"]);
        assert_eq!(e.field_changes(), 1);
        assert!(e.batch().is_none(), "nothing new");
        send(&mut e, 1);
        let second: Json = serde_json::from_str(&e.batch().unwrap()).unwrap();
        assert_eq!(inflate(second["rows"].as_str().unwrap())[0][0], json!(3));
        assert_eq!(second["fields"]["names"], json!([]), "no new names");
        assert_eq!(second["fields"]["kinds"], json!([]), "no kind changed");
        assert_eq!(e.field_changes(), 1);
        let all: Json = serde_json::from_str(&e.fields()).unwrap();
        let at = first["fields"]["kinds_at"].as_u64().unwrap() as usize;
        assert_eq!(all["kinds"][at], first["fields"]["kinds"][0], "a late viewer gets the kinds as changed");
        let views: Json = serde_json::from_str(&e.views(Vec::new(), "sheet")).unwrap();
        assert_eq!(inflate(views["views"].as_str().unwrap())["worksheet"], json!("sheet"));
    }

    #[test]
    fn no_batch_without_packets() {
        let mut e = LiveEncoder::new().unwrap();
        assert!(e.batch().is_none());
        let fields: Json = serde_json::from_str(&e.fields()).unwrap();
        let page = LiveEncoder::page_data("lo", Some("udp")).unwrap();
        assert_eq!(page["filter"], json!("udp"));
        assert_eq!(fields["names"], page["packets"]["fields"], "a late viewer gets the page's names");
        assert_eq!(page["live"]["events"], json!(EVENTS_PATH));
        assert_eq!(page["packets"]["count"], json!(0));
    }
}
