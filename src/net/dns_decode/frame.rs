//! Finding the DNS message inside a captured frame, with the sniffer's own
//! dissection ([`dissect_frame`]): over UDP the message is the datagram's payload
//! (RFC 1035 §4.2.1); over TCP it follows a 2-byte length prefix (RFC 1035
//! §4.2.2, RFC 7766 §8). Sans-I/O: frame bytes in, the message's place out.

use crate::proto::dns::{decode, HEADER_LEN};
use crate::sniff::dissect::dissect_frame;
use crate::sniff::dissect::dns::DEFAULT_PORTS;
use crate::sniff::dissect::link::LinkType;
use crate::sniff::packet::{Dissected, Transport};
use std::net::SocketAddr;

/// The UDP header (RFC 768).
const UDP_HEADER_LEN: usize = 8;
/// Bytes of the length prefix before each DNS message over TCP (RFC 1035 §4.2.2).
const TCP_LENGTH_PREFIX: usize = 2;

/// Link types a pasted frame is tried as, most likely first: Linux captures of
/// `lo` and Ethernet (EN10MB), `tcpdump -i any` (cooked v1 and v2), BSD and macOS
/// loopback (NULL), and raw IP.
const PASTE_LINKS: [LinkType; 5] =
    [LinkType::Ethernet, LinkType::LinuxSll, LinkType::LinuxSll2, LinkType::Null, LinkType::Raw];

/// Where a frame carries its DNS message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Found<'a> {
    /// The DNS message.
    pub message: &'a [u8],
    /// Its offset in the frame.
    pub offset: usize,
    /// The link type the frame was decoded as.
    pub link: LinkType,
    /// "UDP" or "TCP".
    pub transport: &'static str,
    /// Source and destination of the datagram or segment.
    pub from: Option<SocketAddr>,
    /// Destination.
    pub to: Option<SocketAddr>,
}

impl Found<'_> {
    /// One line saying where the message was found, for the user.
    pub fn describe(&self, frame_len: usize) -> String {
        let (link, _) = self.link.encapsulation();
        let path = match (self.from, self.to) {
            (Some(f), Some(t)) => format!(", {f} → {t}"),
            _ => String::new(),
        };
        let prefix = if self.transport == "TCP" { ", after its 2-byte length prefix" } else { "" };
        format!(
            "{link} frame of {frame_len} bytes: the DNS message is the {} payload{prefix}, bytes {}-{} ({} bytes){path}",
            self.transport,
            self.offset,
            self.offset + self.message.len().saturating_sub(1),
            self.message.len()
        )
    }
}

/// The DNS message in a frame of link type `link`, captured as `data` from
/// `wire_len` bytes on the wire; or why there is none, in a sentence.
pub fn dns_in_frame(link: LinkType, data: &[u8], wire_len: usize) -> Result<Found<'_>, String> {
    let d = dissect_frame(link, data, wire_len);
    let (from, to) = match d.endpoints() {
        Some((s, t)) => (Some(SocketAddr::new(s.ip, s.port)), Some(SocketAddr::new(t.ip, t.port))),
        None => (None, None),
    };
    let found = |message, offset, transport| Found { message, offset, link, transport, from, to };
    match d.transport {
        Transport::Udp(u) => {
            let payload = d.payload;
            if payload.len() < HEADER_LEN {
                return Err(format!(
                    "its UDP payload is {} bytes, too short for a DNS header ({HEADER_LEN} bytes)",
                    payload.len()
                ));
            }
            is_dns(payload, u.sport, u.dport, "UDP")?;
            Ok(found(payload, u.offset + UDP_HEADER_LEN, "UDP"))
        }
        Transport::Tcp(t) => {
            let payload = d.payload;
            if payload.is_empty() {
                return Err("it is a TCP segment without data (a handshake, ACK or close segment)".into());
            }
            if payload.len() < TCP_LENGTH_PREFIX {
                return Err("its TCP payload is 1 byte, too short for DNS's 2-byte length prefix".into());
            }
            let len = usize::from(u16::from_be_bytes([payload[0], payload[1]]));
            let held = payload.len() - TCP_LENGTH_PREFIX;
            if len > held {
                if on_dns_port(t.sport, t.dport) {
                    return Err(format!(
                        "DNS over TCP: the message is {len} bytes but this segment holds {held} of them; \
                         it continues in the next segments"
                    ));
                }
                return Err(not_dns("TCP", t.sport, t.dport, "its first 2 bytes are not the length of what follows"));
            }
            let message = &payload[TCP_LENGTH_PREFIX..TCP_LENGTH_PREFIX + len];
            is_dns(message, t.sport, t.dport, "TCP")?;
            Ok(found(message, t.offset + usize::from(t.hdr_len) + TCP_LENGTH_PREFIX, "TCP"))
        }
        _ => Err(no_transport(&d)),
    }
}

/// The DNS message in a pasted whole frame whose link type is unknown: the first
/// link type of [`PASTE_LINKS`] under which the frame decodes without error to a
/// UDP or TCP packet carrying DNS. `None` when none does (the bytes are then most
/// likely a DNS message on its own).
pub fn dns_in_pasted_frame(data: &[u8]) -> Option<Found<'_>> {
    PASTE_LINKS.iter().find_map(|&link| {
        let d = dissect_frame(link, data, data.len());
        let carries = matches!(d.transport, Transport::Udp(_) | Transport::Tcp(_)) && d.error.is_none();
        carries.then(|| dns_in_frame(link, data, data.len()).ok()).flatten()
    })
}

fn on_dns_port(sport: u16, dport: u16) -> bool {
    DEFAULT_PORTS.contains(&sport) || DEFAULT_PORTS.contains(&dport)
}

/// Accepts `message` as DNS when it is on a DNS port or decodes as a whole.
fn is_dns(message: &[u8], sport: u16, dport: u16, transport: &str) -> Result<(), String> {
    if on_dns_port(sport, dport) {
        return Ok(());
    }
    decode(message).map(|_| ()).map_err(|e| not_dns(transport, sport, dport, &format!("it does not decode ({e})")))
}

fn not_dns(transport: &str, sport: u16, dport: u16, why: &str) -> String {
    format!("its {transport} payload (port {sport} → {dport}) is not DNS: {why}")
}

/// Why a frame without UDP or TCP holds no DNS.
fn no_transport(d: &Dissected<'_>) -> String {
    if let Some(e) = d.error {
        return format!("it cannot be decoded as far as UDP or TCP: {e}");
    }
    match d.transport {
        Transport::Icmp(_) => "it is ICMP, not UDP or TCP: no DNS message (an ICMP error quotes only headers)".into(),
        Transport::Other(p) => format!("it carries IP protocol {p}, not UDP or TCP"),
        _ => "it carries no IP packet (ARP or another protocol), so no UDP or TCP".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// captures/dns-lab.pcap frame 1 (Ethernet, IPv4, UDP to port 10053): google.com A.
    const FRAME1: &str = "00 00 00 00 00 00 00 00 00 00 00 00 08 00 45 00 00 38 74 07 40 00 40 11 c8 ab 7f 00 \
        00 01 7f 00 00 01 c6 4b 27 45 00 24 fe 37 73 da 01 00 00 01 00 00 00 00 00 00 06 67 6f 6f 67 6c 65 03 63 \
        6f 6d 00 00 01 00 01";

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace().map(|b| u8::from_str_radix(b, 16).unwrap()).collect()
    }

    #[test]
    fn udp_frame_gives_its_payload() {
        let f = hex(FRAME1);
        let found = dns_in_frame(LinkType::Ethernet, &f, f.len()).unwrap();
        assert_eq!((found.offset, found.message.len(), found.transport), (42, 28, "UDP"));
        assert_eq!(&found.message[..2], &[0x73, 0xda]);
        assert_eq!(found.to, Some("127.0.0.1:10053".parse().unwrap()));
        assert_eq!(dns_in_pasted_frame(&f), Some(found));
        assert!(found
            .describe(f.len())
            .starts_with("Ethernet frame of 70 bytes: the DNS message is the UDP payload, bytes 42-69"));
    }

    #[test]
    fn a_bare_dns_message_is_not_taken_for_a_frame() {
        let f = hex(FRAME1);
        assert_eq!(dns_in_pasted_frame(&f[42..]), None);
    }

    #[test]
    fn tcp_dns_skips_the_length_prefix() {
        // IPv4 + TCP (20-byte header, PSH/ACK) to port 53 carrying 00 1c + the same query.
        let f = hex(FRAME1);
        let query = &f[42..];
        let mut ip = hex("45 00 00 00 00 01 40 00 40 06 00 00 7f 00 00 01 7f 00 00 01");
        let tcp = hex("c6 4b 00 35 00 00 00 01 00 00 00 01 50 18 ff ff 00 00 00 00");
        let total = ip.len() + tcp.len() + 2 + query.len();
        ip[2..4].copy_from_slice(&(total as u16).to_be_bytes());
        let mut frame = ip;
        frame.extend_from_slice(&tcp);
        frame.extend_from_slice(&(query.len() as u16).to_be_bytes());
        frame.extend_from_slice(query);
        let found = dns_in_frame(LinkType::Raw, &frame, frame.len()).unwrap();
        assert_eq!((found.offset, found.message, found.transport), (42, query, "TCP"));
        // Cut short: the message continues in the next segment.
        let cut = &frame[..frame.len() - 5];
        let mut short = cut.to_vec();
        short[2..4].copy_from_slice(&((total - 5) as u16).to_be_bytes());
        let e = dns_in_frame(LinkType::Raw, &short, short.len()).unwrap_err();
        assert!(e.contains("continues in the next segments"), "{e}");
    }

    #[test]
    fn frames_without_dns_say_why() {
        let f = hex(FRAME1);
        // The handshake's SYN has no payload: rebuild frame 1 as UDP with 4 bytes of data.
        let mut udp = f[..42].to_vec();
        udp.extend_from_slice(b"HELO");
        udp[16..18].copy_from_slice(&32u16.to_be_bytes());
        udp[38..40].copy_from_slice(&12u16.to_be_bytes());
        let e = dns_in_frame(LinkType::Ethernet, &udp, udp.len()).unwrap_err();
        assert!(e.contains("too short for a DNS header"), "{e}");
        let e = dns_in_frame(LinkType::Ethernet, &f[..20], 70).unwrap_err();
        assert!(e.contains("cannot be decoded"), "{e}");
    }
}
