//! Frame → annotated [`Packet`]: dissect, run the TCP/UDP/ICMP trackers, attach
//! what a first pass learned about the future ([`Facts`]), and pick a teaching
//! note. Used by `read` (twice per file, like `tshark -2`) and by live capture.

use crate::sniff::capture::Frame;
use crate::sniff::dissect::{dissect, proto};
use crate::sniff::hash::FxHashMap;
use crate::sniff::icmp::{DatagramKey, EchoMatcher, Recent};
use crate::sniff::link::LinkType;
use crate::sniff::packet::{Dissected, Net, Note, Packet, Transport};
use crate::sniff::tcp::{analysis, flags, Direction, Endpoint, Segment, SegmentInfo, Stream, Tracker};
use crate::sniff::udp::UdpTracker;
use crate::sniff::value::Nanos;

/// What only the end of the capture knows, learned by a first pass.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    /// What the end of every TCP stream knows, by stream index.
    pub streams: Vec<StreamFacts>,
    /// Echo request frame → the frame of its reply.
    pub echo_reply: FxHashMap<u32, u32>,
}

/// The final state of one TCP stream after the first pass: what `tshark -2`
/// shows on every frame of the stream (see the `tcp` module's notes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StreamFacts {
    /// First-pass completeness bits.
    pub completeness: u8,
    /// Bits of the first segment that count from the stream's second frame on.
    pub completeness_late: u8,
    /// The stream's first frame.
    pub first_frame: u32,
    /// Initial RTT (0: unknown).
    pub irtt: Nanos,
    /// Final window shift per direction (client→server, server→client): 0..=14, -1 unknown, -2 unused.
    pub shift: [i8; 2],
}

impl StreamFacts {
    fn of(s: &Stream) -> StreamFacts {
        StreamFacts {
            completeness: s.completeness,
            completeness_late: s.completeness_late,
            first_frame: s.first_frame,
            irtt: s.irtt.unwrap_or(0),
            shift: [s.window_shift(Direction::ClientToServer), s.window_shift(Direction::ServerToClient)],
        }
    }

    /// `tcp.completeness` as shown on `frame`.
    pub fn completeness_shown(&self, frame: u32) -> u8 {
        if frame > self.first_frame {
            self.completeness | self.completeness_late
        } else {
            self.completeness
        }
    }

    /// Applies the final window scale, iRTT to what the tracker said about a segment.
    fn apply(&self, info: &mut SegmentInfo, flags: u16, raw_window: u16) {
        info.irtt = if info.has_analysis { self.irtt } else { 0 };
        if flags & flags::SYN != 0 {
            return;
        }
        let dir = usize::from(info.direction == Some(Direction::ServerToClient));
        let shift = self.shift[dir];
        if shift >= 0 {
            info.window_size = i64::from(u32::from(raw_window) << shift);
            info.scalefactor = 1 << shift;
        } else {
            info.window_size = i64::from(raw_window);
            info.scalefactor = i32::from(shift);
        }
    }
}

/// Per-stream progress of the handshake and teardown, for the notes.
mod conn {
    /// The SYN was seen.
    pub const SYN: u8 = 1;
    /// The SYN-ACK was seen.
    pub const SYN_ACK: u8 = 2;
    /// The handshake's final ACK was seen.
    pub const DONE: u8 = 4;
    /// The client sent a FIN.
    pub const FIN_CLIENT: u8 = 8;
    /// The server sent a FIN.
    pub const FIN_SERVER: u8 = 16;
}

/// The trackers and counters of one pass over a capture.
pub struct Pipeline {
    link: LinkType,
    tcp: Tracker,
    udp: UdpTracker,
    recent: Recent,
    echo: EchoMatcher,
    conn: Vec<u8>,
    facts: Facts,
    learned_echo: FxHashMap<u32, u32>,
    frame: u32,
    first_time: Option<Nanos>,
    prev_time: Nanos,
    learning: bool,
    track_tcp: bool,
}

impl Pipeline {
    /// A pipeline for frames of link type `link`, using `facts` from a first pass
    /// (empty facts on the first pass itself).
    pub fn new(link: LinkType, facts: Facts) -> Pipeline {
        Pipeline {
            link,
            tcp: Tracker::new(),
            udp: UdpTracker::new(),
            recent: Recent::new(),
            echo: EchoMatcher::new(),
            conn: Vec::new(),
            facts,
            learned_echo: FxHashMap::default(),
            frame: 0,
            first_time: None,
            prev_time: 0,
            learning: false,
            track_tcp: true,
        }
    }

    /// A pipeline for a first pass that only learns [`Facts`]: echo pairs, and
    /// the TCP streams' final completeness when `track_tcp`; it skips everything
    /// only rendering needs.
    pub fn learning(link: LinkType, track_tcp: bool) -> Pipeline {
        Pipeline { learning: true, track_tcp, ..Pipeline::new(link, Facts::default()) }
    }

    /// The TCP tracker (for stream endpoints and ISNs).
    pub fn tcp(&self) -> &Tracker {
        &self.tcp
    }

    /// Everything this pass learned, for the next one.
    pub fn into_facts(self) -> Facts {
        Facts { streams: self.tcp.streams().iter().map(StreamFacts::of).collect(), echo_reply: self.learned_echo }
    }

    /// Decodes and tracks the next frame.
    pub fn process<'a>(&mut self, frame: &Frame<'a>) -> Packet<'a> {
        self.frame += 1;
        let first = *self.first_time.get_or_insert(frame.time);
        let delta = if self.frame == 1 { 0 } else { frame.time - self.prev_time };
        self.prev_time = frame.time;
        let mut p = Packet {
            number: self.frame,
            time: frame.time,
            rel: frame.time - first,
            delta,
            len: frame.len,
            data: frame.data,
            d: dissect(self.link, frame.data),
            tcp: None,
            completeness: 0,
            udp_stream: None,
            quoted_udp_stream: None,
            echo_peer: None,
            note: Note::None,
        };
        match &p.d.transport {
            Transport::Tcp(_) if self.track_tcp => self.track_tcp(&mut p),
            Transport::Udp(_) if !self.learning => {
                if let Some((src, dst)) = p.d.endpoints() {
                    p.udp_stream = Some(self.udp.process(src, dst));
                    self.remember(&p.d, proto::UDP, p.number);
                }
            }
            Transport::Icmp(i) => {
                if i.is_error() && !self.learning {
                    self.link_icmp_error(&mut p);
                } else if i.is_echo() {
                    self.match_echo(&mut p);
                }
            }
            _ => {}
        }
        p
    }

    /// Remembers a UDP/TCP datagram so that a later ICMP error can point at it.
    fn remember(&mut self, d: &Dissected<'_>, proto: u8, frame: u32) {
        if let Some(key) = datagram_key(&d.net, &d.transport, proto) {
            self.recent.remember(key, frame);
        }
    }

    fn track_tcp(&mut self, p: &mut Packet<'_>) {
        let Transport::Tcp(h) = &p.d.transport else { return };
        let Some((src, dst)) = p.d.endpoints() else { return };
        let seg = Segment {
            frame: p.number,
            time: p.time,
            src,
            dst,
            seq: h.seq,
            ack: h.ack,
            flags: h.flags,
            window: h.window,
            payload_len: h.payload_len,
            options: h.options,
        };
        let mut info = self.tcp.process(&seg);
        if self.learning {
            return;
        }
        match self.facts.streams.get(info.stream as usize) {
            Some(f) => {
                p.completeness = f.completeness_shown(p.number);
                f.apply(&mut info, h.flags, h.window);
            }
            None => p.completeness = self.tcp.stream(info.stream).map_or(0, |s| s.completeness_shown(p.number)),
        }
        p.tcp = Some(info);
        self.remember(&p.d, proto::TCP, p.number);
        p.note = self.tcp_note(&seg, &info);
    }

    /// The teaching note of a TCP segment: handshake steps, closes, resets, analysis.
    fn tcp_note(&mut self, seg: &Segment, info: &SegmentInfo) -> Note {
        let idx = info.stream as usize;
        if self.conn.len() <= idx {
            self.conn.resize(idx + 1, 0);
        }
        let Some(st) = self.tcp.stream(info.stream) else { return Note::None };
        let (client, server) = (st.client, st.server);
        let by_client = info.direction != Some(Direction::ServerToClient);
        let state = &mut self.conn[idx];
        let f = seg.flags;
        let (syn, ack, fin, rst) = (f & flags::SYN != 0, f & flags::ACK != 0, f & flags::FIN != 0, f & flags::RST != 0);
        if info.analysis & analysis::RETRANSMISSION != 0 {
            return Note::Retransmission { seq: info.seq, nxtseq: info.nxtseq };
        }
        if syn && !ack {
            *state |= conn::SYN;
            return Note::Handshake { step: 1, client, server };
        }
        if syn && ack {
            *state |= conn::SYN_ACK;
            return Note::Handshake { step: 2, client, server };
        }
        if rst {
            if *state & (conn::SYN | conn::SYN_ACK) == conn::SYN && !by_client {
                return Note::Refused { port: seg.src.port };
            }
            return Note::Reset { from: seg.src };
        }
        if by_client && ack && *state & (conn::SYN_ACK | conn::DONE) == conn::SYN_ACK {
            *state |= conn::DONE;
            return Note::Handshake { step: 3, client, server };
        }
        if fin {
            let (mine, theirs) =
                if by_client { (conn::FIN_CLIENT, conn::FIN_SERVER) } else { (conn::FIN_SERVER, conn::FIN_CLIENT) };
            let first_fin = *state & mine == 0;
            *state |= mine;
            if first_fin {
                return if *state & theirs == 0 {
                    Note::ActiveClose { from: seg.src, by_client }
                } else {
                    Note::PassiveClose { from: seg.src, by_client }
                };
            }
        }
        if info.analysis & analysis::LOST_SEGMENT != 0 {
            return Note::LostSegment;
        }
        if info.analysis & analysis::DUPLICATE_ACK != 0 {
            return Note::DupAck { num: info.dup_ack_num, frame: info.dup_ack_frame };
        }
        if info.analysis & analysis::ZERO_WINDOW != 0 {
            return Note::ZeroWindow;
        }
        Note::None
    }

    /// Links an ICMP error to the frame whose datagram it quotes.
    fn link_icmp_error(&mut self, p: &mut Packet<'_>) {
        let Some(q) = p.d.quoted else { return };
        let Some((src, dst)) = q.net.ip_addrs() else { return };
        let (proto, ports) = match q.transport {
            Transport::Udp(u) => (proto::UDP, Some((u.sport, u.dport))),
            Transport::Tcp(t) => (proto::TCP, Some((t.sport, t.dport))),
            Transport::TcpPorts { sport, dport, .. } => (proto::TCP, Some((sport, dport))),
            _ => (quoted_proto(&q.net), None),
        };
        let (sport, dport) = ports.unwrap_or((0, 0));
        let (s, d) = (Endpoint { ip: src, port: sport }, Endpoint { ip: dst, port: dport });
        if let Transport::Udp(_) = q.transport {
            p.quoted_udp_stream = Some(self.udp.process(s, d));
        }
        let frame = datagram_key(&q.net, &q.transport, proto).and_then(|k| self.recent.find(&k)).unwrap_or(0);
        p.note = Note::IcmpAbout { frame, proto, src: s, dst: d };
    }

    /// Pairs an echo request with its reply (the reply's link is known now, the
    /// request's only from the first pass).
    fn match_echo(&mut self, p: &mut Packet<'_>) {
        let Transport::Icmp(i) = p.d.transport else { return };
        let Some((src, dst)) = p.d.ip_addrs() else { return };
        if i.is_echo_reply() {
            if let Some(req) = self.echo.reply(src, dst, i.ident(), i.seq()) {
                p.echo_peer = Some((req, true));
                self.learned_echo.insert(req, p.number);
            }
        } else {
            self.echo.request(src, dst, i.ident(), i.seq(), p.number);
            p.echo_peer = self.facts.echo_reply.get(&p.number).map(|&r| (r, false));
        }
    }
}

/// The protocol number an IP header announces.
fn quoted_proto(net: &Net) -> u8 {
    match net {
        Net::Ipv4(h) => h.proto,
        Net::Ipv6(h) => h.proto,
        _ => 0,
    }
}

/// The key under which a datagram is remembered / looked up.
fn datagram_key(net: &Net, t: &Transport, proto: u8) -> Option<DatagramKey> {
    let (src, dst) = net.ip_addrs()?;
    let (sport, dport) = t.ports()?;
    let ip_id = match net {
        Net::Ipv4(h) => h.id,
        _ => 0,
    };
    Some(DatagramKey { proto, src, dst, sport, dport, ip_id })
}
