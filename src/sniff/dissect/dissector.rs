//! The seam a protocol plugs into: [`Dissector`], what hands it bytes
//! ([`Claim`], [`Carrier`]), how it declares its fields ([`FieldDecl`]), and
//! what it may remember across the frames of a capture ([`CaptureState`],
//! [`Recall`]).

use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::fmt;

/// What hands a protocol its bytes: the layer below and the value it carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Claim {
    /// An EtherType of an Ethernet, VLAN or Linux cooked header.
    EtherType(u16),
    /// An IPv4 protocol number or the IPv6 next header after the extension headers.
    IpProto(u8),
    /// A UDP port, as source or destination.
    UdpPort(u16),
    /// A TCP port, as source or destination; each segment's payload is one PDU,
    /// unless the protocol measures its PDUs ([`Dissector::pdu_len`]) and TCP
    /// reassembles them.
    TcpPort(u16),
    /// An IEEE 802.2 LLC destination SAP in an IEEE 802.3 frame (an Ethernet
    /// length field instead of an EtherType); the PDU starts with the LLC header
    /// and ends where the length field says.
    LlcSap(u8),
    /// A SNAP organization code and protocol ID after an LLC header of SAP 0xaa
    /// in an IEEE 802.3 frame; the PDU starts with the LLC header.
    Snap(u32, u16),
    /// A Cisco HDLC protocol field value that means something else there than
    /// as an EtherType (0x8035: SLARP, not RARP); it takes precedence over
    /// [`Claim::EtherType`] on that link.
    Chdlc(u16),
    /// A payload of this carrier that no port claims: the protocol's
    /// [`Dissector::heuristic`] looks at it (after those of the protocols
    /// before it in the registry).
    Heuristic(Carrier),
}

/// The layer that carries a payload a heuristic may look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Carrier {
    /// UDP.
    Udp,
    /// TCP.
    Tcp,
}

/// How the layer below handed a PDU over: what a client/server protocol needs
/// to tell a request from a response, as tshark's dissectors ask whether the
/// port that matched (`pinfo->match_uint`) is the destination port.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ctx {
    /// The UDP or TCP port whose claim gave the PDU to the protocol; `None` when
    /// no port did (an EtherType, an IP protocol, a heuristic).
    pub port: Option<u16>,
    /// Whether that port is the destination port: the PDU goes to the server.
    pub to_port: bool,
    /// The other port of the UDP or TCP header (RX's Info names both ports).
    pub peer: Option<u16>,
    /// What the protocol learned earlier in its TCP conversation
    /// ([`Dissector::learn`]), set by the pipeline.
    pub memo: Option<u32>,
    /// What the protocol had learned of its TCP conversation before this PDU,
    /// in this pass ([`Dissector::learn_in`]'s previous answer), set by the
    /// pipeline: the state a protocol that follows its conversation step by
    /// step reads this PDU in, where [`Ctx::memo`] after a first pass is the
    /// conversation's last word.
    pub prior: Option<u32>,
    /// For a PDU an IP protocol number hands over: the ones' complement sum of
    /// the IP source and destination addresses, the part of the pseudo-header a
    /// checksum over it covers (RFC 8200 §8.1; OSPFv3, VRRPv3) that its bytes
    /// do not hold.
    pub addr_sum: Option<AddrSum>,
    /// The capture kept fewer bytes of the frame than the wire carried, and the
    /// PDU runs to the end of what it kept: a read past its end is the
    /// capture's limit, which tshark words `[Packet size limited during
    /// capture]`, not a malformed packet.
    pub cut: bool,
    /// For a PDU a tunnel header handed over ([`Dissector::inner`]): what that
    /// header says about it ([`Inner::below`]; GRE: its protocol type and
    /// flags, whose sequence bit tells an ERSPAN type I header from a type II one).
    pub below: Option<u32>,
}

/// The IP addresses that carried a PDU, as a pseudo-header checksum needs them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddrSum {
    /// The ones' complement sum of the source and destination addresses' 16-bit words.
    pub sum: u16,
    /// Whether they are IPv6 addresses.
    pub ipv6: bool,
}

impl Ctx {
    /// A PDU sent to the claimed port `port` (a request), as tests build it.
    pub fn to(port: u16) -> Ctx {
        Ctx { port: Some(port), to_port: true, ..Ctx::default() }
    }

    /// A PDU sent from the claimed port `port` (a response).
    pub fn from(port: u16) -> Ctx {
        Ctx { port: Some(port), to_port: false, ..Ctx::default() }
    }
}

/// The TCP connection a PDU travels and which way: what a protocol whose
/// state is kept per connection and direction ([`CaptureState::shows`]) keys it by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flow {
    /// `tcp.stream`.
    pub stream: u32,
    /// Whether it comes from the client (the end that sent the first SYN, or
    /// without a SYN the first sender).
    pub from_client: bool,
}

/// A dissector a [`CaptureState`] made for one PDU, which shows it with what
/// earlier PDUs of its connection told (HTTP/2: headers compressed against the
/// connection's tables, a body spread over frames).
#[derive(Clone)]
pub struct Shown(pub std::sync::Arc<dyn Dissector + Send>);

impl fmt::Debug for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Shown({})", self.0.name())
    }
}

/// A field a protocol declares, described as `tshark -G fields` describes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldDecl {
    /// The filter name (`toy.kind`).
    pub name: &'static str,
    /// Its type.
    pub ftype: Ftype,
    /// Wireshark's title (`Kind`).
    pub title: &'static str,
    /// How numbers are shown: `BASE_DEC`, `BASE_HEX`, `BASE_NONE`.
    pub base: &'static str,
}

/// How many bytes a [`Recall`] carries.
pub const RECALL_BYTES: usize = 16;

/// What a protocol's [`CaptureState`] found about one of its PDUs by looking at
/// the frames before it: a link to an earlier frame, and bytes and flags whose
/// meaning the protocol defines (ARP: the IPv4 address claimed twice, the MAC
/// address that claimed it earlier and the one that claims it now). Plain `Copy`
/// data: it travels with the packet to every view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recall {
    /// The earlier frame the finding points at.
    pub frame: u32,
    /// Whole seconds between that frame and this one.
    pub secs: u32,
    /// The protocol's bytes.
    pub bytes: [u8; RECALL_BYTES],
    /// The protocol's flags.
    pub flags: u8,
}

/// A protocol's memory of one capture (as tshark keeps per-file tables). The
/// sniffer makes one per pass with [`Dissector::capture_state`] and hands it the
/// protocol's PDUs in capture order; what it returns for a frame is shown by the
/// `recalled_*` methods of the [`Dissector`]. Implementations must stay bounded
/// in memory whatever the capture holds.
pub trait CaptureState: Send {
    /// Takes in the PDU of frame `frame` (captured `secs` seconds after the
    /// epoch) and returns what the earlier frames say about it, if anything.
    fn frame(&mut self, pdu: &[u8], frame: u32, secs: i64) -> Option<Recall>;
    /// [`CaptureState::frame`] given the PDU's [`Ctx`] (its ports) and the
    /// capture time in nanoseconds since the epoch, for a protocol whose memory
    /// is keyed by ports (AFS: a call's server port) or that times an exchange;
    /// what the pipeline calls.
    fn frame_in(&mut self, pdu: &[u8], _ctx: Ctx, frame: u32, nanos: i64) -> Option<Recall> {
        self.frame(pdu, frame, nanos.div_euclid(1_000_000_000))
    }
    /// Whether a PDU its claim handed over is not the protocol's after all,
    /// given what the earlier PDUs showed (QUIC: a short header of a connection
    /// no long header opened, which tshark leaves as data); the frame then
    /// shows no registered protocol. Called before [`CaptureState::frame_in`].
    fn disowns(&mut self, _pdu: &[u8], _ctx: Ctx) -> bool {
        false
    }
    /// For a protocol whose PDUs only the earlier PDUs of their connection
    /// explain (HTTP/2's compressed headers): takes in the PDU of frame
    /// `frame` (captured at `nanos` since the epoch), which travels `flow`, and returns the dissector that shows it
    /// in every view instead of the registered one; `None` (the default): the
    /// registered one shows it. Called after [`CaptureState::frame_in`].
    fn shows(
        &mut self,
        _pdu: &[u8],
        _ctx: Ctx,
        _flow: Option<Flow>,
        _frame: u32,
        _nanos: i64,
    ) -> Option<std::sync::Arc<dyn Dissector + Send>> {
        None
    }
}

/// An end of a connection a PDU announces, named relative to the PDU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Host {
    /// The address the PDU comes from.
    Sender,
    /// The address the PDU goes to.
    Receiver,
    /// An address the PDU names.
    Addr(std::net::IpAddr),
}

/// A TCP connection a PDU announces for another registered protocol, as an FTP
/// `227` reply announces its data connection (tshark's conversation with a
/// dissector set): segments between `host` at `port` and `peer` at any port,
/// after this frame, are handed to `protocol`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expect {
    /// The end whose port is known.
    pub host: Host,
    /// Its port; 0 for the port that end uses in the announcing segment (a
    /// PDU that announces its own connection, as HTTP/2's preface does).
    pub port: u16,
    /// The other end (any port).
    pub peer: Host,
    /// The filter name of the registered protocol that takes the connection.
    pub protocol: &'static str,
    /// How the connection was announced (`PASV`), shown with its PDUs.
    pub method: &'static str,
}

/// A line a PDU sends that says what the connection it announced last carries
/// (FTP: `RETR notes.txt`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Describe<'p> {
    /// The text.
    pub text: &'p [u8],
    /// Whether it settles the matter: a later description replaces one that
    /// does not (FTP: a transfer command replaces `TYPE I`), never one that does.
    pub settles: bool,
}

/// What an announced connection's PDU knows of the announcement: where and how
/// it was made, and what the announcing conversation said it carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The frame that announced the connection.
    pub setup_frame: u32,
    /// How ([`Expect::method`]).
    pub method: &'static str,
    /// The frame and text of the description ([`Describe`]), if any.
    pub described: Option<(u32, std::sync::Arc<str>)>,
}

/// What a tunnel protocol carries ([`Dissector::inner`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Inner {
    /// Where it starts, counted from the start of the tunnel protocol's PDU.
    pub offset: usize,
    /// What it is.
    pub kind: InnerKind,
    /// What the tunnel header says about it, handed to the protocol that takes
    /// it as [`Ctx::below`].
    pub below: Option<u32>,
}

/// The kind of what a tunnel carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InnerKind {
    /// A whole Ethernet frame (GRE's transparent Ethernet bridging, ERSPAN, VXLAN).
    Ethernet,
    /// The payload of an EtherType: IPv4 and IPv6 are decoded as the next
    /// network layer, another EtherType goes to the registered protocol that
    /// claims it (ERSPAN, NHRP).
    EtherType(u16),
}

/// One protocol's dissector. Every method is a pure function of the PDU's bytes
/// and, for `info`, `tree` and `values`, of the [`Ctx`] it came with (and, for
/// the `recalled_*` ones, of what its [`CaptureState`] found).
pub trait Dissector: Sync {
    /// The filter name: in `frame.protocols`, `-O`, and before each field name.
    fn name(&self) -> &'static str;
    /// Wireshark's title of the details block (`Internet Group Management Protocol`).
    fn title(&self) -> &'static str;
    /// The Protocol column.
    fn column(&self, pdu: &[u8]) -> &'static str;
    /// What hands it bytes.
    fn claims(&self) -> &'static [Claim];
    /// Whether a payload of `carrier` that no port claims is this protocol;
    /// asked only of protocols that claim [`Claim::Heuristic`] for the carrier.
    fn heuristic(&self, _carrier: Carrier, _pdu: &[u8]) -> bool {
        false
    }
    /// Whether a payload its claim hands over is really this protocol: a
    /// protocol may refuse bytes on its own port that cannot be its own (TLS
    /// refuses text), and the payload then goes to the heuristics, or is data.
    fn accepts(&self, _pdu: &[u8]) -> bool {
        true
    }
    /// The Source and Destination columns when the PDU, not the IP header below
    /// it, sets them: tshark shows the addresses of the last IP header it
    /// decodes (a PIM Register's, those of the packet it carries); `None`: the
    /// IP header's.
    fn addresses(&self, _pdu: &[u8]) -> Option<(std::net::IpAddr, std::net::IpAddr)> {
        None
    }
    /// The Source (`source`) or Destination column of a frame whose link layer
    /// has MAC addresses (`mac` that end's), when the protocol names that end
    /// itself: writes the name to `out` and returns `true`. DECnet names
    /// `aa:00:04:00:01:04` by its node address `1.1`; GeoNetworking names the
    /// sender of a beacon by the GeoNetworking address in `pdu`, as tshark's
    /// dissectors do. `false` (the default) keeps the MAC address.
    fn link_address(&self, _pdu: &[u8], _source: bool, _mac: &[u8; 6], _out: &mut dyn fmt::Write) -> bool {
        false
    }
    /// For a tunnel protocol (GRE, ERSPAN, VXLAN): where, in its PDU, the frame
    /// or packet it carries starts and what it is. The walk then decodes that
    /// frame as the frame's own layers and keeps this PDU as a tunnel header
    /// ([`crate::sniff::packet::Encap`]), as tshark shows the innermost
    /// addresses and protocol in the list. `None` (the default): nothing is
    /// carried, or nothing the walk decodes; the PDU is then shown as a leaf.
    fn inner(&self, _pdu: &[u8], _ctx: Ctx) -> Option<Inner> {
        None
    }
    /// The name of the registered protocol this one hands a PDU to whole, as
    /// tshark's dissector of a message type that belongs to another protocol
    /// calls that protocol's (IGMP hands its type 0x14 to PIM); `None` to keep it.
    fn hands_over(&self, _pdu: &[u8]) -> Option<&'static str> {
        None
    }
    /// How many bytes the PDU that starts with `head` spans, for a protocol
    /// whose PDUs a TCP stream may cut across segments (TLS: the five-byte
    /// record header plus the length it declares): the pipeline then keeps the
    /// bytes of a PDU that a segment leaves unfinished, per direction and
    /// bounded, and shows the PDU with the segment that completes it, as tshark
    /// reassembles them (its earlier segments show as `[TCP segment of a
    /// reassembled PDU]`). When `head` is too short to tell, the number of bytes
    /// it needs to tell (TLS: 5); it is asked again once they are there.
    /// `None` (the default): every segment is a PDU of its own. A length of 0
    /// is taken as `None`.
    fn pdu_len(&self, _head: &[u8]) -> Option<usize> {
        None
    }
    /// [`Dissector::pdu_len`] given how the first segment's port handed the
    /// PDU over and, in [`Ctx::prior`], what the conversation had learned
    /// before it (SSH measures its packets only during the key exchange);
    /// what the reassembler calls.
    fn pdu_len_in(&self, head: &[u8], _ctx: Ctx) -> Option<usize> {
        self.pdu_len(head)
    }
    /// What this PDU settles for the rest of its TCP conversation, as a number
    /// (TLS: the version the hellos agree on), or `None`. The pipeline keeps the
    /// latest per conversation and hands it back in [`Ctx::memo`] to the
    /// conversation's later PDUs; after a first pass (`tshark -2`), the last one
    /// to every PDU of the conversation, earlier ones included. It is how a
    /// protocol shows state that one PDU alone cannot tell.
    fn learn(&self, _pdu: &[u8]) -> Option<u32> {
        None
    }
    /// [`Dissector::learn`] given the PDU's [`Ctx`]: its direction, and in
    /// [`Ctx::prior`] what the conversation had learned before it, for a
    /// protocol whose state is a fold over the conversation's PDUs in order
    /// (SSH: which side has sent its banner, begun the key exchange, switched
    /// to encrypted packets); what the pipeline calls.
    fn learn_in(&self, pdu: &[u8], _ctx: Ctx) -> Option<u32> {
        self.learn(pdu)
    }
    /// The Protocol column given the PDU's [`Ctx`] (TLS: the version its
    /// conversation settled); [`Dissector::column`] unless a protocol needs it.
    fn column_in(&self, pdu: &[u8], _ctx: Ctx) -> &'static str {
        self.column(pdu)
    }
    /// Its fields; `values` and the tree refer to them by index. A field of type
    /// [`Ftype::Protocol`] is the protocol itself: its value is [`Dissector::label`],
    /// and in a display filter its bytes.
    fn fields(&self) -> &'static [FieldDecl];
    /// How many bytes of `pdu` the protocol uses (the rest is the link's padding);
    /// `None` when it cannot tell.
    fn len(&self, pdu: &[u8]) -> Option<usize> {
        Some(pdu.len())
    }
    /// Its part of `frame.protocols`: usually its name; tshark names some
    /// protocols twice (a dissector that hands the message to one per version).
    fn protocols(&self, _pdu: &[u8]) -> &'static str {
        self.name()
    }
    /// The value of the protocol's own field (`-T fields -e arp`): tshark
    /// prints the filter name for a protocol its dissector adds as a plain
    /// item, and the item's text for one it words itself (ARP: `Address
    /// Resolution Protocol (request)`, often the details' first line,
    /// [`first_line`]; BFD: its title).
    fn label(&self, _pdu: &[u8]) -> String {
        self.name().to_string()
    }
    /// [`Dissector::label`] given the PDU's [`Ctx`], for a protocol whose
    /// wording depends on it (ERSPAN's type, which GRE's header tells); what
    /// `-T fields` calls.
    fn label_in(&self, pdu: &[u8], _ctx: Ctx) -> String {
        self.label(pdu)
    }
    /// Whether tshark writes `N/A` in the Source and Destination columns when
    /// no layer below gave addresses (IS-IS on Cisco HDLC: the OSI layer sets
    /// empty addresses).
    fn unaddressed_na(&self) -> bool {
        false
    }
    /// The Info column.
    fn info(&self, pdu: &[u8], ctx: Ctx, out: &mut String);
    /// The Info column of a PDU whose TCP segment carries analysis marks
    /// (`[TCP Fast Retransmission] `): the marks, then [`Dissector::info`]; a
    /// protocol whose tshark dissector puts its own prefix before the whole
    /// column (SSH's `Client: `) places them itself.
    fn info_marked(&self, pdu: &[u8], ctx: Ctx, marks: &str, out: &mut String) {
        out.push_str(marks);
        self.info(pdu, ctx, out);
    }
    /// Its details block: the protocol item at depth 0 over `pdu`, whose first
    /// byte is at `offset` of the frame, and its fields with their bytes.
    fn tree(&self, pdu: &[u8], ctx: Ctx, offset: usize, tree: &mut Tree);
    /// Appends the values of field `field` (an index into [`Dissector::fields`]).
    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>);
    /// A fresh memory for one pass over a capture, for a protocol whose views
    /// depend on earlier frames (ARP's duplicate-address check); `None` for a
    /// protocol whose every frame stands alone.
    fn capture_state(&self) -> Option<Box<dyn CaptureState>> {
        None
    }
    /// Appends to the Info column of `pdu` what the capture state found; a
    /// protocol whose numbers are relative to earlier frames (SCTP's TSNs) may
    /// rewrite the column from `pdu` instead.
    fn recalled_info(&self, _pdu: &[u8], _recall: &Recall, _out: &mut String) {}
    /// Adds to the details, after the protocol's block, what the capture state found.
    fn recalled_tree(&self, _recall: &Recall, _tree: &mut Tree) {}
    /// Appends the values of field `field` that come from the capture state.
    fn recalled_values<'p>(&self, _recall: &Recall, _field: usize, _out: &mut Vec<Value<'p>>) {}
    /// Writes the teaching note for what the capture state found (nothing: no note).
    fn recalled_note(&self, _recall: &Recall, _out: &mut fmt::Formatter<'_>) -> fmt::Result {
        Ok(())
    }
    /// A TCP connection or UDP conversation this PDU announces for a
    /// registered protocol (FTP's `PASV` reply and `PORT` command, TFTP's read
    /// and write requests), which the pipeline then hands that protocol
    /// whatever its port.
    fn expects(&self, _pdu: &[u8], _ctx: Ctx) -> Option<Expect> {
        None
    }
    /// What this PDU says the connection its conversation announced last carries.
    fn describes<'p>(&self, _pdu: &'p [u8], _ctx: Ctx) -> Option<Describe<'p>> {
        None
    }
    /// Appends to the Info column what the announcement of this PDU's connection says.
    fn linked_info(&self, _link: &Link, _out: &mut String) {}
    /// The details block of a PDU on an announced connection, with what the
    /// announcement says; [`Dissector::tree`] unless a protocol shows more.
    fn linked_tree(&self, pdu: &[u8], ctx: Ctx, _link: &Link, offset: usize, tree: &mut Tree) {
        self.tree(pdu, ctx, offset, tree);
    }
    /// Appends the values of field `field` that come from the announcement.
    fn linked_values<'p>(&self, _link: &Link, _field: usize, _out: &mut Vec<Value<'p>>) {}
    /// The DNS messages this PDU carries whole (DNS over HTTPS, RFC 8484): their
    /// fields are DNS's own (`dns.qry.name`), as in tshark.
    fn carried_dns(&self) -> &[crate::sniff::dissect::dns::DnsMsg] {
        &[]
    }
    /// Writes the teaching note this PDU alone calls for (DHCP: which step of
    /// the DORA exchange it is; TLS: what a ClientHello's server name reveals),
    /// shown when nothing else has a note for the frame; writing nothing means
    /// no note. Called once per PDU when the frame is decoded (the text is only
    /// kept when it is shown), so keep it cheap for PDUs without a note.
    fn note(&self, _pdu: &[u8], _ctx: Ctx, _out: &mut dyn fmt::Write) -> fmt::Result {
        Ok(())
    }
}

/// The first line of `d`'s details of `pdu` (its protocol line), or its title
/// when the tree is empty: the [`Dissector::label`] of a protocol whose
/// dissector words that line.
pub fn first_line(d: &dyn Dissector, pdu: &[u8], ctx: Ctx) -> String {
    let mut tree = Tree::new();
    d.tree(pdu, ctx, 0, &mut tree);
    tree.items().first().map_or_else(|| d.title().to_string(), |i| tree.display(i).to_string())
}

/// The values of field `name` as `d`'s details tree of `pdu` gives them: for a
/// protocol whose fields are many and nested (DHCPv6, NTP), `values` reads its
/// own tree, so that the two never disagree. Each value is typed by `ftype`.
pub fn tree_values(d: &dyn Dissector, pdu: &[u8], ctx: Ctx, name: &str, ftype: Ftype, out: &mut Vec<Value<'static>>) {
    let mut tree = Tree::new();
    d.tree(pdu, ctx, 0, &mut tree);
    for item in tree.items().iter().filter(|i| i.field == name) {
        out.push(typed(tree.value(item), ftype));
    }
}

/// A tree item's JSON text as a typed value (`-T fields` and `-Y` compare those).
fn typed(text: &str, ftype: Ftype) -> Value<'static> {
    let owned = || Value::Str(text.to_string().into());
    match ftype {
        Ftype::Uint8 | Ftype::Uint16 | Ftype::Uint24 | Ftype::Uint32 | Ftype::Uint64 => match text.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16)
                .map_or_else(|_| owned(), |v| Value::hex(v, u8::try_from(hex.len()).unwrap_or(u8::MAX))),
            None => text.parse().map_or_else(|_| owned(), Value::Uint),
        },
        Ftype::Int32 | Ftype::Int64 => text.parse().map_or_else(|_| owned(), Value::Int),
        Ftype::Boolean => Value::Bool(text == "1"),
        Ftype::Ipv4 | Ftype::Ipv6 => text.parse().map_or_else(|_| owned(), Value::Ip),
        // tshark's JSON joins bytes with colons, its fields view does not.
        Ftype::Bytes => Value::Str(text.replace(':', "").into()),
        _ => owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_text_becomes_values_of_the_fields_type() {
        assert_eq!(typed("0x9de03f", Ftype::Uint24), Value::hex(0x9de03f, 6));
        assert_eq!(typed("3600", Ftype::Uint32), Value::Uint(3600));
        assert_eq!(typed("-16", Ftype::Int32), Value::Int(-16));
        assert_eq!(typed("1", Ftype::Boolean), Value::Bool(true));
        assert_eq!(typed("2001:db8::35", Ftype::Ipv6), Value::Ip("2001:db8::35".parse().unwrap()));
        assert_eq!(typed("00:0c:29", Ftype::Bytes).to_string(), "000c29");
        assert_eq!(typed("295e7744", Ftype::String).to_string(), "295e7744");
        assert_eq!(typed("not a number", Ftype::Uint8).to_string(), "not a number");
    }
}
