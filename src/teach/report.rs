//! A finished experiment as data, and its two renderings: text for the terminal
//! (bold headings when coloured) and Markdown for a lab report. Pure: the
//! functions return strings.

use crate::net::trace;
use crate::sniff::render::ansi;
use crate::table::{Format, Table};
use crate::teach::wrap;

/// Width of the text form's paragraphs.
const WIDTH: usize = 80;

/// How a teaching command prints.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TextFormat {
    /// Plain text for the terminal (coloured headings on a terminal).
    #[default]
    Text,
    /// Markdown, to paste into a lab report.
    Markdown,
}

/// What an experiment produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The experiment's name (`tcp-client-first`).
    pub name: String,
    /// One-line title.
    pub title: String,
    /// What was set up, in a sentence or two.
    pub setup: String,
    /// The socket calls and what each returned, in order.
    pub steps: Vec<Step>,
    /// The packets, or why there are none.
    pub packets: Packets,
    /// The explanation, in paragraphs.
    pub why: Vec<String>,
    /// RFC sections cited.
    pub rfcs: Vec<String>,
    /// `socklab explain` topics that say more.
    pub topics: Vec<String>,
    /// Also shows the calls and the packets in one timeline (`--trace`, the default).
    pub trace: bool,
}

/// One socket call (or observation) and what the program saw.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Step {
    /// Who did it and what (`client: connect(127.0.0.1:40000)`).
    pub call: String,
    /// The return value or the exact error.
    pub result: String,
    /// What Python's socket module gives for the same call, when it differs in form.
    pub python: Option<String>,
    /// When the call started (ns since the epoch, the clock of packet
    /// timestamps), when it was timed.
    pub started: Option<i64>,
    /// When it returned (or the observation was made); `None` for counts made
    /// after the capture, which have no place in the timeline.
    pub ended: Option<i64>,
}

/// The captured packets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Packets {
    /// The list rows (with their teaching notes), as `socklab read` prints them.
    Captured {
        /// The list's column header.
        header: String,
        /// Each line of the list.
        lines: Vec<String>,
        /// The capture time of each line's packet (ns since the epoch).
        times: Vec<i64>,
        /// Where the capture was saved, if it was.
        file: Option<String>,
    },
    /// No capture, and why (with the fix).
    Off(String),
}

impl Default for Packets {
    fn default() -> Self {
        Packets::Off(String::new())
    }
}

/// Renders `r` as text or Markdown; `color` only affects the text form.
pub fn render(r: &Report, format: TextFormat, color: bool) -> String {
    match format {
        TextFormat::Markdown => markdown(r),
        TextFormat::Text => text(r, color),
    }
}

fn text(r: &Report, color: bool) -> String {
    let head = |s: &str| if color { format!("{}{s}{}", ansi::BOLD, ansi::RESET) } else { s.to_string() };
    let mut o = head(&format!("━━━ {}: {} ━━━", r.name, r.title));
    o.push('\n');
    o.push_str(&wrap(&r.setup, WIDTH, ""));
    o.push_str("\n\n");
    o.push_str(&head("What the program saw"));
    o.push('\n');
    for s in &r.steps {
        o.push_str(&format!("  {}\n      → {}\n", s.call, s.result));
        if let Some(p) = &s.python {
            o.push_str(&format!("      Python: {p}\n"));
        }
    }
    o.push('\n');
    match &r.packets {
        Packets::Captured { header, lines, file, .. } => {
            let saved = file.as_ref().map(|f| format!(" (saved to {f})")).unwrap_or_default();
            o.push_str(&head(&format!("The packets{saved}")));
            o.push('\n');
            o.push_str(header);
            o.push('\n');
            for l in lines {
                o.push_str(l);
                o.push('\n');
            }
        }
        Packets::Off(why) => {
            o.push_str(&head("The packets"));
            o.push_str(&format!("\n  not captured: {why}\n"));
        }
    }
    o.push('\n');
    if let Some(t) = timeline(r) {
        o.push_str(&head("The calls and the packets, in time order"));
        o.push('\n');
        o.push_str(&t);
        o.push('\n');
    }
    o.push_str(&head("Why"));
    o.push('\n');
    for p in &r.why {
        o.push_str(&wrap(p, WIDTH, ""));
        o.push_str("\n\n");
    }
    if !r.rfcs.is_empty() {
        o.push_str(&wrap(&format!("See {}.", r.rfcs.join("; ")), WIDTH, ""));
        o.push('\n');
    }
    if !r.topics.is_empty() {
        let cmds: Vec<String> = r.topics.iter().map(|t| format!("socklab explain {t}")).collect();
        o.push_str(&format!("More: {}\n", cmds.join(", ")));
    }
    o
}

/// The timed steps and the packet rows merged by time (a call's line before
/// the packets it causes, its result after them), as `--trace` prints them;
/// `None` without a capture or with tracing off.
fn timeline(r: &Report) -> Option<String> {
    let Packets::Captured { header, lines, times, .. } = &r.packets else {
        return None;
    };
    if !r.trace || !r.steps.iter().any(|s| s.ended.is_some()) {
        return None;
    }
    // (time, order at equal times, line): a call starts before a packet of the
    // same microsecond, and returns after it.
    let mut rows: Vec<(i64, u8, String)> = Vec::new();
    for s in &r.steps {
        let Some(end) = s.ended else { continue };
        let said = match &s.python {
            Some(p) => format!("→ {} (Python: {p})", s.result),
            None => format!("→ {}", s.result),
        };
        match s.started {
            Some(t0) => {
                rows.push((t0, 0, format!("{} {}", trace::wall_stamp(t0), trace::before(&s.call))));
                rows.push((end, 2, format!("{} {}", trace::wall_stamp(end), trace::after(&s.call, &said))));
            }
            None => rows.push((end, 2, format!("{} {} {said}", trace::wall_stamp(end), s.call))),
        }
    }
    for (l, t) in lines.iter().zip(times) {
        rows.push((*t, 1, l.clone()));
    }
    rows.sort_by_key(|r| (r.0, r.1));
    let mut o = format!("{header}\n");
    for (_, _, l) in rows {
        o.push_str(&l);
        o.push('\n');
    }
    Some(o)
}

fn markdown(r: &Report) -> String {
    let mut o = format!("## Experiment `{}`: {}\n\n{}\n\n### What the program saw\n\n", r.name, r.title, r.setup);
    let mut t = Table::new(["Call", "Result", "Python"]);
    for s in &r.steps {
        t.row([s.call.clone(), s.result.clone(), s.python.clone().unwrap_or_default()]);
    }
    o.push_str(&t.render(Format::Markdown));
    o.push_str("\n### The packets\n\n");
    match &r.packets {
        Packets::Captured { header, lines, file, .. } => {
            if let Some(f) = file {
                o.push_str(&format!("Saved to `{f}`.\n\n"));
            }
            o.push_str("```text\n");
            o.push_str(header);
            o.push('\n');
            for l in lines {
                o.push_str(l);
                o.push('\n');
            }
            o.push_str("```\n");
        }
        Packets::Off(why) => o.push_str(&format!("Not captured: {why}\n")),
    }
    if let Some(t) = timeline(r) {
        o.push_str("\n### The calls and the packets, in time order\n\n```text\n");
        o.push_str(&t);
        o.push_str("```\n");
    }
    o.push_str("\n### Why\n\n");
    for p in &r.why {
        o.push_str(p);
        o.push_str("\n\n");
    }
    if !r.rfcs.is_empty() {
        o.push_str("References: ");
        o.push_str(&r.rfcs.join("; "));
        o.push_str(".\n");
    }
    if !r.topics.is_empty() {
        let cmds: Vec<String> = r.topics.iter().map(|t| format!("`socklab explain {t}`")).collect();
        o.push_str(&format!("\nMore: {}.\n", cmds.join(", ")));
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Report {
        Report {
            name: "tcp-client-first".into(),
            title: "a title".into(),
            setup: "setup".into(),
            steps: vec![Step {
                call: "connect".into(),
                result: "ECONNREFUSED".into(),
                python: Some("P".into()),
                ..Step::default()
            }],
            packets: Packets::Captured {
                header: "No.".into(),
                lines: vec!["1 [RST, ACK]".into()],
                times: vec![0],
                file: None,
            },
            why: vec!["because".into()],
            rfcs: vec!["RFC 9293 §3.10.7.1".into()],
            topics: vec!["three-way-handshake".into()],
            trace: false,
        }
    }

    #[test]
    fn the_timeline_puts_each_packet_between_its_calls_start_and_return() {
        let steps = vec![Step {
            call: "client: connect(127.0.0.1:9)".into(),
            result: "-1 ECONNREFUSED".into(),
            python: Some("ConnectionRefusedError".into()),
            started: Some(1_000_000),
            ended: Some(3_000_000),
        }];
        let packets = Packets::Captured {
            header: "No.".into(),
            lines: vec!["1 [SYN]".into(), "2 [RST, ACK]".into()],
            times: vec![2_000_000, 3_000_000],
            file: None,
        };
        let r = Report { steps, packets, trace: true, ..sample() };
        let t = render(&r, TextFormat::Text, false);
        let tail = &t[t.find("in time order").expect(&t)..];
        let lines: Vec<&str> = tail.lines().skip(2).take(4).collect();
        assert_eq!(
            lines,
            [
                "[trace 00:00:00.001000] client: connect(127.0.0.1:9) …",
                "1 [SYN]",
                "2 [RST, ACK]",
                "[trace 00:00:00.003000] client: connect() → -1 ECONNREFUSED (Python: ConnectionRefusedError)",
            ],
            "{t}"
        );
        let off = render(&Report { trace: false, ..r }, TextFormat::Text, false);
        assert!(!off.contains("in time order"), "{off}");
    }

    #[test]
    fn text_has_every_part_and_no_colour_when_off() {
        let t = render(&sample(), TextFormat::Text, false);
        for part in ["━━━ tcp-client-first", "→ ECONNREFUSED", "Python: P", "1 [RST, ACK]", "See RFC 9293 §3.10.7.1."]
        {
            assert!(t.contains(part), "{part} missing in\n{t}");
        }
        assert!(!t.contains('\x1b'));
    }

    #[test]
    fn markdown_has_a_table_and_a_code_block() {
        let m = render(&sample(), TextFormat::Markdown, true);
        assert!(m.contains("| Call ") && m.contains("| connect ") && m.contains("| ECONNREFUSED "), "{m}");
        assert!(m.contains("```text\nNo.\n1 [RST, ACK]\n```"), "{m}");
        assert!(!m.contains('\x1b'));
    }

    #[test]
    fn a_missing_capture_says_why() {
        let r = Report { packets: Packets::Off("needs CAP_NET_RAW".into()), ..sample() };
        assert!(render(&r, TextFormat::Text, false).contains("not captured: needs CAP_NET_RAW"));
    }
}
