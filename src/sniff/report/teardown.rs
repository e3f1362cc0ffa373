//! How a TCP connection ended (RFC 9293 §3.6 "Closing a Connection", §3.5.2
//! "Reset Generation"), classified from the segments after its first FIN or RST.

use super::{Seg, TcpConv};
use crate::sniff::tcp::flags;
use serde::Serialize;

/// The kind of close.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// FIN/ACK, ACK, FIN/ACK, ACK.
    FourWay,
    /// FIN/ACK, FIN/ACK (that also acknowledges the first FIN), ACK.
    ThreeSegment,
    /// Both sides sent a FIN before seeing the other's.
    Simultaneous,
    /// The passive side kept sending data after the first FIN, then closed.
    HalfClose,
    /// A RST aborted the connection.
    Reset,
    /// The SYN was answered by RST/ACK: nothing listened on the port.
    Refused,
    /// The capture ended before the connection was closed.
    Unfinished,
}

/// The classification of a teardown, with the words a lab report needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// The kind of close.
    pub kind: Kind,
    /// Who closed first: "client", "server", or none (simultaneous, refused, unfinished without FIN).
    pub active: Option<&'static str>,
    /// One sentence on what happened.
    pub summary: String,
}

/// Role name of a side.
fn role(from_client: bool) -> &'static str {
    if from_client {
        "client"
    } else {
        "server"
    }
}

/// Classifies how the connection of `c` ended.
pub fn classify(c: &TcpConv) -> Verdict {
    let td = &c.teardown;
    let first_rst = td.iter().find(|s| s.flags & flags::RST != 0);
    let first_fin = td.iter().find(|s| s.flags & flags::FIN != 0);
    if let Some(rst) = first_rst {
        if c.syn_ack().is_none() && c.syn().is_some() && !rst.from_client {
            return Verdict {
                kind: Kind::Refused,
                active: None,
                summary: format!(
                    "connection refused: the SYN was answered by {} in frame {} (no socket listened on port {})",
                    super::flag_names(rst.flags),
                    rst.frame,
                    c.server.port
                ),
            };
        }
        let before_fin = first_fin.is_none_or(|f| rst.frame < f.frame);
        if before_fin || fins_unfinished(td) {
            let who = role(rst.from_client);
            let after_fin = match first_fin {
                Some(f) if f.frame < rst.frame => {
                    format!(" after the {}'s FIN in frame {}", role(f.from_client), f.frame)
                }
                _ => String::new(),
            };
            let unread = if c.rst_after_data {
                format!("; it answered data from the {} that its application never read", role(!rst.from_client))
            } else {
                String::new()
            };
            return Verdict {
                kind: Kind::Reset,
                active: Some(who),
                summary: format!(
                    "the {who} aborted the connection with {} in frame {}{after_fin}{unread}",
                    super::flag_names(rst.flags),
                    rst.frame
                ),
            };
        }
    }
    let Some(fin1) = first_fin else {
        return Verdict {
            kind: Kind::Unfinished,
            active: None,
            summary: "the capture ended while the connection was open (no FIN or RST captured)".to_string(),
        };
    };
    let active = fin1.from_client;
    let fin2 = td.iter().find(|s| s.flags & flags::FIN != 0 && s.from_client != active);
    let Some(fin2) = fin2 else {
        return Verdict {
            kind: Kind::Unfinished,
            active: Some(role(active)),
            summary: format!(
                "the {} closed its side (FIN in frame {}); the capture ended before the {} sent its FIN",
                role(active),
                fin1.frame,
                role(!active)
            ),
        };
    };
    let fin1_end = fin1.nxtseq;
    let between = td.iter().filter(|s| s.from_client != active && s.frame > fin1.frame && s.frame < fin2.frame);
    let data_after = between.clone().any(|s| s.len > 0);
    let acked_alone = between.clone().any(|s| s.has(flags::ACK) && !acks_before(s.ack, fin1_end));
    let final_ack = td.iter().find(|s| s.from_client == active && s.frame > fin2.frame && s.has(flags::ACK));
    let final_ack_ok = final_ack.is_some_and(|a| !acks_before(a.ack, fin2.nxtseq));
    let crossed = fin2_crossed(fin2, fin1_end, active, td);
    let ending = if crossed {
        let acks = |from_client: bool, end: u32| {
            td.iter().find(|s| {
                s.from_client == from_client && s.frame > fin2.frame && s.has(flags::ACK) && !acks_before(s.ack, end)
            })
        };
        match (acks(active, fin2.nxtseq), acks(!active, fin1_end)) {
            (Some(a), Some(b)) => format!(
                "; each side acknowledged the other's FIN (frames {} and {}) and both enter TIME_WAIT",
                a.frame.min(b.frame),
                a.frame.max(b.frame)
            ),
            _ => "; not every final ACK was captured".to_string(),
        }
    } else if final_ack_ok {
        format!(
            "; the {} sent the last ACK (frame {}) and enters TIME_WAIT",
            role(active),
            final_ack.map_or(0, |a| a.frame)
        )
    } else {
        "; the last ACK was not captured".to_string()
    };
    let (kind, what) = if crossed {
        (
            Kind::Simultaneous,
            format!(
                "simultaneous close: both sides sent FIN (frames {} and {}) before seeing the other's",
                fin1.frame, fin2.frame
            ),
        )
    } else if data_after {
        (
            Kind::HalfClose,
            format!(
                "half-close: the {} sent FIN in frame {}, the {} kept sending data, then its FIN in frame {}",
                role(active),
                fin1.frame,
                role(!active),
                fin2.frame
            ),
        )
    } else if acked_alone {
        (Kind::FourWay, format!("four-way close: the {} closed actively (FIN in frame {})", role(active), fin1.frame))
    } else {
        (
            Kind::ThreeSegment,
            format!(
                "three-segment close: the {} closed actively (FIN in frame {}); the {}'s FIN in frame {} also acknowledged it",
                role(active),
                fin1.frame,
                role(!active),
                fin2.frame
            ),
        )
    };
    let active = if kind == Kind::Simultaneous { None } else { Some(role(active)) };
    Verdict { kind, active, summary: format!("{what}{ending}") }
}

/// Whether a RST came after FINs that did not complete the close.
fn fins_unfinished(td: &[Seg]) -> bool {
    let fin_c = td.iter().any(|s| s.from_client && s.flags & flags::FIN != 0);
    let fin_s = td.iter().any(|s| !s.from_client && s.flags & flags::FIN != 0);
    !(fin_c && fin_s)
}

/// `ack` acknowledges less than `end` (relative numbers, modulo 2^32).
fn acks_before(ack: u32, end: u32) -> bool {
    (ack.wrapping_sub(end) as i32) < 0
}

/// The second FIN did not acknowledge the first and no segment of its sender
/// between them did: the two FINs crossed.
fn fin2_crossed(fin2: &Seg, fin1_end: u32, active: bool, td: &[Seg]) -> bool {
    let fin2_acks = fin2.has(flags::ACK) && !acks_before(fin2.ack, fin1_end);
    let earlier_ack = td
        .iter()
        .any(|s| s.from_client != active && s.frame < fin2.frame && s.has(flags::ACK) && !acks_before(s.ack, fin1_end));
    !fin2_acks && !earlier_ack
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::report::ShownOptions;
    use crate::sniff::report::TcpConv;
    use crate::sniff::tcp::Endpoint;

    const F: u16 = flags::FIN;
    const A: u16 = flags::ACK;

    fn seg(frame: u32, from_client: bool, fl: u16, seq: u32, ack: u32, len: u32) -> Seg {
        let fin = u32::from(fl & F != 0);
        Seg {
            frame,
            rel: 0,
            from_client,
            flags: fl,
            seq,
            seq_raw: seq,
            ack,
            ack_raw: ack,
            nxtseq: seq + len + fin,
            window: 0,
            win_calc: 0,
            len,
            options: ShownOptions::default(),
            analysis: 0,
        }
    }

    fn conv(handshake: Vec<Seg>, teardown: Vec<Seg>) -> TcpConv {
        let ep = |port| Endpoint { ip: "127.0.0.1".parse().unwrap(), port };
        TcpConv { handshake, teardown, ..TcpConv::for_test(ep(40000), ep(12000)) }
    }

    fn hs() -> Vec<Seg> {
        vec![seg(1, true, flags::SYN, 0, 0, 0), seg(2, false, flags::SYN | A, 0, 1, 0), seg(3, true, A, 1, 1, 0)]
    }

    #[test]
    fn four_way_close_from_the_client() {
        let td = vec![
            seg(8, true, F | A, 10, 20, 0),
            seg(9, false, A, 20, 11, 0),
            seg(10, false, F | A, 20, 11, 0),
            seg(11, true, A, 11, 21, 0),
        ];
        let v = classify(&conv(hs(), td));
        assert_eq!((v.kind, v.active), (Kind::FourWay, Some("client")));
    }

    #[test]
    fn three_segment_close() {
        let td = vec![seg(8, true, F | A, 10, 20, 0), seg(9, false, F | A, 20, 11, 0), seg(10, true, A, 11, 21, 0)];
        assert_eq!(classify(&conv(hs(), td)).kind, Kind::ThreeSegment);
    }

    #[test]
    fn simultaneous_close() {
        let td = vec![
            seg(8, true, F | A, 10, 20, 0),
            seg(9, false, F | A, 20, 10, 0),
            seg(10, true, A, 11, 21, 0),
            seg(11, false, A, 21, 11, 0),
        ];
        let v = classify(&conv(hs(), td));
        assert_eq!((v.kind, v.active), (Kind::Simultaneous, None));
    }

    #[test]
    fn half_close_with_data_after_the_first_fin() {
        let td = vec![
            seg(8, true, F | A, 10, 20, 0),
            seg(9, false, A, 20, 11, 5),
            seg(10, false, F | A, 25, 11, 0),
            seg(11, true, A, 11, 26, 0),
        ];
        assert_eq!(classify(&conv(hs(), td)).kind, Kind::HalfClose);
    }

    #[test]
    fn refused_and_reset_and_unfinished() {
        let refused = conv(vec![seg(1, true, flags::SYN, 0, 0, 0)], vec![seg(2, false, flags::RST | A, 1, 1, 0)]);
        assert_eq!(classify(&refused).kind, Kind::Refused);
        let mut reset = conv(hs(), vec![seg(9, false, flags::RST | A, 20, 11, 0)]);
        reset.rst_after_data = true;
        let v = classify(&reset);
        assert_eq!((v.kind, v.active), (Kind::Reset, Some("server")));
        assert!(v.summary.contains("never read"), "{}", v.summary);
        assert_eq!(classify(&conv(hs(), vec![])).kind, Kind::Unfinished);
        let one_fin = classify(&conv(hs(), vec![seg(8, false, F | A, 10, 20, 0)]));
        assert_eq!((one_fin.kind, one_fin.active), (Kind::Unfinished, Some("server")));
    }
}
