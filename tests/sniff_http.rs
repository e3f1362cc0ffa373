//! HTTP in `socklab read`: tshark's Info text, reassembly across segments,
//! http.* fields and links, teaching notes, display filters (saved corpus captures).
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod common;
use common::{corpus, ok};
use std::path::PathBuf;

#[test]
fn get_and_reassembled_response_as_tshark() {
    let Some(f) = corpus("chrissanders-packets/http_google.pcapng") else { return };
    let out = ok(&["read", &f, "-Y", "http"]);
    let rows: Vec<&str> = out.lines().filter(|l| l.contains(" HTTP ")).collect();
    assert!(rows[0].ends_with("HTTP 681 GET / HTTP/1.1 "), "{out}");
    assert!(rows[1].ends_with("HTTP 591 HTTP/1.1 200 OK  (text/html)"), "{out}");
    let all = ok(&["read", &f]);
    // tshark -2 shows the first segment of the reassembled response by its TCP summary.
    assert!(
        all.contains("TCP 1460 80 → 1606 [ACK] Seq=1 Ack=628 Win=6976 Len=1406 [TCP segment of a reassembled PDU]"),
        "{all}"
    );
}

#[test]
fn fields_and_links() {
    let Some(f) = corpus("chrissanders-packets/http_google.pcapng") else { return };
    let out = ok(&[
        "read",
        &f,
        "-T",
        "fields",
        "-e",
        "frame.number",
        "-e",
        "http.request.method",
        "-e",
        "http.response.code",
        "-e",
        "http.content_type",
        "-e",
        "http.request_in",
        "-e",
        "http.response_in",
        "-e",
        "http.time",
        "-e",
        "frame.protocols",
        "-Y",
        "http",
    ]);
    assert_eq!(
        out,
        "4\tGET\t\t\t\t12\t\teth:ethertype:ip:tcp:http\n\
         12\t\t200\ttext/html; charset=UTF-8\t4\t\t0.104147000\teth:ethertype:ip:tcp:http:data-text-lines\n"
    );
}

#[test]
fn filter_on_the_method_and_header_notes() {
    let Some(f) = corpus("chrissanders-packets/http_post.pcapng") else { return };
    let out = ok(&["read", &f, "-Y", "http.request.method == \"GET\""]);
    assert!(out.contains("GET /?p=310&cpage=1 HTTP/1.1 "), "{out}");
    assert!(!out.contains("POST"), "{out}");
    let out = ok(&["read", &f, "-Y", "http.response"]);
    assert!(out.contains("↳ Content-Type: the media type of the body"), "{out}");
    assert!(out.contains("↳ Server: the software that answered"), "{out}");
}

#[test]
fn details_tree_shows_the_http_block() {
    let Some(f) = corpus("chrissanders-packets/http_google.pcapng") else { return };
    let out = ok(&["read", &f, "-V", "-Y", "frame.number == 12"]);
    for want in [
        "Hypertext Transfer Protocol\n    HTTP/1.1 200 OK\\r\\n\n",
        "        [Expert Info (Chat/Sequence): HTTP/1.1 200 OK\\r\\n]\n            [HTTP/1.1 200 OK\\r\\n]\n",
        "        Response Version: HTTP/1.1\n        Status Code: 200\n        [Status Code Description: OK]\n",
        "    Content-Type: text/html; charset=UTF-8\\r\\n\n",
        "    Content-Length: 4633\\r\\n\n        [Content length: 4633]\n",
        "    [Time since request: 0.104147000 seconds]\n    [Request in frame: 4]\n    [Request URI: http://www.google.com/]\n",
    ] {
        assert!(out.contains(want), "missing {want:?} in {out}");
    }
}

/// captures/web-http.pcap (made by scripts/make-captures.sh).
fn lab_capture() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("captures/web-http.pcap").to_string_lossy().into_owned()
}

#[test]
fn lab_web_capture_get_head_404_304_keep_alive() {
    let f = lab_capture();
    let out = ok(&["read", &f, "-Y", "http", "-T", "fields", "-e", "http.request.method", "-e", "http.response.code"]);
    let pairs: Vec<&str> = out.lines().collect();
    assert_eq!(
        pairs,
        ["GET\t", "\t200", "HEAD\t", "\t200", "GET\t", "\t404", "GET\t", "\t304", "GET\t", "\t200", "GET\t", "\t200"]
    );
    let out = ok(&["read", &f, "-Y", "http.request.method == \"GET\"", "-T", "fields", "-e", "http.request.uri"]);
    assert_eq!(out, "/HelloWorld.html\n/nosuch.html\n/HelloWorld.html\n/HelloWorld.html\n/index.html\n");
}

#[test]
fn lab_web_capture_notes_explain_the_required_headers() {
    let out = ok(&["read", &lab_capture(), "-Y", "http.response.code == 304"]);
    for want in [
        "HTTP/1.1 304 Not Modified \n",
        "  ↳ Last-Modified: when the file last changed; a conditional GET sends it back in If-Modified-Since\n",
        "  ↳ Date: ",
        "  ↳ Server: ",
        "  ↳ Connection: ",
        "  ↳ Content-Length: ",
        "  ↳ Content-Type: ",
    ] {
        assert!(out.contains(want), "missing {want:?} in {out}");
    }
}
