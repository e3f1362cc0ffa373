//! Frame → annotated [`Packet`]: dissect, run the TCP/UDP/ICMP trackers, attach
//! what a first pass learned about the future ([`Facts`]), and pick a teaching
//! note. Used by `read` (twice per file, like `tshark -2`) and by live capture.

use crate::sniff::app::conv::{bounded_insert, dir_key, AppFacts, ConvKey, TcpData, MAX_PENDING_STREAMS};
use crate::sniff::app::{self, App, DnsTracker, HttpTracker};
use crate::sniff::capture::Frame;
use crate::sniff::defrag::Defragmenter;
use crate::sniff::dissect::link::LinkType;
use crate::sniff::dissect::registry::{self, CaptureState};
use crate::sniff::dissect::{self, dns, http, tcp, udp};
use crate::sniff::expect::Expectations;
use crate::sniff::hash::FxHashMap;
use crate::sniff::icmp::{self, DatagramKey, EchoMatcher, Recent};
use crate::sniff::packet::{Dissected, Net, Note, Packet, Tcp, Transport};
use crate::sniff::tcp::reassembly::{Outcome, Reassembler, SegmentIn};
use crate::sniff::tcp::{analysis, flags, Direction, Endpoint, Segment, SegmentInfo, Settled, Tracker};
use crate::sniff::udp::UdpTracker;
use crate::sniff::value::Nanos;

/// What only the end of the capture knows, learned by a first pass.
#[derive(Default)]
pub struct Facts {
    /// What the first pass's TCP tracker settled about every stream, by
    /// `tcp.stream`, from which [`Settled::second_pass`] shows a segment as
    /// `tshark -2` does (final window scale, iRTT, completeness, rebased
    /// numbers). None when TCP was not tracked.
    pub tcp: Option<Vec<Option<Settled>>>,
    /// Echo request frame → the frame of its reply.
    pub echo_reply: FxHashMap<u32, u32>,
    /// IP fragment frame → the frame whose fragment completed its datagram.
    pub reassembled_in: FxHashMap<u32, u32>,
    /// Links from DNS queries and HTTP requests to their responses.
    pub app: AppFacts,
    /// What registered protocols last learned of each TCP conversation
    /// ([`Dissector::learn`](crate::sniff::dissect::dissector::Dissector::learn)).
    pub memos: Memos,
    /// Every connection a registered protocol announced, with what its
    /// conversation said it carries by the end of the capture.
    pub expect: Expectations,
}

/// What registered protocols learned of TCP conversations: the latest number
/// per conversation and protocol (its index in the registry).
pub type Memos = FxHashMap<(ConvKey, u8), u32>;

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
    /// The server's FIN came first (it closed actively).
    pub const SERVER_FIRST: u8 = 32;
    /// The passive side's ACK of the first FIN was noted.
    pub const HALF_CLOSE_NOTED: u8 = 64;
    /// The final ACK of the close was noted.
    pub const CLOSED_NOTED: u8 = 128;
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
    learned_reassembly: FxHashMap<u32, u32>,
    frame: u32,
    first_time: Option<Nanos>,
    prev_time: Nanos,
    learning: bool,
    track_tcp: bool,
    defrag: Defragmenter,
    apps: Apps,
    /// The registered protocols' memories of this pass, indexed as the registry.
    states: Vec<Option<Box<dyn CaptureState>>>,
    memos: Memos,
    /// The connections announced so far in this pass.
    expect: Expectations,
    /// Registered protocols' PDUs that segments cut, waiting for their rest.
    pdus: Reassembler,
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
            learned_reassembly: FxHashMap::default(),
            frame: 0,
            first_time: None,
            prev_time: 0,
            learning: false,
            track_tcp: true,
            defrag: Defragmenter::new(),
            apps: Apps { dns: DnsTracker::new(&dns::DEFAULT_PORTS), http: HttpTracker::default() },
            states: registry::capture_states(),
            memos: Memos::default(),
            expect: Expectations::default(),
            pdus: Reassembler::new(),
        }
    }

    /// A pipeline for a first pass that only learns [`Facts`]: echo pairs, and
    /// the TCP streams' final completeness when `track_tcp`; it skips everything
    /// only rendering needs.
    pub fn learning(link: LinkType, track_tcp: bool) -> Pipeline {
        let mut p = Pipeline { learning: true, track_tcp, ..Pipeline::new(link, Facts::default()) };
        // Only what a stream settles reaches the second pass, so closed streams
        // can be parked: a late segment's own analysis is not shown from here.
        p.tcp = Tracker::parking();
        p.apps.dns.headers_only();
        p
    }

    /// Decodes DNS on these UDP and TCP ports instead of the defaults (53, 10053).
    pub fn with_dns_ports(mut self, ports: &[u16]) -> Pipeline {
        self.apps.dns.set_ports(ports);
        self
    }

    /// The link type of `frame`: its interface's, else the pipeline's.
    pub fn link_of(&self, frame: &Frame<'_>) -> LinkType {
        frame.link(self.link)
    }

    /// Everything this pass learned, for the next one.
    pub fn into_facts(self) -> Facts {
        let mut app = AppFacts { two_pass: true, ..AppFacts::default() };
        self.apps.dns.learn_into(&mut app);
        self.apps.http.learn_into(&mut app);
        Facts {
            tcp: self.track_tcp.then(|| self.tcp.settle()),
            echo_reply: self.learned_echo,
            app,
            memos: self.memos,
            expect: self.expect,
            reassembled_in: self.learned_reassembly,
        }
    }

    /// The first pass over a frame (a [`Pipeline::learning`] pipeline): decodes and
    /// tracks only what [`Facts`] holds; a [`Packet`] is built only for a payload
    /// the application decoders must see (to learn request/response links).
    pub fn learn(&mut self, frame: &Frame<'_>) {
        self.frame += 1;
        let mut d = dissect::empty();
        dissect::dissect_into(&mut d, frame.link(self.link), frame.data, frame.len as usize);
        let reassembled = self.reassemble(&mut d);
        if reassembled.is_some() {
            for piece in self.defrag.last_pieces().iter().filter(|x| x.frame != self.frame) {
                self.learned_reassembly.insert(piece.frame, self.frame);
            }
        }
        let mut tcp = None;
        match d.transport {
            Transport::Tcp(h) if self.track_tcp => {
                if let Some((src, dst)) = d.endpoints() {
                    tcp = Some(self.tcp.process(&segment(&h, self.frame, frame.time, src, dst)));
                }
            }
            Transport::Icmp(i) if i.is_echo() => {
                self.echo_of(&d, self.frame, frame.time);
            }
            Transport::Icmp(i) if i.is_error() && self.track_tcp => self.learn_quoted_tcp(&d, frame.time),
            _ => {}
        }
        if let Some((start, len)) = reassembled {
            d.payload = self.defrag.last_done().get(start..start + len).unwrap_or(&[]);
        }
        let mut outcome = Outcome::Whole;
        if reaches_apps(&d) {
            let mut p = blank_packet(self.frame, frame, 0, 0);
            p.d = d;
            p.tcp = tcp;
            self.apps.decode(&self.facts, &mut p);
            let taken = !matches!(p.app, App::None);
            if tcp.is_some_and(|i| taken || !reaches_registered(&self.pdus, &i)) {
                d.pdu = None;
            }
            if let Some(info) = tcp.filter(|_| !taken) {
                prior_memo(&self.memos, &mut d);
                outcome = reassemble_pdu(&mut self.pdus, &mut d, &info, self.frame, frame.data);
            }
        }
        if matches!(outcome, Outcome::Completed { .. }) {
            d.assembled = Some(self.pdus.assembled());
        }
        conversation_memo(&mut self.memos, &self.facts.memos, &mut d, frame.data);
        learn_expected(&mut self.expect, &d, frame.data, self.frame);
    }

    /// Tracks the TCP header an ICMP error quotes, as the second pass does
    /// ([`Pipeline::link_icmp_error`]), so that both passes number the streams
    /// alike and the first knows every stream's last frame.
    fn learn_quoted_tcp(&mut self, d: &Dissected<'_>, time: i64) {
        let Some(q) = d.quoted else { return };
        let Transport::Tcp(h) = q.transport else { return };
        let Some((src, dst)) = q.net.ip_addrs() else { return };
        let (s, d) = (Endpoint { ip: src, port: h.sport }, Endpoint { ip: dst, port: h.dport });
        self.tcp.process_quoted(&segment(&h, self.frame, time, s, d));
    }

    /// Decodes and tracks the next frame. The packet borrows the frame and, for
    /// the fragment that completes an IPv4 datagram, the reassembled payload.
    #[inline]
    pub fn process<'a>(&'a mut self, frame: &Frame<'a>) -> Packet<'a> {
        self.frame += 1;
        let first = *self.first_time.get_or_insert(frame.time);
        let delta = if self.frame == 1 { 0 } else { frame.time - self.prev_time };
        self.prev_time = frame.time;
        let mut p = blank_packet(self.frame, frame, frame.time - first, delta);
        dissect::dissect_into(&mut p.d, frame.link(self.link), frame.data, frame.len as usize);
        let reassembled = self.reassemble(&mut p.d);
        if reassembled.is_none() && dissect::ip::fragment(&p.d).is_some() {
            p.reassembled_in = self.facts.reassembled_in.get(&p.number).copied();
        }
        if let Some((src, dst)) = p.d.tunnel_endpoints().filter(|_| !self.learning) {
            p.tunnel_udp_stream = Some(self.udp.process(src, dst, p.time).stream);
        }
        match &p.d.transport {
            Transport::Tcp(_) if self.track_tcp => self.track_tcp(&mut p),
            Transport::Udp(_) if !self.learning => {
                if let Some((src, dst)) = p.d.endpoints() {
                    let u = self.udp.process(src, dst, p.time);
                    p.udp_stream = Some(u.stream);
                    p.udp_time = Some((u.time_relative, u.time_delta));
                    self.remember(&p.d, udp::IP_PROTO, p.number);
                }
            }
            Transport::Icmp(i) => {
                if i.is_error() && !self.learning {
                    self.link_icmp_error(&mut p);
                } else if i.is_echo() {
                    self.match_echo(&mut p);
                    if !self.learning {
                        // A traceroute probe may be an echo request (Windows' tracert).
                        self.remember(&p.d, quoted_proto(&p.d.net), p.number);
                    }
                }
            }
            _ => {}
        }
        if let Some((start, len)) = reassembled {
            let defrag: &'a Defragmenter = &self.defrag;
            p.d.payload = defrag.last_done().get(start..start + len).unwrap_or(&[]);
            p.fragments = defrag.last();
            if p.note == Note::None {
                p.note = reassembled_note(&p);
            }
            // Registered protocols read their bytes from the frame only.
            p.d.pdu = None;
        }
        let mut outcome = Outcome::Whole;
        if reaches_apps(&p.d) {
            self.apps.decode(&self.facts, &mut p);
            let switched = matches!(p.app, App::HttpSwitched);
            if (!matches!(p.app, App::None) && !switched) || p.tcp.is_some_and(|i| !reaches_registered(&self.pdus, &i))
            {
                // A built-in decoder (DNS, HTTP) took the payload before any
                // registered one, or the segment resends bytes (not dissected again).
                p.d.pdu = None;
            } else if let Some(info) = p.tcp {
                if p.d.pdu.is_none() {
                    // An announced connection's PDUs are reassembled as any other's.
                    self.claim_expected(&mut p);
                }
                prior_memo(&self.memos, &mut p.d);
                outcome = reassemble_pdu(&mut self.pdus, &mut p.d, &info, p.number, p.data);
                match outcome {
                    Outcome::Segment => p.app = App::Segment(None),
                    Outcome::Continued => p.app = App::Continued,
                    _ => {}
                }
            }
        }
        if matches!(outcome, Outcome::Completed { .. }) {
            let pdus: &'a Reassembler = &self.pdus;
            p.d.assembled = Some(pdus.assembled());
        }
        if p.d.pdu.is_none() && matches!(p.app, App::None) {
            self.claim_expected(&mut p);
        }
        if !self.learning {
            recall(&mut self.states, &mut p);
        }
        conversation_memo(&mut self.memos, &self.facts.memos, &mut p.d, frame.data);
        learn_expected(&mut self.expect, &p.d, frame.data, p.number);
        if !self.learning {
            pdu_note(&mut p);
        }
        p
    }

    /// Hands an IP fragment to the defragmenter; when it completes its datagram,
    /// decodes the datagram's transport layer into `d` and returns where its
    /// payload lies in the reassembled bytes (attached once tracking is done).
    fn reassemble(&mut self, d: &mut Dissected<'_>) -> Option<(usize, usize)> {
        let frag = dissect::ip::fragment(d)?;
        let proto = frag.key.proto;
        let whole = self.defrag.add(&frag, self.frame)?;
        let mut inner = *d;
        inner.payload = &[];
        dissect::reassembled(&mut inner, proto, whole, d.net.payload_offset());
        let start = (inner.payload.as_ptr() as usize).wrapping_sub(whole.as_ptr() as usize);
        let span = if inner.payload.is_empty() || start > whole.len() { (0, 0) } else { (start, inner.payload.len()) };
        d.transport = inner.transport;
        d.quoted = inner.quoted;
        d.error = inner.error;
        d.reassembled = inner.reassembled;
        d.payload = &[];
        Some(span)
    }

    /// Hands a TCP segment's payload to the protocol of the connection some
    /// earlier PDU announced it for (FTP's data connections), if any.
    fn claim_expected(&self, p: &mut Packet<'_>) {
        // TCP for FTP's data connections, UDP for a TFTP transfer's datagrams.
        let (Transport::Tcp(_) | Transport::Udp(_), Some((src, dst))) = (&p.d.transport, p.d.endpoints()) else {
            return;
        };
        if p.d.payload.is_empty() || p.tcp.is_some_and(|i| i.analysis & RESENT != 0) {
            return;
        }
        let Some(found) = self.facts.expect.find(src, dst, p.number).or_else(|| self.expect.find(src, dst, p.number))
        else {
            return;
        };
        let Some(offset) = dissect::data::offset_in(p.data, p.d.payload) else { return };
        let peer = if found.to_port { src.port } else { dst.port };
        let ctx = dissect::dissector::Ctx {
            port: Some(found.port),
            to_port: found.to_port,
            peer: Some(peer),
            ..Default::default()
        };
        p.d.pdu = Some(registry::Pdu { dissector: found.dissector, offset, len: p.d.payload.len(), ctx });
        p.link = Some(found.link);
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
        let seg = segment(h, p.number, p.time, src, dst);
        let mut info = self.tcp.process(&seg);
        if self.learning {
            // The application decoders learn links from the stream and direction.
            p.tcp = Some(info);
            return;
        }
        let settled = self.settled(info.stream);
        match settled {
            Some(st) => {
                p.completeness = st.completeness_shown(p.number);
                info = st.second_pass(&seg, &info);
            }
            None => p.completeness = 0,
        }
        p.tcp = Some(info);
        self.remember(&p.d, tcp::IP_PROTO, p.number);
        p.note = self.tcp_note(&seg, &info);
        self.retire_after_last(settled, info.stream, p.number);
    }

    /// On a second pass, frees the tracker's state of stream `index` once its
    /// last frame (which the first pass settled) went by: memory then follows
    /// the open connections, not every connection of the capture.
    fn retire_after_last(&mut self, settled: Option<Settled>, index: u32, frame: u32) {
        if self.facts.tcp.is_some() && settled.is_some_and(|st| st.last_frame == frame) {
            self.tcp.retire(index);
        }
    }

    /// The final values of stream `index`: the first pass's when there was one,
    /// else the stream's so far (a single pass, as live views run).
    fn settled(&self, index: u32) -> Option<Settled> {
        match &self.facts.tcp {
            Some(all) => all.get(index as usize).copied().flatten(),
            None => self.tcp.settled(index),
        }
    }

    /// The teaching note of a TCP segment: handshake steps, closes, resets, analysis.
    fn tcp_note(&mut self, seg: &Segment, info: &SegmentInfo) -> Note {
        let idx = info.stream as usize;
        if self.conn.len() <= idx {
            self.conn.resize(idx + 1, 0);
        }
        let Some((client, server)) = self.tcp.ends(info.stream) else { return Note::None };
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
            if first_fin && *state & theirs == 0 && !by_client {
                *state |= conn::SERVER_FIRST;
            }
            *state |= mine;
            if first_fin {
                return if *state & theirs == 0 {
                    Note::ActiveClose { from: seg.src, by_client }
                } else {
                    Note::PassiveClose { from: seg.src, by_client }
                };
            }
        }
        if let Some(note) = close_ack_note(state, seg, by_client) {
            return note;
        }
        if info.analysis & analysis::OUT_OF_ORDER != 0 {
            return Note::OutOfOrder;
        }
        if info.analysis & analysis::LOST_SEGMENT != 0 {
            return Note::LostSegment;
        }
        if info.analysis & analysis::KEEP_ALIVE != 0 {
            return Note::KeepAlive;
        }
        if info.analysis & analysis::WINDOW_UPDATE != 0 {
            return Note::WindowUpdate;
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
            Transport::Udp(u) => (udp::IP_PROTO, Some((u.sport, u.dport))),
            Transport::Tcp(t) => (tcp::IP_PROTO, Some((t.sport, t.dport))),
            Transport::TcpPorts { sport, dport, .. } => (tcp::IP_PROTO, Some((sport, dport))),
            _ => (quoted_proto(&q.net), None),
        };
        let (sport, dport) = ports.unwrap_or((0, 0));
        let (s, d) = (Endpoint { ip: src, port: sport }, Endpoint { ip: dst, port: dport });
        match q.transport {
            Transport::Udp(_) => p.quoted_udp_stream = Some(self.udp.process(s, d, p.time).stream),
            Transport::Tcp(h) => {
                let info = self.tcp.process_quoted(&segment(&h, p.number, p.time, s, d));
                let settled = self.settled(info.stream);
                p.quoted_completeness = settled.map_or(0, |st| st.completeness_shown(p.number));
                p.quoted_tcp = Some(info);
                self.retire_after_last(settled, info.stream, p.number);
            }
            _ => {}
        }
        let frame = datagram_key(&q.net, &q.transport, proto).and_then(|k| self.recent.find(&k)).unwrap_or(0);
        let ttl_exceeded = matches!(p.d.transport, Transport::Icmp(i) if i.ty == if i.v6 { 3 } else { 11 });
        p.note = Note::IcmpAbout { frame, proto, src: s, dst: d, ttl_exceeded };
    }

    /// Pairs an echo request with its reply (the reply's link is known now, the
    /// request's only from the first pass).
    fn match_echo(&mut self, p: &mut Packet<'_>) {
        if let Some((peer, rtt)) = self.echo_of(&p.d, p.number, p.time) {
            p.echo_peer = Some(peer);
            p.echo_rtt = rtt;
        }
    }

    /// The echo partner of frame `number` (sent at `time`) when `d` is an echo:
    /// (partner frame, this is the reply) and, for a reply, the time since its request.
    fn echo_of(&mut self, d: &Dissected<'_>, number: u32, time: Nanos) -> Option<((u32, bool), Option<Nanos>)> {
        let Transport::Icmp(i) = d.transport else { return None };
        let (src, dst) = d.ip_addrs()?;
        if i.is_echo_reply() {
            let cksum = icmp::request_checksum(i.checksum, i.v6);
            let (req, sent) = self.echo.reply(src, dst, (i.ident(), i.seq(), cksum))?;
            self.learned_echo.insert(req, number);
            Some(((req, true), Some(time - sent)))
        } else {
            self.echo.request(src, dst, (i.ident(), i.seq(), i.checksum), number, time);
            self.facts.echo_reply.get(&number).map(|&r| ((r, false), None))
        }
    }
}

/// Hands a registered protocol's PDU to that protocol's capture state in
/// `states`, and keeps what it found (with its teaching note, unless the frame
/// has one).
fn recall(states: &mut [Option<Box<dyn CaptureState>>], p: &mut Packet<'_>) {
    let Some(pdu) = p.d.pdu else { return };
    let Some(Some(state)) = states.get_mut(usize::from(pdu.dissector)) else { return };
    if state.disowns(p.d.pdu_bytes(p.data), pdu.ctx) {
        p.d.pdu = None;
        return;
    }
    p.recall = state.frame_in(p.d.pdu_bytes(p.data), pdu.ctx, p.number, p.time);
    let flow = p.tcp.map(|i| registry::Flow {
        stream: i.stream,
        from_client: i.direction != Some(crate::sniff::tcp::Direction::ServerToClient),
    });
    p.shown = state.shows(p.d.pdu_bytes(p.data), pdu.ctx, flow, p.number, p.time).map(registry::Shown);
    if let (Some(recall), Note::None) = (p.recall, p.note) {
        // A finding without a teaching note (SCTP's TSN bases) leaves the note alone.
        if registry::has_recalled_note(&pdu, &recall) {
            p.note = Note::Recalled { dissector: pdu.dissector, recall };
        }
    }
}

/// Gives the frame its registered protocol's own note ([`Note::Pdu`]) when it
/// has none and the protocol words one for the PDU.
fn pdu_note(p: &mut Packet<'_>) {
    let Some(pdu) = p.d.pdu else { return };
    if p.note == Note::None && registry::has_note(&pdu, p.d.pdu_bytes(p.data)) {
        p.note = Note::Pdu;
    }
}

/// Takes a registered protocol's TCP or UDP PDU into the announced connections.
fn learn_expected(expect: &mut Expectations, d: &Dissected<'_>, data: &[u8], frame: u32) {
    if let (Transport::Tcp(_) | Transport::Udp(_), Some(pdu), Some((src, dst))) = (&d.transport, &d.pdu, d.endpoints())
    {
        expect.learn(pdu, d.pdu_bytes(data), src, dst, frame);
    }
}

/// The teaching note of the fragment that completed its datagram: the count,
/// the length and this fragment's offset (8-byte units).
fn reassembled_note(p: &Packet<'_>) -> Note {
    let offset = match p.d.net {
        Net::Ipv4(h) => h.frag_offset,
        Net::Ipv6(h) => h.frag.map_or(0, |f| f.offset),
        _ => 0,
    };
    let count = u32::try_from(p.fragments.pieces.len()).unwrap_or(u32::MAX);
    let bytes = u32::try_from(p.fragments.data.len()).unwrap_or(u32::MAX);
    Note::Reassembled { count, bytes, offset }
}

/// A packet with nothing decoded yet: frame number, times and bytes only.
fn blank_packet<'a>(number: u32, frame: &Frame<'a>, rel: Nanos, delta: Nanos) -> Packet<'a> {
    Packet {
        number,
        time: frame.time,
        rel,
        delta,
        len: frame.len,
        data: frame.data,
        d: dissect::empty(),
        tcp: None,
        completeness: 0,
        udp_stream: None,
        tunnel_udp_stream: None,
        udp_time: None,
        delta_displayed: delta,
        quoted_udp_stream: None,
        quoted_tcp: None,
        quoted_completeness: 0,
        reassembled_in: None,
        fragments: Default::default(),
        echo_peer: None,
        echo_rtt: None,
        note: Note::None,
        link: None,
        recall: None,
        shown: None,
        app: App::None,
        origin: frame.origin,
    }
}

/// A TCP segment whose analysis says it resends bytes already seen: as tshark,
/// its payload is not handed to an application decoder again.
const RESENT: u32 = analysis::RETRANSMISSION
    | analysis::FAST_RETRANSMISSION
    | analysis::SPURIOUS_RETRANSMISSION
    | analysis::OUT_OF_ORDER;

/// Whether a TCP segment's payload reaches the registered protocol of its
/// port. As tshark, a segment that resends bytes is not dissected again, with
/// one exception: a fast retransmission (the one the receiver's duplicate ACKs
/// asked for, which tshark's reassembly does not skip) is handed over anew,
/// unless its bytes belong to a PDU gathered from several segments (tshark
/// then adds them to that PDU's reassembly).
fn reaches_registered(pdus: &Reassembler, info: &SegmentInfo) -> bool {
    if info.analysis & RESENT == 0 {
        return true;
    }
    info.analysis & RESENT == analysis::FAST_RETRANSMISSION
        && !pdus.spans(dir_key(info.stream, info.direction), info.seq)
}

/// Whether the application decoders look at this packet: it carries a payload
/// (or a FIN, which ends a close-delimited HTTP body) and is well formed.
fn reaches_apps(d: &Dissected<'_>) -> bool {
    let fin = matches!(d.transport, Transport::Tcp(h) if h.flags & flags::FIN != 0);
    (!d.payload.is_empty() || fin) && d.error.is_none()
}

/// The application-layer decoders (DNS, HTTP), kept apart from the rest of the
/// pipeline so a packet may borrow reassembled bytes while they run.
struct Apps {
    dns: DnsTracker,
    http: HttpTracker,
}

impl Apps {
    /// Runs the DNS and HTTP decoders on the payload of a TCP segment or UDP datagram.
    fn decode(&mut self, facts: &Facts, p: &mut Packet<'_>) {
        let Some((src, dst)) = p.d.endpoints() else { return };
        let offset = (p.d.payload.as_ptr() as usize).wrapping_sub(p.data.as_ptr() as usize);
        match p.d.transport {
            Transport::Udp(u) if self.dns.is_udp_dns(u.sport, u.dport, p.d.payload) => {
                let mdns = is_port(&u, dns::MDNS_PORT) && !self.dns.is_dns_port(u.sport, u.dport);
                let mut m = self.dns.udp(ConvKey::new(src, dst, false), p.d.payload, offset, p.number, p.time, mdns);
                m.llmnr = is_port(&u, dns::LLMNR_PORT) && !mdns && !self.dns.is_dns_port(u.sport, u.dport);
                p.app = App::Dns(vec![with_response_in(facts, p.number, m)]);
            }
            Transport::Udp(u) if is_port(&u, http::SSDP_PORT) => {
                if let Some(m) = http::ssdp(p.d.payload) {
                    p.app = App::Http(m);
                }
            }
            // A RST's payload is its reset cause (RFC 9293 §3.5.3): tshark hands
            // it to no application dissector.
            Transport::Tcp(h) if h.flags & flags::RST != 0 => {}
            Transport::Tcp(h) => {
                let Some(info) = p.tcp else { return };
                let resent = info.analysis & RESENT != 0;
                let seg = TcpData {
                    stream: info.stream,
                    dir: info.direction,
                    resent,
                    gap: info.analysis & analysis::LOST_SEGMENT != 0,
                    fin: h.flags & flags::FIN != 0,
                    // A SYN takes the sequence number before the payload's first byte.
                    seq: info.seq.wrapping_add(u32::from(h.flags & flags::SYN != 0)),
                    payload: p.d.payload,
                    frame: p.number,
                    time: p.time,
                };
                if self.dns.is_dns_port(h.sport, h.dport) {
                    if resent || p.d.payload.is_empty() {
                        return;
                    }
                    let (msgs, waiting) = self.dns.tcp(ConvKey::new(src, dst, true), &seg, offset);
                    p.app = if msgs.is_empty() {
                        if waiting {
                            App::Segment(None)
                        } else {
                            App::None
                        }
                    } else {
                        App::Dns(msgs.into_iter().map(|m| with_response_in(facts, p.number, m)).collect())
                    };
                    return;
                }
                let out_of_order = info.analysis & analysis::OUT_OF_ORDER != 0;
                if out_of_order && !p.d.payload.is_empty() && self.http.waits_for_more(&seg) {
                    p.app = App::Segment(None);
                    return;
                }
                let http_port = [h.sport, h.dport].iter().any(|p| http::HTTP_PORTS.contains(p));
                // Off the HTTP ports HTTP is a heuristic: a registered protocol's
                // port comes first (HTTP on port 22 is SSH to tshark), unless
                // HTTP already holds the connection.
                let port_claimed = p.d.pdu.is_some_and(|x| x.ctx.port.is_some());
                if !http_port && port_claimed && !self.http.holds(info.stream) {
                    return;
                }
                p.app = match self.http.tcp(&seg, http_port) {
                    http::Outcome::NotHttp => App::None,
                    http::Outcome::Continuation => App::HttpContinuation,
                    http::Outcome::Switched(sw) => {
                        p.d.pdu = switched_pdu(sw, &h, p.d.payload, offset);
                        App::HttpSwitched
                    }
                    http::Outcome::HeaderLines { head, body } => App::HttpHeaderLines { head, body },
                    http::Outcome::Partial(line) => App::Segment(line.filter(|_| !facts.app.two_pass)),
                    http::Outcome::Message(mut m) => {
                        if m.request {
                            m.response_in = facts.app.http_response_in.get(&p.number).copied();
                        }
                        if let Some((n, total)) = &mut m.number {
                            if let Some(&all) = facts.app.http_pairs.get(&info.stream) {
                                *total = all;
                            }
                            let next = facts.app.http_pair_frames.get(&(info.stream, n.saturating_add(1)));
                            m.next = next.copied().unwrap_or_default();
                        }
                        App::Http(m)
                    }
                };
            }
            _ => {}
        }
    }
}

/// The registered protocol HTTP hands a switched connection's payload to, as
/// tshark 4.0 does: none after an upgrade (data, unless tshark knows the
/// protocol), and through a CONNECT tunnel the protocol of the target's port,
/// else a heuristic's. tshark looks the port up as if it were the destination
/// of the proxy's bytes and the source of the client's (so a client/server
/// protocol such as SMTP takes the proxy's bytes for requests), and never
/// hands the tunnel to HTTP again (a target on an HTTP port is data).
fn switched_pdu(sw: http::Switched, h: &Tcp, payload: &[u8], offset: usize) -> Option<registry::Pdu> {
    let http::Switched::Tunnel { port: Some(port), from_server } = sw else { return None };
    if http::HTTP_PORTS.contains(&port) || payload.is_empty() {
        return None;
    }
    let peer = if from_server { h.sport } else { h.dport };
    let by_port = registry::claimed(registry::Claim::TcpPort(port))
        .filter(|&d| registry::REGISTRY[usize::from(d)].accepts(payload))
        .map(|d| {
            (
                d,
                dissect::dissector::Ctx {
                    port: Some(port),
                    to_port: from_server,
                    peer: Some(peer),
                    ..Default::default()
                },
            )
        });
    let (dissector, ctx) =
        by_port.or_else(|| registry::guessed(registry::Carrier::Tcp, payload).map(|d| (d, Default::default())))?;
    Some(registry::Pdu { dissector, offset, len: payload.len(), ctx })
}

/// Adds the frame of a query's response, learned by the first pass.
fn with_response_in(facts: &Facts, frame: u32, mut m: app::DnsMsg) -> app::DnsMsg {
    if !m.is_response() {
        m.response_in = facts.app.dns_response_in.get(&frame).copied();
    }
    m
}

/// Whether either port of a UDP header is `port`.
fn is_port(u: &crate::sniff::packet::Udp, port: u16) -> bool {
    u.sport == port || u.dport == port
}

/// The notes for the pure ACKs of a FIN/ACK teardown (RFC 9293 §3.6): the
/// passive side acknowledging the first FIN (half-close), and the active side's
/// final ACK of the second FIN.
fn close_ack_note(state: &mut u8, seg: &Segment, by_client: bool) -> Option<Note> {
    let pure_ack =
        seg.flags & (flags::SYN | flags::FIN | flags::RST | flags::ACK) == flags::ACK && seg.payload_len == 0;
    let fins = *state & (conn::FIN_CLIENT | conn::FIN_SERVER);
    if !pure_ack || fins == 0 {
        return None;
    }
    let active_is_client = *state & conn::SERVER_FIRST == 0;
    let from_active = by_client == active_is_client;
    let both = fins == conn::FIN_CLIENT | conn::FIN_SERVER;
    if !both && !from_active && *state & conn::HALF_CLOSE_NOTED == 0 {
        *state |= conn::HALF_CLOSE_NOTED;
        return Some(Note::HalfClose { from: seg.src, by_client });
    }
    if both && from_active && *state & conn::CLOSED_NOTED == 0 {
        *state |= conn::CLOSED_NOTED;
        return Some(Note::Closed { from: seg.src, by_client });
    }
    None
}

/// What the TCP tracker needs to know about a decoded header.
pub(crate) fn segment(h: &Tcp, frame: u32, time: Nanos, src: Endpoint, dst: Endpoint) -> Segment {
    Segment {
        frame,
        time,
        src,
        dst,
        seq: h.seq,
        ack: h.ack,
        flags: h.flags,
        window: h.window,
        payload_len: h.payload_len,
        options: h.options,
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
/// An ICMP echo stands in with its identifier and sequence number for ports.
fn datagram_key(net: &Net, t: &Transport, proto: u8) -> Option<DatagramKey> {
    let (src, dst) = net.ip_addrs()?;
    let (sport, dport) = match t {
        Transport::Icmp(i) if i.is_echo() => (i.ident(), i.seq()),
        _ => t.ports()?,
    };
    let ip_id = match net {
        Net::Ipv4(h) => h.id,
        _ => 0,
    };
    Some(DatagramKey { proto, src, dst, sport, dport, ip_id })
}

/// Hands a TCP data segment that no built-in decoder took to the reassembler
/// of registered protocols' PDUs, and makes the segment's PDU what it says:
/// none (a segment of a PDU later ones complete), the whole PDUs at its start,
/// or the PDU it completes (whose bytes [`Reassembler::assembled`] holds).
fn reassemble_pdu(
    pdus: &mut Reassembler,
    d: &mut Dissected<'_>,
    info: &SegmentInfo,
    frame: u32,
    data: &[u8],
) -> Outcome {
    if !matches!(d.transport, Transport::Tcp(_)) || d.payload.is_empty() || info.analysis & RESENT != 0 {
        return Outcome::Whole;
    }
    let seg = SegmentIn {
        key: dir_key(info.stream, info.direction),
        frame,
        seq: info.seq,
        payload: d.payload,
        claimed: d.pdu.map(|p| (p.dissector, p.ctx)),
    };
    let outcome = pdus.segment(seg);
    match outcome {
        Outcome::Whole => {}
        Outcome::Segment | Outcome::Continued => d.pdu = None,
        Outcome::Head(n) => {
            if let Some(p) = d.pdu.as_mut() {
                p.len = n;
            }
        }
        Outcome::Completed { dissector, ctx } => {
            let offset = (d.payload.as_ptr() as usize).wrapping_sub(data.as_ptr() as usize);
            let len = pdus.assembled().bytes.len();
            d.pdu = Some(registry::Pdu { dissector, offset, len, ctx });
        }
    }
    outcome
}

/// Hands the registered protocol's PDU of a TCP payload what its conversation
/// had learned so far in this pass ([`Ctx::prior`](dissect::dissector::Ctx::prior)),
/// before the reassembler measures it.
fn prior_memo(memos: &Memos, d: &mut Dissected<'_>) {
    let (Transport::Tcp(_), Some((src, dst))) = (&d.transport, d.endpoints()) else { return };
    let Some(pdu) = d.pdu.as_mut() else { return };
    pdu.ctx.prior = memos.get(&(ConvKey::new(src, dst, true), pdu.dissector)).copied();
}

/// Lets the registered protocol of a TCP payload learn what it settles for its
/// conversation (into `memos`), and hands the PDU what the conversation
/// settled: the first pass's last word (`learned`) when there was one, as
/// `tshark -2` shows a TLS ClientHello with the version the ServerHello
/// picked, else the latest so far.
fn conversation_memo(memos: &mut Memos, learned: &Memos, d: &mut Dissected<'_>, data: &[u8]) {
    let (Transport::Tcp(_), Some((src, dst))) = (&d.transport, d.endpoints()) else { return };
    let Some(pdu) = d.pdu.as_mut() else { return };
    let key = (ConvKey::new(src, dst, true), pdu.dissector);
    let bytes = match d.assembled {
        Some(a) => a.bytes.as_slice(),
        None => pdu.bytes(data),
    };
    pdu.ctx.prior = memos.get(&key).copied();
    if let Some(memo) = pdu.dissector().learn_in(bytes, pdu.ctx) {
        bounded_insert(memos, key, memo, MAX_PENDING_STREAMS);
    }
    pdu.ctx.memo = learned.get(&key).or_else(|| memos.get(&key)).copied();
}
