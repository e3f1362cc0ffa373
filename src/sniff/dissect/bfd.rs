//! BFD, Bidirectional Forwarding Detection (RFC 5880): two systems send each
//! other small control packets at an agreed rate, and a session goes down when
//! they stop arriving. The 24-byte mandatory section (RFC 5880 §4.1) carries
//! the version, a diagnostic code, the session state, six flags, the detect
//! multiplier, both discriminators and the three intervals; an optional
//! authentication section follows (§4.2–§4.4). Single hop on UDP 3784 (RFC
//! 5881), multihop on 4784 (RFC 5883), micro-BFD on LAG members on 6784 (RFC
//! 7130) and seamless BFD on 7784 (RFC 7881).

use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use super::frame::malformed;
use crate::proto::bytes::be32;
use crate::sniff::tree::draw::{bit_pattern, set};
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::fmt::Write as _;

/// The BFD control dissector.
pub struct Bfd;

/// BFD control's UDP ports (RFC 5881 §4, RFC 5883 §5, RFC 7130 §2.2, RFC 7881 §3).
const PORTS: &[Claim] = &[Claim::UdpPort(3784), Claim::UdpPort(4784), Claim::UdpPort(6784), Claim::UdpPort(7784)];

/// Byte offsets of the mandatory section (RFC 5880 §4.1).
mod at {
    pub const VERS_DIAG: usize = 0;
    pub const STATE_FLAGS: usize = 1;
    pub const DETECT_MULT: usize = 2;
    pub const LENGTH: usize = 3;
    pub const MY_DISC: usize = 4;
    pub const YOUR_DISC: usize = 8;
    pub const DESIRED_TX: usize = 12;
    pub const REQUIRED_RX: usize = 16;
    pub const REQUIRED_ECHO: usize = 20;
    /// The end of the mandatory section; authentication follows.
    pub const END: usize = 24;
    /// In the authentication section: type, length, key ID, then the rest.
    pub const AUTH_TYPE: usize = 0;
    pub const AUTH_LEN: usize = 1;
    pub const AUTH_KEY: usize = 2;
    pub const AUTH_PASSWORD: usize = 3;
    /// The keyed MD5/SHA1 sections (§4.3, §4.4): a reserved byte, the sequence number, the digest.
    pub const AUTH_SEQ: usize = 4;
    pub const AUTH_DIGEST: usize = 8;
}

/// The flags of the second byte (RFC 5880 §4.1): state bits and six flags.
const STATE_SHIFT: u8 = 6;
const FLAGS_MASK: u8 = 0x3f;
const FLAG_AUTH: u8 = 0x04;
/// Each flag's bit, name and field, most significant first.
const FLAGS: [(u8, &str, &str); 6] = [
    (0x20, "Poll", "bfd.flags.p"),
    (0x10, "Final", "bfd.flags.f"),
    (0x08, "Control Plane Independent", "bfd.flags.c"),
    (FLAG_AUTH, "Authentication Present", "bfd.flags.a"),
    (0x02, "Demand", "bfd.flags.d"),
    (0x01, "Multipoint", "bfd.flags.m"),
];
/// Microseconds in a millisecond, for the intervals' display.
const US_PER_MS: u32 = 1000;

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "bfd", ftype: Ftype::Protocol, title: "BFD Control message", base: "" },
    FieldDecl { name: "bfd.version", ftype: Ftype::Uint8, title: "Protocol Version", base: "BASE_DEC" },
    FieldDecl { name: "bfd.diag", ftype: Ftype::Uint8, title: "Diagnostic Code", base: "BASE_HEX" },
    FieldDecl { name: "bfd.sta", ftype: Ftype::Uint8, title: "Session State", base: "BASE_HEX" },
    FieldDecl { name: "bfd.flags", ftype: Ftype::Uint8, title: "Message Flags", base: "BASE_HEX" },
    FieldDecl { name: "bfd.flags.p", ftype: Ftype::Boolean, title: "Poll", base: "6" },
    FieldDecl { name: "bfd.flags.f", ftype: Ftype::Boolean, title: "Final", base: "6" },
    FieldDecl { name: "bfd.flags.c", ftype: Ftype::Boolean, title: "Control Plane Independent", base: "6" },
    FieldDecl { name: "bfd.flags.a", ftype: Ftype::Boolean, title: "Authentication Present", base: "6" },
    FieldDecl { name: "bfd.flags.d", ftype: Ftype::Boolean, title: "Demand", base: "6" },
    FieldDecl { name: "bfd.flags.m", ftype: Ftype::Boolean, title: "Multipoint", base: "6" },
    FieldDecl {
        name: "bfd.detect_time_multiplier",
        ftype: Ftype::Uint8,
        title: "Detect Time Multiplier",
        base: "BASE_DEC",
    },
    FieldDecl { name: "bfd.message_length", ftype: Ftype::Uint8, title: "Message Length", base: "BASE_DEC" },
    FieldDecl { name: "bfd.my_discriminator", ftype: Ftype::Uint32, title: "My Discriminator", base: "BASE_HEX" },
    FieldDecl { name: "bfd.your_discriminator", ftype: Ftype::Uint32, title: "Your Discriminator", base: "BASE_HEX" },
    FieldDecl {
        name: "bfd.desired_min_tx_interval",
        ftype: Ftype::Uint32,
        title: "Desired Min TX Interval",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "bfd.required_min_rx_interval",
        ftype: Ftype::Uint32,
        title: "Required Min RX Interval",
        base: "BASE_DEC",
    },
    FieldDecl {
        name: "bfd.required_min_echo_interval",
        ftype: Ftype::Uint32,
        title: "Required Min Echo Interval",
        base: "BASE_DEC",
    },
    FieldDecl { name: "bfd.auth.type", ftype: Ftype::Uint8, title: "Authentication Type", base: "BASE_DEC" },
    FieldDecl { name: "bfd.auth.len", ftype: Ftype::Uint8, title: "Authentication Length", base: "BASE_DEC" },
    FieldDecl { name: "bfd.auth.key", ftype: Ftype::Uint8, title: "Authentication Key ID", base: "BASE_DEC" },
    FieldDecl { name: "bfd.auth.password", ftype: Ftype::String, title: "Password", base: "" },
    FieldDecl { name: "bfd.auth.seq_num", ftype: Ftype::Uint32, title: "Sequence Number", base: "BASE_HEX" },
    FieldDecl { name: "bfd.checksum", ftype: Ftype::Bytes, title: "Checksum", base: "" },
];

/// Wireshark's name of a diagnostic code (RFC 5880 §4.1).
fn diag_name(d: u8) -> &'static str {
    match d {
        0 => "No Diagnostic",
        1 => "Control Detection Time Expired",
        2 => "Echo Function Failed",
        3 => "Neighbor Signaled Session Down",
        4 => "Forwarding Plane Reset",
        5 => "Path Down",
        6 => "Concatenated Path Down",
        7 => "Administratively Down",
        8 => "Reverse Concatenated Path Down",
        9 => "Mis-Connectivity Defect",
        _ => "Unknown",
    }
}

/// Wireshark's name of a session state (RFC 5880 §4.1).
fn state_name(s: u8) -> &'static str {
    match s {
        0 => "AdminDown",
        1 => "Down",
        2 => "Init",
        _ => "Up",
    }
}

/// Wireshark's name of an authentication type (RFC 5880 §4.1).
fn auth_name(t: u8) -> &'static str {
    match t {
        0 => "Reserved",
        1 => "Simple Password",
        2 => "Keyed MD5",
        3 => "Meticulous Keyed MD5",
        4 => "Keyed SHA1",
        5 => "Meticulous Keyed SHA1",
        _ => "Unknown",
    }
}

impl Dissector for Bfd {
    fn name(&self) -> &'static str {
        "bfd"
    }

    fn title(&self) -> &'static str {
        "BFD Control message"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "BFD Control"
    }

    fn claims(&self) -> &'static [Claim] {
        PORTS
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn label(&self, _pdu: &[u8]) -> String {
        self.title().to_string()
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        let (Some(&vd), Some(&sf)) = (pdu.get(at::VERS_DIAG), pdu.get(at::STATE_FLAGS)) else {
            out.push_str("[Malformed Packet]");
            return;
        };
        let _ = write!(
            out,
            "Diag: {}, State: {}, Flags: 0x{:02x}",
            diag_name(vd & 0x1f),
            state_name(sf >> STATE_SHIFT),
            sf & FLAGS_MASK
        );
        if pdu.len() < at::END {
            out.push_str("[Malformed Packet]");
        }
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, off: usize, t: &mut Tree) {
        t.at(0).proto("bfd").bytes(off, pdu.len()).line(format_args!("BFD Control message"));
        if !mandatory_tree(pdu, off, t) {
            malformed(t, "BFD Control");
            return;
        }
        if pdu[at::STATE_FLAGS] & FLAG_AUTH != 0 {
            auth_tree(&pdu[at::END..], off + at::END, t);
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let Some(f) = FIELDS.get(field) else { return };
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, f.name, f.ftype, &mut owned);
        out.extend(owned);
    }
}

/// One of the six flags as Wireshark draws a 6-bit field, grouped from the
/// left: `1... ..` for the Poll bit set.
fn six_bits(flags: u8, bit: u8) -> String {
    let mut s = String::with_capacity(7);
    for i in (0..6).rev() {
        if i == 1 {
            s.push(' ');
        }
        let b = 1u8 << i;
        s.push(match (b == bit, flags & b != 0) {
            (false, _) => '.',
            (true, true) => '1',
            (true, false) => '0',
        });
    }
    s
}

/// The mandatory section (RFC 5880 §4.1); false when it is cut short.
fn mandatory_tree(pdu: &[u8], off: usize, t: &mut Tree) -> bool {
    if pdu.len() < at::END {
        return false;
    }
    let (vd, sf) = (pdu[at::VERS_DIAG], pdu[at::STATE_FLAGS]);
    let (version, diag, state) = (vd >> 5, vd & 0x1f, sf >> STATE_SHIFT);
    let b = off + at::VERS_DIAG;
    t.at(1)
        .field("bfd.version", Ftype::Uint8, version)
        .bytes(b, 1)
        .line(format_args!("{} = Protocol Version: {version}", bit_pattern(version.into(), 3, 5, 8)));
    t.at(1).field("bfd.diag", Ftype::Uint8, format_args!("0x{diag:02x}")).bytes(b, 1).line(format_args!(
        "{} = Diagnostic Code: {} (0x{diag:02x})",
        bit_pattern(diag.into(), 5, 0, 8),
        diag_name(diag)
    ));
    let sb = off + at::STATE_FLAGS;
    t.at(1).field("bfd.sta", Ftype::Uint8, format_args!("0x{state:02x}")).bytes(sb, 1).line(format_args!(
        "{} = Session State: {} (0x{state:x})",
        bit_pattern(state.into(), 2, 6, 8),
        state_name(state)
    ));
    let mut head = format!("Message Flags: 0x{sf:02x}");
    for (_, name, _) in FLAGS.iter().filter(|(bit, _, _)| sf & bit != 0) {
        let _ = write!(head, ", {name}: Set");
    }
    t.at(1).field("bfd.flags", Ftype::Uint8, format_args!("0x{sf:02x}")).bytes(sb, 1).line(format_args!("{head}"));
    for (bit, name, field) in FLAGS {
        let on = sf & bit != 0;
        t.at(2).field(field, Ftype::Boolean, u8::from(on)).bytes(sb, 1).line(format_args!(
            "{} = {name}: {}",
            six_bits(sf & FLAGS_MASK, bit),
            set(on)
        ));
    }
    let mult = pdu[at::DETECT_MULT];
    let tx = be32(pdu, at::DESIRED_TX);
    let detect = u64::from(mult) * u64::from(tx / US_PER_MS);
    t.at(1)
        .field("bfd.detect_time_multiplier", Ftype::Uint8, mult)
        .bytes(off + at::DETECT_MULT, 1)
        .line(format_args!("Detect Time Multiplier: {mult} (= {detect} ms Detection time)"));
    let len = pdu[at::LENGTH];
    t.at(1)
        .field("bfd.message_length", Ftype::Uint8, len)
        .bytes(off + at::LENGTH, 1)
        .line(format_args!("Message Length: {len} bytes"));
    for (i, name, title) in [
        (at::MY_DISC, "bfd.my_discriminator", "My Discriminator"),
        (at::YOUR_DISC, "bfd.your_discriminator", "Your Discriminator"),
    ] {
        let v = be32(pdu, i);
        t.at(1)
            .field(name, Ftype::Uint32, format_args!("0x{v:08x}"))
            .bytes(off + i, 4)
            .line(format_args!("{title}: 0x{v:08x}"));
    }
    for (i, name, title) in [
        (at::DESIRED_TX, "bfd.desired_min_tx_interval", "Desired Min TX Interval"),
        (at::REQUIRED_RX, "bfd.required_min_rx_interval", "Required Min RX Interval"),
        (at::REQUIRED_ECHO, "bfd.required_min_echo_interval", "Required Min Echo Interval"),
    ] {
        let v = be32(pdu, i);
        t.at(1)
            .field(name, Ftype::Uint32, v)
            .bytes(off + i, 4)
            .line(format_args!("{title}: {:4} ms ({v} us)", v / US_PER_MS));
    }
    true
}

/// The authentication section (RFC 5880 §4.2–§4.4), as far as it goes.
fn auth_tree(sec: &[u8], off: usize, t: &mut Tree) {
    let Some(&kind) = sec.get(at::AUTH_TYPE) else { return };
    let name = auth_name(kind);
    t.at(1).bytes(off, sec.len()).line(format_args!("Authentication: {name}"));
    t.at(2)
        .field("bfd.auth.type", Ftype::Uint8, kind)
        .bytes(off, 1)
        .line(format_args!("Authentication Type: {name} ({kind})"));
    let Some(&len) = sec.get(at::AUTH_LEN) else { return };
    t.at(2)
        .field("bfd.auth.len", Ftype::Uint8, len)
        .bytes(off + at::AUTH_LEN, 1)
        .line(format_args!("Authentication Length: {len} bytes"));
    let Some(&key) = sec.get(at::AUTH_KEY) else { return };
    t.at(2)
        .field("bfd.auth.key", Ftype::Uint8, key)
        .bytes(off + at::AUTH_KEY, 1)
        .line(format_args!("Authentication Key ID: {key}"));
    let end = usize::from(len).min(sec.len());
    if kind == 1 {
        let pw = sec.get(at::AUTH_PASSWORD..end).unwrap_or_default();
        let pw = String::from_utf8_lossy(pw);
        t.at(2)
            .field("bfd.auth.password", Ftype::String, &pw)
            .bytes(off + at::AUTH_PASSWORD, pw.len())
            .line(format_args!("Password: {pw}"));
        return;
    }
    if sec.len() < at::AUTH_DIGEST {
        return;
    }
    let seq = be32(sec, at::AUTH_SEQ);
    t.at(2)
        .field("bfd.auth.seq_num", Ftype::Uint32, format_args!("0x{seq:08x}"))
        .bytes(off + at::AUTH_SEQ, 4)
        .line(format_args!("Sequence Number: 0x{seq:08x}"));
    let digest = sec.get(at::AUTH_DIGEST..end).unwrap_or_default();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    t.at(2)
        .field("bfd.checksum", Ftype::Bytes, &hex)
        .bytes(off + at::AUTH_DIGEST, digest.len())
        .line(format_args!("Checksum: {hex}"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::{info_of, values_of};

    /// bfd-raw-auth-md5.pcap (tcpdump's tests) frame 1: Down, Authentication
    /// Present, a Keyed MD5 section with key 2 and sequence number 5.
    const MD5: &[u8] = &[
        0x20, 0x44, 5, 0x30, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0x0f, 0x42, 0x40, 0, 0x0f, 0x42, 0x40, 0, 0, 0,
        0, // mandatory
        2, 0x18, 2, 0, 0, 0, 0, 5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, // auth
    ];
    /// bfd-lag.pcap frame 1: micro-BFD, Down with Poll.
    const POLL: &[u8] = &[
        0x20, 0x60, 3, 0x18, 0x0d, 0xe6, 8, 0x37, 0, 0, 0, 0, 0, 0x0f, 0x42, 0x40, 0, 4, 0x93, 0xe0, 0, 4, 0x93, 0xe0,
    ];
    /// A simple password section: key 2, "secret" (bfd-raw-auth-simple.pcap).
    const SIMPLE: &[u8] = &[1, 9, 2, b's', b'e', b'c', b'r', b'e', b't'];

    fn tree_text(pdu: &[u8]) -> String {
        let mut t = Tree::new();
        Bfd.tree(pdu, Ctx::default(), 0, &mut t);
        t.items().iter().map(|i| format!("{}\n", t.display(i))).collect()
    }

    #[test]
    fn info_shows_diagnostic_state_and_the_six_flags() {
        assert_eq!(info_of(&Bfd, MD5, Ctx::default()), "Diag: No Diagnostic, State: Down, Flags: 0x04");
        assert_eq!(info_of(&Bfd, POLL, Ctx::default()), "Diag: No Diagnostic, State: Down, Flags: 0x20");
    }

    #[test]
    fn the_mandatory_section_has_every_field() {
        let text = tree_text(POLL);
        assert!(text.contains("001. .... = Protocol Version: 1\n"), "{text}");
        assert!(text.contains("01.. .... = Session State: Down (0x1)\n"), "{text}");
        assert!(
            text.contains("Message Flags: 0x60, Poll: Set\n1... .. = Poll: Set\n.0.. .. = Final: Not set\n"),
            "{text}"
        );
        assert!(text.contains("Detect Time Multiplier: 3 (= 3000 ms Detection time)\n"), "{text}");
        assert!(text.contains("Required Min RX Interval:  300 ms (300000 us)\n"), "{text}");
        assert_eq!(values_of(&Bfd, POLL, Ctx::default(), "bfd.sta"), ["0x01"]);
        assert_eq!(values_of(&Bfd, POLL, Ctx::default(), "bfd.flags.p"), ["1"]);
        assert_eq!(values_of(&Bfd, POLL, Ctx::default(), "bfd.my_discriminator"), ["0x0de60837"]);
    }

    #[test]
    fn authentication_sections_are_decoded() {
        assert_eq!(values_of(&Bfd, MD5, Ctx::default(), "bfd.auth.seq_num"), ["0x00000005"]);
        assert_eq!(values_of(&Bfd, MD5, Ctx::default(), "bfd.checksum"), ["01020304050607080910111213141516"]);
        let mut simple = MD5[..24].to_vec();
        simple.extend(SIMPLE);
        let text = tree_text(&simple);
        assert!(text.contains("Authentication: Simple Password\n"), "{text}");
        assert!(text.contains("Password: secret\n"), "{text}");
    }

    #[test]
    fn a_cut_packet_is_malformed_and_never_panics() {
        for n in 0..MD5.len() {
            let text = tree_text(&MD5[..n]);
            assert_eq!(text.contains("[Malformed Packet: BFD Control]"), n < 24, "{n}: {text}");
        }
        assert_eq!(
            info_of(&Bfd, &MD5[..2], Ctx::default()),
            "Diag: No Diagnostic, State: Down, Flags: 0x04[Malformed Packet]"
        );
        assert_eq!(info_of(&Bfd, &[], Ctx::default()), "[Malformed Packet]");
    }
}
