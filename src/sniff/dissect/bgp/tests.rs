use super::*;
use crate::sniff::dissect::testing::{info_of, values_of};

/// A KEEPALIVE (RFC 4271 §4.4): the header alone.
const KEEPALIVE: [u8; 19] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x13, 0x04,
];

#[test]
fn a_keepalive_is_named() {
    assert_eq!(info_of(&Bgp, &KEEPALIVE, Ctx::to(179)), "KEEPALIVE Message");
    assert_eq!(values_of(&Bgp, &KEEPALIVE, Ctx::to(179), "bgp.type"), ["4"]);
}
