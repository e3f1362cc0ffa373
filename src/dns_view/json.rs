//! The JSON rendering: one object with each message's fields, hex, error and the
//! checks.

use serde_json::{json, Value};

use super::check::Check;
use super::fields::{self, hex_bytes};
use super::hex;
use super::Shown;

/// One message as JSON.
fn message(m: &Shown<'_>) -> Value {
    let rows = fields::rows(m.bytes, m.partial);
    let fields: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "type": r.section,
                "key": r.key,
                "offset": r.span.start,
                "length": r.span.len,
                "value": hex_bytes(&r.bytes),
                "meaning": r.meaning,
            })
        })
        .collect();
    let segments: Vec<Value> = hex::segments(m.partial, m.bytes.len())
        .iter()
        .map(|s| json!({"offset": s.span.start, "length": s.span.len, "class": s.class.label()}))
        .collect();
    let error = m.partial.error.as_ref().map(|e| json!({"offset": e.offset, "message": e.to_string()}));
    json!({
        "title": m.title,
        "length": m.bytes.len(),
        "hex": hex_bytes(m.bytes),
        "fields": fields,
        "segments": segments,
        "error": error,
    })
}

/// The whole report.
pub fn render(messages: &[Shown<'_>], checks: &[Check]) -> String {
    let msgs: Vec<Value> = messages.iter().map(message).collect();
    let mut top = json!({ "messages": msgs });
    if !checks.is_empty() {
        top["checks"] = checks.iter().map(|c| json!({"ok": c.ok, "check": c.text})).collect();
    }
    let mut s = serde_json::to_string_pretty(&top).unwrap_or_default();
    s.push('\n');
    s
}
