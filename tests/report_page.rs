//! `socklab report FILE`: the page is one self-contained HTML file whose data
//! decodes, and in headless Chromium (driven over the DevTools protocol) it
//! shows a packet's details and bytes when clicked, highlights a field's bytes
//! on hover, finds a byte's field on click, filters exactly as `socklab read
//! -Y` (the filter goldens' expressions and every known field, run through
//! both), opens `#frame=N` and `#stream=N`, links the ladder's arrows to their
//! packets, logs no error, fetches nothing, and loads 100,000 packets within a
//! stated bound.
//! Under CI=true a missing chromium fails the tests instead of skipping them.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod browser;
mod common;

use browser::Browser;
use common::{crate_dir, need, run, scratch, show, BIN};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The page's script is done: rows shown, deep link followed.
const READY: &str = "window.socklab && window.socklab.loadMs !== null";
/// How long a small page may take to become ready.
const SMALL_LOAD: Duration = Duration::from_secs(20);
/// Packets in the scale test.
const BIG_PACKETS: u32 = 100_000;
/// The bound on loading the 100,000-packet page in headless Chromium: from
/// navigation until the list is shown (all rows inflated, first rows drawn).
const BIG_LOAD: Duration = Duration::from_secs(20);
/// The bound on generating it (a debug build is about ten times slower than
/// a release build).
const BIG_GENERATE: Duration = Duration::from_secs(240);
/// The bound on the first filter over it (every details chunk is inflated).
const BIG_FILTER: Duration = Duration::from_secs(60);

/// Writes the page of `capture` (relative to the crate) into `dir`; its path.
fn page(capture: &str, dir: &Path, extra: &[&str], limit: Duration) -> PathBuf {
    let out = dir.join(format!("{}.html", Path::new(capture).file_stem().unwrap().to_string_lossy()));
    let capture = crate_dir().join(capture);
    let mut args = vec!["report", capture.to_str().unwrap(), "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = common::run_with(&args, b"", limit);
    assert!(o.status.success(), "{} failed\n{}", show(&args), common::describe(&o));
    out
}

fn url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The JSON in the page's `#data` element.
fn data_of(html: &str) -> Value {
    let start = html.find(r#"<script id="data" type="application/json">"#).expect("data element");
    let body = &html[start..];
    let body = &body[body.find('>').unwrap() + 1..body.find("</script>").unwrap()];
    serde_json::from_str(body).expect("the page's data is valid JSON")
}

/// A base64 gzip chunk, inflated.
fn inflate(b64: &str) -> Vec<u8> {
    let z = browser::decode_base64(b64);
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&z[..]).read_to_end(&mut out).expect("a gzip chunk");
    out
}

#[test]
fn the_page_is_self_contained_and_its_chunks_decode() {
    let dir = scratch("report-page-static");
    let path = page("captures/web-http.pcap", &dir, &[], SMALL_LOAD);
    let html = std::fs::read_to_string(&path).unwrap();
    for external in ["<link", " src=", "http://", "https://", "@import", "url("] {
        let outside_data = html.replace(&html[html.find(r#"<script id="data""#).unwrap()..], "");
        assert!(!outside_data.contains(external), "the page's markup, style or script holds {external:?}");
    }
    let data = data_of(&html);
    let p = &data["packets"];
    let rows: Vec<Value> = p["rows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| serde_json::from_slice::<Vec<Value>>(&inflate(c.as_str().unwrap())).unwrap())
        .collect();
    assert_eq!(rows.len() as u64, p["count"].as_u64().unwrap());
    let listed = common::ok(&["read", crate_dir().join("captures/web-http.pcap").to_str().unwrap()]);
    let first = listed.lines().nth(1).unwrap();
    for col in [&rows[0][1], &rows[0][2], &rows[0][3], &rows[0][4], &rows[0][6]] {
        assert!(first.contains(col.as_str().unwrap()), "row 1 column {col} is not in `read`'s line {first:?}");
    }
    for c in p["details"].as_array().unwrap() {
        let chunk: Value = serde_json::from_slice(&inflate(c.as_str().unwrap())).unwrap();
        assert!(chunk["p"].as_array().is_some_and(|a| !a.is_empty()));
    }
    for c in p["values"].as_array().unwrap() {
        let chunk: Value = serde_json::from_slice(&inflate(c.as_str().unwrap())).unwrap();
        assert!(chunk["p"].as_array().is_some_and(|a| !a.is_empty()));
    }
    let views: Value = serde_json::from_slice(&inflate(data["views"].as_str().unwrap())).unwrap();
    assert!(!views["streams"].as_array().unwrap().is_empty(), "the HTTP capture has TCP streams");
    assert!(!views["http"].as_array().unwrap().is_empty(), "and HTTP messages");
}

/// The filter goldens' expressions for the captures (tests/golden/filters.tsv),
/// grouped by file.
fn golden_expressions() -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(crate_dir().join("tests/golden/filters.tsv")).unwrap();
    let mut by_file: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() >= 3 && cols[1] == "captures" {
            by_file.entry(format!("captures/{}", cols[2])).or_default().push(cols[0].to_string());
        }
    }
    by_file
}

/// What `socklab read FILE -Y EXPR` selects: the frame numbers, or the error as
/// the CLI words it (without its "socklab: invalid display filter (-Y): ").
fn cli_selects(file: &str, expr: &str) -> Result<Vec<u64>, String> {
    let file = crate_dir().join(file);
    let args = ["read", file.to_str().unwrap(), "-Y", expr, "-T", "fields", "-e", "frame.number"];
    let o = run(&args);
    if !o.status.success() {
        let err = String::from_utf8_lossy(&o.stderr);
        let msg = err.trim_end_matches('\n').strip_prefix("socklab: invalid display filter (-Y): ");
        return Err(msg.unwrap_or_else(|| panic!("{} failed otherwise: {err}", show(&args))).to_string());
    }
    Ok(String::from_utf8_lossy(&o.stdout).lines().map(|l| l.trim().parse().unwrap()).collect())
}

/// What the page selects for `expr`: frame numbers, or its error text.
fn page_selects(b: &mut Browser, expr: &str) -> Result<Vec<u64>, String> {
    let frames = b.eval(&format!("socklab.applyFilter({})", json!(expr)));
    if frames.is_null() {
        let shown = b.eval("document.getElementById('filter-error').textContent");
        return Err(shown.as_str().unwrap().strip_prefix("invalid display filter: ").unwrap().to_string());
    }
    Ok(frames.as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect())
}

/// The same frames, or the same error; a regular expression's error may name
/// the fault in the browser's words (its engine is not the CLI's), but the
/// message starts alike and points at the same place.
fn same_outcome(got: &Result<Vec<u64>, String>, want: &Result<Vec<u64>, String>) -> bool {
    const REGEX: &str = "invalid regular expression:";
    match (got, want) {
        (Err(g), Err(w)) if w.starts_with(REGEX) => {
            g.starts_with(REGEX) && g.split_once('\n').map(|p| p.1) == w.split_once('\n').map(|p| p.1)
        }
        _ => got == want,
    }
}

fn start_browser(name: &str) -> Option<(Browser, PathBuf)> {
    if !need(&browser::binary()) {
        return None;
    }
    let dir = scratch(name);
    Some((Browser::start(&dir.join("profile")), dir))
}

#[test]
fn the_page_filters_as_read_does() {
    let Some((mut b, dir)) = start_browser("report-page-filter") else { return };
    let (mut compared, mut differ) = (0, Vec::new());
    let mut cases = golden_expressions();
    // Beyond the goldens: every field the filter knows, as a test of presence.
    for file in ["captures/web-http.pcap", "captures/udp-closed-port.pcap"] {
        let names = common::ok(&["read", "-G", "fields"]);
        let names = names.lines().filter_map(|l| l.split('\t').nth(2)).map(str::to_string);
        cases.entry(file.to_string()).or_default().extend(names);
    }
    for (file, exprs) in cases {
        let path = page(&file, &dir, &[], SMALL_LOAD);
        b.open(&url(&path), READY, SMALL_LOAD);
        for expr in exprs {
            let (want, got) = (cli_selects(&file, &expr), page_selects(&mut b, &expr));
            if !same_outcome(&got, &want) {
                differ.push(format!("{file}: -Y {expr:?}\n  page: {got:?}\n  read: {want:?}"));
            }
            compared += 1;
        }
    }
    assert!(
        differ.is_empty(),
        "the page and `socklab read` disagree on {} of {compared}:\n{}",
        differ.len(),
        differ.join("\n")
    );
    assert!(compared > 100, "only {compared} expressions compared");
    assert_eq!(b.errors(), Vec::<String>::new(), "console errors");
}

#[test]
fn a_packet_opens_with_its_fields_and_bytes() {
    let Some((mut b, dir)) = start_browser("report-page-ui") else { return };
    let path = page("captures/web-http.pcap", &dir, &[], SMALL_LOAD);
    let page_url = url(&path);
    b.open(&page_url, READY, SMALL_LOAD);

    // Click the 4th row: its details and hex appear.
    b.mouse("#rows .row[data-i=\"3\"]", true);
    b.wait_for("document.querySelectorAll('#hex .b').length > 0", SMALL_LOAD);
    let first = b.eval("document.querySelector('#details .item').textContent");
    assert!(first.as_str().unwrap().starts_with("Frame 4:"), "{first}");
    let bytes = b.eval("document.querySelectorAll('#hex .b').length").as_u64().unwrap();
    let len = b.eval("socklab.state.rows[3][5]").as_u64().unwrap();
    assert_eq!(bytes, len, "the hex pane shows every captured byte of the frame");

    // Open the IPv4 block (select, then click again to expand) and hover ip.src.
    for _ in 0..2 {
        b.mouse("#details .item[title=\"ip\"]", true);
    }
    b.mouse("#details .item[title=\"ip.src\"]", false);
    let hovered = b.eval(
        "(() => { const e = document.querySelector('#details .item[title=\"ip.src\"]');
           return { off: +e.dataset.off, len: +e.dataset.len,
                    hov: [...document.querySelectorAll('#hex .b.hov')].map(x => +x.dataset.o) }; })()",
    );
    let (off, n) = (hovered["off"].as_u64().unwrap(), hovered["len"].as_u64().unwrap());
    let want: Vec<u64> = (off..off + n).collect();
    assert_eq!(n, 4, "an IPv4 address is four bytes");
    assert_eq!(hovered["hov"], json!(want), "hovering ip.src highlights exactly its bytes");

    // Click the second byte of the destination port: the deepest field owning it is selected.
    let port = b.eval("+document.querySelector('#details .item[title=\"tcp.dstport\"]').dataset.off").as_u64().unwrap();
    b.mouse(&format!("#hex .b[data-o=\"{}\"]", port + 1), true);
    let selected = b.eval("document.querySelector('#details .item.sel').title");
    assert_eq!(selected, json!("tcp.dstport"));
    let marked = b.eval("[...document.querySelectorAll('#hex .b.sel')].map(x => +x.dataset.o)");
    assert_eq!(marked, json!([port, port + 1]));
    b.screenshot(&PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report_page.png"));

    // Click the Length header twice: the rows sort by length, descending.
    for _ in 0..2 {
        b.mouse("#list-head span[data-col=\"5\"]", true);
    }
    let lengths = b.eval("socklab.state.view.map(i => socklab.state.rows[i][5])");
    let lengths: Vec<u64> = lengths.as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    assert!(lengths.windows(2).all(|w| w[0] >= w[1]), "not sorted by length, descending: {lengths:?}");
    b.mouse("#list-head span[data-col=\"0\"]", true);

    // Type a filter into the box: the rows left are those `read -Y` selects.
    b.mouse("#filter", true);
    b.type_line("http");
    b.wait_for("document.getElementById('filter').className === 'ok' && socklab.state.match !== null", SMALL_LOAD);
    let shown = b.eval("socklab.state.view.map(i => socklab.state.rows[i][0])");
    let want = cli_selects("captures/web-http.pcap", "http").unwrap();
    assert_eq!(shown, json!(want));
    let drawn = b.eval("document.querySelectorAll('#rows .row').length").as_u64().unwrap();
    assert_eq!(drawn as usize, want.len(), "every displayed row fits the list");

    // A wrong filter: the box turns red and the error reads as the CLI's.
    b.mouse("#filter", true);
    b.eval("document.getElementById('filter').select()");
    b.type_line("tcp.flag.syn == 1");
    b.wait_for("!document.getElementById('filter-error').hidden", SMALL_LOAD);
    let err = b.eval("document.getElementById('filter-error').textContent");
    let cli = cli_selects("captures/web-http.pcap", "tcp.flag.syn == 1").unwrap_err();
    assert_eq!(err.as_str().unwrap(), format!("invalid display filter: {cli}"));

    // Deep links: #frame=N selects frame N; #stream=N shows the stream.
    b.open(&format!("{page_url}#frame=36"), &format!("{READY} && socklab.state.details"), SMALL_LOAD);
    assert_eq!(b.eval("socklab.state.rows[socklab.state.selected][0]"), json!(36));
    assert_eq!(b.eval("document.querySelector('#rows .row.sel span').textContent"), json!("36"));
    b.open(&format!("{page_url}#stream=2"), READY, SMALL_LOAD);
    assert_eq!(b.eval("document.getElementById('streams').classList.contains('on')"), json!(true));
    let title = b.eval("document.querySelector('#stream-view h2').textContent");
    assert!(title.as_str().unwrap().starts_with("TCP stream 2:"), "{title}");
    let followed = b.eval("document.querySelector('#stream-view .follow .side0').textContent");
    assert!(followed.as_str().unwrap().starts_with("GET /nosuch.html HTTP/1.1"), "{followed}");

    // An arrow of the ladder opens its packet.
    let frame = b.eval("+document.querySelector('#stream-view svg line.seg[data-frame]').dataset.frame");
    b.mouse("#stream-view svg text.time[data-frame]", true);
    b.wait_for(
        &format!("socklab.state.details && socklab.state.rows[socklab.state.selected][0] === {frame}"),
        SMALL_LOAD,
    );
    assert_eq!(b.eval("document.getElementById('packets').classList.contains('on')"), json!(true));

    assert_eq!(b.errors(), Vec::<String>::new(), "console errors");
    let page_path = page_url.split('#').next().unwrap().to_string();
    let foreign: Vec<String> =
        b.requests().into_iter().filter(|r| r.split('#').next() != Some(page_path.as_str())).collect();
    assert_eq!(foreign, Vec::<String>::new(), "the page requested something besides itself");
}

/// Writes a capture of `n` Ethernet/IPv4/TCP frames: connections of a
/// handshake, request/response segments and a FIN/ACK close, 16 at a time.
fn write_big_capture(path: &Path, n: u32) {
    const PER_CONN: u32 = 20;
    let mut out = Vec::with_capacity(n as usize * 100);
    // pcap header: magic, v2.4, zone, sigfigs, snaplen, Ethernet.
    for word in [0xa1b2_c3d4u32, 0x0004_0002, 0, 0, 65535, 1] {
        out.extend_from_slice(&word.to_le_bytes());
    }
    for i in 0..n {
        let (conn, step) = (i / PER_CONN, i % PER_CONN);
        let client_port = 20_000 + (conn % 40_000) as u16;
        let to_server = step % 2 == 0;
        let (flags, payload): (u8, usize) = match step {
            0 => (0x02, 0),
            1 => (0x12, 0),
            2 => (0x10, 0),
            s if s >= PER_CONN - 3 => (if s == PER_CONN - 1 { 0x10 } else { 0x11 }, 0),
            s => (0x18, 40 + (s as usize % 7) * 10),
        };
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x08, 0x00]);
        let total = 20 + 20 + payload;
        f.extend_from_slice(&[
            0x45,
            0,
            (total >> 8) as u8,
            total as u8,
            0,
            0,
            0x40,
            0,
            64,
            6,
            0,
            0,
            127,
            0,
            0,
            1,
            127,
            0,
            0,
            1,
        ]);
        let (sp, dp) = if to_server { (client_port, 8080u16) } else { (8080, client_port) };
        f.extend_from_slice(&sp.to_be_bytes());
        f.extend_from_slice(&dp.to_be_bytes());
        f.extend_from_slice(&(1000 + step * 100).to_be_bytes());
        f.extend_from_slice(&(if step == 0 { 0 } else { 2000 + step * 100 }).to_be_bytes());
        f.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
        f.extend(std::iter::repeat_n(b'a' + (step % 26) as u8, payload));
        let usec = i * 10;
        for word in [1_700_000_000 + usec / 1_000_000, usec % 1_000_000, f.len() as u32, f.len() as u32] {
            out.extend_from_slice(&word.to_le_bytes());
        }
        out.extend_from_slice(&f);
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn a_100k_packet_page_loads_within_its_bound() {
    let Some((mut b, dir)) = start_browser("report-page-big") else { return };
    let pcap = dir.join("big.pcap");
    write_big_capture(&pcap, BIG_PACKETS);
    let html = dir.join("big.html");
    let started = Instant::now();
    let o = common::run_with(&["report", pcap.to_str().unwrap(), "-o", html.to_str().unwrap()], b"", BIG_GENERATE);
    assert!(o.status.success(), "{}", common::describe(&o));
    let size = std::fs::metadata(&html).unwrap().len();
    println!("generated {BIG_PACKETS} packets: {size} bytes in {:?} ({BIN})", started.elapsed());

    let t0 = Instant::now();
    b.open(&url(&html), READY, BIG_LOAD);
    let loaded = t0.elapsed();
    let in_page = b.eval("socklab.loadMs").as_f64().unwrap();
    println!("loaded in {loaded:?} (the page's own count: {in_page:.0} ms)");
    assert!(loaded < BIG_LOAD, "loading took {loaded:?}, more than {BIG_LOAD:?}");
    assert_eq!(b.eval("socklab.state.rows.length"), json!(BIG_PACKETS));
    let drawn = b.eval("document.querySelectorAll('#rows .row').length").as_u64().unwrap();
    assert!(drawn < 200, "the list is virtualised: {drawn} rows in the DOM");

    // Scroll to the end: the last packet is drawn; open it.
    b.eval("(() => { const v = document.getElementById('viewport'); v.scrollTop = v.scrollHeight; })()");
    let last = format!("#rows .row[data-i=\"{}\"]", BIG_PACKETS - 1);
    b.wait_for(&format!("document.querySelector({})", json!(last)), SMALL_LOAD);
    b.mouse(&last, true);
    b.wait_for(
        &format!("socklab.state.details && socklab.state.rows[socklab.state.selected][0] === {BIG_PACKETS}"),
        SMALL_LOAD,
    );

    let t1 = Instant::now();
    let syns = b.eval("socklab.applyFilter('tcp.flags.syn == 1 && tcp.flags.ack == 0').then(f => f.length)");
    println!("first filter over every packet: {:?}", t1.elapsed());
    assert!(t1.elapsed() < BIG_FILTER, "filtering took {:?}", t1.elapsed());
    assert_eq!(syns, json!(BIG_PACKETS / 20), "one SYN per connection");
    assert_eq!(b.errors(), Vec::<String>::new(), "console errors");
}

#[test]
fn the_page_is_named_after_the_capture_and_errors_say_what_to_do() {
    let dir = scratch("report-page-cli");
    let capture = crate_dir().join("captures/udp-echo.pcap");
    let o = std::process::Command::new(BIN).arg("report").arg(&capture).current_dir(&dir).output().unwrap();
    assert!(o.status.success(), "{}", common::describe(&o));
    assert!(dir.join("udp-echo.html").exists(), "the default page is FILE's stem + .html in the current directory");
    assert!(String::from_utf8_lossy(&o.stdout).contains("udp-echo.html"), "the command names the page it wrote");

    let bad = common::fails(&["report", capture.to_str().unwrap(), "-Y", "tcp.flag.syn == 1", "-o", "/dev/null"]);
    assert!(bad.starts_with("socklab: invalid display filter (-Y): \"tcp.flag.syn\" is neither"), "{bad}");
    let missing = common::fails(&["report", "no-such.pcap", "-o", "/dev/null"]);
    assert!(missing.contains("no-such.pcap"), "{missing}");
    let nowhere = dir.join("no/such/dir/page.html");
    let unwritable = common::fails(&["report", capture.to_str().unwrap(), "-o", nowhere.to_str().unwrap()]);
    assert!(unwritable.contains("cannot write the page"), "{unwritable}");
    let no_stream = common::fails(&["report", capture.to_str().unwrap(), "--stream", "7", "-o", "/dev/null"]);
    assert!(no_stream.contains("no TCP stream 7"), "{no_stream}");
}
