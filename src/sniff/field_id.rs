//! The names of the tshark fields socklab supports, each resolved once to a
//! [`FieldId`]. Its own module so the field reporters (transport layers in
//! `fields`, application layers in `app::fields`) share it without a cycle.

macro_rules! fields {
    ($($id:ident => $name:literal,)*) => {
        /// A supported tshark field: one of the built-in fields named below, or
        /// (numbered after them) a field of a protocol in the dissector registry
        /// ([`crate::sniff::dissect::registry`]).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct FieldId(u16);

        #[allow(non_upper_case_globals, missing_docs)]
        impl FieldId {
            $(pub const $id: FieldId = FieldId(Builtin::$id as u16);)*
        }

        /// The built-in fields, numbered in order.
        #[allow(dead_code)]
        enum Builtin { $($id,)* }

        /// Every built-in field name, in the order of their ids.
        pub const NAMES: &[&str] = &[$($name,)*];

        /// Every built-in field id, in order.
        pub const ALL: &[FieldId] = &[$(FieldId::$id,)*];

        impl FieldId {
            /// The id of a tshark field name, if socklab supports it.
            pub fn from_name(name: &str) -> Option<FieldId> {
                match name {
                    $($name => Some(FieldId::$id),)*
                    _ => crate::sniff::dissect::registry::field_index(name)
                        .map(|i| FieldId((NAMES.len() + i) as u16)),
                }
            }

            /// The tshark name.
            pub fn name(self) -> &'static str {
                match self.registered() {
                    Some(i) => crate::sniff::dissect::registry::field(i).map_or("", |(_, f)| f.name),
                    None => NAMES[usize::from(self.0)],
                }
            }

            /// The index of a registered protocol's field among all registered
            /// fields ([`crate::sniff::dissect::registry::field`]), `None` for a built-in field.
            pub fn registered(self) -> Option<usize> {
                usize::from(self.0).checked_sub(NAMES.len())
            }

            /// Position in the built-in list or after it, for ranges of ids.
            pub fn index(self) -> usize {
                usize::from(self.0)
            }
        }

        /// Every field id: the built-in ones, then the registered protocols' fields.
        pub fn all() -> impl Iterator<Item = FieldId> {
            let registered = crate::sniff::dissect::registry::field_count();
            ALL.iter().copied().chain((0..registered).map(|i| FieldId((NAMES.len() + i) as u16)))
        }

        /// Every field name, built-in then registered.
        pub fn all_names() -> impl Iterator<Item = &'static str> {
            all().map(FieldId::name)
        }
    };
}

fields! {
    FrameNumber => "frame.number",
    FrameTimeRelative => "frame.time_relative",
    FrameLen => "frame.len",
    FrameCapLen => "frame.cap_len",
    FrameProtocols => "frame.protocols",
    FrameComment => "frame.comment",
    FrameInterfaceId => "frame.interface_id",
    FrameInterfaceName => "frame.interface_name",
    FrameInterfaceDescription => "frame.interface_description",
    FrameSectionNumber => "frame.section_number",
    Eth => "eth",
    EthSrc => "eth.src",
    EthDst => "eth.dst",
    EthType => "eth.type",
    Ip => "ip",
    IpSrc => "ip.src",
    IpDst => "ip.dst",
    IpAddr => "ip.addr",
    IpProto => "ip.proto",
    IpTtl => "ip.ttl",
    IpLen => "ip.len",
    IpId => "ip.id",
    IpHdrLen => "ip.hdr_len",
    IpFlags => "ip.flags",
    IpFlagsDf => "ip.flags.df",
    IpChecksum => "ip.checksum",
    Ipv6 => "ipv6",
    Ipv6Src => "ipv6.src",
    Ipv6Dst => "ipv6.dst",
    Ipv6Addr => "ipv6.addr",
    Ipv6Nxt => "ipv6.nxt",
    Ipv6Hlim => "ipv6.hlim",
    Ipv6Plen => "ipv6.plen",
    Tcp => "tcp",
    TcpSrcport => "tcp.srcport",
    TcpDstport => "tcp.dstport",
    TcpPort => "tcp.port",
    TcpStream => "tcp.stream",
    TcpLen => "tcp.len",
    TcpSeq => "tcp.seq",
    TcpSeqRaw => "tcp.seq_raw",
    TcpNxtseq => "tcp.nxtseq",
    TcpAck => "tcp.ack",
    TcpAckRaw => "tcp.ack_raw",
    TcpHdrLen => "tcp.hdr_len",
    TcpFlags => "tcp.flags",
    TcpFlagsSyn => "tcp.flags.syn",
    TcpFlagsAck => "tcp.flags.ack",
    TcpFlagsFin => "tcp.flags.fin",
    TcpFlagsReset => "tcp.flags.reset",
    TcpFlagsPush => "tcp.flags.push",
    TcpFlagsUrg => "tcp.flags.urg",
    TcpFlagsStr => "tcp.flags.str",
    TcpWindowSizeValue => "tcp.window_size_value",
    TcpWindowSize => "tcp.window_size",
    TcpWindowSizeScalefactor => "tcp.window_size_scalefactor",
    TcpCompleteness => "tcp.completeness",
    TcpOptionsMssVal => "tcp.options.mss_val",
    TcpOptionsWscaleShift => "tcp.options.wscale.shift",
    TcpOptionsWscaleMultiplier => "tcp.options.wscale.multiplier",
    TcpOptionsSackPerm => "tcp.options.sack_perm",
    TcpOptionsTsval => "tcp.options.timestamp.tsval",
    TcpOptionsTsecr => "tcp.options.timestamp.tsecr",
    TcpAnalysisFlags => "tcp.analysis.flags",
    TcpAnalysisRetransmission => "tcp.analysis.retransmission",
    TcpAnalysisOutOfOrder => "tcp.analysis.out_of_order",
    TcpAnalysisLostSegment => "tcp.analysis.lost_segment",
    TcpAnalysisDuplicateAck => "tcp.analysis.duplicate_ack",
    TcpAnalysisDuplicateAckNum => "tcp.analysis.duplicate_ack_num",
    TcpAnalysisDuplicateAckFrame => "tcp.analysis.duplicate_ack_frame",
    TcpAnalysisZeroWindow => "tcp.analysis.zero_window",
    TcpAnalysisKeepAlive => "tcp.analysis.keep_alive",
    TcpAnalysisWindowUpdate => "tcp.analysis.window_update",
    TcpAnalysisAcksFrame => "tcp.analysis.acks_frame",
    TcpAnalysisAckRtt => "tcp.analysis.ack_rtt",
    TcpAnalysisInitialRtt => "tcp.analysis.initial_rtt",
    TcpTimeRelative => "tcp.time_relative",
    TcpTimeDelta => "tcp.time_delta",
    Udp => "udp",
    UdpSrcport => "udp.srcport",
    UdpDstport => "udp.dstport",
    UdpPort => "udp.port",
    UdpLength => "udp.length",
    UdpStream => "udp.stream",
    UdpChecksum => "udp.checksum",
    Icmp => "icmp",
    IcmpType => "icmp.type",
    IcmpCode => "icmp.code",
    IcmpIdent => "icmp.ident",
    IcmpSeq => "icmp.seq",
    Icmpv6 => "icmpv6",
    Icmpv6Type => "icmpv6.type",
    Icmpv6Code => "icmpv6.code",
    Dns => "dns",
    DnsId => "dns.id",
    DnsFlags => "dns.flags",
    DnsFlagsResponse => "dns.flags.response",
    DnsFlagsOpcode => "dns.flags.opcode",
    DnsFlagsAuthoritative => "dns.flags.authoritative",
    DnsFlagsTruncated => "dns.flags.truncated",
    DnsFlagsRecdesired => "dns.flags.recdesired",
    DnsFlagsRecavail => "dns.flags.recavail",
    DnsFlagsRcode => "dns.flags.rcode",
    DnsCountQueries => "dns.count.queries",
    DnsCountAnswers => "dns.count.answers",
    DnsCountAuthRr => "dns.count.auth_rr",
    DnsCountAddRr => "dns.count.add_rr",
    DnsQryName => "dns.qry.name",
    DnsQryType => "dns.qry.type",
    DnsQryClass => "dns.qry.class",
    DnsRespName => "dns.resp.name",
    DnsRespType => "dns.resp.type",
    DnsRespTtl => "dns.resp.ttl",
    DnsA => "dns.a",
    DnsAaaa => "dns.aaaa",
    DnsCname => "dns.cname",
    DnsResponseIn => "dns.response_in",
    DnsResponseTo => "dns.response_to",
    DnsTime => "dns.time",
    Http => "http",
    HttpRequest => "http.request",
    HttpResponse => "http.response",
    HttpRequestMethod => "http.request.method",
    HttpRequestUri => "http.request.uri",
    HttpRequestVersion => "http.request.version",
    HttpResponseVersion => "http.response.version",
    HttpResponseCode => "http.response.code",
    HttpResponsePhrase => "http.response.phrase",
    HttpContentLength => "http.content_length",
    HttpContentType => "http.content_type",
    HttpHost => "http.host",
    HttpServer => "http.server",
    HttpRequestIn => "http.request_in",
    HttpResponseIn => "http.response_in",
    HttpTime => "http.time",
    Frame => "frame",
    TcpPayload => "tcp.payload",
    UdpPayload => "udp.payload",
    Data => "data",
    DataData => "data.data",
}
