//! SMTP, how mail is handed from client to server (RFC 5321): the client's
//! commands (`EHLO client`, `MAIL FROM:<a@b>`) and the server's numbered replies,
//! a multi-line reply marking every line but the last with `-` after the code
//! (`250-PIPELINING`). On port 25 between servers, 587 for submission.
//!
//! As tshark, a segment sent to the SMTP port is the client's. Each segment is
//! decoded on its own, line by line. The message after `DATA` tshark knows by
//! the conversation's state (it reassembles it and hands it to its mail-format
//! dissector, IMF); the registry keeps no state across frames, so a client
//! segment whose first word is no SMTP command is taken, as tshark names it, for
//! a `DATA fragment`.

use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use super::textline::{eol, escape_line_ends, lines, reply_code, shown, split_word, Line};
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;

/// The SMTP dissector.
pub struct Smtp;

/// SMTP's ports: relay (RFC 5321) and submission (RFC 6409).
const CLAIMS: &[Claim] = &[Claim::TcpPort(25), Claim::TcpPort(587)];

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "smtp", ftype: Ftype::Protocol, title: "Simple Mail Transfer Protocol", base: "" },
    FieldDecl { name: "smtp.req", ftype: Ftype::Boolean, title: "Request", base: "0" },
    FieldDecl { name: "smtp.rsp", ftype: Ftype::Boolean, title: "Response", base: "0" },
    FieldDecl { name: "smtp.command_line", ftype: Ftype::String, title: "Command Line", base: "" },
    FieldDecl { name: "smtp.req.command", ftype: Ftype::String, title: "Command", base: "" },
    FieldDecl { name: "smtp.req.parameter", ftype: Ftype::String, title: "Request parameter", base: "" },
    FieldDecl { name: "smtp.response", ftype: Ftype::String, title: "Response", base: "" },
    FieldDecl { name: "smtp.response.code", ftype: Ftype::Uint32, title: "Response code", base: "BASE_DEC" },
    FieldDecl { name: "smtp.rsp.parameter", ftype: Ftype::String, title: "Response parameter", base: "" },
];

/// The reply codes' meanings, as Wireshark names them (RFC 5321 §4.2, RFC 4954).
fn reply_name(code: u16) -> &'static str {
    match code {
        211 => "System status, or system help reply",
        214 => "Help message",
        220 => "<domain> Service ready",
        221 => "<domain> Service closing transmission channel",
        235 => "Authentication successful",
        250 => "Requested mail action okay, completed",
        251 => "User not local; will forward to <forward-path>",
        252 => "Cannot VRFY user, but will accept message and attempt delivery",
        334 => "AUTH input",
        354 => "Start mail input; end with <CRLF>.<CRLF>",
        421 => "<domain> Service not available, closing transmission channel",
        432 => "A password transition is needed",
        450 => "Requested mail action not taken: mailbox unavailable",
        451 => "Requested action aborted: local error in processing",
        452 => "Requested action not taken: insufficient system storage",
        454 => "Temporary authentication failed",
        500 => "Syntax error, command unrecognized",
        501 => "Syntax error in parameters or arguments",
        502 => "Command not implemented",
        503 => "Bad sequence of commands",
        504 => "Command parameter not implemented",
        530 => "Authentication required",
        534 => "Authentication mechanism is too weak",
        535 => "Authentication credentials invalid",
        538 => "Encryption required for requested authentication mechanism",
        550 => "Requested action not taken: mailbox unavailable",
        551 => "User not local; please try <forward-path>",
        552 => "Requested mail action aborted: exceeded storage allocation",
        553 => "Requested action not taken: mailbox name not allowed",
        554 => "Transaction failed",
        _ => "Unknown",
    }
}

/// The commands of RFC 5321 and its extensions, as a client sends them.
const COMMANDS: &[&[u8]] = &[
    b"HELO",
    b"EHLO",
    b"MAIL",
    b"RCPT",
    b"DATA",
    b"RSET",
    b"VRFY",
    b"EXPN",
    b"HELP",
    b"NOOP",
    b"QUIT",
    b"TURN",
    b"SEND",
    b"SOML",
    b"SAML",
    b"AUTH",
    b"STARTTLS",
    b"BDAT",
    b"ETRN",
    b"ATRN",
    b"X-EXPS",
    b"XCLIENT",
];

/// Whether a client's segment is part of a message rather than commands: its
/// first word is no SMTP command.
fn is_message_fragment(pdu: &[u8]) -> bool {
    let Some(line) = lines(pdu).next() else { return false };
    let (word, _) = split_word(line.text(pdu));
    !COMMANDS.iter().any(|c| c.eq_ignore_ascii_case(word))
}

/// Whether a reply line says more lines of the same reply follow (`250-`).
fn continues(text: &[u8]) -> bool {
    text.get(3) == Some(&b'-')
}

/// A reply line's text after its code and separator.
fn reply_parameter(text: &[u8]) -> &[u8] {
    text.get(4..).unwrap_or_default()
}

/// Each reply line paired with whether it continues a reply begun on an earlier line.
fn replies(pdu: &[u8]) -> impl Iterator<Item = (Line, bool)> + '_ {
    let mut inside = false;
    lines(pdu).map(move |l| {
        let text = l.text(pdu);
        let was_inside = inside;
        inside = reply_code(text).is_some() && continues(text);
        (l, was_inside)
    })
}

impl Dissector for Smtp {
    fn name(&self) -> &'static str {
        "smtp"
    }

    fn title(&self) -> &'static str {
        "Simple Mail Transfer Protocol"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "SMTP"
    }

    fn claims(&self) -> &'static [Claim] {
        CLAIMS
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn info(&self, pdu: &[u8], ctx: Ctx, out: &mut String) {
        out.push_str(if ctx.to_port { "C: " } else { "S: " });
        if ctx.to_port && is_message_fragment(pdu) {
            out.push_str(&format!("DATA fragment, {} bytes", pdu.len()));
            return;
        }
        for (n, (line, inside)) in replies(pdu).enumerate() {
            if n > 0 {
                out.push_str(" | ");
            }
            let text = line.text(pdu);
            // tshark shows a server line only when it starts with a reply code (RFC 5321 §4.2).
            let coded = text.len() >= 3 && text[..3].iter().all(u8::is_ascii_digit);
            let part = match (ctx.to_port, inside) {
                (false, _) if !coded => &[][..],
                (false, true) => reply_parameter(text),
                _ => text,
            };
            out.push_str(&shown(part));
        }
    }

    fn tree(&self, pdu: &[u8], ctx: Ctx, o: usize, t: &mut Tree) {
        t.at(0).proto("smtp").bytes(o, pdu.len()).line(format_args!("Simple Mail Transfer Protocol"));
        if ctx.to_port {
            if is_message_fragment(pdu) {
                // As tshark shows a fragment of a message it is still reassembling.
                let n = lines(pdu).count();
                t.at(1).bytes(o, pdu.len()).line(format_args!("Line-based text data ({n} lines)"));
                for l in lines(pdu) {
                    let text = shown(l.text(pdu));
                    t.at(2).bytes(o + l.start, l.full).line(format_args!("{text}{}", eol(&l, pdu)));
                }
                return;
            }
            lines(pdu).for_each(|l| command(t, pdu, &l, o));
        } else {
            t.at(1).field("smtp.rsp", Ftype::Boolean, 1).hidden();
            replies(pdu).for_each(|(l, inside)| reply(t, pdu, &l, inside, o));
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

/// The line with its end of line as the field's value (tshark keeps the `\r\n`).
fn raw(pdu: &[u8], l: &Line) -> String {
    String::from_utf8_lossy(pdu.get(l.start..l.start + l.full).unwrap_or_default()).into_owned()
}

/// A command line, its command word and parameter.
fn command(t: &mut Tree, pdu: &[u8], l: &Line, o: usize) {
    let text = l.text(pdu);
    let at = o + l.start;
    // tshark marks each command line as a request.
    t.at(1).field("smtp.req", Ftype::Boolean, 1).hidden();
    t.at(1).field("smtp.command_line", Ftype::String, raw(pdu, l)).bytes(at, l.full).line(format_args!(
        "Command Line: {}{}",
        shown(text),
        eol(l, pdu)
    ));
    let (cmd, param) = split_word(text);
    let c = shown(cmd);
    t.at(2).field("smtp.req.command", Ftype::String, &c).bytes(at, cmd.len()).line(format_args!("Command: {c}"));
    if let Some(p) = param.filter(|p| !p.is_empty()) {
        let s = shown(p);
        let p_at = at + text.len() - p.len();
        t.at(2)
            .field("smtp.req.parameter", Ftype::String, &s)
            .bytes(p_at, p.len())
            .line(format_args!("Request parameter: {s}"));
    }
}

/// A reply line: a new reply's item with its code, or one more parameter of the
/// reply an earlier line began.
fn reply(t: &mut Tree, pdu: &[u8], l: &Line, inside: bool, o: usize) {
    let text = l.text(pdu);
    let at = o + l.start;
    if !inside {
        t.at(1).field("smtp.response", Ftype::String, raw(pdu, l)).bytes(at, l.full).line(format_args!(
            "Response: {}{}",
            shown(text),
            eol(l, pdu)
        ));
        if let Some(code) = reply_code(text) {
            t.at(2)
                .field("smtp.response.code", Ftype::Uint32, code)
                .bytes(at, 3)
                .line(format_args!("Response code: {} ({code})", reply_name(code)));
        }
    }
    let param = reply_parameter(text);
    if !param.is_empty() {
        let s = shown(param);
        t.at(2)
            .field("smtp.rsp.parameter", Ftype::String, &s)
            .bytes(at + 4, param.len())
            .line(format_args!("Response parameter: {s}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(pdu: &[u8], ctx: Ctx) -> String {
        crate::sniff::dissect::testing::info_of(&Smtp, pdu, ctx)
    }

    fn values(pdu: &[u8], ctx: Ctx, name: &str) -> Vec<String> {
        crate::sniff::dissect::testing::values_of(&Smtp, pdu, ctx, name)
    }

    const EHLO_REPLY: &[u8] = b"250-mail02\r\n250-PIPELINING\r\n250 DSN\r\n";

    #[test]
    fn commands_and_replies_in_tsharks_words() {
        assert_eq!(info(b"EHLO mail01\r\n", Ctx::to(25)), "C: EHLO mail01");
        assert_eq!(info(b"MAIL FROM:<a@b>\r\nDATA\r\n", Ctx::to(587)), "C: MAIL FROM:<a@b> | DATA");
        assert_eq!(info(EHLO_REPLY, Ctx::from(25)), "S: 250-mail02 | PIPELINING | DSN");
        assert_eq!(info(b"250 2.1.0 Ok\r\n354 End\r\n", Ctx::from(25)), "S: 250 2.1.0 Ok | 354 End");
        // Regression (zeek-traces http/connect-with-smtp.pcap frames 14 and 20):
        // server lines without a reply code show nothing but their separators.
        assert_eq!(info(b"MAIL FROM:<a@b>\r\n", Ctx::from(25)), "S: ");
        assert_eq!(info(b"Return-Path: x\r\nReceived: y\r\n", Ctx::from(25)), "S:  | ");
        assert_eq!(info(b"To: a@b\r\nSubject: x\r\n", Ctx::to(25)), "C: DATA fragment, 21 bytes");
    }

    #[test]
    fn a_multi_line_reply_is_one_response_with_its_parameters() {
        assert_eq!(values(EHLO_REPLY, Ctx::from(25), "smtp.response.code"), ["250"]);
        assert_eq!(values(EHLO_REPLY, Ctx::from(25), "smtp.rsp.parameter"), ["mail02", "PIPELINING", "DSN"]);
        assert_eq!(values(EHLO_REPLY, Ctx::from(25), "smtp.response"), ["250-mail02\\r\\n"]);
        assert_eq!(values(b"EHLO mail01\r\n", Ctx::to(25), "smtp.req.command"), ["EHLO"]);
        assert_eq!(values(b"EHLO mail01\r\n", Ctx::to(25), "smtp.req.parameter"), ["mail01"]);
        assert_eq!(values(b"DATA\r\n", Ctx::to(25), "smtp.req.parameter"), Vec::<String>::new());
    }

    #[test]
    fn cut_and_hostile_input_never_panics() {
        let pdu = b"250-\xff\r\n25\n\r\n-\x00 x\r";
        for n in 0..=pdu.len() {
            for ctx in [Ctx::to(25), Ctx::from(25)] {
                info(&pdu[..n], ctx);
                for f in 0..FIELDS.len() {
                    Smtp.values(&pdu[..n], ctx, f, &mut Vec::new());
                }
            }
        }
    }
}
