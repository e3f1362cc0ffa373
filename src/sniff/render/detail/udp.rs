//! The UDP block and the Data block that may follow a transport payload.

use super::*;

pub(super) fn udp(
    out: &mut Tree,
    u: &Udp,
    stream: Option<u32>,
    times: Option<(i64, i64)>,
    payload: usize,
    over_ipv6: bool,
    d: usize,
) {
    l!(out, d, "User Datagram Protocol, Src Port: {}, Dst Port: {}", u.sport, u.dport);
    l!(out, d + 1, "Source Port: {}", u.sport);
    l!(out, d + 1, "Destination Port: {}", u.dport);
    l!(out, d + 1, "Length: {}", u.length);
    if u.checksum == 0 && over_ipv6 {
        l!(out, d + 1, "Checksum: 0x0000 [zero-value illegal]");
        l!(out, d + 2, "[Expert Info (Error/Checksum): Illegal checksum value (0)]");
        l!(out, d + 3, "[Illegal checksum value (0)]");
        l!(out, d + 3, "[Severity level: Error]");
        l!(out, d + 3, "[Group: Checksum]");
        l!(out, d + 2, "[Checksum Status: Illegal]");
    } else if u.checksum == 0 {
        l!(out, d + 1, "Checksum: 0x0000 [zero-value ignored]");
        l!(out, d + 2, "[Checksum Status: Not present]");
    } else {
        l!(out, d + 1, "Checksum: 0x{:04x} [unverified]", u.checksum);
        l!(out, d + 1, "[Checksum Status: Unverified]");
    }
    if let Some(s) = stream {
        l!(out, d + 1, "[Stream index: {s}]");
    }
    if let Some((rel, delta)) = times {
        l!(out, d + 1, "[Timestamps]");
        l!(out, d + 2, "[Time since first frame: {} seconds]", Secs { nanos: rel, decimals: 9 });
        l!(out, d + 2, "[Time since previous frame: {} seconds]", Secs { nanos: delta, decimals: 9 });
    }
    if payload > 0 {
        l!(out, d + 1, "UDP payload ({payload} bytes)");
    }
}

/// Bytes Wireshark shows of a byte field's value before cutting it with `…`.
pub(super) const BYTES_SHOWN: usize = 36;

/// The payload no dissector decodes, as Wireshark's Data protocol.
pub(super) fn data(out: &mut Tree, payload: &[u8], d: usize) {
    l!(out, d, "Data ({} bytes)", payload.len());
    // tshark -V dumps the bytes of the Data block right after its title.
    let mut dump = b"\n".to_vec();
    let _ = crate::sniff::render::hex::dump(&mut dump, payload);
    out.at(d).look(Look::Verbatim).line(format_args!("{}", String::from_utf8_lossy(&dump)));
    let mut hex = String::with_capacity(2 * BYTES_SHOWN + 3);
    for b in payload.iter().take(BYTES_SHOWN) {
        hex.push_str(&format!("{b:02x}"));
    }
    if payload.len() > BYTES_SHOWN {
        hex.push('…');
    }
    l!(out, d + 1, "Data: {hex}");
    l!(out, d + 1, "[Length: {}]", payload.len())
}
