//! What an SSH conversation has settled so far, and how a PDU reads in it,
//! as tshark's SSH dissector follows a connection (RFC 4253 §4.2, §7):
//!
//! - the version the *client's* banner announces (`SSH-2.0-…`, `SSH-1.99-…`:
//!   version 2; `SSH-1.x`: version 1) is the conversation's; until then
//!   (a capture begun mid-stream, bytes that are not SSH on port 22) every
//!   segment is an encrypted packet of the whole segment's length and the
//!   Protocol column says `SSH`;
//! - each side's first bytes starting `SSH-` are its banner, once;
//! - after its banner, a side's binary packets are read in the clear (the key
//!   exchange) until it sends New Keys; after that everything it sends is
//!   encrypted. With chacha20-poly1305 negotiated for that direction, tshark
//!   4.0 tries to decrypt (it has no keys) and shows nothing; with any other
//!   cipher, `Encrypted packet (len=N)`.
//!
//! The state is a fold over the conversation's PDUs in capture order, kept by
//! the pipeline as the protocol's memo ([`Conv`] in a `u32`).

use super::{parse_packet, Packet, CHACHA, KEXINIT, NEWKEYS};
use crate::proto::bytes::be32;

/// No client banner seen.
pub const V_UNKNOWN: u8 = 0;
/// SSH-1.x.
pub const V1: u8 = 1;
/// SSH-2.0 (or 1.99).
pub const V2: u8 = 2;

/// The side has sent its banner.
const BANNER: u32 = 1;
/// The side has sent Key Exchange Init.
const KEX: u32 = 2;
/// The side has sent New Keys: what follows is encrypted.
const NEWKEYS_SENT: u32 = 4;
/// Client: chacha20-poly1305 is its first client-to-server cipher; server: it
/// offers chacha20-poly1305 client to server.
const CHACHA_C2S: u32 = 8;
/// The same for server to client.
const CHACHA_S2C: u32 = 16;
/// The bits of the version.
const VERSION_MASK: u32 = 3;
/// Where each side's bits start.
const CLIENT_SHIFT: u32 = 8;
const SERVER_SHIFT: u32 = 16;

/// A conversation's state: its version and, per side, which steps it took.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Conv(pub u32);

impl Conv {
    /// The version the client's banner announced.
    pub fn version(self) -> u8 {
        (self.0 & VERSION_MASK) as u8
    }

    fn set_version(&mut self, v: u8) {
        self.0 = (self.0 & !VERSION_MASK) | u32::from(v);
    }

    fn shift(client: bool) -> u32 {
        if client {
            CLIENT_SHIFT
        } else {
            SERVER_SHIFT
        }
    }

    fn has(self, client: bool, bit: u32) -> bool {
        self.0 & (bit << Conv::shift(client)) != 0
    }

    fn set(&mut self, client: bool, bit: u32) {
        self.0 |= bit << Conv::shift(client);
    }

    /// Whether the side's banner was seen.
    pub fn banner(self, client: bool) -> bool {
        self.has(client, BANNER)
    }

    /// Whether the side has sent New Keys.
    pub fn encrypting(self, client: bool) -> bool {
        self.has(client, NEWKEYS_SENT)
    }

    /// Whether the two Key Exchange Inits agree on chacha20-poly1305 for what
    /// this side sends (the client's first choice the server offers; only the
    /// client's first choice is remembered).
    pub fn chacha(self, client: bool) -> bool {
        let bit = if client { CHACHA_C2S } else { CHACHA_S2C };
        self.has(true, bit) && self.has(false, bit)
    }
}

/// One part of a PDU as tshark reads it.
#[derive(Clone, Copy, Debug)]
pub enum Piece<'p> {
    /// A banner line at `at`: its text without the line end, its length with it.
    Banner { at: usize, text: &'p [u8], len: usize },
    /// A binary packet in the clear.
    Packet(Packet<'p>),
    /// An encrypted packet: the rest of the PDU from `at`.
    Encrypted { at: usize, len: usize },
    /// Encrypted bytes tshark tries to decrypt and shows nothing of.
    Hidden { at: usize, len: usize },
    /// A binary packet cut short: `need` bytes from the PDU's start would hold it.
    Cut { at: usize, need: usize },
}

/// Reads `pdu`, sent by the client when `client`, in conversation state `state`;
/// `version` is the version to read it with (the conversation's last word
/// after a first pass), else the state's. Returns its pieces and the state after it.
pub fn walk(pdu: &[u8], client: bool, mut state: Conv, version: Option<u8>) -> (Vec<Piece<'_>>, Conv) {
    let mut pieces = Vec::new();
    let mut at = 0;
    while at < pdu.len() {
        let rest = &pdu[at..];
        if !state.banner(client) && rest.len() >= 4 && rest[..4].eq_ignore_ascii_case(b"SSH-") {
            let len = rest.iter().position(|&b| b == b'\n').map_or(rest.len(), |i| i + 1);
            let line = &rest[..len];
            let text = line.strip_suffix(b"\n").map_or(line, |l| l.strip_suffix(b"\r").unwrap_or(l));
            if client {
                state.set_version(banner_version(rest).unwrap_or(state.version()));
            }
            state.set(client, BANNER);
            pieces.push(Piece::Banner { at, text, len });
            at += len;
            continue;
        }
        match version.unwrap_or(state.version()) {
            V2 if !state.encrypting(client) => {
                let Some(need) = rest.get(..4).map(|b| (be32(b, 0) as usize).saturating_add(4)) else {
                    pieces.push(Piece::Cut { at, need: at + 4 });
                    break;
                };
                if need > rest.len() {
                    pieces.push(Piece::Cut { at, need: at.saturating_add(need) });
                    break;
                }
                let Some(p) = parse_packet(pdu, at) else { break };
                learn_packet(&mut state, client, &p);
                pieces.push(Piece::Packet(p));
                at += need;
            }
            V2 if state.chacha(client) => {
                pieces.push(Piece::Hidden { at, len: rest.len() });
                break;
            }
            _ => {
                pieces.push(Piece::Encrypted { at, len: rest.len() });
                break;
            }
        }
    }
    (pieces, state)
}

/// The version a banner announces, as tshark reads the client's.
fn banner_version(line: &[u8]) -> Option<u8> {
    let starts = |p: &[u8]| line.len() >= p.len() && line[..p.len()].eq_ignore_ascii_case(p);
    if starts(b"SSH-2.") || starts(b"SSH-1.99-") {
        Some(V2)
    } else if starts(b"SSH-1.") {
        Some(V1)
    } else {
        None
    }
}

/// What a packet in the clear changes: the start of the key exchange, the
/// ciphers a Key Exchange Init proposes, the switch to encryption.
fn learn_packet(state: &mut Conv, client: bool, p: &Packet<'_>) {
    match p.payload.first() {
        Some(&KEXINIT) if !state.has(client, KEX) => {
            state.set(client, KEX);
            let (c2s, s2c) = super::ciphers(p.payload);
            let chacha = |list: Option<&[u8]>| {
                list.is_some_and(|l| {
                    let mut names = l.split(|&b| b == b',');
                    if client {
                        names.next() == Some(CHACHA)
                    } else {
                        names.any(|n| n == CHACHA)
                    }
                })
            };
            if chacha(c2s) {
                state.set(client, CHACHA_C2S);
            }
            if chacha(s2c) {
                state.set(client, CHACHA_S2C);
            }
        }
        Some(&NEWKEYS) => state.set(client, NEWKEYS_SENT),
        _ => {}
    }
}

/// How many bytes of `head` (a PDU's start, sent by the client when `client`)
/// the reassembler must gather before tshark reads it: during the key
/// exchange, whole binary packets; else the segment as it is.
pub fn measure(head: &[u8], client: bool, state: Conv) -> Option<usize> {
    let (pieces, _) = walk(head, client, state, None);
    match pieces.last() {
        Some(Piece::Cut { at: 0, need }) => Some(*need),
        Some(Piece::Cut { at, .. }) => Some(*at),
        _ => Some(head.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// New Keys as OpenSSH 7.9 sends it (ssh-dups.pcap frame 48): length 12,
    /// padding 10, code 21, ten zero bytes of padding.
    const NEW_KEYS: [u8; 16] = [0, 0, 0, 0x0c, 0x0a, 0x15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// An SSH string.
    fn s(b: &[u8]) -> Vec<u8> {
        [&(b.len() as u32).to_be_bytes()[..], b].concat()
    }

    /// A Key Exchange Init packet proposing `ciphers` both ways.
    fn kexinit(ciphers: &[u8]) -> Vec<u8> {
        let mut payload = vec![KEXINIT];
        payload.extend([7u8; 16]);
        for list in [&b"curve25519-sha256"[..], b"ssh-ed25519", ciphers, ciphers] {
            payload.extend(s(list));
        }
        for _ in 0..6 {
            payload.extend(s(b"none"));
        }
        payload.extend([0, 0, 0, 0, 0]);
        let pad = 8 - (5 + payload.len()) % 8 + 8;
        let mut v = ((1 + payload.len() + pad) as u32).to_be_bytes().to_vec();
        v.push(pad as u8);
        v.extend(payload);
        v.extend(std::iter::repeat_n(0, pad));
        v
    }

    /// The state after the PDUs, each sent by the client when its flag says so.
    fn fold(pdus: &[(bool, &[u8])]) -> Conv {
        pdus.iter().fold(Conv::default(), |st, (client, pdu)| walk(pdu, *client, st, None).1)
    }

    #[test]
    fn the_clients_banner_sets_the_version() {
        let st = fold(&[(false, b"SSH-2.0-OpenSSH_8.7\r\n")]);
        assert_eq!(st.version(), V_UNKNOWN, "the server's banner does not");
        assert!(st.banner(false) && !st.banner(true));
        let st = walk(b"SSH-1.99-x\r\n", true, st, None).1;
        assert_eq!(st.version(), V2);
        assert_eq!(fold(&[(true, b"SSH-1.5-x\n")]).version(), V1);
        // A second `SSH-` line from a side is not a banner any more.
        let (pieces, _) = walk(b"SSH-2.0-again\r\n", true, st, None);
        assert!(matches!(pieces[..], [Piece::Packet(_)] | [Piece::Cut { .. }] | []), "{pieces:?}");
    }

    #[test]
    fn bytes_before_any_client_banner_are_one_encrypted_packet() {
        let (pieces, st) = walk(b"GET / HTTP/1.1\r\n\r\n", true, Conv::default(), None);
        assert!(matches!(pieces[..], [Piece::Encrypted { at: 0, len: 18 }]));
        assert_eq!(st.version(), V_UNKNOWN);
        assert_eq!(measure(b"GET / HTTP/1.1\r\n", true, st), Some(16));
    }

    #[test]
    fn new_keys_switches_a_side_to_encrypted_packets() {
        let chacha = kexinit(b"chacha20-poly1305@openssh.com,aes128-ctr");
        let aes = kexinit(b"aes128-ctr,chacha20-poly1305@openssh.com");
        let banners: [(bool, &[u8]); 2] = [(true, b"SSH-2.0-a\r\n"), (false, b"SSH-2.0-b\r\n")];
        let mut pdus = banners.to_vec();
        pdus.extend([(true, &chacha[..]), (false, &aes[..]), (true, &NEW_KEYS[..])]);
        let st = fold(&pdus);
        assert!(st.encrypting(true) && !st.encrypting(false));
        // The client lists chacha20-poly1305 first and the server offers it.
        assert!(st.chacha(true));
        let (pieces, _) = walk(&[0x5a; 48], true, st, None);
        assert!(matches!(pieces[..], [Piece::Hidden { at: 0, len: 48 }]));
        // The server still reads in the clear: New Keys, then its encrypted packets.
        let mut tail = NEW_KEYS.to_vec();
        tail.extend([0x5a; 20]);
        let (pieces, after) = walk(&tail, false, st, None);
        assert!(matches!(pieces[..], [Piece::Packet(_), Piece::Hidden { at: 16, len: 20 }]), "{pieces:?}");
        assert!(after.encrypting(false));
        // A client whose first cipher is another: tshark shows the packet's length.
        let mut pdus = banners.to_vec();
        pdus.extend([(true, &aes[..]), (false, &chacha[..]), (true, &NEW_KEYS[..])]);
        let (pieces, _) = walk(&[0x5a; 48], true, fold(&pdus), None);
        assert!(matches!(pieces[..], [Piece::Encrypted { at: 0, len: 48 }]));
    }

    #[test]
    fn key_exchange_packets_are_measured_for_reassembly() {
        let st = fold(&[(true, b"SSH-2.0-a\r\n"), (false, b"SSH-2.0-b\r\n")]);
        let k = kexinit(b"aes128-ctr");
        assert_eq!(measure(&k[..3], true, st), Some(4), "the length is not there yet");
        assert_eq!(measure(&k[..100], true, st), Some(k.len()));
        assert_eq!(measure(&k, true, st), Some(k.len()));
        let mut two = k.clone();
        two.extend(&k[..10]);
        assert_eq!(measure(&two, true, st), Some(k.len()), "whole packets first");
        // Encrypted bytes read as a length ask for more than any packet holds.
        assert_eq!(measure(&[0x53, 0x91, 0xfa, 0xe8, 1, 2], false, st), Some(0x5391_faec));
        // After New Keys, or before the version is known: the segment as it is.
        let enc = walk(&NEW_KEYS, true, st, None).1;
        assert_eq!(measure(&[0x53, 0x91, 0xfa, 0xe8], true, enc), Some(4));
        assert_eq!(measure(&k[..100], true, Conv::default()), Some(100));
    }

    #[test]
    fn hostile_bytes_never_panic() {
        let st = fold(&[(true, b"SSH-2.0-a\r\n"), (false, b"SSH-2.0-b\r\n")]);
        let mut pdu = kexinit(b"chacha20-poly1305@openssh.com");
        pdu.extend(NEW_KEYS);
        pdu.extend([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1, 0xff]);
        for n in 0..=pdu.len() {
            for client in [true, false] {
                for state in [Conv::default(), st] {
                    let _ = walk(&pdu[..n], client, state, None);
                    let _ = walk(&pdu[..n], client, state, Some(V2));
                    let _ = measure(&pdu[..n], client, state);
                }
            }
        }
    }
}
