//! `socklab read -G fields`: every field socklab knows, one line each, in the columns
//! of `tshark -G fields` (tshark 4.0's own lines, kept in glossary.tsv by
//! scripts/glossary.sh): `P` lines name a protocol (`P`, name, filter name), `F`
//! lines a field (`F`, name, filter name, type, protocol, base, bitmask, description).

use std::io::{self, Write};

/// tshark's glossary lines for socklab's fields; `#` lines are comments.
const GLOSSARY: &str = include_str!("glossary.tsv");

/// The glossary lines, without comments.
pub fn lines() -> impl Iterator<Item = &'static str> {
    GLOSSARY.lines().filter(|l| !l.starts_with('#') && !l.is_empty())
}

/// Writes the field glossary.
pub fn write_fields(out: &mut impl Write) -> io::Result<()> {
    for line in lines() {
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
    }
    for line in crate::sniff::dissect::registry::glossary_lines() {
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::fields::builtin_names;

    /// The filter name of a glossary line (its third column).
    fn name(line: &str) -> &str {
        line.split('\t').nth(2).unwrap_or("")
    }

    #[test]
    fn every_field_has_exactly_one_line() {
        let names: Vec<&str> = builtin_names().collect();
        for n in &names {
            let count = lines().filter(|l| name(l) == *n).count();
            assert_eq!(count, 1, "{n}: run scripts/glossary.sh after adding a field");
        }
        for l in lines() {
            assert!(names.contains(&name(l)), "{l}: not a socklab field; run scripts/glossary.sh");
        }
    }

    #[test]
    fn lines_have_tsharks_columns() {
        for l in lines() {
            let cols = l.split('\t').count();
            match l.as_bytes()[0] {
                b'P' => assert_eq!(cols, 3, "{l}"),
                b'F' => assert_eq!(cols, 8, "{l}"),
                _ => panic!("{l}"),
            }
        }
        let syn = lines().find(|l| name(l) == "tcp.flags.syn").unwrap();
        assert_eq!(syn, "F\tSyn\ttcp.flags.syn\tFT_BOOLEAN\ttcp\t12\t0x2\t");
    }
}
