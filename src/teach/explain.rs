//! `socklab explain` topics: every field socklab prints and the concepts the
//! labs and experiments use, each in plain words: what it is, the rule socklab
//! applies, the RFC section, and where it shows in a capture.
//!
//! The text is data, in `explain/topics.txt` (included at build time): one entry
//! per topic, `## name` then `title:`, `what:`, `rule:`, `rfc:` and `where:`
//! lines; a line starting with spaces continues the one above. A field's
//! `where:` may be left out: it then says where socklab shows that field.

use crate::sniff::render::ansi;
use crate::table::{Format, Table};
use crate::teach::report::TextFormat;
use crate::teach::wrap;
use std::sync::OnceLock;

/// The topics' text.
const DATA: &str = include_str!("explain/topics.txt");

/// One topic.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Topic {
    /// The name looked up (`tcp.seq`, `time-wait`).
    pub name: String,
    /// A short title.
    pub title: String,
    /// What it is.
    pub what: String,
    /// The rule socklab applies.
    pub rule: String,
    /// The RFC section(s).
    pub rfc: String,
    /// Where it shows in a capture.
    pub place: String,
}

impl Topic {
    /// True for a field name (has a protocol prefix, like `tcp.seq`, or is a
    /// protocol's own name such as `tcp`), false for a concept (`time-wait`).
    pub fn is_field(&self) -> bool {
        !self.name.contains('-')
            && self.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_')
            && !CONCEPT_WORDS.contains(&self.name.as_str())
    }
}

/// Concept names made of one word (field names are one word too, or dotted).
const CONCEPT_WORDS: &[&str] = &["bind", "listen", "accept", "connect", "nagle"];

/// A problem in the topics' text (a build-time content error, caught by tests).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

/// Every topic, parsed once.
pub fn all() -> &'static [Topic] {
    static TOPICS: OnceLock<Vec<Topic>> = OnceLock::new();
    TOPICS.get_or_init(|| parse(DATA).unwrap_or_default())
}

/// Parses the topics' text.
pub fn parse(text: &str) -> Result<Vec<Topic>, ParseError> {
    let mut topics: Vec<Topic> = Vec::new();
    let mut last_key: Option<&str> = None;
    for (i, line) in text.lines().enumerate() {
        let err = |reason: String| ParseError { line: i + 1, reason };
        if line.trim().is_empty() || line.starts_with('#') && !line.starts_with("## ") {
            continue;
        }
        if let Some(name) = line.strip_prefix("## ") {
            topics.push(Topic { name: name.trim().to_string(), ..Topic::default() });
            last_key = None;
            continue;
        }
        let Some(topic) = topics.last_mut() else { return Err(err("text before the first `## name`".into())) };
        if line.starts_with(' ') {
            let Some(key) = last_key else { return Err(err("a continuation line with nothing to continue".into())) };
            let slot = slot(topic, key).ok_or_else(|| err(format!("unknown key {key}")))?;
            slot.push(' ');
            slot.push_str(line.trim());
            continue;
        }
        let (key, value) = line.split_once(':').ok_or_else(|| err("expected `key: text`".into()))?;
        let key = key.trim();
        let slot = slot(topic, key).ok_or_else(|| err(format!("unknown key '{key}'")))?;
        if !slot.is_empty() {
            return Err(err(format!("'{key}' given twice for {}", topic.name)));
        }
        slot.push_str(value.trim());
        last_key = Some(match key {
            "title" => "title",
            "what" => "what",
            "rule" => "rule",
            "rfc" => "rfc",
            _ => "where",
        });
    }
    for t in &mut topics {
        if t.place.is_empty() && t.is_field() {
            t.place = field_place(&t.name);
        }
    }
    Ok(topics)
}

fn slot<'a>(t: &'a mut Topic, key: &str) -> Option<&'a mut String> {
    Some(match key {
        "title" => &mut t.title,
        "what" => &mut t.what,
        "rule" => &mut t.rule,
        "rfc" => &mut t.rfc,
        "where" => &mut t.place,
        _ => return None,
    })
}

/// Where socklab shows a field.
fn field_place(name: &str) -> String {
    let layer = name.split('.').next().unwrap_or(name);
    format!(
        "In the packet details (`socklab read FILE -V`) under the {layer} layer; as a column with \
         `socklab read FILE -T fields -e {name}`; to pick packets, `socklab read FILE -Y {name}`."
    )
}

/// The topic named `name` (case-insensitive; `_` and `-` alike for concepts).
pub fn find(name: &str) -> Option<&'static Topic> {
    let want = name.trim().to_ascii_lowercase();
    all().iter().find(|t| t.name == want || (!t.is_field() && t.name == want.replace('_', "-")))
}

/// Up to five topic names nearest to an unknown `name`: those it is part of
/// or that are part of it, then the closest by edit distance.
pub fn nearest(name: &str) -> Vec<&'static str> {
    let want = name.trim().to_ascii_lowercase();
    let mut scored: Vec<(usize, &'static str)> = all()
        .iter()
        .map(|t| {
            let contains = !want.is_empty() && (t.name.contains(&want) || want.contains(t.name.as_str()));
            let d = distance(&want, &t.name);
            (if contains { d.min(2) } else { d }, t.name.as_str())
        })
        .collect();
    scored.sort();
    let best = scored.first().map_or(0, |s| s.0);
    scored.into_iter().filter(|s| s.0 <= best.max(3) + 2).take(5).map(|s| s.1).collect()
}

/// Levenshtein distance of two ASCII strings.
fn distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// One topic, as text or Markdown.
pub fn render(t: &Topic, format: TextFormat, color: bool) -> String {
    let parts = [("What it is", &t.what), ("socklab's rule", &t.rule), ("RFC", &t.rfc), ("In a capture", &t.place)];
    match format {
        TextFormat::Markdown => {
            let mut o = format!("### `{}`: {}\n\n", t.name, t.title);
            for (label, text) in parts {
                o.push_str(&format!("**{label}.** {text}\n\n"));
            }
            o
        }
        TextFormat::Text => {
            let bold = |s: &str| if color { format!("{}{s}{}", ansi::BOLD, ansi::RESET) } else { s.to_string() };
            let mut o = format!("{}: {}\n", bold(&t.name), t.title);
            for (label, text) in parts {
                o.push_str(&format!("\n{}\n{}\n", bold(label), wrap(text, 78, "  ")));
            }
            o
        }
    }
}

/// The list of topics, concepts first.
pub fn render_list(format: TextFormat) -> String {
    let mut t = Table::new(["Topic", "Kind", "Title"]);
    let (concepts, fields): (Vec<&Topic>, Vec<&Topic>) = all().iter().partition(|t| !t.is_field());
    for (kind, list) in [("concept", concepts), ("field", fields)] {
        for topic in list {
            t.row([topic.name.as_str(), kind, topic.title.as_str()]);
        }
    }
    let table = if format == TextFormat::Markdown { Format::Markdown } else { Format::Table };
    let mut o = t.render(table);
    o.push_str("Explain one with: socklab explain TOPIC\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::fields::builtin_names;

    #[test]
    fn the_topics_text_parses_and_every_entry_is_complete() {
        let topics = parse(DATA).unwrap_or_else(|e| panic!("topics.txt line {}: {}", e.line, e.reason));
        let mut seen = std::collections::HashSet::new();
        for t in &topics {
            assert!(seen.insert(t.name.clone()), "{} twice", t.name);
            for (key, v) in
                [("title", &t.title), ("what", &t.what), ("rule", &t.rule), ("rfc", &t.rfc), ("where", &t.place)]
            {
                assert!(!v.is_empty(), "{} has no {key}", t.name);
            }
        }
    }

    #[test]
    fn every_field_socklab_prints_has_an_explanation() {
        let missing: Vec<&str> = builtin_names().filter(|n| find(n).is_none()).collect();
        assert!(missing.is_empty(), "fields without an explanation in src/teach/explain/topics.txt: {missing:?}");
    }

    #[test]
    fn every_topic_an_experiment_names_exists() {
        for e in crate::teach::experiments::ALL {
            for t in e.topics {
                assert!(find(t).is_some(), "experiment {} names topic {t}, which has no entry", e.name);
            }
        }
    }

    #[test]
    fn the_concepts_the_issue_names_exist() {
        for t in [
            "three-way-handshake",
            "time-wait",
            "socket-types",
            "bind",
            "listen",
            "accept",
            "ephemeral-port",
            "well-known-ports",
            "window-scaling",
            "relative-sequence-numbers",
        ] {
            let topic = find(t).unwrap_or_else(|| panic!("{t} missing"));
            assert!(!topic.is_field(), "{t} should be a concept");
        }
    }

    #[test]
    fn unknown_topics_name_the_nearest() {
        assert!(nearest("tcp.sequence").contains(&"tcp.seq"), "{:?}", nearest("tcp.sequence"));
        assert!(nearest("timewait").contains(&"time-wait"), "{:?}", nearest("timewait"));
        assert!(nearest("handshake").contains(&"three-way-handshake"));
    }

    #[test]
    fn concepts_accept_underscores() {
        assert_eq!(find("TIME_WAIT").map(|t| t.name.as_str()), Some("time-wait"));
    }

    #[test]
    fn parse_errors_name_the_line() {
        assert_eq!(parse("what: x\n").unwrap_err().line, 1);
        assert_eq!(parse("## a\ntitle: t\nbogus: x\n").unwrap_err().line, 3);
        assert_eq!(parse("## a\ntitle: t\ntitle: u\n").unwrap_err().line, 3);
    }
}
