//! The report page (`socklab report FILE`): one self-contained HTML file with
//! the packet list, details and bytes, a display filter, and the lab views
//! (ladders, handshake tables, graphs, DNS tables, HTTP pairs, worksheet).
//! Pure: the command gathers the data, this module turns it into the page. The
//! template, stylesheet and script live in `www/report/` and are built in.

pub mod colours;
pub mod encode;
pub mod packets;
pub mod views;

use serde_json::Value as Json;

/// The page's skeleton: `{{title}}`, `{{style}}`, `{{data}}` and `{{script}}`
/// are filled in.
const TEMPLATE: &str = include_str!("../../../../www/report/page.html");
/// The stylesheet, screen and print.
const STYLE: &str = include_str!("../../../../www/report/style.css");
/// The display-filter language in the page (lexer, parser, evaluator).
const FILTER_JS: &str = include_str!("../../../../www/report/filter.js");
/// The page's behaviour: list, details, bytes, views, links.
const APP_JS: &str = include_str!("../../../../www/report/app.js");

/// JSON that is safe inside a `<script>` element: `</` would end it early, so
/// it is written `<\/` (the same string to JSON).
fn script_json(data: &Json) -> String {
    data.to_string().replace("</", "<\\/")
}

/// The page for `data` (see [`packets::Packets::finish`] and [`views`]),
/// titled `title`.
pub fn page(title: &str, data: &Json) -> String {
    let title = crate::net::web::reply::escape_html(title);
    let script = format!("{FILTER_JS}\n{APP_JS}");
    let mut out = String::with_capacity(TEMPLATE.len() + STYLE.len() + script.len() + 1024);
    let mut rest = TEMPLATE;
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at]);
        let Some(end) = rest[at..].find("}}") else { break };
        let key = &rest[at + 2..at + end];
        match key {
            "title" => out.push_str(&title),
            "style" => out.push_str(STYLE),
            "script" => out.push_str(&script),
            "data" => out.push_str(&script_json(data)),
            other => {
                out.push_str("{{");
                out.push_str(other);
                out.push_str("}}");
            }
        }
        rest = &rest[at + end + 2..];
    }
    out.push_str(rest);
    out
}
pub mod details;

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
        let html = page("report: a<b>.pcap", &data);
        let elements = balanced(&html).unwrap();
        for e in ["html", "head", "style", "body", "script"] {
            assert!(elements.iter().any(|s| s == e), "no <{e}>");
        }
        assert_eq!(embedded(&html), data);
        assert!(html.contains("<title>report: a&lt;b&gt;.pcap</title>"));
        assert!(!html.contains("{{"), "every placeholder is filled");
    }

    #[test]
    fn the_checker_finds_unbalanced_markup() {
        assert!(balanced("<div><span></div></span>").is_err());
        assert!(balanced("<div>").is_err());
        assert!(balanced("<p><br><input></p><script>if (a<b) {}</script>").is_ok());
    }

    #[test]
    fn the_assets_have_no_external_references() {
        for (name, text) in [("template", TEMPLATE), ("style", STYLE), ("filter", FILTER_JS), ("app", APP_JS)] {
            // The SVG namespace is a name, never fetched.
            let text = text.replace("http://www.w3.org/2000/svg", "");
            for external in ["http://", "https://", "@import", "url(", "fetch(", "XMLHttpRequest", " src="] {
                assert!(!text.contains(external), "{name} holds {external:?}");
            }
        }
    }
}
