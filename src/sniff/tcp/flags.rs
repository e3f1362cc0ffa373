//! The TCP control bits (RFC 9293 §3.1, RFC 9768 for AE) and the one table of
//! their names that the list, the details, the fields and the reports share.

use std::fmt;

/// No more data from sender.
pub const FIN: u16 = 0x001;
/// Synchronise sequence numbers.
pub const SYN: u16 = 0x002;
/// Reset the connection.
pub const RST: u16 = 0x004;
/// Push function.
pub const PSH: u16 = 0x008;
/// Acknowledgment field is significant.
pub const ACK: u16 = 0x010;
/// Urgent pointer field is significant.
pub const URG: u16 = 0x020;
/// ECN-Echo.
pub const ECE: u16 = 0x040;
/// Congestion window reduced.
pub const CWR: u16 = 0x080;
/// Accurate ECN (formerly Nonce Sum).
pub const AE: u16 = 0x100;
/// The three reserved bits of the flags field.
pub const RESERVED: u16 = 0x0e00;

/// One control bit as Wireshark names it.
#[derive(Clone, Copy, Debug)]
pub struct Flag {
    /// The bit.
    pub bit: u16,
    /// Short name, as the Info column and the reports show it (`SYN`).
    pub name: &'static str,
    /// Long label, as the details show it (`Syn`).
    pub label: &'static str,
    /// The bit's place in the 12-bit field, `x` for its value (`.... .... ..x.`).
    pub pattern: &'static str,
}

/// Every flag, in the order tshark lists them (FIN first).
pub const TABLE: [Flag; 9] = [
    Flag { bit: FIN, name: "FIN", label: "Fin", pattern: ".... .... ...x" },
    Flag { bit: SYN, name: "SYN", label: "Syn", pattern: ".... .... ..x." },
    Flag { bit: RST, name: "RST", label: "Reset", pattern: ".... .... .x.." },
    Flag { bit: PSH, name: "PSH", label: "Push", pattern: ".... .... x..." },
    Flag { bit: ACK, name: "ACK", label: "Acknowledgment", pattern: ".... ...x ...." },
    Flag { bit: URG, name: "URG", label: "Urgent", pattern: ".... ..x. ...." },
    Flag { bit: ECE, name: "ECE", label: "ECN-Echo", pattern: ".... .x.. ...." },
    Flag { bit: CWR, name: "CWR", label: "Congestion Window Reduced", pattern: ".... x... ...." },
    Flag { bit: AE, name: "AE", label: "Accurate ECN", pattern: "...x .... ...." },
];

/// TCP flags as tshark's Info column names them: `SYN, ACK`, `Reserved` for any
/// reserved bit, or `<None>`.
pub struct FlagNames(pub u16);

impl fmt::Display for FlagNames {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for flag in TABLE {
            if self.0 & flag.bit != 0 {
                if !first {
                    f.write_str(", ")?;
                }
                f.write_str(flag.name)?;
                first = false;
            }
        }
        if self.0 & RESERVED != 0 {
            f.write_str(if first { "Reserved" } else { ", Reserved" })?;
            first = false;
        }
        if first {
            f.write_str("<None>")?;
        }
        Ok(())
    }
}
