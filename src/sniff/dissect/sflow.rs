//! sFlow (sFlow version 5, sflow.org; versions 2 and 4 share the header): a
//! switch or router (the agent) samples packets and interface counters and
//! sends them to a collector on UDP 6343. A datagram holds a header — version,
//! the agent's address, sub-agent ID, sequence number, uptime and the number
//! of samples — then the samples, each a type, a length and its records
//! (sFlow v5 §5: `sample_data`, `flow_record`, `counter_record`). The Info
//! column sums up the header as tshark does (`V5, agent 30::1:1:1, sub-agent
//! ID 0, seq 109, 1 samples`).

use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use super::frame::malformed;
use crate::proto::bytes::be32_at;
use crate::sniff::tree::draw::masked_bits;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The sFlow dissector.
pub struct Sflow;

/// sFlow's UDP port (IANA `sflow`).
const UDP_PORT: u16 = 6343;

/// The versions tshark decodes; other first words are not sFlow.
const VERSIONS: [u32; 3] = [2, 4, 5];

/// Agent address types (sFlow v5 `address_type`).
const AGENT_IPV4: u32 = 1;
const AGENT_IPV6: u32 = 2;

/// Sample types of enterprise 0 (sFlow v5 §5).
mod sample {
    pub const FLOW: u32 = 1;
    pub const COUNTERS: u32 = 2;
    pub const EXPANDED_FLOW: u32 = 3;
    pub const EXPANDED_COUNTERS: u32 = 4;
}

/// The low 12 bits of a data format: the format; the high 20: the enterprise.
const FORMAT_MASK: u32 = 0x0fff;
const FORMAT_BITS: u32 = 12;

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "sflow", ftype: Ftype::Protocol, title: "InMon sFlow", base: "" },
    FieldDecl { name: "sflow_245.version", ftype: Ftype::Uint32, title: "Datagram version", base: "BASE_DEC" },
    FieldDecl { name: "sflow_245.agenttype", ftype: Ftype::Uint32, title: "Agent address type", base: "BASE_DEC" },
    FieldDecl { name: "sflow_245.agent", ftype: Ftype::Ipv4, title: "agent address", base: "" },
    FieldDecl { name: "sflow_245.agent.v6", ftype: Ftype::Ipv6, title: "agent address", base: "" },
    FieldDecl { name: "sflow_245.sub_agent_id", ftype: Ftype::Uint32, title: "Sub-agent ID", base: "BASE_DEC" },
    FieldDecl { name: "sflow_245.sequence_number", ftype: Ftype::Uint32, title: "Sequence number", base: "BASE_DEC" },
    FieldDecl { name: "sflow_245.sysuptime", ftype: Ftype::Uint32, title: "SysUptime", base: "BASE_DEC" },
    FieldDecl { name: "sflow_245.numsamples", ftype: Ftype::Uint32, title: "NumSamples", base: "BASE_DEC" },
    FieldDecl { name: "sflow_245.sampletype", ftype: Ftype::Uint32, title: "sFlow sample type", base: "BASE_DEC" },
    FieldDecl { name: "sflow_5.sample_length", ftype: Ftype::Uint32, title: "Sample length (byte)", base: "BASE_DEC" },
    FieldDecl {
        name: "sflow_5.flow_data_length",
        ftype: Ftype::Uint32,
        title: "Flow data length (byte)",
        base: "BASE_DEC",
    },
];

/// The datagram header (sFlow v5 `sample_datagram_v5`), as far as it goes.
#[derive(Debug, Default)]
struct Header {
    version: u32,
    /// The agent's address, when its type is known and its bytes are there.
    agent: Option<IpAddr>,
    agent_type: Option<u32>,
    /// Sub-agent ID (version 5 only), sequence number, uptime, samples.
    sub_agent: Option<u32>,
    seq: Option<u32>,
    uptime: Option<u32>,
    samples: Option<u32>,
    /// Where the samples start.
    end: usize,
}

/// Reads the header; stops where the bytes or the agent type run out.
fn header(pdu: &[u8]) -> Header {
    let mut h = Header { version: be32_at(pdu, 0).unwrap_or_default(), ..Header::default() };
    h.agent_type = be32_at(pdu, 4);
    let mut at = 8;
    h.agent = match h.agent_type {
        Some(AGENT_IPV4) => pdu.get(at..at + 4).and_then(|b| <[u8; 4]>::try_from(b).ok()).map(|b| {
            at += 4;
            IpAddr::V4(Ipv4Addr::from(b))
        }),
        Some(AGENT_IPV6) => pdu.get(at..at + 16).and_then(|b| <[u8; 16]>::try_from(b).ok()).map(|b| {
            at += 16;
            IpAddr::V6(Ipv6Addr::from(b))
        }),
        _ => None,
    };
    if h.agent.is_none() {
        return h;
    }
    let mut next = || {
        let v = be32_at(pdu, at);
        at += 4;
        v
    };
    if h.version == 5 {
        h.sub_agent = next();
    }
    h.seq = next();
    h.uptime = next();
    h.samples = next();
    h.end = at;
    h
}

/// Wireshark's name of a standard sample type.
fn sample_name(t: u32) -> &'static str {
    match t {
        sample::FLOW => "Flow sample",
        sample::COUNTERS => "Counters sample",
        sample::EXPANDED_FLOW => "Expanded flow sample",
        sample::EXPANDED_COUNTERS => "Expanded counters sample",
        _ => "Unknown sample type",
    }
}

/// Wireshark's name of a standard flow record format (sFlow v5 §5.2).
fn flow_record_name(f: u32) -> &'static str {
    match f {
        1 => "Raw packet header",
        2 => "Ethernet frame data",
        3 => "IPv4 data",
        4 => "IPv6 data",
        1001 => "Extended switch data",
        1002 => "Extended router data",
        1003 => "Extended gateway data",
        1004 => "Extended user data",
        1005 => "Extended url data",
        1006 => "Extended MPLS data",
        1007 => "Extended NAT data",
        1008 => "Extended MPLS tunnel",
        1009 => "Extended MPLS VC",
        1010 => "Extended MPLS FEC",
        1011 => "Extended MPLS LVP FEC",
        1012 => "Extended VLAN tunnel",
        _ => "Unknown flow record format",
    }
}

/// Wireshark's name of a standard counters record format (sFlow v5 §5.3).
fn counters_record_name(f: u32) -> &'static str {
    match f {
        1 => "Generic interface counters",
        2 => "Ethernet interface counters",
        3 => "Token ring counters",
        4 => "100 Base VG interface counters",
        5 => "VLAN counters",
        1001 => "Processor information",
        _ => "Unknown sample format",
    }
}

/// The standard counters record formats tshark decodes (sFlow v5 §5.3).
const KNOWN_COUNTERS: [u32; 6] = [1, 2, 3, 4, 5, 1001];

/// The samples (sFlow v5 §5); false when one runs past the datagram.
fn samples(pdu: &[u8], h: &Header, o: usize, t: &mut Tree) -> bool {
    let mut at = h.end;
    for _ in 0..h.samples.unwrap_or_default() {
        let (Some(kind), Some(len)) = (be32_at(pdu, at), be32_at(pdu, at + 4)) else { return false };
        let body = at + 8;
        let Some(end) = usize::try_from(len).ok().and_then(|l| body.checked_add(l)).filter(|&e| e <= pdu.len()) else {
            return false;
        };
        let (enterprise, format) = (kind >> FORMAT_BITS, kind & FORMAT_MASK);
        let seq = be32_at(pdu, body);
        let name = if enterprise == 0 { sample_name(format) } else { "Unknown enterprise format" };
        match seq {
            Some(s) if enterprise == 0 => t.at(1).bytes(o + at, end - at).line(format_args!("{name}, seq {s}")),
            _ => t.at(1).bytes(o + at, end - at).line(format_args!("{name}")),
        }
        t.at(2).bytes(o + at, 4).line(format_args!(
            "{} = Enterprise: {}",
            masked_bits(u64::from(kind), 0xffff_f000, 32),
            enterprise_name(enterprise)
        ));
        t.at(2).field("sflow_245.sampletype", Ftype::Uint32, kind).bytes(o + at, 4).line(format_args!(
            "{} = sFlow sample type: {} ({format})",
            masked_bits(u64::from(kind), u64::from(FORMAT_MASK), 32),
            sample_name(format)
        ));
        t.at(2)
            .field("sflow_5.sample_length", Ftype::Uint32, len)
            .bytes(o + at + 4, 4)
            .line(format_args!("Sample length (byte): {len}"));
        if enterprise == 0 && !records(&pdu[..end], body, format, o, t) {
            return false;
        }
        at = end;
    }
    true
}

/// Wireshark's words for an enterprise number.
fn enterprise_name(e: u32) -> String {
    if e == 0 {
        "standard sFlow (0)".into()
    } else {
        format!("Non-standard sFlow ({e})")
    }
}

/// The records of a standard sample whose body starts at `body`; false when
/// one runs past the sample.
fn records(s: &[u8], body: usize, kind: u32, o: usize, t: &mut Tree) -> bool {
    // Where the record count is, after the sample's fixed fields (sFlow v5 §5).
    let (count_at, flow) = match kind {
        sample::FLOW => (body + 28, true),
        sample::COUNTERS => (body + 8, false),
        sample::EXPANDED_FLOW => (body + 44, true),
        sample::EXPANDED_COUNTERS => (body + 12, false),
        _ => return true,
    };
    let Some(count) = be32_at(s, count_at) else { return false };
    let mut at = count_at + 4;
    for _ in 0..count {
        let (Some(format), Some(len)) = (be32_at(s, at), be32_at(s, at + 4)) else { return false };
        if !flow && format >> FORMAT_BITS == 0 && !KNOWN_COUNTERS.contains(&(format & FORMAT_MASK)) {
            // tshark names a standard counters format it does not know and
            // reads on right after the record's header, not after its length.
            t.at(2).bytes(o + at, 8).line(format_args!("{}", counters_record_name(format)));
            at += 8;
            continue;
        }
        let Some(end) = usize::try_from(len).ok().and_then(|l| (at + 8).checked_add(l)).filter(|&e| e <= s.len())
        else {
            return false;
        };
        let (enterprise, f) = (format >> FORMAT_BITS, format & FORMAT_MASK);
        let name = match (enterprise, flow) {
            (0, true) => flow_record_name(f),
            (0, false) => counters_record_name(f),
            _ => "Unknown enterprise format",
        };
        t.at(2).bytes(o + at, end - at).line(format_args!("{name}"));
        t.at(3)
            .field("sflow_5.flow_data_length", Ftype::Uint32, len)
            .bytes(o + at + 4, 4)
            .line(format_args!("Flow data length (byte): {len}"));
        at = end;
    }
    true
}

/// Whether the datagram decodes whole, as tshark finds it.
fn whole(pdu: &[u8]) -> bool {
    let h = header(pdu);
    h.samples.is_some() && samples(pdu, &h, 0, &mut Tree::new())
}

impl Dissector for Sflow {
    fn name(&self) -> &'static str {
        "sflow"
    }

    fn title(&self) -> &'static str {
        "InMon sFlow"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "sFlow"
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::UdpPort(UDP_PORT)]
    }

    fn accepts(&self, pdu: &[u8]) -> bool {
        be32_at(pdu, 0).is_some_and(|v| VERSIONS.contains(&v))
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        let h = header(pdu);
        let _ = write!(out, "V{}", h.version);
        if let (Some(agent), Some(seq), Some(n)) = (h.agent, h.seq, h.samples) {
            let _ = write!(out, ", agent {agent}");
            if let Some(sub) = h.sub_agent {
                let _ = write!(out, ", sub-agent ID {sub}");
            }
            let _ = write!(out, ", seq {seq}, {n} samples");
        }
        if !whole(pdu) {
            out.push_str("[Malformed Packet]");
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, t: &mut Tree) {
        t.at(0).proto("sflow").bytes(o, pdu.len()).line(format_args!("InMon sFlow"));
        let h = header(pdu);
        t.at(1)
            .field("sflow_245.version", Ftype::Uint32, h.version)
            .bytes(o, 4)
            .line(format_args!("Datagram version: {}", h.version));
        if let Some(ty) = h.agent_type {
            let name = match ty {
                AGENT_IPV4 => "IPv4",
                AGENT_IPV6 => "IPv6",
                _ => "Unknown",
            };
            t.at(1)
                .field("sflow_245.agenttype", Ftype::Uint32, ty)
                .bytes(o + 4, 4)
                .line(format_args!("Agent address type: {name} ({ty})"));
        }
        match h.agent {
            Some(a @ IpAddr::V4(_)) => t
                .at(1)
                .field("sflow_245.agent", Ftype::Ipv4, a)
                .bytes(o + 8, 4)
                .line(format_args!("Agent address: {a}")),
            Some(a @ IpAddr::V6(_)) => t
                .at(1)
                .field("sflow_245.agent.v6", Ftype::Ipv6, a)
                .bytes(o + 8, 16)
                .line(format_args!("Agent address: {a}")),
            None => {
                malformed(t, "sFlow");
                return;
            }
        }
        let mut at = h.end - 12 - if h.sub_agent.is_some() { 4 } else { 0 };
        let mut item = |name: &'static str, v: Option<u32>, text: &dyn Fn(u32) -> String| {
            if let Some(v) = v {
                t.at(1).field(name, Ftype::Uint32, v).bytes(o + at, 4).line(format_args!("{}", text(v)));
                at += 4;
            }
        };
        item("sflow_245.sub_agent_id", h.sub_agent, &|v| format!("Sub-agent ID: {v}"));
        item("sflow_245.sequence_number", h.seq, &|v| format!("Sequence number: {v}"));
        item("sflow_245.sysuptime", h.uptime, &|v| format!("SysUptime: {} ({v}ms)", uptime(v)));
        item("sflow_245.numsamples", h.samples, &|v| format!("NumSamples: {v}"));
        if h.samples.is_none() || !samples(pdu, &h, o, t) {
            malformed(t, "sFlow");
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let Some(f) = FIELDS.get(field) else { return };
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, f.name, f.ftype, &mut owned);
        out.extend(owned);
    }
}

/// Milliseconds of uptime in tshark's words: `1 minute, 53 seconds`.
fn uptime(ms: u32) -> String {
    let secs = ms / 1000;
    let parts = [(secs / 86_400, "day"), (secs / 3600 % 24, "hour"), (secs / 60 % 60, "minute"), (secs % 60, "second")];
    let words: Vec<String> = parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n} {unit}{}", if *n == 1 { "" } else { "s" }))
        .collect();
    if words.is_empty() {
        "0 seconds".into()
    } else {
        words.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::info_of;

    /// sflow-print-v6.pcap frame 1's header (an IPv6 agent, seq 109) and a
    /// counters sample with one empty record.
    fn datagram() -> Vec<u8> {
        let mut d = vec![0, 0, 0, 5, 0, 0, 0, 2, 0, 0x30, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1];
        d.extend([0, 0, 0, 0, 0, 0, 0, 109, 0, 1, 0xb9, 0x68, 0, 0, 0, 1]);
        d.extend([0, 0, 0, 2, 0, 0, 0, 20, 0, 0, 0, 28, 0, 0, 0x59, 0xd9, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0]);
        d
    }

    #[test]
    fn info_sums_up_the_header() {
        assert_eq!(
            info_of(&Sflow, &datagram(), Ctx::default()),
            "V5, agent 30::1:1:1, sub-agent ID 0, seq 109, 1 samples"
        );
        let mut t = Tree::new();
        Sflow.tree(&datagram(), Ctx::default(), 0, &mut t);
        let l: Vec<&str> = t.items().iter().map(|i| t.display(i)).collect();
        assert!(l.contains(&"SysUptime: 1 minute, 53 seconds (113000ms)"), "{l:?}");
        assert!(l.contains(&"Counters sample, seq 28"), "{l:?}");
        assert!(l.contains(&"Ethernet interface counters"), "{l:?}");
    }

    #[test]
    fn a_sample_past_the_end_is_malformed_and_cuts_never_panic() {
        let d = datagram();
        for n in 0..d.len() {
            let info = info_of(&Sflow, &d[..n], Ctx::default());
            assert!(info.ends_with("[Malformed Packet]"), "{n}: {info}");
            Sflow.tree(&d[..n], Ctx::default(), 0, &mut Tree::new());
        }
        assert_eq!(info_of(&Sflow, &d[..12], Ctx::default()), "V5[Malformed Packet]");
        assert!(!Sflow.accepts(&[0, 5, 0, 1]));
    }
}
