//! DNA NSP, the Network Services Protocol (DECnet Phase IV NSP Functional
//! Specification 4.0.1, §6 "NSP messages"): the message after a routing data
//! header — data segments, acknowledgements, link service, connect and
//! disconnect messages — as tshark shows it.

use super::routing::node;
use super::walk::{field, Step, Walk, Word};
use crate::sniff::tree::Ftype;

/// NSP message types (the MSGFLG byte, §6.1).
mod kind {
    pub const DATA_SEGMENT: u8 = 0x00;
    pub const DATA_ACK: u8 = 0x04;
    pub const NOP: u8 = 0x08;
    pub const LINK_SERVICE: u8 = 0x10;
    pub const OTHER_DATA_ACK: u8 = 0x14;
    pub const CONNECT_INITIATE: u8 = 0x18;
    pub const BEGIN_SEGMENT: u8 = 0x20;
    pub const CONNECT_ACK: u8 = 0x24;
    pub const CONNECT_CONFIRM: u8 = 0x28;
    pub const INTERRUPT: u8 = 0x30;
    pub const DISCONNECT_INITIATE: u8 = 0x38;
    pub const END_SEGMENT: u8 = 0x40;
    pub const DISCONNECT_CONFIRM: u8 = 0x48;
    pub const BEGIN_END_SEGMENT: u8 = 0x60;
    pub const RETRANSMITTED_CONNECT: u8 = 0x68;
}

/// An acknowledgement field is present (ACKNUM, ACKOTH, ACKDAT bit 15).
const ACK_PRESENT: u16 = 0x8000;
/// The acknowledgement is negative (bit 12).
const NAK: u16 = 0x1000;
/// A message number's bits.
const NUMBER: u16 = 0x0fff;

/// tshark's name of an NSP message type.
fn name(t: u8) -> String {
    use kind::*;
    match t {
        DATA_SEGMENT => "Data segment continuation".into(),
        DATA_ACK => "Data acknowledgement message".into(),
        NOP => "NOP".into(),
        LINK_SERVICE => "Link service message".into(),
        OTHER_DATA_ACK => "Other data acknowledgement message".into(),
        CONNECT_INITIATE => "Connect initiate".into(),
        BEGIN_SEGMENT => "Beginning of segment message".into(),
        CONNECT_ACK => "Connect acknowledgement message".into(),
        CONNECT_CONFIRM => "Connect confirm".into(),
        INTERRUPT => "Interrupt message".into(),
        DISCONNECT_INITIATE => "Disconnect initiate".into(),
        END_SEGMENT => "End of segment message".into(),
        DISCONNECT_CONFIRM => "Disconnect confirm".into(),
        BEGIN_END_SEGMENT => "Begin of segment / End of segment".into(),
        RETRANSMITTED_CONNECT => "Retransmitted connect initiate".into(),
        n => format!("Unknown (0x{n:02x})"),
    }
}

/// The NSP message at `at`: its type at the top of the tree, its addresses,
/// then the fields of its type.
pub fn message(w: &mut Walk<'_>, at: usize) -> Step {
    let t = w.u8(at)?;
    w.item(
        0,
        at,
        1,
        field("dec_dna.nsp.msg_type", Ftype::Uint8, format!("0x{t:02x}")),
        format_args!("DNA NSP message: {} (0x{t:02x})", name(t)),
    )?;
    if t == kind::NOP {
        return Ok(());
    }
    node(w, 1, at + 1, "dec_dna.dst_node", "Destination node")?;
    if t == kind::CONNECT_ACK {
        w.info.push_str("NSP connect acknowledgement");
        return Ok(());
    }
    node(w, 1, at + 3, "dec_dna.src_node", "Source node")?;
    let at = at + 5;
    match t {
        kind::DATA_SEGMENT | kind::BEGIN_SEGMENT | kind::END_SEGMENT | kind::BEGIN_END_SEGMENT => data(w, at, t),
        kind::INTERRUPT => {
            w.info.push_str("NSP interrupt message");
            link_acks(w, at)
        }
        kind::LINK_SERVICE => {
            w.info.push_str("NSP link control message");
            link_service(w, at)
        }
        kind::DATA_ACK => data_ack(w, at),
        kind::OTHER_DATA_ACK => other_data_ack(w, at),
        kind::CONNECT_CONFIRM | kind::CONNECT_INITIATE => connect(w, at),
        kind::DISCONNECT_INITIATE | kind::DISCONNECT_CONFIRM => disconnect(w, at),
        _ => Ok(()),
    }
}

/// "positively" or "negatively", as the NAK bit says.
fn how(ack: u16) -> &'static str {
    if ack & NAK != 0 {
        "negatively"
    } else {
        "positively"
    }
}

/// "ACK" or "NAK" of a cross sub-channel acknowledgement (bits 12–13: 2 is ACK).
fn cross(ack: u16) -> &'static str {
    if ack & 0x3000 == 0x2000 {
        "ACK"
    } else {
        "NAK"
    }
}

/// An acknowledgement line (`dec_dna.ctl.acknum`, a text item).
fn ack_line(w: &mut Walk<'_>, at: usize, text: std::fmt::Arguments<'_>) -> Step {
    w.item(1, at, 2, field("dec_dna.ctl.acknum", Ftype::None, ""), text)
}

/// The message number and the delayed-ACK bit of the SEGNUM field.
fn segnum(w: &mut Walk<'_>, at: usize) -> Step<u16> {
    let s = w.le16(at)?;
    let word = u64::from(s);
    let n = s & NUMBER;
    w.bits(
        1,
        Word { at, width: 16, value: word },
        u64::from(NUMBER),
        field("dec_dna.nsp.segnum", Ftype::Uint16, n),
        format_args!("Message number: {n}"),
    )?;
    w.flag(1, Word { at, width: 16, value: word }, u64::from(NAK), "dec_dna.nsp.delay", "Delayed ACK allowed")?;
    Ok(s)
}

/// A data segment (§6.2): optional ACKNUM and ACKOTH, SEGNUM, then the data.
fn data(w: &mut Walk<'_>, mut at: usize, t: u8) -> Step {
    let ack = w.le16(at)?;
    if ack & ACK_PRESENT != 0 {
        ack_line(w, at, format_args!("Last data segment {} acknowledged: {}", how(ack), ack & NUMBER))?;
        at += 2;
        let oth = w.le16(at)?;
        if oth & ACK_PRESENT != 0 {
            ack_line(w, at, format_args!("Cross sub-channel {} of other data msg {}", cross(oth), oth & NUMBER))?;
            at += 2;
        }
    }
    let s = w.le16(at)? & NUMBER;
    let what = match t {
        kind::BEGIN_SEGMENT => ": start of segment",
        kind::DATA_SEGMENT => ": continuation segment ",
        kind::END_SEGMENT => ": end of segment",
        _ => " single segment",
    };
    w.info.push_str(&format!("msg nr. {s}{what}"));
    segnum(w, at)?;
    let bytes = w.left(at + 2);
    // tshark keeps a running total across frames from the last segment that
    // began a message; socklab, each frame standing alone, counts this one.
    w.info.push_str(&format!(", bytes this segment: {bytes}, total so far:{bytes}"));
    Ok(())
}

/// The ACKNUM, optional ACKDAT and SEGNUM of an interrupt or link service
/// message (§6.4, §6.5); returns the offset after them, or `None` when no
/// ACKNUM was present (SEGNUM was then the only field).
fn acks(w: &mut Walk<'_>, mut at: usize) -> Step<Option<usize>> {
    let ack = w.le16(at)?;
    if ack & ACK_PRESENT == 0 {
        segnum(w, at)?;
        return Ok(None);
    }
    ack_line(w, at, format_args!("Last interrupt/link service msg {} acknowledged: {}", how(ack), ack & NUMBER))?;
    at += 2;
    let dat = w.le16(at)?;
    if dat & ACK_PRESENT != 0 {
        ack_line(w, at, format_args!("Cross sub-channel {} of data segment msg: {}", cross(dat), dat & NUMBER))?;
        at += 2;
    }
    segnum(w, at)?;
    Ok(Some(at + 2))
}

/// An interrupt message's acknowledgements and number.
fn link_acks(w: &mut Walk<'_>, at: usize) -> Step {
    acks(w, at).map(|_| ())
}

/// A link service message (§6.5): acknowledgements, number, then LSFLAGS and FCVAL.
fn link_service(w: &mut Walk<'_>, at: usize) -> Step {
    let Some(at) = acks(w, at)? else { return Ok(()) };
    let ls = w.u8(at)?;
    match ls {
        0 => w.info.push_str("(no change)"),
        1 => w.info.push_str("(stop)"),
        2 => w.info.push_str("(go)"),
        _ => {}
    }
    let fc = w.u8(at + 1)?;
    let v = ls & 0x03;
    let fc_name = ["no change", "do not send data", "send data", "reserved"][usize::from(v)];
    w.bits(
        1,
        Word { at, width: 8, value: u64::from(ls) },
        0x03,
        field("dec_dna.nsp.flow_control", Ftype::Uint8, v),
        format_args!("Flow control: {fc_name} (0x{v:x})"),
    )?;
    let what = if ls & 0x04 != 0 { "interrupt" } else { "data" };
    w.item(
        2,
        at,
        2,
        field("dec_dna.nsp.fc_val", Ftype::None, ""),
        format_args!("Request for additional {fc} {what} msgs"),
    )
}

/// A data acknowledgement (§6.6): ACKNUM and an optional ACKOTH.
fn data_ack(w: &mut Walk<'_>, at: usize) -> Step {
    let ack = w.le16(at)?;
    ack_line(w, at, format_args!("Last data segment {} acknowledged: {}", how(ack), ack & NUMBER))?;
    let word = if ack & NAK != 0 { "NAK" } else { "ACK" };
    w.info.push_str(&format!("NSP data {word} message({})", ack & NUMBER));
    let at = at + 2;
    if w.left(at) > 0 {
        let oth = w.le16(at)?;
        if oth & ACK_PRESENT != 0 {
            ack_line(w, at, format_args!("Cross sub-channel {} of other data msg {}", cross(oth), oth & NUMBER))?;
        }
    }
    Ok(())
}

/// An other-data acknowledgement (§6.7): ACKNUM and an optional ACKDAT.
fn other_data_ack(w: &mut Walk<'_>, at: usize) -> Step {
    w.info.push_str("NSP other data ACK message");
    let ack = w.le16(at)?;
    ack_line(w, at, format_args!("Last interrupt/link service msg {} acknowledged: {}", how(ack), ack & NUMBER))?;
    let at = at + 2;
    if w.left(at) > 0 {
        let dat = w.le16(at)?;
        if dat & ACK_PRESENT != 0 {
            ack_line(w, at, format_args!("Cross sub-channel {} of data msg {}", cross(dat), dat & NUMBER))?;
        }
    }
    Ok(())
}

/// A connect initiate or confirm (§6.8, §6.9): services, version, segment
/// size, then the session control's connect data.
fn connect(w: &mut Walk<'_>, mut at: usize) -> Step {
    w.info.push_str("NSP connect confirm/initiate message");
    let services = w.u8(at)?;
    let sv = (services & 0x0c) >> 2;
    // tshark looks the shifted value up among the unshifted ones.
    let sname = match sv {
        0 => "none".to_string(),
        n => format!("Unknown (0x{n:x})"),
    };
    w.bits(
        1,
        Word { at, width: 8, value: u64::from(services) },
        0x0c,
        field("dec_dna.nsp.services", Ftype::Uint8, sv),
        format_args!("Requested services: {sname} (0x{sv:x})"),
    )?;
    at += 1;
    let info = w.u8(at)?;
    let iv = info & 0x03;
    let iname = ["version 3.2", "version 3.1", "version 4.0", "reserved"][usize::from(iv)];
    w.bits(
        1,
        Word { at, width: 8, value: u64::from(info) },
        0x03,
        field("dec_dna.nsp.info", Ftype::Uint8, iv),
        format_args!("Version info: {iname} (0x{iv:x})"),
    )?;
    at += 1;
    let size = w.le16(at)?;
    w.item(
        1,
        at,
        2,
        field("dec_dna.nsp.segsize", Ftype::Uint16, size),
        format_args!("Maximum data segment size: {size}"),
    )?;
    super::session::connect_data(w, at + 2)
}

/// A disconnect initiate or confirm (§6.10, §6.11): the reason.
fn disconnect(w: &mut Walk<'_>, at: usize) -> Step {
    w.info.push_str("NSP disconnect initiate/confirm message");
    let r = w.le16(at)?;
    let reason = match r {
        0 => "no error".to_string(),
        3 => "The node is shutting down".into(),
        4 => "The destination end user does not exist".into(),
        5 => "A connect message contains an invalid end user name".into(),
        6 | 33 => "Destination end user has insufficient resources".into(),
        7 => "Unspecified error".into(),
        8 => "A third party has disconnected the link".into(),
        9 => "An end user has aborted the logical link".into(),
        32 => "The node has insufficient resources".into(),
        34 => "Connect request rejected because incorrect RQSTRID or PASSWORD".into(),
        36 => "Connect request rejected because of unacceptable ACCOUNT info".into(),
        38 => "End user has timed out, aborted or cancelled a connect request".into(),
        43 => "Connect request RQSTRID, PASSWORD, ACCOUNT or USRDATA too long".into(),
        _ => "Unknown".into(),
    };
    w.item(
        1,
        at,
        2,
        field("dec_dna.nsp.disc_reason", Ftype::Uint16, format!("0x{r:04x}")),
        format_args!("Reason for disconnect: {reason} (0x{r:04x})"),
    )
}
