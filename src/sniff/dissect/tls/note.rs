//! TLS's teaching note: what a ClientHello's Server Name Indication (RFC 6066
//! §3) shows to anyone who sees the packets.

use super::{records, Tls, CLIENT_HELLO, HANDSHAKE};
use crate::sniff::dissect::dissector::{tree_values, Ctx};
use crate::sniff::tree::Ftype;
use std::fmt::{self, Write};

/// The field of the name a ClientHello asks for.
const SERVER_NAME: &str = "tls.handshake.extensions_server_name";

/// Writes the note for a segment whose first record carries a ClientHello with
/// a server name; nothing otherwise.
pub fn write(pdu: &[u8], ctx: Ctx, out: &mut dyn Write) -> fmt::Result {
    let hello = records(pdu)
        .first()
        .is_some_and(|r| r.ctype == HANDSHAKE && !r.encrypted && r.body.first() == Some(&CLIENT_HELLO));
    if !hello {
        return Ok(());
    }
    let mut names = Vec::new();
    tree_values(&Tls, pdu, ctx, SERVER_NAME, Ftype::String, &mut names);
    let Some(name) = names.first() else { return Ok(()) };
    write!(
        out,
        "SNI: the ClientHello names the site, {name}, in clear text before encryption starts: anyone on the path \
         sees which site this is, though HTTPS hides the pages"
    )
}
