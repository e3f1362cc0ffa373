//! TCP (RFC 9293): the protocol file of the transport layer. It decodes the
//! header and options; `tree` is its part of the details tree, `info` its Info
//! column, `values` its `tcp.*` fields. Conversation state (streams, sequence
//! analysis, reassembly) lives in [`crate::sniff::tcp`].

pub mod fields;
pub mod header;
pub mod info;
pub mod tree;

use crate::proto::bytes::{be16, be32};
use crate::sniff::packet::{DecodeError, Dissected, ErrorKind, Layer, Tcp, Transport, MAX_TCP_OPTIONS};
use crate::sniff::tcp::Options;

/// The IP protocol number that hands a payload to TCP (IANA).
pub const IP_PROTO: u8 = 6;

/// The ExID of TCP Fast Open in the experimental option (RFC 7413 §4.1.1).
pub const TFO_EXID: [u8; 2] = [0xf9, 0x89];
/// The fixed TCP header, without options (RFC 9293 §3.1).
const TCP_FIXED_LEN: usize = 20;

/// TCP option kinds (IANA "TCP Option Kind Numbers").
pub mod opt {
    /// End of option list.
    pub const EOL: u8 = 0;
    /// No-operation.
    pub const NOP: u8 = 1;
    /// Maximum segment size (RFC 9293 §3.2).
    pub const MSS: u8 = 2;
    /// Window scale (RFC 7323 §2).
    pub const WSCALE: u8 = 3;
    /// SACK permitted (RFC 2018).
    pub const SACK_PERM: u8 = 4;
    /// SACK blocks (RFC 2018).
    pub const SACK: u8 = 5;
    /// Timestamps (RFC 7323 §3).
    pub const TIMESTAMPS: u8 = 8;
    /// Multipath TCP (RFC 8684 §3; version 0: RFC 6824 §3).
    pub const MPTCP: u8 = 30;
    /// TCP Fast Open cookie (RFC 7413).
    pub const TFO: u8 = 34;
    /// Experimental option with a 2-byte ExID (RFC 6994).
    pub const EXPERIMENTAL: u8 = 254;
}

/// Byte offsets of the fields of the TCP header, from the header's start.
pub mod field {
    use std::ops::Range;

    /// TCP (RFC 9293 §3.1).
    pub mod tcp {
        use super::Range;
        /// Source port.
        pub const SRC_PORT: Range<usize> = 0..2;
        /// Destination port.
        pub const DST_PORT: Range<usize> = 2..4;
        /// Sequence number.
        pub const SEQ: Range<usize> = 4..8;
        /// Acknowledgment number.
        pub const ACK: Range<usize> = 8..12;
        /// Data offset (high nibble), reserved bits and AE.
        pub const DATA_OFFSET: usize = 12;
        /// Data offset, reserved bits and the control bits.
        pub const FLAGS: Range<usize> = 12..14;
        /// Window.
        pub const WINDOW: Range<usize> = 14..16;
        /// Checksum.
        pub const CHECKSUM: Range<usize> = 16..18;
        /// Urgent pointer.
        pub const URGENT: Range<usize> = 18..20;
    }
}

/// TCP (RFC 9293 §3.1): the fixed header and the options, with `declared` bytes
/// of IP payload per the IP header. A header the capture cut after its fixed
/// part is decoded as far as it goes and marked malformed, as tshark does.
#[inline]
pub fn decode<'a>(out: &mut Dissected<'a>, data: &'a [u8], offset: usize, declared: usize) {
    let Some(b) = data.get(..TCP_FIXED_LEN) else {
        let kind = ErrorKind::Truncated { needed: TCP_FIXED_LEN, have: data.len() };
        out.error = Some(DecodeError { layer: Layer::Tcp, offset, kind });
        return;
    };
    let data_offset = b[field::tcp::DATA_OFFSET] >> 4;
    let hdr_len = usize::from(data_offset) * 4;
    if hdr_len < TCP_FIXED_LEN {
        let kind = ErrorKind::Invalid("data offset", u32::from(data_offset));
        out.error = Some(DecodeError { layer: Layer::Tcp, offset, kind });
        return;
    }
    let be32 = |at: std::ops::Range<usize>| be32(b, at.start);
    let be16 = |at: std::ops::Range<usize>| be16(b, at.start);
    let mut h = Tcp {
        offset,
        sport: be16(field::tcp::SRC_PORT),
        dport: be16(field::tcp::DST_PORT),
        seq: be32(field::tcp::SEQ),
        ack: be32(field::tcp::ACK),
        hdr_len: data_offset * 4,
        flags: be16(field::tcp::FLAGS) & 0x0fff,
        window: be16(field::tcp::WINDOW),
        checksum: be16(field::tcp::CHECKSUM),
        urgent: be16(field::tcp::URGENT),
        options: Options::default(),
        opt_kinds: [0; MAX_TCP_OPTIONS],
        opt_count: 0,
        tfo_len: 0,
        payload_len: u32::try_from(declared.saturating_sub(hdr_len)).unwrap_or(u32::MAX),
        malformed: false,
    };
    let captured = data.len().min(hdr_len);
    tcp_options(&data[TCP_FIXED_LEN..captured], &mut h);
    if captured < hdr_len {
        h.malformed = true;
        let kind = ErrorKind::Truncated { needed: hdr_len, have: data.len() };
        out.error = Some(DecodeError { layer: Layer::Tcp, offset, kind });
    } else if h.malformed {
        out.error = Some(DecodeError { layer: Layer::Tcp, offset, kind: ErrorKind::Invalid("SACK option length", 2) });
    }
    out.transport = Transport::Tcp(h);
    out.payload = data.get(hdr_len..).unwrap_or(&[]);
}

/// Walks the TCP options (RFC 9293 §3.2): kind, length, value; EOL and NOP are
/// one byte (the padding after EOL is listed as more EOLs, as Wireshark does).
/// Stops quietly at a malformed length; what came before is kept. A SACK option
/// without blocks (length 2) marks the header malformed: tshark's SACK dissector
/// throws on it.
pub fn tcp_options(bytes: &[u8], h: &mut Tcp) {
    let mut i = 0;
    while i < bytes.len() && usize::from(h.opt_count) < MAX_TCP_OPTIONS {
        let kind = bytes[i];
        h.opt_kinds[usize::from(h.opt_count)] = kind;
        h.opt_count += 1;
        // After EOL only padding follows; Wireshark lists each padding byte as EOL.
        if kind == opt::EOL || kind == opt::NOP {
            i += 1;
            continue;
        }
        let Some(&len) = bytes.get(i + 1) else { return };
        let len = usize::from(len);
        let Some(v) = bytes.get(i + 2..i + len.max(2)).filter(|_| len >= 2) else {
            return;
        };
        if kind == opt::TFO {
            h.tfo_len = u8::try_from(len).unwrap_or(u8::MAX);
            h.options.tfo_cookie |= h.tfo_len > 2;
        } else if kind == opt::EXPERIMENTAL && v.starts_with(&TFO_EXID) {
            h.tfo_len = u8::try_from(len - 2).unwrap_or(u8::MAX);
            h.options.tfo_cookie |= h.tfo_len > 2;
        }
        let o = &mut h.options;
        match (kind, v.len()) {
            (opt::MSS, 2) => o.mss = Some(u16::from_be_bytes([v[0], v[1]])),
            (opt::WSCALE, 1) => o.wscale = Some(v[0]),
            (opt::SACK_PERM, 0) => o.sack_perm = true,
            (opt::TIMESTAMPS, 8) => {
                o.timestamps =
                    Some((u32::from_be_bytes([v[0], v[1], v[2], v[3]]), u32::from_be_bytes([v[4], v[5], v[6], v[7]])))
            }
            (opt::SACK, 0) => h.malformed = true,
            (opt::SACK, n) if n % 8 == 0 => {
                for block in v.chunks_exact(8).take(o.sack.len()) {
                    o.sack[usize::from(o.sack_count)] = (
                        u32::from_be_bytes([block[0], block[1], block[2], block[3]]),
                        u32::from_be_bytes([block[4], block[5], block[6], block[7]]),
                    );
                    o.sack_count += 1;
                }
            }
            _ => {}
        }
        i += len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::link::LinkType;
    use crate::sniff::dissect::tests::SYN;
    use crate::sniff::dissect::{dissect, dissect_frame};
    use crate::sniff::packet::Net;

    #[test]
    fn syn_with_options() {
        let d = dissect(LinkType::Ethernet, &SYN);
        assert_eq!(d.error, None);
        let Net::Ipv4(ip) = d.net else { panic!("no IPv4: {d:?}") };
        assert_eq!((ip.id, ip.ttl, ip.flags, ip.hdr_len), (0x1b68, 64, 2, 20));
        let Transport::Tcp(t) = d.transport else { panic!("no TCP") };
        assert_eq!((t.sport, t.dport, t.flags, t.hdr_len, t.payload_len), (41864, 12000, 0x002, 40, 0));
        assert_eq!(t.options.mss, Some(65495));
        assert_eq!(t.options.wscale, Some(10));
        assert!(t.options.sack_perm);
        assert_eq!(t.options.timestamps, Some((0x9c3f2a11, 0)));
        assert_eq!(t.option_kinds(), &[2, 4, 8, 1, 3]);
    }

    #[test]
    fn bad_tcp_data_offset_is_an_error() {
        let mut bad = SYN;
        bad[46] = 0x30;
        let e = dissect(LinkType::Ethernet, &bad).error.unwrap();
        assert_eq!(e.to_string(), "TCP header at byte 34: invalid data offset 3");
    }

    #[test]
    fn malformed_options_stop_quietly() {
        let mut h = match dissect(LinkType::Ethernet, &SYN).transport {
            Transport::Tcp(t) => t,
            _ => unreachable!(),
        };
        for opts in [&[2u8][..], &[2, 0], &[2, 1, 0], &[5, 10, 0, 0], &[8, 10, 1, 2, 3], &[1, 1, 1, 0, 9, 9]] {
            h.opt_count = 0;
            tcp_options(opts, &mut h);
        }
    }

    #[test]
    fn tcp_header_cut_in_its_options_is_decoded_and_malformed() {
        // The SYN's 40-byte header captured up to its 8th option byte (as
        // zeek-traces/tcp/truncated-header.pcap): ports, seq, flags and MSS survive.
        let d = dissect_frame(LinkType::Ethernet, &SYN[..62], SYN.len());
        let Transport::Tcp(t) = d.transport else { panic!("no TCP: {d:?}") };
        assert_eq!((t.sport, t.dport, t.flags, t.hdr_len, t.payload_len), (41864, 12000, 0x002, 40, 0));
        assert_eq!(t.options.mss, Some(65495));
        assert!(t.malformed);
        assert_eq!(d.error.unwrap().to_string(), "TCP header at byte 34 cut short: needs 40 bytes, 28 captured");
    }

    #[test]
    fn sack_without_blocks_is_malformed() {
        // Raw IPv4 ACK whose options are NOP NOP SACK(len 2) (suricata-verify tcp-empty-sack).
        let frame: [u8; 44] = [
            0x45, 0, 0, 44, 0xe5, 0xc0, 0x40, 0, 0xf0, 6, 0, 0, 17, 173, 66, 179, 192, 168, 0, 54, // IPv4
            0x01, 0xbb, 0xc1, 0x62, 0xeb, 0x4e, 0x1a, 0x02, 0xdf, 0x10, 0x2c, 0x40, 0x60, 0x10, 0xff, 0x5f, 0xb1, 0x6f,
            0, 0, 1, 1, 5, 2, // TCP with options
        ];
        let d = dissect(LinkType::Raw, &frame);
        let Transport::Tcp(t) = d.transport else { panic!("no TCP: {d:?}") };
        assert!(t.malformed);
        assert_eq!(t.option_kinds(), &[1, 1, 5]);
    }
}
