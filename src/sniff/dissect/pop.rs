//! POP3, how a mail client downloads mail from its mailbox (RFC 1939): the
//! client's commands (`USER alice`, `RETR 1`) and the server's replies, each
//! starting with `+OK` or `-ERR`; a message the server sends after `+OK` ends
//! with a line holding only a dot.
//!
//! As tshark, a segment sent to the POP port is the client's, and a server
//! segment that starts with neither `+OK` nor `-ERR` is part of a message being
//! sent (`S: DATA fragment`). tshark then reassembles the message and hands it to
//! its mail-format dissector; the registry keeps no state across frames, so here
//! each fragment stands alone.

use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use super::textline::{first, lines, shown, split_word};
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;

/// The POP dissector.
pub struct Pop;

/// POP3's port (RFC 1939).
const CLAIMS: &[Claim] = &[Claim::TcpPort(110)];

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "pop", ftype: Ftype::Protocol, title: "Post Office Protocol", base: "" },
    FieldDecl { name: "pop.response", ftype: Ftype::String, title: "Response", base: "" },
    FieldDecl { name: "pop.response.indicator", ftype: Ftype::String, title: "Response indicator", base: "" },
    FieldDecl { name: "pop.response.description", ftype: Ftype::String, title: "Response description", base: "" },
    FieldDecl { name: "pop.response.data", ftype: Ftype::String, title: "Data", base: "" },
    FieldDecl { name: "pop.request", ftype: Ftype::String, title: "Request", base: "" },
    FieldDecl { name: "pop.request.command", ftype: Ftype::String, title: "Request command", base: "" },
    FieldDecl { name: "pop.request.parameter", ftype: Ftype::String, title: "Request parameter", base: "" },
    FieldDecl { name: "pop.request.data", ftype: Ftype::String, title: "Data", base: "" },
];

/// Whether a server segment continues a message rather than replying.
fn is_continuation(pdu: &[u8], ctx: Ctx) -> bool {
    !ctx.to_port && !pdu.starts_with(b"+OK") && !pdu.starts_with(b"-ERR")
}

impl Dissector for Pop {
    fn name(&self) -> &'static str {
        "pop"
    }

    fn title(&self) -> &'static str {
        "Post Office Protocol"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "POP"
    }

    fn claims(&self) -> &'static [Claim] {
        CLAIMS
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn info(&self, pdu: &[u8], ctx: Ctx, out: &mut String) {
        if is_continuation(pdu, ctx) {
            let n = pdu.len();
            out.push_str(&format!("S: DATA fragment, {n} byte{}", if n == 1 { "" } else { "s" }));
            return;
        }
        out.push_str(if ctx.to_port { "C: " } else { "S: " });
        if let Some(l) = first(pdu) {
            out.push_str(&shown(l.text(pdu)));
        }
    }

    fn tree(&self, pdu: &[u8], ctx: Ctx, o: usize, t: &mut Tree) {
        t.at(0).proto("pop").bytes(o, pdu.len()).line(format_args!("Post Office Protocol"));
        if is_continuation(pdu, ctx) {
            return;
        }
        let request = ctx.to_port;
        let (line_field, data_field) =
            if request { ("pop.request", "pop.request.data") } else { ("pop.response", "pop.response.data") };
        for (n, l) in lines(pdu).enumerate() {
            let at = o + l.start;
            let whole = pdu.get(l.start..l.start + l.full).unwrap_or_default();
            let field = if n == 0 { line_field } else { data_field };
            t.at(1).field(field, Ftype::String, "").bytes(at, l.full).line(format_args!("{}", shown(whole)));
            if n > 0 {
                continue;
            }
            let text = l.text(pdu);
            let (word, rest) = split_word(text);
            if word.is_empty() {
                continue;
            }
            let (w_name, w_title, r_name, r_title) = if request {
                ("pop.request.command", "Request command", "pop.request.parameter", "Request parameter")
            } else {
                ("pop.response.indicator", "Response indicator", "pop.response.description", "Response description")
            };
            let w = shown(word);
            t.at(2).field(w_name, Ftype::String, &w).bytes(at, word.len()).line(format_args!("{w_title}: {w}"));
            if let Some(r) = rest.filter(|r| !r.is_empty()) {
                let s = shown(r);
                t.at(2)
                    .field(r_name, Ftype::String, &s)
                    .bytes(at + text.len() - r.len(), r.len())
                    .line(format_args!("{r_title}: {s}"));
            }
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let decl = &FIELDS[field];
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, decl.name, decl.ftype, &mut owned);
        out.extend(owned);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(pdu: &[u8], ctx: Ctx) -> String {
        crate::sniff::dissect::testing::info_of(&Pop, pdu, ctx)
    }

    fn values(pdu: &[u8], ctx: Ctx, name: &str) -> Vec<String> {
        crate::sniff::dissect::testing::values_of(&Pop, pdu, ctx, name)
    }

    #[test]
    fn commands_replies_and_fragments_in_tsharks_words() {
        assert_eq!(info(b"USER alice\r\n", Ctx::to(110)), "C: USER alice");
        assert_eq!(info(b"+OK POP3 ready\r\n", Ctx::from(110)), "S: +OK POP3 ready");
        assert_eq!(info(b"Subject: hi\r\n", Ctx::from(110)), "S: DATA fragment, 13 bytes");
        assert_eq!(values(b"USER alice\r\n", Ctx::to(110), "pop.request.command"), ["USER"]);
        assert_eq!(values(b"USER alice\r\n", Ctx::to(110), "pop.request.parameter"), ["alice"]);
        let list = b"+OK 2 messages\r\n1 120\r\n.\r\n";
        assert_eq!(values(list, Ctx::from(110), "pop.response.indicator"), ["+OK"]);
        assert_eq!(values(list, Ctx::from(110), "pop.response.description"), ["2 messages"]);
        assert_eq!(values(list, Ctx::from(110), "pop.response.data"), ["", ""]);
    }

    #[test]
    fn cut_and_hostile_input_never_panics() {
        let pdu = b"+OK \xff\r\n \r\n-ERR";
        for n in 0..=pdu.len() {
            for ctx in [Ctx::to(110), Ctx::from(110)] {
                info(&pdu[..n], ctx);
                for f in 0..FIELDS.len() {
                    Pop.values(&pdu[..n], ctx, f, &mut Vec::new());
                }
            }
        }
    }
}
