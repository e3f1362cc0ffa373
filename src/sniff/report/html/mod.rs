//! The report page (`socklab report FILE`): one self-contained HTML file with
//! the packet list, details and bytes, a display filter, and the lab views
//! (ladders, handshake tables, graphs, DNS tables, HTTP pairs, worksheet).
//! Pure: the command gathers the data, this module turns it into the page. The
//! template, stylesheet and script live in `www/report/` and are built in.

pub mod build;
pub mod colours;
pub mod details;
pub mod encode;
pub mod index;
pub mod live;
pub mod packets;
pub mod views;

use serde_json::Value as Json;
use std::io::{self, Write};

/// The page's skeleton: `{{title}}`, `{{style}}`, `{{data}}` and `{{script}}`
/// are filled in.
const TEMPLATE: &str = include_str!("../../../../www/report/page.html");
/// The stylesheet, screen and print.
const STYLE: &str = include_str!("../../../../www/report/style.css");
/// The display-filter language in the page (lexer, parser, evaluator).
const FILTER_JS: &str = include_str!("../../../../www/report/filter.js");
/// The page's behaviour: list, details, bytes, views, links.
const APP_JS: &str = include_str!("../../../../www/report/app.js");
/// The live view's behaviour: the event stream feeding the page.
const LIVE_JS: &str = include_str!("../../../../www/report/live.js");
/// What the live view adds to the page's security policy: its event stream
/// from the server that sent it.
const LIVE_CONNECT: &str = " connect-src 'self';";

/// Writes JSON into a `<script>` element safely: `<` (which could end the
/// element early with `</script>`) is written `\u003c`, the same character to
/// JSON, and JSON has `<` only inside strings.
struct ScriptSafe<'w, W: Write>(&'w mut W);

impl<W: Write> Write for ScriptSafe<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        for part in buf.split_inclusive(|&b| b == b'<') {
            match part.split_last() {
                Some((b'<', head)) => {
                    self.0.write_all(head)?;
                    self.0.write_all(b"\\u003c")?;
                }
                _ => self.0.write_all(part)?,
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Writes the page for `data` (see [`packets::Packets::finish`] and [`views`]),
/// titled `title`, to `out`.
pub fn write_page(out: &mut impl Write, title: &str, data: &Json) -> io::Result<()> {
    write(out, title, data, false)
}

/// Writes the live view's page (see [`live::LiveEncoder::page_data`]): the
/// report page, allowed to open its event stream, with the script that does.
pub fn write_live_page(out: &mut impl Write, title: &str, data: &Json) -> io::Result<()> {
    write(out, title, data, true)
}

fn write(out: &mut impl Write, title: &str, data: &Json, live: bool) -> io::Result<()> {
    let mut rest = TEMPLATE;
    while let Some(at) = rest.find("{{") {
        out.write_all(&rest.as_bytes()[..at])?;
        let Some(end) = rest[at..].find("}}") else { break };
        match &rest[at + 2..at + end] {
            "title" => out.write_all(crate::net::web::reply::escape_html(title).as_bytes())?,
            "style" => out.write_all(STYLE.as_bytes())?,
            "script" => {
                out.write_all(FILTER_JS.as_bytes())?;
                out.write_all(b"\n")?;
                out.write_all(APP_JS.as_bytes())?;
                if live {
                    out.write_all(b"\n")?;
                    out.write_all(LIVE_JS.as_bytes())?;
                }
            }
            "connect" if live => out.write_all(LIVE_CONNECT.as_bytes())?,
            "connect" => {}
            "data" => serde_json::to_writer(ScriptSafe(out), data)?,
            other => write!(out, "{{{{{other}}}}}")?,
        }
        rest = &rest[at + end + 2..];
    }
    out.write_all(rest.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Elements without an end tag (HTML §13.1.2).
    const VOID: [&str; 6] = ["meta", "input", "br", "img", "hr", "link"];
    /// Elements whose content is raw text, not markup.
    const RAW: [&str; 2] = ["script", "style"];

    /// Checks that every start tag has its end tag, properly nested, skipping
    /// the content of raw-text elements; returns the element names in order.
    fn balanced(html: &str) -> Result<Vec<String>, String> {
        let (mut stack, mut seen) = (Vec::<String>::new(), Vec::new());
        let mut rest = html;
        while let Some(at) = rest.find('<') {
            rest = &rest[at + 1..];
            if rest.starts_with('!') {
                rest = &rest[rest.find('>').ok_or("unclosed <!")? + 1..];
                continue;
            }
            let end = rest.find('>').ok_or("unclosed tag")?;
            let tag = &rest[..end];
            rest = &rest[end + 1..];
            let name: String = tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            if let Some(closing) = tag.strip_prefix('/') {
                let top = stack.pop().ok_or(format!("</{closing}> closes nothing"))?;
                if top != name {
                    return Err(format!("</{name}> closes <{top}>"));
                }
            } else if !VOID.contains(&name.as_str()) {
                seen.push(name.clone());
                if RAW.contains(&name.as_str()) {
                    let close = format!("</{name}>");
                    rest = &rest[rest.find(&close).ok_or(format!("unclosed <{name}>"))?..];
                }
                stack.push(name);
            }
        }
        match stack.pop() {
            Some(open) => Err(format!("<{open}> is never closed")),
            None => Ok(seen),
        }
    }

    /// The JSON in the `#data` element.
    fn embedded(html: &str) -> Json {
        let start = html.find(r#"<script id="data" type="application/json">"#).unwrap();
        let body = &html[start..];
        let body = &body[body.find('>').unwrap() + 1..body.find("</script>").unwrap()];
        serde_json::from_str(body).unwrap()
    }

    #[test]
    fn the_page_is_balanced_html_with_its_data_intact() {
        let data = json!({ "file": "a</script><b>.pcap", "packets": { "count": 0 }, "note": "x < y && y > z" });
        let mut out = Vec::new();
        write_page(&mut out, "report: a<b>.pcap", &data).unwrap();
        let html = String::from_utf8(out).unwrap();
        let elements = balanced(&html).unwrap();
        for e in ["html", "head", "style", "body", "script"] {
            assert!(elements.iter().any(|s| s == e), "no <{e}>");
        }
        assert_eq!(embedded(&html), data);
        assert!(html.contains("<title>report: a&lt;b&gt;.pcap</title>"));
        assert!(!html.contains("{{"), "every placeholder is filled");
        assert!(!html.contains("a</script><b>"), "the data cannot end its element");
    }

    #[test]
    fn only_the_live_page_may_open_its_event_stream() {
        let data = live::LiveEncoder::page_data("lo", None).unwrap();
        let (mut report, mut live) = (Vec::new(), Vec::new());
        write_page(&mut report, "r", &data).unwrap();
        write_live_page(&mut live, "l", &data).unwrap();
        let (report, live) = (String::from_utf8(report).unwrap(), String::from_utf8(live).unwrap());
        assert!(!report.contains("connect-src") && !report.contains("EventSource"));
        assert!(live.contains("default-src 'none'; connect-src 'self'; style-src"), "same-origin events only");
        assert!(live.contains("new EventSource("));
        assert!(balanced(&live).is_ok() && !live.contains("{{"));
        assert_eq!(embedded(&live), data);
    }

    #[test]
    fn the_checker_finds_unbalanced_markup() {
        assert!(balanced("<div><span></div></span>").is_err());
        assert!(balanced("<div>").is_err());
        assert!(balanced("<p><br><input></p><script>if (a<b) {}</script>").is_ok());
    }

    #[test]
    fn the_assets_have_no_external_references() {
        let assets =
            [("template", TEMPLATE), ("style", STYLE), ("filter", FILTER_JS), ("app", APP_JS), ("live", LIVE_JS)];
        for (name, text) in assets {
            // The SVG namespace is a name, never fetched.
            let text = text.replace("http://www.w3.org/2000/svg", "");
            for external in ["http://", "https://", "@import", "url(", "fetch(", "XMLHttpRequest", " src="] {
                assert!(!text.contains(external), "{name} holds {external:?}");
            }
        }
    }
}
