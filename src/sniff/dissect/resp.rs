//! RESP, the REdis Serialization Protocol (version 2, redis.io's protocol
//! specification) on TCP 6379. Every element is a line ended by CRLF whose
//! first byte names its type: `+` a simple string, `-` an error, `:` an
//! integer, `$` a bulk string (the line gives its length; that many bytes and
//! a CRLF follow), `*` an array (the line gives how many elements follow). A
//! client sends each command as an array of bulk strings (`*3 $3 SET $3 key
//! $5 value`); the server answers with any element. A line that starts with
//! none of these is a fragment (an inline command, or the middle of something
//! a capture began in).
//!
//! As tshark, a segment is a request when it goes to the server's port, and
//! an element cut by the segment's end waits for the next segments
//! ([`Dissector::pdu_len`]): a bulk string until its declared length is there,
//! any line until its CRLF.

use super::dissector::{tree_values, Claim, Ctx, Dissector, FieldDecl};
use crate::sniff::tree::{Ftype, Group, Severity, Tree};
use crate::sniff::value::Value;
use std::fmt::Write as _;

/// The RESP dissector.
pub struct Resp;

/// Redis's port.
pub const PORT: u16 = 6379;
const CLAIMS: &[Claim] = &[Claim::TcpPort(PORT)];

/// The line terminator's length, counted after every line whatever ends it.
const CRLF: usize = 2;
/// Arrays nested deeper than this are not walked into.
const MAX_DEPTH: usize = 30;
/// Bulk strings this long or longer show as `BulkString(n)` in the Info column.
const MAX_SHOWN: i64 = 100;
/// The length that marks a null bulk string or a null array.
const NULL_LEN: i64 = -1;

/// The fields, in the order of the indexes `values` takes.
const FIELDS: &[FieldDecl] = &[
    FieldDecl { name: "resp", ftype: Ftype::Protocol, title: "REdis Serialization Protocol", base: "" },
    FieldDecl { name: "resp.partial", ftype: Ftype::None, title: "Field is only partially decoded", base: "" },
    FieldDecl { name: "resp.malformed_length", ftype: Ftype::None, title: "Malformed length specified", base: "" },
    FieldDecl {
        name: "resp.reassembled_in_next_frame",
        ftype: Ftype::None,
        title: "Array is partially decoded. Re-assembled array is in the next frame",
        base: "",
    },
    FieldDecl {
        name: "resp.array_recursion_too_deep",
        ftype: Ftype::None,
        title: "Array is too deep to recurse any further. Subsequent elements attached to the protocol tree may not reflect their actual location in the array",
        base: "",
    },
    FieldDecl { name: "resp.string", ftype: Ftype::String, title: "String", base: "" },
    FieldDecl { name: "resp.error", ftype: Ftype::String, title: "Error", base: "" },
    FieldDecl { name: "resp.bulk_string", ftype: Ftype::None, title: "Bulk String", base: "" },
    FieldDecl { name: "resp.bulk_string.value", ftype: Ftype::Bytes, title: "Value", base: "" },
    FieldDecl { name: "resp.bulk_string.length", ftype: Ftype::Int32, title: "Length", base: "BASE_DEC" },
    FieldDecl { name: "resp.integer", ftype: Ftype::Int64, title: "Integer", base: "BASE_DEC" },
    FieldDecl { name: "resp.array", ftype: Ftype::None, title: "Array", base: "" },
    FieldDecl { name: "resp.array.length", ftype: Ftype::Int64, title: "Length", base: "BASE_DEC" },
    FieldDecl { name: "resp.fragment", ftype: Ftype::None, title: "Fragment", base: "" },
];

/// The length of the line at `at` (up to its first CR or LF), or `None` when
/// no line end is there yet (a CR as the last byte may still be followed by
/// LF). When no more bytes will come (`whole`), the rest is the last line.
fn line_len(p: &[u8], at: usize, whole: bool) -> Option<usize> {
    let rest = p.get(at..)?;
    let Some(end) = rest.iter().position(|&b| b == b'\r' || b == b'\n') else {
        return whole.then_some(rest.len());
    };
    if rest[end] == b'\r' && end + 1 == rest.len() && !whole {
        return None;
    }
    Some(end)
}

/// A number as C's `strtoll` reads it: leading spaces, a sign, digits, up to
/// the first other byte; 0 when there are no digits; clamped to the `i64` range.
fn strtoll(text: &[u8]) -> i64 {
    let mut i = text.iter().take_while(|b| b" \t\n\x0b\x0c\r".contains(b)).count();
    let negative = match text.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let mut v: i64 = 0;
    for &b in text[i.min(text.len())..].iter().take_while(|b| b.is_ascii_digit()) {
        let d = i64::from(b - b'0');
        v = match v.checked_mul(10).and_then(|v| if negative { v.checked_sub(d) } else { v.checked_add(d) }) {
            Some(v) => v,
            None => return if negative { i64::MIN } else { i64::MAX },
        };
    }
    v
}

/// Text as tshark reads it in ASCII: a byte of 0x80 or more is a replacement character.
fn ascii(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| if b < 0x80 { char::from(b) } else { char::REPLACEMENT_CHARACTER }).collect()
}

/// A bulk string's text for display: up to its first NUL, and `None` when
/// that holds a byte outside ASCII.
fn bulk_text(bytes: &[u8]) -> Option<String> {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let text = &bytes[..end];
    text.is_ascii().then(|| ascii(text))
}

/// Bytes as lowercase hex.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The elements cut by the end of the bytes: more must come (tshark's
/// desegmentation request).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct More;

/// One pass over a PDU's elements, writing the Info column or the tree.
struct Walk<'a> {
    p: &'a [u8],
    off: usize,
    /// Whether the PDU comes from the server's port.
    response: bool,
    /// Whether no more bytes will come (the capture cut the segment, which
    /// TCP then does not reassemble): what is cut short is shown partial.
    whole: bool,
    info: Option<&'a mut String>,
    tree: Option<&'a mut Tree>,
}

impl Walk<'_> {
    /// Whether the walk writes anything: a walk that only measures (a PDU's
    /// length) skips making the texts.
    fn shows(&self) -> bool {
        self.info.is_some() || self.tree.is_some()
    }

    fn say(&mut self, text: std::fmt::Arguments<'_>) {
        if let Some(info) = self.info.as_deref_mut() {
            let _ = info.write_fmt(text);
        }
    }

    /// Elements from `at` on: `count` of them (all up to the end when `None`),
    /// in an array `depth` deep. Returns where they end.
    fn elements(&mut self, mut at: usize, depth: usize, count: Option<i64>) -> Result<usize, More> {
        let mut done = 0i64;
        while at < self.p.len() {
            if count.is_some_and(|n| done >= n) {
                break;
            }
            let len = line_len(self.p, at, self.whole).ok_or(More)?;
            at += self.element(at, len, depth)?;
            done += 1;
        }
        Ok(at)
    }

    /// The element whose line starts at `at` and is `len` bytes long; returns its length.
    fn element(&mut self, at: usize, len: usize, depth: usize) -> Result<usize, More> {
        let line = &self.p[at..at + len];
        let body = line.get(1..).unwrap_or_default();
        let (off, whole) = (self.off + at, (len + CRLF).min(self.p.len() - at));
        let top_response = self.response && depth == 0;
        match line.first() {
            // A walk that only measures needs no texts for the one-line elements.
            Some(b'+' | b'-' | b':') if !self.shows() => {}
            Some(b'+') => {
                let text = ascii(body);
                if top_response {
                    self.say(format_args!(" {text}"));
                }
                if let Some(t) = self.tree.as_deref_mut() {
                    t.at(depth + 1)
                        .field("resp.string", Ftype::String, &text)
                        .bytes(off, whole)
                        .line(format_args!("String: {text}"));
                }
            }
            Some(b'-') => {
                let text = ascii(body);
                self.say(format_args!(" Error: {text}"));
                if let Some(t) = self.tree.as_deref_mut() {
                    t.at(depth + 1)
                        .field("resp.error", Ftype::String, &text)
                        .bytes(off, whole)
                        .line(format_args!("Error: {text}"));
                }
            }
            Some(b':') => {
                let v = strtoll(body);
                if top_response {
                    self.say(format_args!(" {v}"));
                }
                if let Some(t) = self.tree.as_deref_mut() {
                    t.at(depth + 1)
                        .field("resp.integer", Ftype::Int64, v)
                        .bytes(off, whole)
                        .line(format_args!("Integer: {v}"));
                }
            }
            Some(b'$') => return self.bulk(at, len, depth),
            Some(b'*') => return self.array(at, len, depth),
            _ if len == 0 => return Ok(CRLF),
            _ => {
                self.say(format_args!(" [fragment]"));
                if let Some(t) = self.tree.as_deref_mut() {
                    t.at(depth + 1)
                        .field("resp.fragment", Ftype::None, "")
                        .bytes(off, whole)
                        .line(format_args!("Fragment"));
                }
            }
        }
        Ok(len + CRLF)
    }

    /// A malformed-length expert under the item just added.
    fn malformed_length(&mut self, depth: usize) {
        if let Some(t) = self.tree.as_deref_mut() {
            let (s, g) = (Severity::Error, Group::Undecoded);
            t.expert(depth, "resp.malformed_length", s, g, "Malformed length specified");
        }
    }

    /// A bulk string: its length line, then that many bytes and a CRLF.
    fn bulk(&mut self, at: usize, len: usize, depth: usize) -> Result<usize, More> {
        let declared = strtoll(&self.p[at + 1..at + len]);
        // tshark keeps the length in a C int.
        let n = declared as i32;
        let head = len + CRLF;
        let off = self.off + at;
        if n < 0 {
            if let Some(t) = self.tree.as_deref_mut() {
                let shown = (head).min(self.p.len() - at);
                let title = if i64::from(n) == NULL_LEN { "Bulk String: [NULL]" } else { "Bulk String" };
                t.at(depth + 1)
                    .field("resp.bulk_string", Ftype::None, "")
                    .bytes(off, shown)
                    .line(format_args!("{title}"));
                t.at(depth + 2)
                    .field("resp.bulk_string.length", Ftype::Int32, n)
                    .bytes(off, shown)
                    .line(format_args!("Length: {n}"));
            }
            if i64::from(n) != NULL_LEN {
                self.malformed_length(depth + 2);
            }
            return Ok(head);
        }
        let n = n.unsigned_abs() as usize;
        let start = at + head;
        let left = self.p.len().saturating_sub(start);
        let partial = left < n + CRLF;
        if partial && !self.whole {
            return Err(More);
        }
        // Cut short with no more to come: what there is, marked partial.
        let (value, tail) =
            if partial { (&self.p[start.min(self.p.len())..], 0) } else { (&self.p[start..start + n], CRLF) };
        if partial {
            self.say(format_args!(" [partial]"));
        }
        if !self.shows() {
            return Ok(head + value.len() + tail);
        }
        let text = bulk_text(value);
        let request_arg = !self.response && depth == 1;
        match &text {
            Some(s) if request_arg && (n as i64) < MAX_SHOWN => self.say(format_args!(" {s}")),
            Some(_) if request_arg => self.say(format_args!(" BulkString({n})")),
            Some(s) if self.response && depth == 0 && (n as i64) < MAX_SHOWN => self.say(format_args!(" {s}")),
            _ if depth == 0 => self.say(format_args!(" BulkString({n})")),
            _ => {}
        }
        if let Some(t) = self.tree.as_deref_mut() {
            let room = self.p.len() - at;
            let whole = (head + value.len() + tail).min(room);
            let d = t.at(depth + 1).field("resp.bulk_string", Ftype::None, "").bytes(off, whole);
            match &text {
                Some(s) => d.line(format_args!("Bulk String: {s}")),
                None => d.line(format_args!("Bulk String")),
            }
            if partial {
                let (s, g) = (Severity::Warning, Group::Undecoded);
                t.expert(depth + 2, "resp.partial", s, g, "Field is only partially decoded");
            }
            t.at(depth + 2)
                .field("resp.bulk_string.length", Ftype::Int32, n)
                .bytes(off, head.min(room))
                .line(format_args!("Length: {n}"));
            if !value.is_empty() {
                let h = hex(value);
                t.at(depth + 2)
                    .field("resp.bulk_string.value", Ftype::Bytes, &h)
                    .bytes(off + head, value.len())
                    .line(format_args!("Value: {h}"));
            }
        }
        Ok(head + value.len() + tail)
    }

    /// An array: its count line, then that many elements one level deeper.
    fn array(&mut self, at: usize, len: usize, depth: usize) -> Result<usize, More> {
        let count = strtoll(&self.p[at + 1..at + len]);
        let head = len + CRLF;
        let off = self.off + at;
        if count > 0 && at + head >= self.p.len() && !self.whole {
            return Err(More);
        }
        // The item's length is known once its elements are walked: the tree measures first.
        let end = if self.tree.is_some() && count > 0 && depth <= MAX_DEPTH {
            let mut probe =
                Walk { p: self.p, off: 0, response: self.response, whole: self.whole, info: None, tree: None };
            probe.elements(at + head, depth + 1, Some(count)).unwrap_or(self.p.len())
        } else {
            at + head
        };
        if let Some(t) = self.tree.as_deref_mut() {
            let shown = (end - at).min(self.p.len() - at);
            let d = t.at(depth + 1).field("resp.array", Ftype::None, "").bytes(off, shown);
            match count {
                NULL_LEN => d.line(format_args!("Array: NULL")),
                0 => d.line(format_args!("Array: Empty")),
                n if n < 0 => d.line(format_args!("Array")),
                n => d.line(format_args!("Array: Length {n}")),
            }
            let len_shown = head.min(self.p.len() - at);
            t.at(depth + 2)
                .field("resp.array.length", Ftype::Int64, count)
                .bytes(off, len_shown)
                .line(format_args!("Length: {count}"));
        }
        if count < 0 && count != NULL_LEN {
            self.malformed_length(depth + 2);
        }
        if count <= 0 {
            return Ok(head);
        }
        if depth > MAX_DEPTH {
            if let Some(t) = self.tree.as_deref_mut() {
                let (s, g) = (Severity::Warning, Group::Undecoded);
                let msg = FIELDS[4].title;
                t.expert(depth + 2, "resp.array_recursion_too_deep", s, g, msg);
            }
            return Ok(head);
        }
        if self.response && depth == 0 {
            self.say(format_args!(" Array({count})"));
        }
        let end = self.elements(at + head, depth + 1, Some(count))?;
        Ok(end - at)
    }
}

/// The length of the first top-level element of `p`, or `None` when more bytes must come.
fn first_len(p: &[u8]) -> Option<usize> {
    let len = line_len(p, 0, false)?;
    let mut w = Walk { p, off: 0, response: false, whole: false, info: None, tree: None };
    // A last line ended by a lone LF counts a CRLF past the end: it is whole all the same.
    w.element(0, len, 0).ok().map(|n| n.min(p.len()))
}

impl Dissector for Resp {
    fn name(&self) -> &'static str {
        "resp"
    }

    fn title(&self) -> &'static str {
        "REdis Serialization Protocol"
    }

    fn column(&self, _pdu: &[u8]) -> &'static str {
        "RESP"
    }

    fn claims(&self) -> &'static [Claim] {
        CLAIMS
    }

    fn fields(&self) -> &'static [FieldDecl] {
        FIELDS
    }

    fn pdu_len(&self, head: &[u8]) -> Option<usize> {
        // One byte more than there is: asked again when the next segment comes,
        // as tshark asks for one more segment.
        Some(first_len(head).unwrap_or(head.len() + 1))
    }

    fn info(&self, pdu: &[u8], ctx: Ctx, out: &mut String) {
        let response = is_response(ctx);
        out.push_str(if response { "Response:" } else { "Request:" });
        let walked =
            Walk { p: pdu, off: 0, response, whole: ctx.cut, info: Some(&mut *out), tree: None }.elements(0, 0, None);
        if walked.is_err() {
            out.push_str(" [continuation]");
        }
    }

    fn tree(&self, pdu: &[u8], ctx: Ctx, off: usize, t: &mut Tree) {
        t.at(0).proto("resp").bytes(off, pdu.len()).line(format_args!("REdis Serialization Protocol"));
        let _ = Walk { p: pdu, off, response: is_response(ctx), whole: ctx.cut, info: None, tree: Some(t) }
            .elements(0, 0, None);
    }

    fn values<'p>(&self, pdu: &'p [u8], ctx: Ctx, field: usize, out: &mut Vec<Value<'p>>) {
        let Some(f) = FIELDS.get(field) else { return };
        let mut owned = Vec::new();
        tree_values(self, pdu, ctx, f.name, f.ftype, &mut owned);
        out.extend(owned);
    }
}

/// Whether a PDU comes from the server: the port that claimed it is its source.
fn is_response(ctx: Ctx) -> bool {
    ctx.port.is_some() && !ctx.to_port
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::dissect::testing::{info_of, values_of};

    /// redis/set.pcap (Zeek's traces) frame 1: `SET test hi`.
    const SET: &[u8] = b"*3\r\n$3\r\nSET\r\n$4\r\ntest\r\n$2\r\nhi\r\n";
    const REQUEST: Ctx = Ctx {
        port: Some(PORT),
        to_port: true,
        peer: None,
        memo: None,
        addr_sum: None,
        cut: false,
        prior: None,
        below: None,
    };
    const RESPONSE: Ctx = Ctx {
        port: Some(PORT),
        to_port: false,
        peer: None,
        memo: None,
        addr_sum: None,
        cut: false,
        prior: None,
        below: None,
    };

    fn tree_text(pdu: &[u8], ctx: Ctx) -> String {
        let mut t = Tree::new();
        Resp.tree(pdu, ctx, 0, &mut t);
        t.items().iter().map(|i| format!("{}\n", t.display(i))).collect()
    }

    #[test]
    fn a_command_shows_its_words_and_a_reply_its_value() {
        assert_eq!(info_of(&Resp, SET, REQUEST), "Request: SET test hi");
        assert_eq!(info_of(&Resp, b"+OK\r\n", RESPONSE), "Response: OK");
        assert_eq!(info_of(&Resp, b":69\r\n:70\r\n:71\r\n", RESPONSE), "Response: 69 70 71");
        assert_eq!(info_of(&Resp, b"$3\r\nxxx\r\n", RESPONSE), "Response: xxx");
        assert_eq!(info_of(&Resp, b"*2\r\n$1\r\na\r\n$1\r\nb\r\n", RESPONSE), "Response: Array(2)");
        assert_eq!(
            info_of(&Resp, b"-ERR unknown command '+'\r\n", RESPONSE),
            "Response: Error: ERR unknown command '+'"
        );
        // resp_3_malicious.pcap (tcpdump's tests): a top-level bulk string, an empty string, inline commands.
        assert_eq!(info_of(&Resp, b"$0\r\n\r\n", REQUEST), "Request: BulkString(0)");
        assert_eq!(info_of(&Resp, b"+\r\n", REQUEST), "Request:");
        assert_eq!(
            info_of(&Resp, b"\r\n\r\n\r\nPING\r\nPING\r\nPING\n", REQUEST),
            "Request: [fragment] [fragment] [fragment]"
        );
        let long = format!("*2\r\n$3\r\nSET\r\n$100\r\n{}\r\n", "x".repeat(100));
        assert_eq!(info_of(&Resp, long.as_bytes(), REQUEST), "Request: SET BulkString(100)");
    }

    #[test]
    fn the_tree_has_every_element_with_its_bytes() {
        let text = tree_text(SET, REQUEST);
        assert_eq!(
            text,
            "REdis Serialization Protocol\nArray: Length 3\nLength: 3\nBulk String: SET\nLength: 3\nValue: 534554\n\
             Bulk String: test\nLength: 4\nValue: 74657374\nBulk String: hi\nLength: 2\nValue: 6869\n"
        );
        let mut t = Tree::new();
        Resp.tree(SET, REQUEST, 0, &mut t);
        let array = t.items().iter().find(|i| i.field == "resp.array").and_then(|i| i.bytes).unwrap();
        assert_eq!((array.offset, array.len), (0, SET.len() as u32));
        assert_eq!(values_of(&Resp, SET, REQUEST, "resp.bulk_string.length"), ["3", "4", "2"]);
        assert_eq!(values_of(&Resp, SET, REQUEST, "resp.bulk_string.value"), ["534554", "74657374", "6869"]);
        assert_eq!(
            values_of(&Resp, b":0392049029024920492304923049032940329402394092\r\n", REQUEST, "resp.integer"),
            ["9223372036854775807"]
        );
    }

    #[test]
    fn odd_lengths_are_null_or_malformed() {
        assert!(tree_text(b"*-1\r\n", REQUEST).contains("Array: NULL\nLength: -1\n"));
        assert!(tree_text(b"$-1\r\n", REQUEST).contains("Bulk String: [NULL]\nLength: -1\n"));
        let text = tree_text(b"$-20\r\nhi\r\n", REQUEST);
        assert!(
            text.contains("Bulk String\nLength: -20\n[Expert Info (Error/Undecoded): Malformed length specified]\n"),
            "{text}"
        );
        assert!(text.ends_with("Fragment\n"), "{text}");
        assert_eq!(info_of(&Resp, b"$-20\r\nhi\r\n", REQUEST), "Request: [fragment]");
    }

    #[test]
    fn an_element_cut_by_the_segment_waits_for_the_next() {
        // As tshark's loop, an array cut between two elements is taken as it is.
        for n in (1..SET.len()).filter(|n| ![13, 23].contains(n)) {
            assert_eq!(Resp.pdu_len(&SET[..n]), Some(n + 1), "{n}");
        }
        assert_eq!(Resp.pdu_len(&SET[..13]), Some(13));
        assert_eq!(Resp.pdu_len(SET), Some(SET.len()));
        assert_eq!(Resp.pdu_len(b"+OK\r\n+OK\r\n"), Some(5));
        assert_eq!(Resp.pdu_len(b"PING\n"), Some(5));
        // Cut inside an element after whole ones: a continuation.
        assert_eq!(info_of(&Resp, b"+OK\r\n$5\r\nab", RESPONSE), "Response: OK [continuation]");
        // The capture cut the segment: no more will come, what is there is shown.
        let cut = Ctx { cut: true, ..RESPONSE };
        assert_eq!(info_of(&Resp, b"+OK\r\n$5\r\nab", cut), "Response: OK [partial] ab");
        assert!(tree_text(b"$5\r\nab", cut)
            .contains("Bulk String: ab\n[Expert Info (Warning/Undecoded): Field is only partially decoded]\n"));
        // babel_update_oobr.pcap (tcpdump's tests) frame 6: a line without its end.
        let bytes = [0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0xb7, 0x64, 0xb2, 0xb2, 0xb2, 0xb2, 0xb2, 0x0d, 0x0d, 0x00];
        assert_eq!(info_of(&Resp, &bytes, cut), "Response: [fragment] [fragment]");
    }

    #[test]
    fn hostile_input_never_panics_nor_recurses_without_end() {
        let deep = "*1\r\n".repeat(200);
        let text = tree_text(deep.as_bytes(), REQUEST);
        assert!(text.contains("Array is too deep to recurse any further"), "{text}");
        for n in 0..SET.len() {
            let _ = tree_text(&SET[..n], RESPONSE);
            let _ = info_of(&Resp, &SET[..n], REQUEST);
        }
        assert_eq!(
            info_of(&Resp, b"*99999999999999999999\r\n:1\r\n", RESPONSE),
            "Response: Array(9223372036854775807)"
        );
        assert_eq!(strtoll(b"  -12x"), -12);
        assert_eq!(strtoll(b"$$$1"), 0);
        assert_eq!(strtoll(b"-99999999999999999999"), i64::MIN);
    }
}
