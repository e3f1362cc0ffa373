//! IMAP, how a mail client reads mailboxes kept on a server (RFC 9051): each
//! client command starts with a tag the client picks (`a001 LOGIN ...`), the
//! server's final reply repeats that tag with a status (`a001 OK ...`), and its
//! untagged lines (`* 3 EXISTS`) carry data.
//!
//! As tshark, a segment sent to the IMAP port is a request; each line is a
//! `Line` item, tagged lines split into tag, command (or status and reply word)
//! and, for commands on a mailbox, its folder. Lines starting with `*` are shown
//! whole. tshark waits for a line's end across segments, links replies to their
//! requests by tag, and switches to TLS after `STARTTLS`; those need state across
//! frames the registry does not keep, so here each segment stands alone.

use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use super::textline::{eol, escape_line_ends, lines, shown, split_word, Line};
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;

/// The IMAP dissector.
pub struct Imap;

/// IMAP's port (RFC 9051).
const CLAIMS: &[Claim] = &[Claim::TcpPort(143)];

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "imap", ftype: Ftype::Protocol, title: "Internet Message Access Protocol", base: "" },
    FieldDecl { name: "imap.isrequest", ftype: Ftype::Boolean, title: "Request", base: "0" },
    FieldDecl { name: "imap.line", ftype: Ftype::Stringz, title: "Line", base: "" },
    FieldDecl { name: "imap.request", ftype: Ftype::Stringz, title: "Request", base: "" },
    FieldDecl { name: "imap.request_tag", ftype: Ftype::Stringz, title: "Request Tag", base: "" },
    FieldDecl { name: "imap.response", ftype: Ftype::Stringz, title: "Response", base: "" },
    FieldDecl { name: "imap.response_tag", ftype: Ftype::Stringz, title: "Response Tag", base: "" },
    FieldDecl { name: "imap.request.command", ftype: Ftype::Stringz, title: "Request Command", base: "" },
    FieldDecl { name: "imap.response.command", ftype: Ftype::Stringz, title: "Response Command", base: "" },
    FieldDecl { name: "imap.response.status", ftype: Ftype::Stringz, title: "Response Status", base: "" },
    FieldDecl { name: "imap.tag", ftype: Ftype::Stringz, title: "Tag", base: "" },
    FieldDecl { name: "imap.command", ftype: Ftype::Stringz, title: "Command", base: "" },
    FieldDecl { name: "imap.request.folder", ftype: Ftype::Stringz, title: "Request Folder", base: "" },
    FieldDecl { name: "imap.request.command.uid", ftype: Ftype::Boolean, title: "Request isUID", base: "0" },
];

/// Commands whose first argument is a mailbox (COPY's is its second).
const FOLDER_COMMANDS: &[&[u8]] = &[
    b"select",
    b"examine",
    b"create",
    b"delete",
    b"rename",
    b"subscribe",
    b"unsubscribe",
    b"status",
    b"append",
    b"search",
];

/// Whether a line carries untagged data (`* ...`), shown whole.
fn untagged(pdu: &[u8], l: &Line) -> bool {
    pdu.get(l.start) == Some(&b'*')
}

/// A token and where it starts in the line, with what follows the spaces after it.
fn token(text: &[u8], from: usize) -> Option<(usize, &[u8])> {
    let rest = text.get(from..)?;
    let (word, _) = split_word(rest);
    (!word.is_empty()).then_some((from, word))
}

/// Where the token after the one at `at` (of length `len`) starts.
fn after(text: &[u8], at: usize, len: usize) -> usize {
    let end = at + len;
    end + text.get(end..).map_or(0, |r| r.iter().take_while(|&&b| b == b' ').count())
}

impl Dissector for Imap {
    fn name(&self) -> &'static str {
        "imap"
    }

    fn title(&self) -> &'static str {
        "Internet Message Access Protocol"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "IMAP"
    }

    fn claims(&self) -> &'static [Claim] {
        CLAIMS
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn info(&self, pdu: &[u8], ctx: Ctx, out: &mut String) {
        out.push_str(if ctx.to_port { "Request: " } else { "Response: " });
        let shown_line = match lines(pdu).find(|l| !untagged(pdu, l)) {
            Some(l) => l.text(pdu),
            // Only untagged lines: tshark shows the start of the segment, as long
            // as its last line.
            None => pdu.get(..lines(pdu).last().map_or(0, |l| l.len)).unwrap_or_default(),
        };
        out.push_str(&shown(shown_line));
    }

    fn tree(&self, pdu: &[u8], ctx: Ctx, o: usize, t: &mut Tree) {
        t.at(0).proto("imap").bytes(o, pdu.len()).line(format_args!("Internet Message Access Protocol"));
        t.at(1).field("imap.isrequest", Ftype::Boolean, u8::from(ctx.to_port)).hidden();
        for l in lines(pdu) {
            line(t, pdu, &l, ctx.to_port, o);
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let decl = &FIELDS[field];
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, decl.name, decl.ftype, &mut owned);
        escape_line_ends(&mut owned);
        out.extend(owned);
    }
}

/// One line: the `Line` item and, for a tagged line, its tokens.
fn line(t: &mut Tree, pdu: &[u8], l: &Line, request: bool, o: usize) {
    let text = l.text(pdu);
    let at = o + l.start;
    let raw = String::from_utf8_lossy(pdu.get(l.start..l.start + l.full).unwrap_or_default()).into_owned();
    t.at(1).field("imap.line", Ftype::Stringz, raw).bytes(at, l.full).line(format_args!(
        "Line: {}{}",
        shown(text),
        eol(l, pdu)
    ));
    if untagged(pdu, l) {
        return;
    }
    let s = |b: &[u8]| shown(b);
    let add = |t: &mut Tree, name: &'static str, title: &str, from: usize, b: &[u8]| {
        let v = s(b);
        t.at(2).field(name, Ftype::Stringz, &v).bytes(at + from, b.len()).line(format_args!("{title}: {v}"));
    };
    if !text.is_empty() {
        let (name, title) = if request { ("imap.request", "Request") } else { ("imap.response", "Response") };
        add(t, name, title, 0, text);
    }
    let Some((_, tag)) = token(text, 0) else { return };
    let (name, title) =
        if request { ("imap.request_tag", "Request Tag") } else { ("imap.response_tag", "Response Tag") };
    add(t, name, title, 0, tag);
    t.at(2).field("imap.tag", Ftype::Stringz, s(tag)).bytes(at, tag.len()).hidden();
    let Some((c_at, second)) = token(text, after(text, 0, tag.len())) else { return };
    let next = after(text, c_at, second.len());
    if !request {
        add(t, "imap.response.status", "Response Status", c_at, second);
        if let Some((w_at, word)) = token(text, next) {
            add(t, "imap.response.command", "Response Command", w_at, word);
            t.at(2).field("imap.command", Ftype::Stringz, s(word)).bytes(at + w_at, word.len()).hidden();
        }
        return;
    }
    let (cmd_at, cmd, args) = if second.eq_ignore_ascii_case(b"UID") {
        t.at(2)
            .field("imap.request.command.uid", Ftype::Boolean, 1)
            .bytes(at + c_at, second.len())
            .line(format_args!("Request isUID: True"));
        match token(text, next) {
            Some((u_at, cmd)) => (u_at, cmd, after(text, u_at, cmd.len())),
            None => return,
        }
    } else {
        (c_at, second, next)
    };
    add(t, "imap.request.command", "Request Command", cmd_at, cmd);
    t.at(2).field("imap.command", Ftype::Stringz, s(cmd)).bytes(at + cmd_at, cmd.len()).hidden();
    let folder = if FOLDER_COMMANDS.iter().any(|c| c.eq_ignore_ascii_case(cmd)) {
        token(text, args)
    } else if cmd.eq_ignore_ascii_case(b"COPY") {
        token(text, args).and_then(|(a, first)| token(text, after(text, a, first.len())))
    } else {
        None
    };
    if let Some((f_at, f)) = folder {
        add(t, "imap.request.folder", "Request Folder", f_at, f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(pdu: &[u8], ctx: Ctx) -> String {
        crate::sniff::dissect::testing::info_of(&Imap, pdu, ctx)
    }

    fn values(pdu: &[u8], ctx: Ctx, name: &str) -> Vec<String> {
        crate::sniff::dissect::testing::values_of(&Imap, pdu, ctx, name)
    }

    #[test]
    fn tagged_lines_split_into_tokens() {
        assert_eq!(info(b"1 STARTTLS\r\n", Ctx::to(143)), "Request: 1 STARTTLS");
        assert_eq!(info(b"* OK ready.\r\n", Ctx::from(143)), "Response: * OK ready.");
        assert_eq!(info(b"* 1 EXISTS\r\na1 OK done\r\n", Ctx::from(143)), "Response: a1 OK done");
        let ok = b"1 OK Begin TLS negotiation now.\r\n";
        assert_eq!(values(ok, Ctx::from(143), "imap.response_tag"), ["1"]);
        assert_eq!(values(ok, Ctx::from(143), "imap.response.status"), ["OK"]);
        assert_eq!(values(ok, Ctx::from(143), "imap.response.command"), ["Begin"]);
        let sel = b"a2 SELECT INBOX\r\n";
        assert_eq!(values(sel, Ctx::to(143), "imap.request.command"), ["SELECT"]);
        assert_eq!(values(sel, Ctx::to(143), "imap.request.folder"), ["INBOX"]);
        let uid = b"a3 UID COPY 1:2 Archive\r\n";
        assert_eq!(values(uid, Ctx::to(143), "imap.request.command"), ["COPY"]);
        assert_eq!(values(uid, Ctx::to(143), "imap.request.folder"), ["Archive"]);
        assert_eq!(values(b"* OK x\r\n", Ctx::from(143), "imap.response_tag"), Vec::<String>::new());
    }

    #[test]
    fn cut_and_hostile_input_never_panics() {
        let pdu = b"a UID\r\n* \xff\r\nb COPY \r\n  \r\nc";
        for n in 0..=pdu.len() {
            for ctx in [Ctx::to(143), Ctx::from(143)] {
                info(&pdu[..n], ctx);
                for f in 0..FIELDS.len() {
                    Imap.values(&pdu[..n], ctx, f, &mut Vec::new());
                }
            }
        }
    }
}
