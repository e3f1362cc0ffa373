//! FTP's data connections (RFC 959 §3.2): the bytes of a file or a directory
//! listing, on the connection the control connection announced with `PASV`,
//! `EPSV`, `PORT` or `EPRT` (see [`super::ftp`] and [`crate::sniff::expect`]),
//! or from port 20. Each segment shows its size, how its connection was set up
//! and the command it answers, as tshark shows them.

use super::dissector::{Claim, Ctx, Dissector, FieldDecl, Link};
use super::textline::{eol, lines, shown};
use crate::sniff::tree::{Ftype, Tree};
use crate::sniff::value::Value;
use std::fmt::Write as _;

/// The FTP data dissector.
pub struct FtpData;

/// FTP's data port (RFC 959 §3.2): an active-mode server sends from it.
const CLAIMS: &[Claim] = &[Claim::TcpPort(20)];

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "ftp-data", ftype: Ftype::Protocol, title: "FTP Data", base: "" },
    FieldDecl { name: "ftp-data.setup-frame", ftype: Ftype::Framenum, title: "Setup frame", base: "" },
    FieldDecl { name: "ftp-data.setup-method", ftype: Ftype::String, title: "Setup method", base: "" },
    FieldDecl { name: "ftp-data.command", ftype: Ftype::String, title: "Command", base: "" },
    FieldDecl { name: "ftp-data.command-frame", ftype: Ftype::Framenum, title: "Command frame", base: "" },
];

/// Indexes in [`FIELDS`].
mod f {
    pub const SETUP_FRAME: usize = 1;
    pub const SETUP_METHOD: usize = 2;
    pub const COMMAND: usize = 3;
    pub const COMMAND_FRAME: usize = 4;
}

/// How many leading bytes decide whether the data is text (as tshark looks).
const TEXT_PROBE: usize = 20;

/// Whether the data reads as text lines: its first bytes printable or line ends.
fn is_text(pdu: &[u8]) -> bool {
    pdu.iter().take(TEXT_PROBE).all(|&b| b == b'\r' || b == b'\n' || (b' '..=b'~').contains(&b))
}

/// The protocol's item: a leaf whose value is its title, as tshark's JSON
/// shows it (`"ftp-data": "FTP Data (1460 bytes data)"`).
fn head(pdu: &[u8], o: usize, t: &mut Tree) {
    let label = FtpData.label(pdu);
    t.at(0).field("ftp-data", Ftype::Protocol, &label).bytes(o, pdu.len()).line(format_args!("{label}"));
}

/// The data as tshark's line-based text block (`data-text-lines`) shows it,
/// when it is text.
fn text_lines(pdu: &[u8], o: usize, t: &mut Tree) {
    if pdu.is_empty() || !is_text(pdu) {
        return;
    }
    let n = lines(pdu).count();
    t.at(0).proto("data-text-lines").bytes(o, pdu.len()).line(format_args!("Line-based text data ({n} lines)"));
    for l in lines(pdu) {
        let text = shown(l.text(pdu));
        t.at(1).bytes(o + l.start, l.full).line(format_args!("{text}{}", eol(&l, pdu)));
    }
}

impl Dissector for FtpData {
    fn name(&self) -> &'static str {
        "ftp-data"
    }

    fn title(&self) -> &'static str {
        "FTP Data"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "FTP-DATA"
    }

    fn claims(&self) -> &'static [Claim] {
        CLAIMS
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn label(&self, pdu: &[u8]) -> String {
        format!("FTP Data ({} bytes data)", pdu.len())
    }

    fn info(&self, pdu: &[u8], _ctx: Ctx, out: &mut String) {
        let _ = write!(out, "FTP Data: {} bytes", pdu.len());
    }

    fn tree(&self, pdu: &[u8], _ctx: Ctx, o: usize, t: &mut Tree) {
        head(pdu, o, t);
        text_lines(pdu, o, t);
    }

    fn values<'p>(&self, _pdu: &'p [u8], _ctx: Ctx, _field: usize, _out: &mut Vec<Value<'p>>) {}

    fn linked_info(&self, link: &Link, out: &mut String) {
        let _ = write!(out, " ({})", link.method);
        if let Some((_, text)) = &link.described {
            let _ = write!(out, " ({text})");
        }
    }

    fn linked_tree(&self, pdu: &[u8], _ctx: Ctx, link: &Link, o: usize, t: &mut Tree) {
        head(pdu, o, t);
        // tshark adds these after the protocol's item, at its depth.
        t.at(0)
            .field("ftp-data.setup-frame", Ftype::Framenum, link.setup_frame)
            .line(format_args!("[Setup frame: {}]", link.setup_frame));
        t.at(0)
            .field("ftp-data.setup-method", Ftype::String, link.method)
            .line(format_args!("[Setup method: {}]", link.method));
        if let Some((frame, text)) = &link.described {
            t.at(0).field("ftp-data.command", Ftype::String, &**text).line(format_args!("[Command: {text}]"));
            t.at(0)
                .field("ftp-data.command-frame", Ftype::Framenum, *frame)
                .line(format_args!("Command frame: {frame}"));
        }
        text_lines(pdu, o, t);
    }

    fn linked_values<'p>(&self, link: &Link, field: usize, out: &mut Vec<Value<'p>>) {
        match field {
            f::SETUP_FRAME => out.push(Value::Uint(u64::from(link.setup_frame))),
            f::SETUP_METHOD => out.push(Value::Str(link.method.into())),
            f::COMMAND => out.extend(link.described.as_ref().map(|(_, t)| Value::Str(t.to_string().into()))),
            f::COMMAND_FRAME => out.extend(link.described.as_ref().map(|&(n, _)| Value::Uint(u64::from(n)))),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// The start of frame 66 of tickedoffdeveloper.pcapng: a CSV file.
    const CSV: &[u8] = b"StoreID,SKF,QTY\r\n4829,808966,5\r\n";

    fn link() -> Link {
        Link { setup_frame: 60, method: "PASV", described: Some((64, Arc::from("STOR store4829-03222010.csv"))) }
    }

    #[test]
    fn info_names_size_method_and_command() {
        let mut s = crate::sniff::dissect::testing::info_of(&FtpData, CSV, Ctx::default());
        FtpData.linked_info(&link(), &mut s);
        assert_eq!(s, "FTP Data: 32 bytes (PASV) (STOR store4829-03222010.csv)");
    }

    #[test]
    fn the_tree_shows_the_link_then_the_text_lines() {
        let mut t = Tree::new();
        FtpData.linked_tree(CSV, Ctx::default(), &link(), 54, &mut t);
        let lines: Vec<&str> = t.items().iter().map(|i| t.display(i)).collect();
        assert_eq!(
            lines,
            [
                "FTP Data (32 bytes data)",
                "[Setup frame: 60]",
                "[Setup method: PASV]",
                "[Command: STOR store4829-03222010.csv]",
                "Command frame: 64",
                "Line-based text data (2 lines)",
                "StoreID,SKF,QTY\\r\\n",
                "4829,808966,5\\r\\n",
            ]
        );
        let mut v = Vec::new();
        FtpData.linked_values(&link(), f::COMMAND_FRAME, &mut v);
        assert_eq!(v, [Value::Uint(64)]);
    }

    #[test]
    fn binary_data_has_no_text_block_and_nothing_panics() {
        let mut t = Tree::new();
        FtpData.tree(&[0x89, b'P', b'N', b'G', 0, 1], Ctx::default(), 0, &mut t);
        assert_eq!(t.items().len(), 1);
        FtpData.tree(&[], Ctx::default(), 0, &mut t);
    }
}
