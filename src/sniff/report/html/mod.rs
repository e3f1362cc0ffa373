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
