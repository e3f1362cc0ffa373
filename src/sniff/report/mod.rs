//! Lab answers from a capture: `socklab handshake`, `conversations`, `follow`
//! and `flow`. One light pass over the file (dissect, then the TCP/UDP trackers;
//! no rendering, no field extraction) keeps a bounded summary per stream: the
//! handshake segments, the segments from the first FIN or RST on, and counters.
//! Numbers are fixed up at the end with the stream's final state, exactly as
//! `tshark -2` shows them ([`Settled::second_pass`](crate::sniff::tcp::Settled::second_pass)).

pub mod conversations;
pub mod datagrams;
pub mod flow;
pub mod follow;
pub mod graph;
pub mod handshake;
pub mod html;
mod model;
mod print;
mod scan;
mod table;
pub mod teardown;
mod text;
pub mod worksheet;

pub use model::*;
pub use print::{print, print_bytes};
pub use scan::{matching_streams, open, scan, segment_of, walk, Scan};
pub use table::{fast_table, table_text};
pub use text::{addr, flag_names, secs};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::tcp::flags;

    #[test]
    fn flag_names_follow_wireshark_order() {
        assert_eq!(flag_names(flags::SYN | flags::ACK), "SYN, ACK");
        assert_eq!(flag_names(flags::FIN | flags::ACK), "FIN, ACK");
        assert_eq!(flag_names(flags::PSH | flags::ACK), "PSH, ACK");
        assert_eq!(flag_names(flags::RST | flags::ACK), "RST, ACK");
        assert_eq!(flag_names(0), "<None>");
    }

    #[test]
    fn fast_table_renders_as_table_render() {
        use crate::table::{Format, Table};
        let mut t = Table::new(["Step", "Frame", "Options"]);
        t.row(["SYN", "1", "MSS=65495 SACK_PERM"]).row(["RST/ACK", "22", ""]).row(["ACK", "3", "→ x"]);
        for f in [Format::Table, Format::Markdown] {
            assert_eq!(fast_table(&t, f), t.render(f), "{f:?}");
        }
    }

    #[test]
    fn seconds_have_nine_decimals() {
        assert_eq!(secs(1_500_000), "0.001500000");
        assert_eq!(secs(2_000_000_001), "2.000000001");
    }
}
