//! The live server's index page: the capture files of the captures directory,
//! newest first, each a link to its report page (built when asked for), and
//! the live view when one runs. Pure: the server lists the directory.

use crate::net::web::reply::escape_html;
use crate::proto::http::path::SafePath;
use std::time::{Duration, UNIX_EPOCH};

/// Where a capture's report page is served: `/report/NAME`.
pub const REPORT_PREFIX: &str = "report";
/// Where the live view is served.
pub const LIVE_PATH: &str = "/live";
/// Longest file name accepted (Linux's NAME_MAX).
const MAX_NAME: usize = 255;
/// Extensions of the files listed (a `.gz` after them too).
const CAPTURE_EXTENSIONS: [&str; 3] = ["pcap", "pcapng", "cap"];

/// A capture file of the directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    /// Its file name.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// When it was last written, seconds since the Unix epoch.
    pub modified: u64,
}

/// True for a plain file name inside the directory: not empty, no separator,
/// no control character, not hidden (nor `.` or `..`), at most `MAX_NAME`
/// bytes. Anything else in `/report/NAME` is refused.
pub fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME
        && !name.starts_with('.')
        && !name.chars().any(|c| c == '/' || c == '\\' || c.is_control())
}

/// True for a name the index lists: a plain name with a capture extension.
pub fn is_capture_name(name: &str) -> bool {
    let base = name.strip_suffix(".gz").unwrap_or(name);
    is_plain_name(name)
        && base.rsplit_once('.').is_some_and(|(_, ext)| CAPTURE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

/// The capture a request path names (`/report/NAME`, NAME percent-decoded),
/// if it is a plain name; `segments` are the path's decoded segments.
pub fn report_name(segments: &[Vec<u8>]) -> Option<&str> {
    match segments {
        [prefix, name] if prefix.as_slice() == REPORT_PREFIX.as_bytes() => {
            std::str::from_utf8(name).ok().filter(|n| is_plain_name(n))
        }
        _ => None,
    }
}

/// The URL of `name`'s report page.
pub fn report_url(name: &str) -> String {
    let path = SafePath { segments: vec![REPORT_PREFIX.into(), name.into()], trailing_slash: false };
    path.to_url_path(false)
}

/// The index page: `live` describes the live capture when one runs, `dir`
/// names the directory listed, `files` are its captures (listed newest first).
pub fn page(live: Option<&str>, dir: &str, files: &[Listed]) -> String {
    let mut files: Vec<&Listed> = files.iter().collect();
    files.sort_by(|a, b| b.modified.cmp(&a.modified).then_with(|| a.name.cmp(&b.name)));
    let mut html = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>socklab captures</title>\n\
         <style>body{font:15px system-ui,sans-serif;margin:2em;color:#12272e}td,th{padding:.2em .8em;text-align:left}\
         td.n{text-align:right;font-variant-numeric:tabular-nums}a{color:#0b5cad}</style></head><body>\n\
         <h1>socklab</h1>\n",
    );
    if let Some(what) = live {
        html.push_str(&format!(
            "<p class=\"live\"><a href=\"{LIVE_PATH}\">Live capture</a>: {}</p>\n",
            escape_html(what)
        ));
    }
    html.push_str(&format!("<h2>Capture files in {}</h2>\n", escape_html(dir)));
    if files.is_empty() {
        html.push_str("<p>No capture files yet: run a lab command with <code>--capture</code>.</p>\n");
    } else {
        html.push_str("<table><thead><tr><th>File</th><th>Bytes</th><th>Written</th></tr></thead><tbody>\n");
        for f in files {
            html.push_str(&format!(
                "<tr><td><a href=\"{}\">{}</a></td><td class=\"n\">{}</td><td>{}</td></tr>\n",
                escape_html(&report_url(&f.name)),
                escape_html(&f.name),
                f.size,
                httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(f.modified)),
            ));
        }
        html.push_str("</tbody></table>\n");
    }
    html.push_str("</body></html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_inside_the_directory() {
        for good in ["tcp-server-20261207-081000.pcap", "a b.pcapng", "x.cap.gz", "ünïcode.pcap"] {
            assert!(is_plain_name(good), "{good}");
        }
        for bad in ["", ".", "..", ".hidden.pcap", "../etc/passwd", "a/b.pcap", "a\\b.pcap", "a\0.pcap", "a\n.pcap"] {
            assert!(!is_plain_name(bad), "{bad:?}");
        }
        assert!(!is_plain_name(&"a".repeat(256)));
        assert!(is_capture_name("a.PCAP") && is_capture_name("a.pcapng.gz"));
        assert!(!is_capture_name("README.md") && !is_capture_name("a.pcap.trace") && !is_capture_name("pcap"));
    }

    #[test]
    fn report_paths_name_one_plain_file() {
        let seg = |s: &[&str]| s.iter().map(|x| x.as_bytes().to_vec()).collect::<Vec<_>>();
        assert_eq!(report_name(&seg(&["report", "a.pcap"])), Some("a.pcap"));
        assert_eq!(report_name(&seg(&["report", ".."])), None);
        assert_eq!(report_name(&seg(&["report", "a", "b.pcap"])), None);
        assert_eq!(report_name(&seg(&["other", "a.pcap"])), None);
        assert_eq!(report_name(&[b"report".to_vec(), vec![0xff]]), None, "not UTF-8");
        let sane = crate::proto::http::path::sanitize("/report/..%2fetc%2fpasswd");
        assert!(sane.is_err(), "encoded separators never reach the name check");
        let decoded = crate::proto::http::path::sanitize("/report/a%20b.pcap").unwrap();
        assert_eq!(report_name(&decoded.segments), Some("a b.pcap"));
    }

    #[test]
    fn the_index_links_every_capture_newest_first_escaped() {
        let files = [
            Listed { name: "old.pcap".into(), size: 10, modified: 0 },
            Listed { name: "<new> & b.pcap".into(), size: 2048, modified: 1_795_305_599 },
        ];
        let html = page(Some("lo, all traffic"), "captures", &files);
        let new = html.find("&lt;new&gt; &amp; b.pcap").expect("escaped name");
        let old = html.find(">old.pcap<").expect("old listed");
        assert!(new < old, "newest first");
        assert!(html.contains("href=\"/report/%3Cnew%3E%20&amp;%20b.pcap\""), "{html}");
        assert!(html.contains("Sat, 21 Nov 2026 23:59:59 GMT"), "{html}");
        assert!(html.contains("<a href=\"/live\">Live capture</a>: lo, all traffic"));
        assert!(!page(None, "captures", &[]).contains("/live"));
        assert!(page(None, "captures", &[]).contains("No capture files yet"));
    }
}
