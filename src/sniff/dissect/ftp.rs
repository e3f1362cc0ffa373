//! FTP's control connection (RFC 959): the client's commands (`USER anonymous`)
//! and the server's numbered replies (`220 Welcome`), one per line. A reply to
//! `PASV` or `EPSV` names the address and port the server listens on for the data
//! connection; the `PORT` and `EPRT` commands name the client's.
//!
//! Which side a segment comes from is told as tshark tells it: a segment sent to
//! the FTP port is a request. Each segment is decoded on its own: the first line
//! is parsed, later lines are shown as they are. The address a `PASV`, `EPSV`
//! reply or a `PORT`, `EPRT` command names is announced to the pipeline
//! ([`Dissector::expects`]), and each command describes the data connection
//! announced last ([`Dissector::describes`]), so that the data connection's
//! segments show as [`super::ftpdata`] with both.

use super::dissector::{tree_values, Claim, Ctx, Describe, Dissector, Expect, FieldDecl, Host};
use super::textline::{eol, first, lines, reply_code, shown, split_word};
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::net::Ipv4Addr;

/// The FTP dissector.
pub struct Ftp;

/// FTP's control port (RFC 959).
const CLAIMS: &[Claim] = &[Claim::TcpPort(21)];

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "ftp", ftype: Ftype::Protocol, title: "File Transfer Protocol (FTP)", base: "" },
    FieldDecl { name: "ftp.response", ftype: Ftype::Boolean, title: "Response", base: "0" },
    FieldDecl { name: "ftp.request", ftype: Ftype::Boolean, title: "Request", base: "0" },
    FieldDecl { name: "ftp.request.command", ftype: Ftype::String, title: "Request command", base: "" },
    FieldDecl { name: "ftp.request.arg", ftype: Ftype::String, title: "Request arg", base: "" },
    FieldDecl { name: "ftp.response.code", ftype: Ftype::Uint32, title: "Response code", base: "BASE_DEC" },
    FieldDecl { name: "ftp.response.arg", ftype: Ftype::String, title: "Response arg", base: "" },
    FieldDecl { name: "ftp.passive.ip", ftype: Ftype::Ipv4, title: "Passive IP address", base: "" },
    FieldDecl { name: "ftp.passive.port", ftype: Ftype::Uint16, title: "Passive port", base: "BASE_DEC" },
    FieldDecl { name: "ftp.active.cip", ftype: Ftype::Ipv4, title: "Active IP address", base: "" },
    FieldDecl { name: "ftp.active.port", ftype: Ftype::Uint16, title: "Active port", base: "BASE_DEC" },
    FieldDecl { name: "ftp.epsv.port", ftype: Ftype::Uint16, title: "Extended passive port", base: "BASE_DEC" },
];

/// The reply codes' meanings, as Wireshark names them (RFC 959 §4.2, RFC 2228).
fn reply_name(code: u16) -> &'static str {
    match code {
        110 => "Restart marker reply",
        120 => "Service ready in nnn minutes",
        125 => "Data connection already open; transfer starting",
        150 => "File status okay; about to open data connection",
        200 => "Command okay",
        202 => "Command not implemented, superfluous at this site",
        211 => "System status, or system help reply",
        212 => "Directory status",
        213 => "File status",
        214 => "Help message",
        215 => "NAME system type",
        220 => "Service ready for new user",
        221 => "Service closing control connection",
        225 => "Data connection open; no transfer in progress",
        226 => "Closing data connection",
        227 => "Entering Passive Mode",
        229 => "Entering Extended Passive Mode",
        230 => "User logged in, proceed",
        232 => "User logged in, authorized by security data exchange",
        234 => "Security data exchange complete",
        235 => "Security data exchange completed successfully",
        250 => "Requested file action okay, completed",
        257 => "PATHNAME created",
        331 => "User name okay, need password",
        332 => "Need account for login",
        334 => "Requested security mechanism is ok",
        335 => "Security data is acceptable, more is required",
        336 => "Username okay, need password. Challenge is ...",
        350 => "Requested file action pending further information",
        421 => "Service not available, closing control connection",
        425 => "Can't open data connection",
        426 => "Connection closed; transfer aborted",
        431 => "Need some unavailable resource to process security",
        450 => "Requested file action not taken",
        451 => "Requested action aborted: local error in processing",
        452 => "Requested action not taken. Insufficient storage space in system",
        500 => "Syntax error, command unrecognized",
        501 => "Syntax error in parameters or arguments",
        502 => "Command not implemented",
        503 => "Bad sequence of commands",
        504 => "Command not implemented for that parameter",
        530 => "Not logged in",
        532 => "Need account for storing files",
        533 => "Command protection level denied for policy reasons",
        534 => "Request denied for policy reasons",
        535 => "Failed security check (hash, sequence, etc)",
        536 => "Requested PROT level not supported by mechanism",
        537 => "Command protection level not supported by security mechanism",
        550 => "Requested action not taken: File unavailable",
        551 => "Requested action aborted: page type unknown",
        552 => "Requested file action aborted: Exceeded storage allocation",
        553 => "Requested action not taken: File name not allowed",
        631 => "Integrity protected reply",
        632 => "Confidentiality and integrity protected reply",
        633 => "Confidentiality protected reply",
        _ => "Unknown",
    }
}

/// The address and port of `h1,h2,h3,h4,p1,p2` (PASV replies, PORT commands):
/// the first run of six comma-separated numbers in `text`.
fn host_port(text: &[u8]) -> Option<(Ipv4Addr, u16)> {
    let start = text.iter().position(u8::is_ascii_digit)?;
    let mut nums = [0u8; 6];
    let mut parts = text[start..].split(|&b| b == b',');
    for n in &mut nums {
        let part = parts.next()?;
        let digits: Vec<u8> = part.iter().copied().take_while(u8::is_ascii_digit).collect();
        if digits.is_empty() || digits.len() > 3 {
            return None;
        }
        *n = std::str::from_utf8(&digits).ok()?.parse().ok()?;
    }
    let port = u16::from(nums[4]) << 8 | u16::from(nums[5]);
    Some((Ipv4Addr::new(nums[0], nums[1], nums[2], nums[3]), port))
}

/// The port of an EPSV reply's `(|||port|)`.
fn epsv_port(text: &[u8]) -> Option<u16> {
    let open = text.iter().position(|&b| b == b'(')?;
    let inner = &text[open + 1..];
    let close = inner.iter().position(|&b| b == b')')?;
    let fields: Vec<&[u8]> = inner[..close].split(|&b| b == b'|').collect();
    std::str::from_utf8(fields.get(3)?).ok()?.parse().ok()
}

/// The port of an EPRT command's `|af|address|port|` (RFC 2428 §2).
fn eprt_port(text: &[u8]) -> Option<u16> {
    let delim = *text.first()?;
    let fields: Vec<&[u8]> = text.split(|&b| b == delim).collect();
    std::str::from_utf8(fields.get(3)?).ok()?.parse().ok()
}

/// The port an active-mode server sends data from (RFC 959 §3.2).
const DATA_PORT: u16 = 20;

/// The commands answered on the data connection (RFC 959 §4.1.3, RFC 3659 §7):
/// one of them settles what a data connection carries.
const DATA_COMMANDS: &[&[u8]] = &[b"RETR", b"STOR", b"STOU", b"APPE", b"LIST", b"NLST", b"MLSD"];

/// The data connection a command or reply announces, as tshark sets it up:
/// `PORT`'s from the server's port 20 to the named client address, `EPRT`'s to
/// the client's port, `PASV`'s to the named server address, `EPSV`'s to the
/// server's port.
fn data_connection(text: &[u8], request: bool) -> Option<Expect> {
    let expect = |host, port, peer, method| Some(Expect { host, port, peer, protocol: "ftp-data", method });
    if request {
        let (cmd, arg) = split_word(text);
        let arg = arg?;
        if cmd.eq_ignore_ascii_case(b"PORT") {
            let (ip, _) = host_port(arg)?;
            return expect(Host::Receiver, DATA_PORT, Host::Addr(ip.into()), "PORT");
        }
        if cmd.eq_ignore_ascii_case(b"EPRT") {
            return expect(Host::Sender, eprt_port(arg)?, Host::Receiver, "EPRT");
        }
        return None;
    }
    let arg = text.get(4..)?;
    match reply_code(text)? {
        227 => {
            let (ip, port) = host_port(arg)?;
            expect(Host::Addr(ip.into()), port, Host::Receiver, "PASV")
        }
        229 => expect(Host::Sender, epsv_port(arg)?, Host::Receiver, "EPASV"),
        _ => None,
    }
}

impl Dissector for Ftp {
    fn name(&self) -> &'static str {
        "ftp"
    }

    fn title(&self) -> &'static str {
        "File Transfer Protocol (FTP)"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "FTP"
    }

    fn claims(&self) -> &'static [Claim] {
        CLAIMS
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn info(&self, pdu: &[u8], ctx: Ctx, out: &mut String) {
        out.push_str(if ctx.to_port { "Request: " } else { "Response: " });
        if let Some(line) = first(pdu) {
            out.push_str(&shown(line.text(pdu)));
        }
    }

    fn tree(&self, pdu: &[u8], ctx: Ctx, o: usize, t: &mut Tree) {
        let request = ctx.to_port;
        t.at(0).proto("ftp").bytes(o, pdu.len()).line(format_args!("File Transfer Protocol (FTP)"));
        t.at(1).field("ftp.request", Ftype::Boolean, u8::from(request)).hidden();
        t.at(1).field("ftp.response", Ftype::Boolean, u8::from(!request)).hidden();
        for (n, line) in lines(pdu).enumerate() {
            let text = line.text(pdu);
            let at = o + line.start;
            t.at(1).bytes(at, line.full).line(format_args!("{}{}", shown(text), eol(&line, pdu)));
            if n > 0 {
                continue;
            }
            if request {
                request_fields(t, text, at);
            } else {
                response_fields(t, text, at);
            }
        }
    }

    fn expects(&self, pdu: &[u8], ctx: Ctx) -> Option<Expect> {
        data_connection(first(pdu)?.text(pdu), ctx.to_port)
    }

    fn describes<'p>(&self, pdu: &'p [u8], ctx: Ctx) -> Option<Describe<'p>> {
        let text = first(pdu).filter(|_| ctx.to_port)?.text(pdu);
        let (cmd, _) = split_word(text);
        let settles = DATA_COMMANDS.iter().any(|c| cmd.eq_ignore_ascii_case(c));
        (!text.is_empty()).then_some(Describe { text, settles })
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let decl = &FIELDS[field];
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, decl.name, decl.ftype, &mut owned);
        out.extend(owned);
    }
}

/// A command's word and argument, and the address a `PORT` names.
fn request_fields(t: &mut Tree, text: &[u8], at: usize) {
    let (cmd, arg) = split_word(text);
    if cmd.is_empty() {
        return;
    }
    let c = shown(cmd);
    t.at(2)
        .field("ftp.request.command", Ftype::String, &c)
        .bytes(at, cmd.len())
        .line(format_args!("Request command: {c}"));
    let Some(arg) = arg.filter(|a| !a.is_empty()) else { return };
    let arg_at = at + (text.len() - arg.len());
    let a = shown(arg);
    t.at(2).field("ftp.request.arg", Ftype::String, &a).bytes(arg_at, arg.len()).line(format_args!("Request arg: {a}"));
    if cmd.eq_ignore_ascii_case(b"PORT") {
        if let Some((ip, port)) = host_port(arg) {
            t.at(2)
                .field("ftp.active.cip", Ftype::Ipv4, ip)
                .bytes(arg_at, arg.len())
                .line(format_args!("Active IP address: {ip}"));
            t.at(2)
                .field("ftp.active.port", Ftype::Uint16, port)
                .bytes(arg_at, arg.len())
                .line(format_args!("Active port: {port}"));
        }
    }
}

/// A reply's code and text, and the address a `227` or `229` reply names.
fn response_fields(t: &mut Tree, text: &[u8], at: usize) {
    let Some(code) = reply_code(text) else {
        return;
    };
    t.at(2)
        .field("ftp.response.code", Ftype::Uint32, code)
        .bytes(at, 3)
        .line(format_args!("Response code: {} ({code})", reply_name(code)));
    let rest = &text[3..];
    let skip = usize::from(matches!(rest.first(), Some(b' ' | b'-')));
    let arg = &rest[skip..];
    if arg.is_empty() {
        return;
    }
    let arg_at = at + 3 + skip;
    let a = shown(arg);
    t.at(2)
        .field("ftp.response.arg", Ftype::String, &a)
        .bytes(arg_at, arg.len())
        .line(format_args!("Response arg: {a}"));
    match code {
        227 => {
            if let Some((ip, port)) = host_port(arg) {
                t.at(2)
                    .field("ftp.passive.ip", Ftype::Ipv4, ip)
                    .bytes(arg_at, arg.len())
                    .line(format_args!("Passive IP address: {ip}"));
                t.at(2)
                    .field("ftp.passive.port", Ftype::Uint16, port)
                    .bytes(arg_at, arg.len())
                    .line(format_args!("Passive port: {port}"));
            }
        }
        229 => {
            if let Some(port) = epsv_port(arg) {
                t.at(2)
                    .field("ftp.epsv.port", Ftype::Uint16, port)
                    .bytes(arg_at, arg.len())
                    .line(format_args!("Extended passive port: {port}"));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::{fields, find, segment, LinkType};

    fn info(pdu: &[u8], ctx: Ctx) -> String {
        crate::sniff::dissect::testing::info_of(&Ftp, pdu, ctx)
    }

    fn values(pdu: &[u8], ctx: Ctx, name: &str) -> Vec<String> {
        crate::sniff::dissect::testing::values_of(&Ftp, pdu, ctx, name)
    }

    #[test]
    fn requests_and_replies_in_tsharks_words() {
        assert_eq!(info(b"USER salesxfer\r\n", Ctx::to(21)), "Request: USER salesxfer");
        assert_eq!(info(b"220 FileZilla Server\r\n", Ctx::from(21)), "Response: 220 FileZilla Server");
        assert_eq!(values(b"USER salesxfer\r\n", Ctx::to(21), "ftp.request.command"), ["USER"]);
        assert_eq!(values(b"USER salesxfer\r\n", Ctx::to(21), "ftp.request.arg"), ["salesxfer"]);
        assert_eq!(values(b"USER salesxfer\r\n", Ctx::to(21), "ftp.request"), ["1"]);
        assert_eq!(values(b"220 Welcome\r\n", Ctx::from(21), "ftp.response.code"), ["220"]);
        assert_eq!(values(b"220 Welcome\r\n", Ctx::from(21), "ftp.response.arg"), ["Welcome"]);
    }

    #[test]
    fn a_passive_reply_names_the_data_address() {
        let pdu = b"227 Entering Passive Mode (172,16,16,121,192,11)\r\n";
        assert_eq!(values(pdu, Ctx::from(21), "ftp.passive.ip"), ["172.16.16.121"]);
        assert_eq!(values(pdu, Ctx::from(21), "ftp.passive.port"), ["49163"]);
        let port = b"PORT 10,0,0,2,4,1\r\n";
        assert_eq!(values(port, Ctx::to(21), "ftp.active.cip"), ["10.0.0.2"]);
        assert_eq!(values(port, Ctx::to(21), "ftp.active.port"), ["1025"]);
        assert_eq!(
            values(b"229 Entering Extended Passive Mode (|||6446|)\r\n", Ctx::from(21), "ftp.epsv.port"),
            ["6446"]
        );
    }

    #[test]
    fn through_the_pipeline_with_bytes_and_direction() {
        let f = fields(LinkType::Ethernet, &segment((40000, 21), b"PASS p@ssw0rd\r\n"));
        assert_eq!(find(&f, "ftp.request.command"), [("PASS", Some((74, 4)))]);
        assert_eq!(find(&f, "ftp.request.arg"), [("p@ssw0rd", Some((79, 8)))]);
        let f = fields(LinkType::Ethernet, &segment((21, 40000), b"230-Hi\r\n230 Logged on\r\n"));
        assert_eq!(find(&f, "ftp.response.code"), [("230", Some((74, 3)))]);
    }

    #[test]
    fn replies_and_commands_announce_data_connections() {
        let reply = |line: &[u8]| Ftp.expects(line, Ctx::from(21));
        let pasv = reply(b"227 Entering Passive Mode (172,16,16,121,192,14)\r\n").unwrap();
        assert_eq!((pasv.host, pasv.port, pasv.peer), (Host::Addr([172, 16, 16, 121].into()), 49166, Host::Receiver));
        assert_eq!((pasv.protocol, pasv.method), ("ftp-data", "PASV"));
        assert_eq!(reply(b"229 Entering Extended Passive Mode (|||6446|)\r\n").unwrap().port, 6446);
        assert_eq!(reply(b"200 Type set to I\r\n"), None);
        let port = Ftp.expects(b"PORT 10,0,0,2,4,1\r\n", Ctx::to(21)).unwrap();
        assert_eq!((port.host, port.port, port.peer), (Host::Receiver, 20, Host::Addr([10, 0, 0, 2].into())));
        let eprt = Ftp.expects(b"EPRT |1|132.235.1.2|6275|\r\n", Ctx::to(21)).unwrap();
        assert_eq!((eprt.host, eprt.port, eprt.method), (Host::Sender, 6275, "EPRT"));
        // A reply's text never announces when it comes from the client.
        assert_eq!(Ftp.expects(b"227 (1,2,3,4,5,6)\r\n", Ctx::to(21)), None);
    }

    #[test]
    fn commands_describe_the_data_connection_and_transfers_settle_it() {
        let d = Ftp.describes(b"RETR notes.txt\r\n", Ctx::to(21)).unwrap();
        assert_eq!((d.text, d.settles), (&b"RETR notes.txt"[..], true));
        assert!(!Ftp.describes(b"TYPE I\r\n", Ctx::to(21)).unwrap().settles);
        assert_eq!(Ftp.describes(b"150 Opening\r\n", Ctx::from(21)), None);
    }

    #[test]
    fn cut_and_hostile_input_never_panics() {
        let pdu = b"227 Entering Passive Mode (999,1,2,3,4,5,6)\r\n\xff\x00PORT 1,2\r";
        for n in 0..=pdu.len() {
            for ctx in [Ctx::to(21), Ctx::from(21), Ctx::default()] {
                info(&pdu[..n], ctx);
                let mut t = Tree::new();
                Ftp.tree(&pdu[..n], ctx, 0, &mut t);
                for f in 0..FIELDS.len() {
                    Ftp.values(&pdu[..n], ctx, f, &mut Vec::new());
                }
                let _ = (Ftp.expects(&pdu[..n], ctx), Ftp.describes(&pdu[..n], ctx));
            }
        }
        assert_eq!(host_port(b"(999,1,2,3,4,5)"), None);
    }
}
