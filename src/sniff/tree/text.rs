//! The `-V` view of a [`Tree`]: each shown item on its own line, indented four
//! spaces a level, coloured by its [`Look`] when the style asks for colour.

use super::{Ftype, Item, Look, Tree};
use crate::sniff::render::{ansi, Style};
use std::io::{self, Write};

/// Indentation of one tree level.
const INDENT: &[u8] = b"    ";

/// Writes the shown items of `tree`.
pub fn write(out: &mut impl Write, tree: &Tree, style: Style) -> io::Result<()> {
    write_items(out, tree, style, tree.items().iter().filter(|i| i.shown))
}

/// `-O`: writes the tree with only the protocols named in `only` expanded; every
/// other top-level item shows as its line alone (a protocol nested in another,
/// like the datagram an ICMP error quotes, goes with its parent, as in tshark).
pub fn write_only(out: &mut impl Write, tree: &Tree, style: Style, only: &[String]) -> io::Result<()> {
    let mut expanded = false;
    let kept = tree.items().iter().filter(|i| i.shown).filter(|i| {
        if i.depth > 0 {
            return expanded;
        }
        expanded = i.ftype == Ftype::Protocol && only.iter().any(|o| o.eq_ignore_ascii_case(i.field));
        true
    });
    write_items(out, tree, style, kept)
}

fn write_items<'t>(
    out: &mut impl Write,
    tree: &Tree,
    style: Style,
    items: impl Iterator<Item = &'t Item>,
) -> io::Result<()> {
    for item in items {
        let text = tree.display(item);
        if item.look == Look::Verbatim {
            out.write_all(text.as_bytes())?;
            continue;
        }
        for _ in 0..item.depth {
            out.write_all(INDENT)?;
        }
        let colour = match item.look {
            Look::Bold => Some(ansi::BOLD),
            Look::Bad => Some(ansi::BAD),
            Look::Note => Some(ansi::NOTE),
            Look::Plain | Look::Verbatim => None,
        };
        match colour {
            Some(code) => {
                style.on(out, code)?;
                out.write_all(text.as_bytes())?;
                style.off(out)?;
            }
            None => out.write_all(text.as_bytes())?,
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_indented_by_depth_and_hidden_ones_left_out() {
        let mut t = Tree::new();
        t.at(0).proto("udp").look(Look::Bold).line(format_args!("User Datagram Protocol"));
        t.at(1).field("udp.srcport", Ftype::Uint16, 53).line(format_args!("Source Port: 53"));
        t.at(1).field("udp.port", Ftype::Uint16, 53).hidden();
        t.at(1).look(Look::Verbatim).line(format_args!("0000  00\n"));
        let mut out = Vec::new();
        write(&mut out, &t, Style::default()).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "User Datagram Protocol\n    Source Port: 53\n0000  00\n");
        let mut out = Vec::new();
        write(&mut out, &t, Style { color: true, nanos: false, width: None }).unwrap();
        assert!(String::from_utf8(out).unwrap().starts_with("\x1b[1mUser Datagram Protocol\x1b[0m\n"));
    }

    #[test]
    fn only_the_named_protocols_expand_and_nested_ones_go_with_their_parent() {
        let mut t = Tree::new();
        t.at(0).proto("frame").line(format_args!("Frame 1"));
        t.at(1).field("frame.number", Ftype::Uint32, 1).line(format_args!("Frame Number: 1"));
        t.at(0).proto("icmp").line(format_args!("Internet Control Message Protocol"));
        t.at(1).proto("ip").line(format_args!("Internet Protocol Version 4"));
        t.at(2).field("ip.ttl", Ftype::Uint8, 64).line(format_args!("Time to Live: 64"));
        t.at(0).proto("data").line(format_args!("Data (2 bytes)"));
        t.at(1).look(Look::Verbatim).line(format_args!("\n0000  61 62\n"));
        t.at(0).field("socklab.note", Ftype::String, "x").look(Look::Note).line(format_args!("[socklab: x]"));
        let only = |names: &[&str]| {
            let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
            let mut out = Vec::new();
            write_only(&mut out, &t, Style::default(), &names).unwrap();
            String::from_utf8(out).unwrap()
        };
        assert_eq!(only(&["ip"]), "Frame 1\nInternet Control Message Protocol\nData (2 bytes)\n[socklab: x]\n");
        assert_eq!(
            only(&["ICMP", "data"]),
            "Frame 1\nInternet Control Message Protocol\n    Internet Protocol Version 4\n        Time to Live: 64\n\
Data (2 bytes)\n\n0000  61 62\n[socklab: x]\n"
        );
    }
}
