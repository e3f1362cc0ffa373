//! Telnet, a remote terminal over TCP (RFC 854): the characters typed and
//! printed, with commands mixed in after the byte IAC (255). The commands that
//! negotiate options (RFC 855) are `DO`/`DON'T` (asking the other side to turn
//! an option on or off) and `WILL`/`WON'T` (offering or refusing to); `SB ...
//! IAC SE` carries an option's parameters, such as the terminal's type or its
//! window size.
//!
//! tshark's Info is `Telnet Data ...` for every segment; its tree lists each
//! command with its option, and the text between commands a line at a time.

use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::fmt::Write as _;

/// The Telnet dissector.
pub struct Telnet;

/// Telnet's port (RFC 854).
const CLAIMS: &[Claim] = &[Claim::TcpPort(23)];

/// "Interpret as command": the byte that starts a command.
const IAC: u8 = 255;
/// The suboption brackets, and the last command with an option byte after it.
#[cfg(test)]
const SE: u8 = 240;
const SB: u8 = 250;
const DONT: u8 = 254;
/// The options whose suboptions are decoded.
const OPT_TERMINAL_TYPE: u8 = 24;
const OPT_NAWS: u8 = 31;

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "telnet", ftype: Ftype::Protocol, title: "Telnet", base: "" },
    FieldDecl { name: "telnet.cmd", ftype: Ftype::Uint8, title: "Command", base: "BASE_DEC" },
    FieldDecl { name: "telnet.subcmd", ftype: Ftype::Uint8, title: "Subcommand", base: "BASE_DEC" },
    FieldDecl { name: "telnet.string_subopt.value", ftype: Ftype::String, title: "Value", base: "" },
    FieldDecl { name: "telnet.naws_subopt.width", ftype: Ftype::Uint16, title: "Width", base: "BASE_DEC" },
    FieldDecl { name: "telnet.naws_subopt.height", ftype: Ftype::Uint16, title: "Height", base: "BASE_DEC" },
    FieldDecl { name: "telnet.data", ftype: Ftype::String, title: "Data", base: "" },
    FieldDecl { name: "telnet.option_data", ftype: Ftype::Bytes, title: "Option data", base: "" },
];

/// Wireshark's name of a command.
fn command_name(c: u8) -> &'static str {
    match c {
        240 => "Suboption End",
        241 => "No Operation",
        242 => "Data Mark",
        243 => "Break",
        244 => "Interrupt Process",
        245 => "Abort Output",
        246 => "Are You There?",
        247 => "Escape Character",
        248 => "Erase Line",
        249 => "Go Ahead",
        250 => "Suboption",
        251 => "Will",
        252 => "Won't",
        253 => "Do",
        254 => "Don't",
        _ => "<unknown command>",
    }
}

/// Wireshark's name of an option (the IANA Telnet options registry).
fn option_name(o: u8) -> &'static str {
    const NAMES: [&str; 50] = [
        "Binary Transmission",
        "Echo",
        "Reconnection",
        "Suppress Go Ahead",
        "Approx Message Size Negotiation",
        "Status",
        "Timing Mark",
        "Remote Controlled Trans and Echo",
        "Output Line Width",
        "Output Page Size",
        "Output Carriage-Return Disposition",
        "Output Horizontal Tab Stops",
        "Output Horizontal Tab Disposition",
        "Output Formfeed Disposition",
        "Output Vertical Tabstops",
        "Output Vertical Tab Disposition",
        "Output Linefeed Disposition",
        "Extended ASCII",
        "Logout",
        "Byte Macro",
        "Data Entry Terminal",
        "SUPDUP",
        "SUPDUP Output",
        "Send Location",
        "Terminal Type",
        "End of Record",
        "TACACS User Identification",
        "Output Marking",
        "Terminal Location Number",
        "Telnet 3270 Regime",
        "X.3 PAD",
        "Negotiate About Window Size",
        "Terminal Speed",
        "Remote Flow Control",
        "Linemode",
        "X Display Location",
        "Environment Option",
        "Authentication Option",
        "Encryption Option",
        "New Environment Option",
        "TN3270E",
        "XAUTH",
        "CHARSET",
        "Remote Serial Port",
        "COM Port Control",
        "Suppress Local Echo",
        "Start TLS",
        "KERMIT",
        "SEND-URL",
        "FORWARD_X",
    ];
    match o {
        138 => "TELOPT PRAGMA LOGON",
        139 => "TELOPT SSPI LOGON",
        140 => "TELOPT PRAGMA HEARTBEAT",
        255 => "Extended-Options-List",
        _ => NAMES.get(usize::from(o)).copied().unwrap_or("<unknown option>"),
    }
}

/// Text as tshark shows telnet data: up to a NUL, control characters escaped.
fn data_text(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    super::textline::shown(&bytes[..end])
}

/// Where a suboption starting at `from` ends: at the next command (an IAC not
/// doubled), normally `IAC SE`, as tshark ends it.
fn suboption_end(pdu: &[u8], from: usize) -> usize {
    let mut j = from;
    while j < pdu.len() {
        if pdu[j] == IAC {
            if pdu.get(j + 1) != Some(&IAC) {
                return j;
            }
            j += 1;
        }
        j += 1;
    }
    pdu.len()
}

impl Dissector for Telnet {
    fn name(&self) -> &'static str {
        "telnet"
    }

    fn title(&self) -> &'static str {
        "Telnet"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "TELNET"
    }

    fn claims(&self) -> &'static [Claim] {
        CLAIMS
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn info(&self, _pdu: &[u8], _ctx: Ctx, out: &mut String) {
        out.push_str("Telnet Data ...");
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, t: &mut Tree) {
        t.at(0).proto("telnet").bytes(o, pdu.len()).line(format_args!("Telnet"));
        let mut i = 0;
        while i < pdu.len() {
            i = if pdu[i] == IAC && pdu.get(i + 1).is_some_and(|&c| c != IAC) {
                command(t, pdu, i, o)
            } else {
                data(t, pdu, i, o)
            };
        }
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let decl = &FIELDS[field];
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, decl.name, decl.ftype, &mut owned);
        out.extend(owned);
    }
}

/// The text from `i` to the end of its line or the next command; returns where
/// it ends. An IAC IAC pair is a data byte 255.
fn data(t: &mut Tree, pdu: &[u8], i: usize, o: usize) -> usize {
    let mut end = i;
    while end < pdu.len() {
        match pdu[end] {
            IAC if pdu.get(end + 1) == Some(&IAC) => end += 2,
            IAC if end > i => break,
            b'\n' => {
                end += 1;
                break;
            }
            _ => end += 1,
        }
    }
    let end = end.max(i + 1).min(pdu.len());
    let text = data_text(&pdu[i..end]);
    t.at(1).field("telnet.data", Ftype::String, &text).bytes(o + i, end - i).line(format_args!("Data: {text}"));
    end
}

/// The command at `i` (its IAC), its option and suboption; returns where it ends.
fn command(t: &mut Tree, pdu: &[u8], i: usize, o: usize) -> usize {
    let cmd = pdu[i + 1];
    let name = command_name(cmd);
    let with_option = (SB..=DONT).contains(&cmd);
    let option = pdu.get(i + 2).copied().filter(|_| with_option);
    let end = match (cmd, option) {
        (SB, Some(_)) => suboption_end(pdu, i + 3),
        (_, Some(_)) => i + 3,
        _ => i + 2,
    };
    match option {
        Some(opt) => t.at(1).bytes(o + i, end - i).line(format_args!("{name} {}", option_name(opt))),
        None => t.at(1).bytes(o + i, end - i).line(format_args!("{name}")),
    }
    t.at(2).field("telnet.cmd", Ftype::Uint8, cmd).bytes(o + i + 1, 1).line(format_args!("Command: {name} ({cmd})"));
    let Some(opt) = option else { return end };
    t.at(2)
        .field("telnet.subcmd", Ftype::Uint8, opt)
        .bytes(o + i + 2, 1)
        .line(format_args!("Subcommand: {}", option_name(opt)));
    if cmd == SB {
        suboption(t, opt, &pdu[i + 3..end], o + i + 3);
    }
    end
}

/// A suboption's parameters (between `IAC SB option` and `IAC SE`) at `at`.
fn suboption(t: &mut Tree, opt: u8, data: &[u8], at: usize) {
    match (opt, data) {
        (OPT_TERMINAL_TYPE, [1, ..]) => {
            t.at(3).field("telnet.subcmd", Ftype::Uint8, 1).bytes(at, 1).line(format_args!("Send your Terminal Type"))
        }
        (OPT_TERMINAL_TYPE, [0, rest @ ..]) => {
            t.at(3).field("telnet.subcmd", Ftype::Uint8, 0).bytes(at, 1).line(format_args!("Here's my Terminal Type"));
            let v = super::textline::shown(rest);
            t.at(3)
                .field("telnet.string_subopt.value", Ftype::String, &v)
                .bytes(at + 1, rest.len())
                .line(format_args!("Value: {v}"));
        }
        (OPT_NAWS, [w1, w2, h1, h2, ..]) => {
            let (w, h) = (u16::from_be_bytes([*w1, *w2]), u16::from_be_bytes([*h1, *h2]));
            t.at(3).field("telnet.naws_subopt.width", Ftype::Uint16, w).bytes(at, 2).line(format_args!("Width: {w}"));
            t.at(3)
                .field("telnet.naws_subopt.height", Ftype::Uint16, h)
                .bytes(at + 2, 2)
                .line(format_args!("Height: {h}"));
        }
        (_, []) => {}
        (_, bytes) => {
            let mut hex = String::with_capacity(bytes.len() * 2);
            bytes.iter().for_each(|b| {
                let _ = write!(hex, "{b:02x}");
            });
            t.at(3)
                .field("telnet.option_data", Ftype::Bytes, &hex)
                .bytes(at, bytes.len())
                .line(format_args!("Option data: {hex}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pdu: &[u8], name: &str) -> Vec<String> {
        let i = FIELDS.iter().position(|f| f.name == name).unwrap();
        let mut out = Vec::new();
        Telnet.values(pdu, Ctx::to(23), i, &mut out);
        out.iter().map(ToString::to_string).collect()
    }

    fn shown(pdu: &[u8]) -> Vec<String> {
        let mut t = Tree::new();
        Telnet.tree(pdu, Ctx::from(23), 0, &mut t);
        t.items().iter().map(|i| format!("{}{}", "  ".repeat(usize::from(i.depth)), t.display(i))).collect()
    }

    #[test]
    fn negotiation_in_tsharks_words() {
        let mut info = String::new();
        Telnet.info(b"x", Ctx::to(23), &mut info);
        assert_eq!(info, "Telnet Data ...");
        let pdu = [IAC, 253, 24, IAC, 252, 32];
        assert_eq!(
            shown(&pdu)[1..],
            [
                "  Do Terminal Type",
                "    Command: Do (253)",
                "    Subcommand: Terminal Type",
                "  Won't Terminal Speed",
                "    Command: Won't (252)",
                "    Subcommand: Terminal Speed"
            ]
        );
        assert_eq!(values(&pdu, "telnet.cmd"), ["253", "252"]);
        assert_eq!(values(&pdu, "telnet.subcmd"), ["24", "32"]);
    }

    #[test]
    fn suboptions_and_data_lines() {
        let naws = [IAC, SB, 31, 0, 80, 0, 24, IAC, SE];
        assert_eq!(values(&naws, "telnet.naws_subopt.width"), ["80"]);
        assert_eq!(values(&naws, "telnet.naws_subopt.height"), ["24"]);
        assert_eq!(values(&naws, "telnet.cmd"), ["250", "240"]);
        let tt = [&[IAC, SB, 24, 0][..], b"XTERM", &[IAC, SE]].concat();
        assert_eq!(values(&tt, "telnet.string_subopt.value"), ["XTERM"]);
        assert_eq!(values(&tt, "telnet.subcmd"), ["24", "0"]);
        let text = [&[IAC, 251, 1][..], b"Ubuntu\r\nlogin: "].concat();
        assert_eq!(values(&text, "telnet.data"), ["Ubuntu\\r\\n", "login: "]);
        assert_eq!(values(b"\r\0", "telnet.data"), ["\\r"]);
    }

    #[test]
    fn cut_and_hostile_input_never_panics() {
        let pdu = [IAC, SB, 24, 0, b'x', IAC, IAC, SE, IAC, SB, IAC, 253, IAC];
        for n in 0..=pdu.len() {
            for f in 0..FIELDS.len() {
                Telnet.values(&pdu[..n], Ctx::to(23), f, &mut Vec::new());
            }
        }
    }
}
