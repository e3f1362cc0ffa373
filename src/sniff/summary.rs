//! The tables printed when a live capture ends (`socklab sniff`, `--capture`):
//! per TCP stream the handshake and teardown segments (who sent what to whom,
//! flags, relative Seq/Ack, the step), the UDP and ICMP datagrams, and for DNS
//! the `Type | Key | Value` field table of each message. The [`Recorder`] keeps
//! only those rows (bounded), as packets pass; rendering is pure.

use crate::config::Settings;
use crate::dns_view::{self, ReportFormat, Shown};
use crate::proto::dns::decode_partial;
use crate::sniff::packet::{Note, Packet, Transport};
use crate::sniff::render::list::{self, Ep, FlagNames, NoteText};
use crate::sniff::report::{self, datagrams, handshake, ScanOptions};
use crate::sniff::tcp::Endpoint;
use crate::table::{Col, Format, Table};
use std::path::Path;

/// Most rows kept per table (a port scan makes thousands of SYN/RST pairs).
const MAX_ROWS: usize = 400;
/// Most DNS messages explained field by field.
const MAX_DNS: usize = 16;

/// One handshake or teardown segment.
struct TcpRow {
    stream: u32,
    client: Option<(Endpoint, Endpoint)>,
    cells: [String; 7],
}

/// Rows of the summary tables, collected as packets pass.
pub struct Recorder {
    tcp: Vec<TcpRow>,
    datagrams: Vec<([String; 6], bool)>,
    dns: Vec<(u32, bool, Vec<u8>)>,
    want_dns: bool,
    dropped_rows: u64,
    frames: u64,
}

impl Recorder {
    /// An empty recorder; `dns`: keep UDP payloads to explain as DNS messages.
    pub fn new(dns: bool) -> Recorder {
        Recorder { tcp: Vec::new(), datagrams: Vec::new(), dns: Vec::new(), want_dns: dns, dropped_rows: 0, frames: 0 }
    }

    /// Notes one annotated packet.
    pub fn add(&mut self, p: &Packet<'_>) {
        self.frames += 1;
        match &p.d.transport {
            Transport::Tcp(h) => {
                let step = matches!(
                    p.note,
                    Note::Handshake { .. }
                        | Note::ActiveClose { .. }
                        | Note::PassiveClose { .. }
                        | Note::HalfClose { .. }
                        | Note::Closed { .. }
                        | Note::Refused { .. }
                        | Note::Reset { .. }
                );
                let (Some(info), Some((src, dst))) = (p.tcp, p.d.endpoints()) else { return };
                if !step {
                    return;
                }
                if self.tcp.len() >= MAX_ROWS {
                    self.dropped_rows += 1;
                    return;
                }
                let client = match p.note {
                    Note::Handshake { client, server, .. } => Some((client, server)),
                    _ => None,
                };
                self.tcp.push(TcpRow {
                    stream: info.stream,
                    client,
                    cells: [
                        p.number.to_string(),
                        secs(p.rel),
                        format!("{} → {}", Ep(&src), Ep(&dst)),
                        FlagNames(h.flags).to_string(),
                        info.seq.to_string(),
                        if h.flags & crate::sniff::tcp::flags::ACK != 0 { info.ack.to_string() } else { String::new() },
                        NoteText(p).to_string(),
                    ],
                });
            }
            Transport::Udp(_) | Transport::Icmp(_) => {
                if self.want_dns && self.dns.len() < MAX_DNS {
                    if let (Transport::Udp(_), false) = (&p.d.transport, p.d.payload.is_empty()) {
                        let response = p.d.payload.get(2).is_some_and(|b| b & 0x80 != 0);
                        self.dns.push((p.number, response, p.d.payload.to_vec()));
                    }
                }
                if self.datagrams.len() >= MAX_ROWS {
                    self.dropped_rows += 1;
                    return;
                }
                let mut info = Vec::new();
                let _ = list::info(&mut info, p);
                let (src, dst) =
                    p.d.ip_addrs().map_or((String::new(), String::new()), |(s, d)| (s.to_string(), d.to_string()));
                let note = NoteText(p).to_string();
                let info = String::from_utf8_lossy(&info).into_owned();
                let echo = matches!(&p.d.transport, Transport::Icmp(i) if !i.is_error());
                self.datagrams.push((
                    [
                        p.number.to_string(),
                        secs(p.rel),
                        format!("{src} → {dst}"),
                        list::protocol(p).to_string(),
                        p.len.to_string(),
                        if note.is_empty() { info } else { format!("{info}\n{note}") },
                    ],
                    echo,
                ));
            }
            _ => {}
        }
    }

    /// Packets seen.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.tcp.is_empty() && self.datagrams.is_empty()
    }

    /// The tables, with a heading each, fitted as `settings` say (`settings.color`:
    /// the DNS hex dump in colour). `saved`: the TCP and UDP tables come from
    /// [`file_tables`], so only the ICMP echo rows and the DNS tables are rendered here.
    pub fn render(&self, settings: &Settings, saved: bool) -> String {
        let mut out = String::new();
        if !saved {
            self.stream_tables(&mut out, settings);
        }
        let rows: Vec<&[String; 6]> =
            self.datagrams.iter().filter(|(_, echo)| !saved || *echo).map(|(r, _)| r).collect();
        if !rows.is_empty() {
            out.push_str(if saved { "\nICMP echo\n" } else { "\nDatagrams (UDP and ICMP)\n" });
            let mut t = Table::with_cols([
                ("Frame", Col::hide(0).short("No.")),
                ("Time", Col::hide(2)),
                ("Source → Destination", Col::wrap(9)),
                ("Protocol", Col::hide(1).short("Proto")),
                ("Length", Col::hide(3).short("Len")),
                ("Info", Col::wrap(16).endpoints()),
            ]);
            for r in rows {
                t.row(r.iter().cloned());
            }
            out.push_str(&t.render_with(Format::Table, settings));
        }
        if self.dropped_rows > 0 {
            out.push_str(&format!(
                "({} more rows not shown; replay the capture with `socklab read`)\n",
                self.dropped_rows
            ));
        }
        for (frame, response, bytes) in &self.dns {
            let partial = decode_partial(bytes);
            let title = format!("DNS {} in frame {frame}", if *response { "response" } else { "query" });
            out.push('\n');
            out.push_str(&dns_view::render(
                &[Shown { title: Some(&title), bytes, partial: &partial }],
                &[],
                dns_view::Style { format: ReportFormat::Table, color: settings.color, width: settings.width },
            ));
        }
        crate::wrap::prose(&out, settings.width)
    }

    /// The handshake/teardown table of each TCP stream seen (no file to report on).
    fn stream_tables(&self, out: &mut String, settings: &Settings) {
        let mut streams: Vec<u32> = self.tcp.iter().map(|r| r.stream).collect();
        streams.dedup();
        streams.sort_unstable();
        streams.dedup();
        for s in streams {
            let rows: Vec<&TcpRow> = self.tcp.iter().filter(|r| r.stream == s).collect();
            let who = rows
                .iter()
                .find_map(|r| r.client)
                .map_or(String::new(), |(c, sv)| format!(": client {} ↔ server {}", Ep(&c), Ep(&sv)));
            out.push_str(&format!("\nTCP stream {s}{who}: handshake and teardown\n"));
            let mut t = Table::with_cols([
                ("Frame", Col::hide(0).short("No.")),
                ("Time", Col::hide(1)),
                ("Sender → Receiver", Col::hide(0).endpoints()),
                ("Flags", Col::hide(0)),
                ("Seq", Col::hide(0)),
                ("Ack", Col::hide(0)),
                ("Step", Col::wrap(16).endpoints()),
            ]);
            for r in rows {
                t.row(r.cells.iter().cloned());
            }
            out.push_str(&t.render_with(Format::Table, settings));
        }
    }
}

/// The TCP handshake/teardown tables and the UDP datagram table of a saved
/// capture, from the `socklab handshake` report, fitted as `settings` say.
pub fn file_tables(path: &Path, settings: &Settings) -> crate::Result<String> {
    let scan = report::scan(path, &ScanOptions::default())?;
    let mut out = Vec::new();
    let file = path.display().to_string();
    if !scan.tcp.is_empty() {
        out.push(b'\n');
        handshake::write(&mut out, &file, &scan, Format::Table, settings, None)
            .map_err(|e| crate::Error::io("rendering the handshake tables", e))?;
    }
    let mut text = String::from_utf8_lossy(&out).into_owned();
    if scan.udp_frames > 0 {
        let ds = datagrams::collect(path, None, None)?;
        text.push('\n');
        text.push_str(&datagrams::render(&ds, Format::Table, settings));
    }
    Ok(text)
}

/// Seconds since the first packet, as the Time column.
fn secs(nanos: i64) -> String {
    crate::sniff::render::Secs { nanos, decimals: 6 }.to_string()
}
