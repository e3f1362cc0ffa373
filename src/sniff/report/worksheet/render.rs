//! The worksheet as terminal text, Markdown for a lab report, or JSON: a pure
//! function of the answers and a style.

use super::apps::Apps;
use super::tcp::{Step, TcpSheet};
use super::Worksheet;
use crate::config::Settings;
use crate::sniff::render::ansi;
use crate::sniff::report::table_text;
use crate::table::{Col, Format, Table};
use std::fmt::Write as _;

/// Renders `w` in `format` (Table, Markdown or Json; Csv is rendered as Table).
pub fn render(w: &Worksheet, format: Format, settings: &Settings) -> String {
    if format == Format::Json {
        return serde_json::to_string_pretty(w).map(|s| s + "\n").unwrap_or_default();
    }
    let format = if format == Format::Markdown { Format::Markdown } else { Format::Table };
    let mut o = Out { s: String::new(), format, settings };
    o.heading(1, &format!("Worksheet: {}", w.file));
    for t in &w.tcp {
        o.tcp(t);
    }
    if w.tcp_left_out > 0 {
        o.line(&format!(
            "{} more TCP streams are left out; answer one with `socklab worksheet {} --stream N` (list them with `socklab conversations {}`).",
            w.tcp_left_out, w.file, w.file
        ));
    }
    o.apps(&w.apps);
    if w.tcp.is_empty() && w.apps == Apps::default() {
        o.line("No TCP, UDP, DNS, HTTP or ICMP traffic to answer questions about.");
    }
    o.s
}

/// The text being built and its style.
struct Out<'a> {
    s: String,
    format: Format,
    settings: &'a Settings,
}

impl Out<'_> {
    fn heading(&mut self, level: usize, text: &str) {
        if !self.s.is_empty() && !self.s.ends_with("\n\n") {
            self.s.push('\n');
        }
        if self.format == Format::Markdown {
            let _ = writeln!(self.s, "{} {text}\n", "#".repeat(level + 1));
        } else {
            let text = crate::wrap::prose(text, self.settings.width);
            let text = text.trim_end();
            if self.settings.color {
                let _ = writeln!(self.s, "{}{text}{}", ansi::BOLD, ansi::RESET);
            } else {
                let _ = writeln!(self.s, "{text}");
            }
        }
    }

    fn line(&mut self, text: &str) {
        let text = crate::wrap::prose(text, self.settings.width.filter(|_| self.format == Format::Table));
        self.s.push_str(&text);
        if !text.ends_with('\n') {
            self.s.push('\n');
        }
        if self.format == Format::Markdown {
            self.s.push('\n');
        }
    }

    fn table(&mut self, t: &Table) {
        self.s.push_str(&table_text(t, self.format, self.settings));
        if self.format == Format::Markdown {
            self.s.push('\n');
        }
    }

    fn tcp(&mut self, t: &TcpSheet) {
        self.heading(2, &format!("TCP stream {}: client {} → server {}", t.stream, t.client, t.server));
        if let Some(s) = &t.syn {
            self.line(&format!(
                "SYN: frame {}, Seq={} (raw {}); it is a SYN because {}.",
                s.frame, s.seq, s.seq_raw, s.marked_by
            ));
        } else {
            self.line("SYN: not captured (the capture starts after the handshake).");
        }
        if let Some(s) = &t.syn_ack {
            self.line(&format!(
                "SYN-ACK: frame {}, Seq={} (raw {}), Ack={} (raw {}); it is a SYN-ACK because {}; its Ack is {}.",
                s.frame, s.seq, s.seq_raw, s.ack, s.ack_raw, s.marked_by, s.ack_rule
            ));
        }
        self.steps("Handshake", &t.handshake);
        self.steps("Teardown", &t.teardown);
        match &t.first_data {
            Some(d) => {
                self.line(&format!("First data segment: frame {} at {} s, {} → {}.", d.frame, d.time, d.from, d.to))
            }
            None => self.line("No segment carries data."),
        }
        self.segments(t);
        self.window(t);
        self.retransmissions(t);
        let tp = &t.throughput;
        match tp.bytes_per_second {
            Some(r) => self.line(&format!(
                "Throughput {} → {}: {} bytes between {} s and {} s = {r:.0} bytes/s.",
                t.sender, t.receiver, tp.bytes, tp.from, tp.to
            )),
            None => self.line(&format!("Throughput: {} bytes, too few segments to time.", tp.bytes)),
        }
    }

    fn steps(&mut self, title: &str, steps: &[Step]) {
        if steps.is_empty() {
            return;
        }
        self.heading(3, title);
        let mut t = Table::with_cols([
            ("Frame", Col::hide(0)),
            ("Time", Col::hide(1)),
            ("Flags", Col::hide(0)),
            ("Sender → Receiver", Col::wrap(12).endpoints()),
        ]);
        for s in steps {
            t.row([s.frame.to_string(), s.time.clone(), s.flags.clone(), format!("{} → {}", s.from, s.to)]);
        }
        self.table(&t);
    }

    fn segments(&mut self, t: &TcpSheet) {
        if t.segments.is_empty() {
            return;
        }
        self.heading(
            3,
            &format!("First data segments {} → {} (EstimatedRTT α = 1/8, DevRTT β = 1/4)", t.sender, t.receiver),
        );
        let mut tab = Table::with_cols([
            ("Frame", Col::hide(0)),
            ("Seq", Col::hide(0)),
            ("Seq (raw)", Col::hide(7)),
            ("Len", Col::hide(0)),
            ("Sent", Col::hide(3)),
            ("ACK", Col::hide(5)),
            ("Acked", Col::hide(4)),
            ("SampleRTT", Col::hide(0).short("Sample")),
            ("EstimatedRTT", Col::hide(0).short("Estimated")),
            ("DevRTT", Col::hide(2).short("Dev")),
            ("Timeout", Col::hide(1)),
        ]);
        let o = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_string());
        for s in &t.segments {
            tab.row([
                s.frame.to_string(),
                s.seq.to_string(),
                s.seq_raw.to_string(),
                s.len.to_string(),
                s.sent.clone(),
                s.ack_frame.map_or_else(|| "-".to_string(), |f| f.to_string()),
                o(&s.acked),
                o(&s.sample_rtt),
                o(&s.estimated_rtt),
                o(&s.dev_rtt),
                o(&s.timeout_interval),
            ]);
        }
        self.table(&tab);
        self.line(
            "SampleRTT is the time from a segment to the first ACK covering it (tshark's tcp.analysis.ack_rtt on \
             the ACK whose tcp.analysis.acks_frame is that segment); a retransmitted segment gives no sample \
             (Karn's rule). TimeoutInterval = EstimatedRTT + 4·DevRTT (RFC 6298 §2; the RFC then rounds it up to 1 s).",
        );
    }

    fn window(&mut self, t: &TcpSheet) {
        let min = match &t.min_window {
            Some(m) => {
                format!("the smallest window {} advertised is {} bytes (frame {})", t.receiver, m.bytes, m.frame)
            }
            None => format!("{} advertised no window after the handshake", t.receiver),
        };
        let limited = if t.window_full.is_empty() && t.zero_window.is_empty() {
            "the sender never filled it (no tcp.analysis.window_full) and it never dropped to zero".to_string()
        } else {
            format!(
                "the sender was limited by it: window full in frames {}{}",
                frames(&t.window_full),
                if t.zero_window.is_empty() {
                    String::new()
                } else {
                    format!("; zero window in frames {}", frames(&t.zero_window))
                }
            )
        };
        self.line(&format!("Receive window: {min}; {limited}."));
    }

    fn retransmissions(&mut self, t: &TcpSheet) {
        if t.retransmissions.is_empty() {
            self.line("Retransmissions: none.");
            return;
        }
        self.heading(3, "Retransmissions");
        let mut tab = Table::with_cols([
            ("Frame", Col::hide(0)),
            ("Seq", Col::hide(0)),
            ("Len", Col::hide(1)),
            ("tshark flag", Col::wrap(16)),
            ("Why", Col::wrap(20)),
        ]);
        for r in &t.retransmissions {
            tab.row([r.frame.to_string(), r.seq.to_string(), r.len.to_string(), r.kind.to_string(), r.why.to_string()]);
        }
        self.table(&tab);
    }

    fn apps(&mut self, a: &Apps) {
        if !a.udp.is_empty() {
            self.heading(2, "UDP datagrams");
            let mut t = Table::with_cols([
                ("Frame", Col::hide(0)),
                ("Src port", Col::hide(0)),
                ("Dst port", Col::hide(0)),
                ("Length", Col::hide(0)),
                ("Checksum", Col::hide(2)),
                ("Payload", Col::hide(1)),
                ("Length check", Col::hide(0)),
            ]);
            for u in &a.udp {
                let check = if u.length_ok {
                    format!("{} = 8 + {} ✓", u.length, u.payload)
                } else {
                    format!("{} ≠ 8 + {} ✗", u.length, u.payload)
                };
                t.row([
                    u.frame.to_string(),
                    u.src_port.to_string(),
                    u.dst_port.to_string(),
                    u.length.to_string(),
                    u.checksum.clone(),
                    u.payload.to_string(),
                    check,
                ]);
            }
            self.table(&t);
        }
        if !a.dns.is_empty() {
            self.dns(a);
        }
        if !a.http.is_empty() {
            self.http(a);
        }
        if !a.icmp.is_empty() {
            self.heading(2, "ICMP errors");
            let mut t = Table::with_cols([
                ("Frame", Col::hide(0)),
                ("Time", Col::hide(1)),
                ("Type/Code", Col::hide(0)),
                ("Meaning", Col::wrap(12)),
                ("Quoted datagram", Col::wrap(16).endpoints()),
            ]);
            for i in &a.icmp {
                t.row([
                    i.frame.to_string(),
                    i.time.clone(),
                    format!("{}/{}", i.icmp_type, i.code),
                    i.meaning.clone(),
                    i.quoted.clone().unwrap_or_else(|| "-".to_string()),
                ]);
            }
            self.table(&t);
        }
    }

    fn dns(&mut self, a: &Apps) {
        self.heading(2, "DNS messages");
        let mut t = Table::with_cols([
            ("Frame", Col::hide(0)),
            ("Kind", Col::hide(0)),
            ("Ports", Col::hide(3)),
            ("ID", Col::hide(0)),
            ("AA", Col::hide(0)),
            ("Rcode", Col::hide(2)),
            ("QD/AN/NS/AR", Col::hide(1).short("Counts")),
            ("Question", Col::wrap(10)),
            ("Answers (name type TTL data)", Col::wrap(16).short("Answers")),
        ]);
        for m in &a.dns {
            let q: Vec<String> = m.questions.iter().map(|(n, ty)| format!("{n} {ty}")).collect();
            let ans: Vec<String> =
                m.answers.iter().map(|r| format!("{} {} {} {}", r.name, r.rtype, r.ttl, r.data)).collect();
            let c = m.counts;
            t.row([
                m.frame.to_string(),
                if m.response { "response" } else { "query" }.to_string(),
                format!("{} → {}", m.src_port, m.dst_port),
                format!("0x{:04x}", m.id),
                m.authoritative.map_or("-", |a| if a { "yes" } else { "no" }).to_string(),
                m.rcode.clone(),
                format!("{}/{}/{}/{}", c[0], c[1], c[2], c[3]),
                q.join("; "),
                if ans.is_empty() { "-".to_string() } else { ans.join("; ") },
            ]);
        }
        self.table(&t);
    }

    fn http(&mut self, a: &Apps) {
        self.heading(2, "HTTP messages");
        let mut t = Table::with_cols([
            ("Frame", Col::hide(0)),
            ("Stream", Col::hide(2)),
            ("Message", Col::wrap(8)),
            ("Version", Col::hide(3)),
            ("Conditional", Col::wrap(12)),
            ("Content-Length", Col::hide(0).short("Length")),
            ("Body seen", Col::hide(1).short("Body")),
            ("Keep-alive", Col::hide(0).short("Keep")),
        ]);
        for h in &a.http {
            let msg = if h.request {
                format!("{} {}", h.method.as_deref().unwrap_or(""), h.uri.as_deref().unwrap_or(""))
            } else {
                h.code.map_or_else(String::new, |c| c.to_string())
            };
            let cl = match h.content_length {
                Some(n) if n == h.body_bytes as u64 => format!("{n} ✓"),
                Some(n) => format!("{n} ✗"),
                None => "-".to_string(),
            };
            t.row([
                h.frame.to_string(),
                h.stream.map_or_else(|| "-".to_string(), |s| s.to_string()),
                msg,
                h.version.clone(),
                h.conditional.clone().unwrap_or_else(|| "-".to_string()),
                cl,
                h.body_bytes.to_string(),
                if h.keep_alive { "yes" } else { "no" }.to_string(),
            ]);
        }
        self.table(&t);
        if a.http.iter().any(|h| h.code == Some(304)) {
            self.line(
                "304 Not Modified: the server answered a conditional GET without a body; the cached copy is current.",
            );
        }
    }
}

/// Frame numbers as a short list.
fn frames(f: &[u32]) -> String {
    const SHOWN: usize = 8;
    let mut s: Vec<String> = f.iter().take(SHOWN).map(u32::to_string).collect();
    if f.len() > SHOWN {
        s.push(format!("and {} more", f.len() - SHOWN));
    }
    s.join(", ")
}
