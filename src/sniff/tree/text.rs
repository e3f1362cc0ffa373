//! The `-V` view of a [`Tree`]: each shown item on its own line, indented four
//! spaces a level, coloured by its [`Look`] when the style asks for colour.

use super::{Look, Tree};
use crate::sniff::render::{ansi, Style};
use std::io::{self, Write};

/// Indentation of one tree level.
const INDENT: &[u8] = b"    ";

/// Writes the shown items of `tree`.
pub fn write(out: &mut impl Write, tree: &Tree, style: Style) -> io::Result<()> {
    for item in tree.items().iter().filter(|i| i.shown) {
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
    use crate::sniff::tree::Ftype;

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
        write(&mut out, &t, Style { color: true, nanos: false }).unwrap();
        assert!(String::from_utf8(out).unwrap().starts_with("\x1b[1mUser Datagram Protocol\x1b[0m\n"));
    }
}
