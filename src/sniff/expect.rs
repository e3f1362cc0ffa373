//! Connections one protocol announces for another: FTP's control connection
//! names the address and port of each data connection (RFC 959 §3.2, RFC 2428),
//! and the segments of that connection then belong to `ftp-data` whatever their
//! ports, as tshark hands a conversation to the dissector set on it. The
//! announcing protocol says what it announces ([`Dissector::expects`]) and what
//! the connection carries ([`Dissector::describes`]); this table keeps both for
//! one pass over a capture, bounded in size. UDP conversations are announced
//! the same way: a TFTP request names the client's port of the transfer (RFC
//! 1350 §4).

use crate::sniff::app::conv::ConvKey;
use crate::sniff::dissect::dissector::{Dissector, Host, Link};
use crate::sniff::dissect::registry::{self, Pdu};
use crate::sniff::tcp::Endpoint;
use std::collections::VecDeque;
use std::net::IpAddr;
use std::sync::Arc;

/// The most announcements kept; the oldest goes first.
const MAX_EXPECTED: usize = 1024;
/// The most bytes of a description kept.
const MAX_DESCRIBED: usize = 256;

/// One announced connection.
#[derive(Clone, Debug)]
struct Expected {
    /// The conversation that announced it.
    control: ConvKey,
    /// The end whose port is known.
    host: Endpoint,
    /// The other end's address.
    peer: IpAddr,
    /// The protocol that takes it (its index in the registry).
    dissector: u8,
    /// What its PDUs show of the announcement.
    link: Link,
    /// Whether the description settles the matter.
    settled: bool,
}

/// A connection some PDU announced, matched with a segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The protocol that takes the segment (its index in the registry).
    pub dissector: u8,
    /// The announced end's port.
    pub port: u16,
    /// Whether the segment goes to that end.
    pub to_port: bool,
    /// What the announcement says.
    pub link: Link,
}

/// The connections announced so far in a capture.
#[derive(Clone, Debug, Default)]
pub struct Expectations {
    /// Oldest first.
    entries: VecDeque<Expected>,
}

impl Expectations {
    /// Takes in the registered protocol's PDU `pdu` (its bytes `bytes`) of frame `frame`, a TCP
    /// segment from `src` to `dst`: an announcement is kept, a description
    /// goes to the conversation's latest announcement.
    pub fn learn(&mut self, pdu: &Pdu, bytes: &[u8], src: Endpoint, dst: Endpoint, frame: u32) {
        let d = pdu.dissector();
        let control = ConvKey::new(src, dst, true);
        if let Some(e) = d.expects(bytes, pdu.ctx) {
            let Some(dissector) = index_of(e.protocol) else { return };
            let at = |h: Host| match h {
                Host::Sender => src.ip,
                Host::Receiver => dst.ip,
                Host::Addr(a) => a,
            };
            // Port 0: the announcing segment's own port at that end.
            let port = match (e.port, e.host) {
                (0, Host::Sender) => src.port,
                (0, Host::Receiver) => dst.port,
                (p, _) => p,
            };
            if self.entries.len() == MAX_EXPECTED {
                self.entries.pop_front();
            }
            self.entries.push_back(Expected {
                control,
                host: Endpoint { ip: at(e.host), port },
                peer: at(e.peer),
                dissector,
                link: Link { setup_frame: frame, method: e.method, described: None },
                settled: false,
            });
        } else if let Some(desc) = d.describes(bytes, pdu.ctx) {
            let Some(last) = self.entries.iter_mut().rev().find(|x| x.control == control) else { return };
            if last.link.described.is_none() || (!last.settled && desc.settles) {
                let text = &desc.text[..desc.text.len().min(MAX_DESCRIBED)];
                last.link.described = Some((frame, Arc::from(String::from_utf8_lossy(text))));
                last.settled = desc.settles;
            }
        }
    }

    /// The latest connection announced before frame `frame` that a TCP segment
    /// from `src` to `dst` belongs to.
    pub fn find(&self, src: Endpoint, dst: Endpoint, frame: u32) -> Option<Found> {
        let x = self.entries.iter().rev().find(|x| {
            x.link.setup_frame < frame && ((src == x.host && dst.ip == x.peer) || (dst == x.host && src.ip == x.peer))
        })?;
        Some(Found { dissector: x.dissector, port: x.host.port, to_port: dst == x.host, link: x.link.clone() })
    }
}

/// The registry index of the protocol named `name`.
fn index_of(name: &str) -> Option<u8> {
    let i = registry::REGISTRY.iter().position(|d: &&dyn Dissector| d.name() == name)?;
    u8::try_from(i).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::dissector::Ctx;
    use std::net::Ipv4Addr;

    const CLIENT: Ipv4Addr = Ipv4Addr::new(172, 16, 16, 128);
    const SERVER: Ipv4Addr = Ipv4Addr::new(172, 16, 16, 121);

    fn ep(ip: Ipv4Addr, port: u16) -> Endpoint {
        Endpoint { ip: ip.into(), port }
    }

    /// FTP's PDU `bytes`, sent to port 21 when `request`.
    fn ftp(bytes: &[u8], request: bool) -> Pdu {
        let ctx = if request { Ctx::to(21) } else { Ctx::from(21) };
        Pdu { dissector: index_of("ftp").unwrap(), offset: 0, len: bytes.len(), ctx }
    }

    /// Frames of tickedoffdeveloper.pcapng's control connection, in order: the
    /// 227 reply (frame 60) and the STOR that follows it (frame 64).
    fn learn(t: &mut Expectations, frame: u32, line: &[u8], request: bool) {
        let (c, s) = (ep(CLIENT, 2558), ep(SERVER, 21));
        let (src, dst) = if request { (c, s) } else { (s, c) };
        t.learn(&ftp(line, request), line, src, dst, frame);
    }

    #[test]
    fn a_pasv_reply_announces_the_data_connection_and_the_next_transfer_command_describes_it() {
        let mut t = Expectations::default();
        learn(&mut t, 60, b"227 Entering Passive Mode (172,16,16,121,192,14)\r\n", false);
        learn(&mut t, 62, b"TYPE I\r\n", true);
        learn(&mut t, 64, b"STOR store4829-03222010.csv\r\n", true);
        learn(&mut t, 70, b"NOOP\r\n", true);
        let found = t.find(ep(CLIENT, 2559), ep(SERVER, 49166), 66).unwrap();
        assert_eq!(found.dissector, index_of("ftp-data").unwrap());
        assert_eq!((found.port, found.to_port), (49166, true));
        assert_eq!(found.link.setup_frame, 60);
        assert_eq!(found.link.method, "PASV");
        let (frame, text) = found.link.described.unwrap();
        assert_eq!((frame, &*text), (64, "STOR store4829-03222010.csv"));
        // Not before the announcement, not to another port or host.
        assert_eq!(t.find(ep(CLIENT, 2559), ep(SERVER, 49166), 60), None);
        assert_eq!(t.find(ep(CLIENT, 2559), ep(SERVER, 49167), 66), None);
        assert_eq!(t.find(ep(Ipv4Addr::new(10, 0, 0, 1), 2559), ep(SERVER, 49166), 66), None);
    }

    #[test]
    fn port_and_epsv_set_up_connections_as_tshark_does() {
        let mut t = Expectations::default();
        learn(&mut t, 5, b"PORT 172,16,16,128,7,208\r\n", true);
        let data = t.find(ep(SERVER, 20), ep(CLIENT, 2000), 6).unwrap();
        assert_eq!((data.link.method, data.port, data.to_port), ("PORT", 20, false));
        learn(&mut t, 9, b"229 Entering Extended Passive Mode (|||50000|)\r\n", false);
        let data = t.find(ep(CLIENT, 3000), ep(SERVER, 50000), 10).unwrap();
        assert_eq!((data.link.method, data.link.setup_frame), ("EPASV", 9));
    }

    #[test]
    fn the_table_stays_bounded() {
        let mut t = Expectations::default();
        for n in 0..(MAX_EXPECTED as u32 + 10) {
            learn(&mut t, n, b"229 Entering Extended Passive Mode (|||50000|)\r\n", false);
        }
        assert_eq!(t.entries.len(), MAX_EXPECTED);
        let long = [b"RETR ".as_slice(), &[b'a'; 1000], b"\r\n"].concat();
        learn(&mut t, 5000, &long, true);
        let found = t.find(ep(CLIENT, 1), ep(SERVER, 50000), 5001).unwrap();
        assert_eq!(found.link.described.unwrap().1.len(), MAX_DESCRIBED);
    }
}
