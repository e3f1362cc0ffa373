//! UDP encapsulation of IPsec (RFC 3948) on UDP 4500: behind a NAT, ESP
//! packets and IKE messages share one UDP port. The first bytes tell them apart
//! (RFC 3948 §2.1–§2.3): a single 0xff byte is a NAT-keepalive, four zero bytes
//! (the non-ESP marker, where an SPI can never be zero) precede an IKE message,
//! and anything else is an ESP packet whose first word is its SPI. tshark shows
//! the encapsulated protocol in the Protocol and Info columns; so does socklab,
//! through the ISAKMP and ESP dissectors.

use super::dissector::{Claim, Ctx, Dissector, FieldDecl};
use super::esp::Esp;
use super::frame::malformed;
use super::isakmp;
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;

/// The UDP encapsulation dissector.
pub struct UdpEncap;

/// NAT traversal's UDP port (RFC 3948 §2, IANA `ipsec-nat-t`).
const UDP_PORT: u16 = 4500;

/// The NAT-keepalive packet's one byte (RFC 3948 §2.3).
const KEEPALIVE: u8 = 0xff;

/// The length of the non-ESP marker (RFC 3948 §2.2).
const MARKER_LEN: usize = 4;

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "udpencap", ftype: Ftype::Protocol, title: "UDP Encapsulation of IPsec Packets", base: "" },
    FieldDecl { name: "udpencap.nat_keepalive", ftype: Ftype::None, title: "NAT-keepalive packet", base: "" },
    FieldDecl { name: "udpencap.non_esp_marker", ftype: Ftype::None, title: "Non-ESP Marker", base: "" },
];

/// What the payload is (RFC 3948 §2).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// A NAT-keepalive.
    Keepalive,
    /// An IKE message after the non-ESP marker.
    Ike,
    /// An ESP packet.
    Esp,
}

fn kind(pdu: &[u8]) -> Kind {
    if pdu == [KEEPALIVE] {
        Kind::Keepalive
    } else if pdu.len() >= MARKER_LEN && pdu[..MARKER_LEN] == [0; MARKER_LEN] {
        Kind::Ike
    } else {
        Kind::Esp
    }
}

impl Dissector for UdpEncap {
    fn name(&self) -> &'static str {
        "udpencap"
    }

    fn title(&self) -> &'static str {
        "UDP Encapsulation of IPsec Packets"
    }

    fn column(&self, pdu: &[u8]) -> &'static str {
        match kind(pdu) {
            Kind::Keepalive => "UDPENCAP",
            Kind::Ike => "ISAKMP",
            Kind::Esp => "ESP",
        }
    }

    fn claims(&self) -> &'static [Claim] {
        &[Claim::UdpPort(UDP_PORT)]
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn protocols(&self, pdu: &[u8]) -> &'static str {
        match kind(pdu) {
            Kind::Keepalive => "udpencap",
            Kind::Ike => "udpencap:isakmp",
            Kind::Esp => "udpencap:esp",
        }
    }

    fn info(&self, pdu: &[u8], ctx: Ctx, out: &mut String) {
        match kind(pdu) {
            Kind::Keepalive => out.push_str("NAT-keepalive"),
            Kind::Ike => isakmp::Isakmp.info(&pdu[MARKER_LEN..], ctx, out),
            Kind::Esp => Esp.info(pdu, ctx, out),
        }
    }

    fn tree(&self, pdu: &[u8], ctx: Ctx, o: usize, t: &mut Tree) {
        let k = kind(pdu);
        let own = if k == Kind::Ike { MARKER_LEN } else { 0 };
        t.at(0).proto("udpencap").bytes(o, own).line(format_args!("{}", self.title()));
        match k {
            Kind::Keepalive => {
                t.at(1)
                    .field("udpencap.nat_keepalive", Ftype::None, "")
                    .bytes(o, 1)
                    .line(format_args!("NAT-keepalive packet"));
            }
            Kind::Ike => {
                t.at(1)
                    .field("udpencap.non_esp_marker", Ftype::None, "")
                    .bytes(o, MARKER_LEN)
                    .line(format_args!("Non-ESP Marker"));
                let msg = &pdu[MARKER_LEN..];
                isakmp::Isakmp.tree(msg, ctx, o + MARKER_LEN, t);
            }
            Kind::Esp => Esp.tree(pdu, ctx, o, t),
        }
        if pdu.is_empty() {
            malformed(t, "UDPENCAP");
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], _ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let k = kind(pdu);
        match field {
            1 if k == Kind::Keepalive => out.push(Value::Str("".into())),
            2 if k == Kind::Ike => out.push(Value::Str("".into())),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::info_of;

    #[test]
    fn the_first_bytes_tell_keepalive_ike_and_esp_apart() {
        assert_eq!(info_of(&UdpEncap, &[0xff], Ctx::default()), "NAT-keepalive");
        assert_eq!(UdpEncap.column(&[0xff]), "UDPENCAP");
        let esp = [0xf4, 0xdc, 0x0a, 0xe5, 0, 0, 0, 1, 9, 9];
        assert_eq!(info_of(&UdpEncap, &esp, Ctx::default()), "ESP (SPI=0xf4dc0ae5)");
        assert_eq!((UdpEncap.column(&esp), UdpEncap.protocols(&esp)), ("ESP", "udpencap:esp"));
        let mut ike = vec![0; 4];
        ike.extend([1; 16]);
        ike.extend([0, 0x10, 32, 1, 0x8b, 0x7e, 0x89, 0x47, 0, 0, 0, 28]);
        assert_eq!(info_of(&UdpEncap, &ike, Ctx::default()), "Quick Mode");
        assert_eq!(UdpEncap.column(&ike), "ISAKMP");
        let mut t = Tree::new();
        UdpEncap.tree(&ike, Ctx::default(), 42, &mut t);
        let l: Vec<&str> = t.items().iter().map(|i| t.display(i)).collect();
        assert_eq!(&l[..3], ["UDP Encapsulation of IPsec Packets", "Non-ESP Marker", isakmp::Isakmp.title()]);
    }

    #[test]
    fn short_payloads_never_panic() {
        for n in 0..6 {
            let p = vec![0; n];
            let _ = info_of(&UdpEncap, &p, Ctx::default());
            UdpEncap.tree(&p, Ctx::default(), 0, &mut Tree::new());
        }
    }
}
