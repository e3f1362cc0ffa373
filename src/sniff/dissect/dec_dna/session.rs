//! The session control data of an NSP connect message (DNA Session Control
//! Functional Specification, "Connect data"): the destination and source end
//! users (object type, optional group and user codes, optional name), then the
//! menu version and what it announces.

use super::walk::{field, Step, Walk};
use crate::sniff::tree::Ftype;

/// An end user's format that carries a group and a user code.
const FORMAT_GROUP: u8 = 2;

/// The connect data from `at` to the end of the PDU.
pub fn connect_data(w: &mut Walk<'_>, at: usize) -> Step {
    let left = w.left(at);
    w.item(1, at, left, field("dec_dna.sess.conn", Ftype::None, ""), format_args!("Session connect data"))?;
    let dst_format = w.u8(at)?;
    let at = end_user(w, at + 1, dst_format, dst_format, "dec_dna.sess.dst_name", "Session Destination end user")?;
    let src_format = w.u8(at)?;
    // tshark asks the destination's format whether the source has a name.
    let mut at = end_user(w, at + 1, src_format, dst_format, "dec_dna.sess.src_name", "Session Source end user")?;
    let menu = w.u8(at)?;
    let text = match menu {
        1 | 3 => "Version 1.0: RQSTRID, PASSWRD and ACCOUNT fields included",
        2 => "Version 1.0: USRDATA field included",
        _ => "Session control version 1.0",
    };
    w.item(
        2,
        at,
        1,
        field("dec_dna.sess.menu_ver", Ftype::String, text),
        format_args!("Session Menu version: {text}"),
    )?;
    if menu == 1 || menu == 3 {
        at += 1;
        // Requestor ID, password and account, each a counted string.
        for _ in 0..3 {
            at = counted(w, at, "dec_dna.sess.rqstr_id", "Session Requestor ID")?;
        }
    }
    Ok(())
}

/// One end user after its format byte: object type, then the codes when
/// `format` asks for them and the name when `named_by` is not 0.
fn end_user(w: &mut Walk<'_>, mut at: usize, format: u8, named_by: u8, name: &'static str, title: &str) -> Step<usize> {
    let obj = w.u8(at)?;
    w.item(
        2,
        at,
        1,
        field("dec_dna.sess.obj_type", Ftype::Uint8, format!("0x{obj:02x}")),
        format_args!("Session Object type: 0x{obj:02x}"),
    )?;
    at += 1;
    if format == FORMAT_GROUP {
        let g = w.le16(at)?;
        w.item(
            2,
            at,
            2,
            field("dec_dna.sess.grp_code", Ftype::Uint16, format!("0x{g:04x}")),
            format_args!("Session Group code: 0x{g:04x}"),
        )?;
        let u = w.le16(at + 2)?;
        w.item(
            2,
            at + 2,
            2,
            field("dec_dna.sess.usr_code", Ftype::Uint16, format!("0x{u:04x}")),
            format_args!("Session User code: 0x{u:04x}"),
        )?;
        at += 4;
    }
    if named_by != 0 {
        at = counted(w, at, name, title)?;
    }
    Ok(at)
}

/// A string after its one-byte length; returns the offset after it.
fn counted(w: &mut Walk<'_>, at: usize, name: &'static str, title: &str) -> Step<usize> {
    let n = usize::from(w.u8(at)?);
    let b = w.slice(at + 1, n)?;
    let s = String::from_utf8_lossy(b).into_owned();
    w.item(2, at + 1, n, field(name, Ftype::String, &s), format_args!("{title}: {s}"))?;
    Ok(at + 1 + n)
}
