//! HTTP's fields (`http.*`), as `tshark -n -2 -T fields` prints them.

use super::HttpMsg;
use crate::sniff::app::App;
use crate::sniff::field_id::{builtin_fields, FieldId};
use crate::sniff::packet::Packet;
use crate::sniff::value::Value;
use std::borrow::Cow;

builtin_fields! {
    Http;
    Http => "http",
    HttpRequest => "http.request",
    HttpResponse => "http.response",
    HttpRequestMethod => "http.request.method",
    HttpRequestUri => "http.request.uri",
    HttpRequestVersion => "http.request.version",
    HttpResponseVersion => "http.response.version",
    HttpResponseCode => "http.response.code",
    HttpResponsePhrase => "http.response.phrase",
    HttpContentLength => "http.content_length",
    HttpContentType => "http.content_type",
    HttpHost => "http.host",
    HttpServer => "http.server",
    HttpRequestIn => "http.request_in",
    HttpResponseIn => "http.response_in",
    HttpTime => "http.time",
}

/// Appends the values of HTTP field `field` of `p`.
pub fn values<'s>(p: &'s Packet<'_>, field: FieldId, out: &mut Vec<Value<'s>>) {
    if let App::Http(m) = &p.app {
        message_values(m, field, out);
    }
}

/// The fields of one message.
fn message_values<'s>(m: &'s HttpMsg, field: FieldId, out: &mut Vec<Value<'s>>) {
    use FieldId as F;
    let s = |v: &'s str| Value::Str(Cow::Borrowed(v));
    match field {
        F::Http => out.push(s("Hypertext Transfer Protocol")),
        F::HttpRequest if m.request => out.push(Value::Present),
        F::HttpResponse if !m.request => out.push(Value::Present),
        F::HttpRequestMethod if m.request => out.push(s(&m.method)),
        F::HttpRequestUri if m.request => out.push(s(&m.uri)),
        F::HttpRequestVersion if m.request => out.push(s(&m.version)),
        F::HttpResponseVersion if !m.request => out.push(s(&m.version)),
        F::HttpResponseCode if !m.request => out.push(Value::Uint(u64::from(m.code))),
        F::HttpResponsePhrase if !m.request => out.push(s(&m.phrase)),
        F::HttpContentLength => out.extend(m.content_length().map(Value::Uint)),
        F::HttpContentType => out.extend(m.header("content-type").map(s)),
        F::HttpHost => out.extend(m.header("host").map(s)),
        F::HttpServer => out.extend(m.header("server").map(s)),
        F::HttpRequestIn => out.extend(m.request_in.map(|(f, _)| Value::Uint(u64::from(f)))),
        F::HttpTime => out.extend(m.request_in.map(|(_, t)| Value::Seconds(t))),
        F::HttpResponseIn => out.extend(m.response_in.map(|f| Value::Uint(u64::from(f)))),
        _ => {}
    }
}
