//! Tables fit the terminal they are printed on (issue 10, point 1) and colour
//! follows `--color` and `NO_COLOR` (point 3). Each table command runs under a real
//! pseudo-terminal (openpty with the window size set) 80 and 120 columns wide, and
//! no line may be longer than the terminal; `COLUMNS` and `--width` do the same
//! through a pipe; Markdown, CSV and JSON do not depend on any of them.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe

mod common;

use common::{root, BIN};
use std::fs::File;
use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The DNS response of captures/dns-lab.pcap frame 2 (google.com A, two answers).
const DNS_RESPONSE: &str = "73da8500000100020000000006676f6f676c6503636f6d0000010001c00c00010001000001040004c0a50101c00c00010001000001040004c0a5010a";

/// A sample capture of the repository.
fn capture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("captures").join(name).display().to_string()
}

/// What a command printed on a terminal `cols` wide: its output (stdout and stderr,
/// `\r\n` turned back into `\n`) and whether it succeeded.
fn on_tty(cols: u16, args: &[&str], env: &[(&str, &str)]) -> (String, bool) {
    on_tty_run(cols, BIN, args, env)
}

/// [`on_tty`] for any program.
fn on_tty_run(cols: u16, program: &str, args: &[&str], env: &[(&str, &str)]) -> (String, bool) {
    let (mut master, mut slave) = (0, 0);
    let mut ws = libc::winsize { ws_row: 50, ws_col: cols, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: the two ints receive the new descriptors; no name buffer or termios is
    // passed; `ws` lives across the call (macOS declares the pointers mutable, Linux
    // const: mutable ones fit both).
    let rc = unsafe { libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null_mut(), &raw mut ws) };
    assert_eq!(rc, 0, "openpty failed: {}", std::io::Error::last_os_error());
    // SAFETY: openpty returned these descriptors and nothing else owns them.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let mut child = Command::new(program)
        .args(args)
        .current_dir(std::env::temp_dir())
        .env_remove("COLUMNS")
        .env_remove("NO_COLOR")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::from(slave.try_clone().unwrap()))
        .stderr(Stdio::from(slave))
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start socklab: {e}"));
    let reader = std::thread::spawn(move || {
        let mut f = File::from(master);
        let mut out = Vec::new();
        let mut buf = [0u8; 8192];
        // Reading the master ends with EIO once the child and its descendants closed the terminal.
        while let Ok(n) = f.read(&mut buf) {
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        out
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("socklab {} did not finish within 20 s on a terminal", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let out = reader.join().unwrap();
    (String::from_utf8_lossy(&out).replace("\r\n", "\n"), status.success())
}

/// Stdout of socklab run through a pipe, with `env` set (and COLUMNS/NO_COLOR unset otherwise).
fn piped(args: &[&str], env: &[(&str, &str)]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .env_remove("COLUMNS")
        .env_remove("NO_COLOR")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "socklab {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// `text` without ANSI colour sequences.
fn plain(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            chars.by_ref().find(|&c| c == 'm');
        } else {
            out.push(c);
        }
    }
    out
}

/// Fails with the offending lines when one is longer than `cols`.
fn assert_fits(text: &str, cols: usize, what: &str) {
    let text = plain(text);
    let long: Vec<&str> = text.lines().filter(|l| l.chars().count() > cols).collect();
    assert!(
        long.is_empty(),
        "{what}: {} lines longer than {cols}:\n{}\n--- output ---\n{text}",
        long.len(),
        long.join("\n")
    );
}

/// The table commands, each with a substring its output must hold.
fn table_commands() -> Vec<(Vec<String>, &'static str)> {
    let s = |v: &[&str]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    vec![
        (s(&["handshake", &capture("tcp-echo.pcap")]), "client → server"),
        (s(&["handshake", &capture("tcp-echo-ipv6.pcap")]), "SYN-ACK"),
        (s(&["handshake", &capture("web-http.pcap")]), "TCP stream 4"),
        (s(&["handshake", &capture("tcp-refused.pcap")]), "RST, ACK"),
        (s(&["handshake", "--format", "table", &capture("udp-echo.pcap")]), "HELLO, SERVER"),
        (s(&["handshake", &capture("udp-closed-port.pcap")]), "Destination"),
        (s(&["conversations", &capture("web-http.pcap")]), "Completeness"),
        (s(&["conversations", &capture("dns-lab.pcap")]), "UDP"),
        (s(&["dns", "decode", DNS_RESPONSE]), "authoritative answer"),
        (s(&["flow", &capture("web-http.pcap")]), "three-way handshake"),
        (s(&["lookup", "--well-known"]), "HyperText Transfer Protocol"),
        (s(&["lookup", "80"]), "80/tcp -> http"),
        (s(&["lookup", "http/tcp"]), "-> 80"),
        (s(&["doctor"]), "libpcap"),
    ]
}

#[test]
fn every_table_fits_a_terminal_of_80_and_of_120_columns() {
    for cols in [80u16, 120] {
        for (args, expect) in table_commands() {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let (out, ok) = on_tty(cols, &args, &[]);
            let what = format!("socklab {} at {cols} columns", args.join(" "));
            assert!(ok || args[0] == "doctor", "{what} failed:\n{out}");
            assert!(plain(&out).contains(expect), "{what}: no {expect:?} in\n{out}");
            assert_fits(&out, usize::from(cols), &what);
        }
    }
}

#[test]
fn the_handshake_shows_the_lab_columns_by_default_and_the_rest_with_wide() {
    let file = capture("tcp-echo.pcap");
    let (lab, _) = on_tty(80, &["handshake", &file, "--color", "never"], &[]);
    for col in ["Step", "Frame", "Sender → Receiver", "Flags", "Seq", "Ack", "Win", "Len"] {
        assert!(lab.contains(col), "lab view lacks {col}:\n{lab}");
    }
    assert!(!lab.contains("Seq (raw)") && !lab.contains("Options"), "{lab}");
    assert!(!lab.contains("hidden"), "nothing is hidden at 80 columns here:\n{lab}");
    // The ACK of the handshake carries the raw window 64 scaled by 1024: the lab view
    // shows the calculated window, as the packet list does.
    let ack = lab.lines().find(|l| l.contains("│ ACK ")).unwrap();
    assert!(ack.contains("65536") && !ack.contains(" 64 "), "{ack}");
    let wide = piped(&["handshake", &file, "--wide"], &[]);
    for col in ["Time", "Seq (raw)", "Ack (raw)", "Win (raw)", "Options", "client 127.0.0.1:50248"] {
        assert!(wide.contains(col), "--wide lacks {col}:\n{wide}");
    }
    let ack = wide.lines().find(|l| l.contains("│ ACK ")).unwrap();
    assert!(ack.contains(" 64 ") && ack.contains("65536"), "{ack}");
}

#[test]
fn a_narrow_table_hides_columns_with_a_note_and_never_breaks_a_value() {
    let out = piped(&["conversations", &capture("web-http.pcap"), "--width", "80"], &[]);
    assert_fits(&out, 80, "conversations --width 80");
    assert!(out.contains("hidden (") && out.contains("--wide shows them"), "{out}");
    assert!(out.contains("All addresses are on 127.0.0.1") && out.contains(":10080"), "{out}");
    let full = piped(&["conversations", &capture("web-http.pcap")], &[]);
    assert!(!full.contains("hidden") && full.contains("127.0.0.1:10080"), "{full}");
    // Every value of the wide table that the narrow one shows is on one line.
    let narrow = plain(&out);
    for value in ["37336", "10080", "2263", "TCP"] {
        assert!(narrow.lines().any(|l| l.contains(value)), "{value} missing or broken:\n{narrow}");
    }
}

#[test]
fn columns_and_width_fit_piped_tables_and_width_wins() {
    let file = capture("web-http.pcap");
    let by_env = piped(&["conversations", &file], &[("COLUMNS", "80")]);
    assert_fits(&by_env, 80, "COLUMNS=80");
    assert_eq!(by_env, piped(&["conversations", &file, "--width", "80"], &[]));
    let by_flag = piped(&["conversations", &file, "--width", "120"], &[("COLUMNS", "80")]);
    assert_fits(&by_flag, 120, "--width 120");
    assert!(by_flag.lines().any(|l| l.chars().count() > 80), "--width 120 beats COLUMNS=80:\n{by_flag}");
    let (tty, _) = on_tty(120, &["handshake", &capture("udp-closed-port.pcap"), "--width", "80"], &[]);
    assert_fits(&tty, 80, "--width 80 on a 120-column terminal");
    let (tty, _) = on_tty(120, &["lookup", "--well-known"], &[("COLUMNS", "60")]);
    assert_fits(&tty, 60, "COLUMNS=60 on a 120-column terminal");
}

#[test]
fn markdown_csv_and_json_do_not_depend_on_the_width() {
    let tcp = capture("tcp-echo.pcap");
    let udp = capture("udp-closed-port.pcap");
    let web = capture("web-http.pcap");
    let cases: Vec<Vec<&str>> = vec![
        vec!["handshake", &tcp, "--format", "markdown"],
        vec!["handshake", &tcp, "--format", "markdown", "--wide"],
        vec!["handshake", &tcp, "--format", "csv"],
        vec!["handshake", &tcp, "--format", "json"],
        vec!["handshake", &udp, "--format", "markdown"],
        vec!["handshake", &udp, "--format", "csv"],
        vec!["conversations", &web, "--format", "markdown"],
        vec!["conversations", &web, "--format", "csv"],
        vec!["conversations", &web, "--format", "json"],
        vec!["dns", "decode", DNS_RESPONSE, "--format", "markdown"],
        vec!["dns", "decode", DNS_RESPONSE, "--format", "json"],
        vec!["lookup", "--well-known", "--format", "markdown"],
        vec!["lookup", "80", "--format", "csv"],
    ];
    for args in cases {
        let base = piped(&args, &[]);
        for env in [[("COLUMNS", "40")], [("COLUMNS", "300")]] {
            assert_eq!(piped(&args, &env), base, "socklab {} with {env:?}", args.join(" "));
        }
        let mut narrow = args.clone();
        narrow.extend(["--width", "40"]);
        assert_eq!(piped(&narrow, &[]), base, "socklab {} --width 40", args.join(" "));
        let (tty, _) = on_tty(80, &args, &[]);
        assert_eq!(plain(&tty), base, "socklab {} on an 80-column terminal", args.join(" "));
    }
    let csv = piped(&["handshake", &tcp, "--format", "csv"], &[]);
    assert!(
        csv.starts_with(
            "Stream,Part,Step,Frame,Time,Sender,Receiver,Flags,Seq,Seq (raw),Ack,Ack (raw),Win,Win (raw),Len,Options\n"
        ),
        "{csv}"
    );
    let md = piped(&["handshake", &tcp, "--format", "markdown"], &[]);
    assert!(md.contains("| Sender → Receiver |") && !md.contains("Seq (raw)"), "{md}");
}

/// Whether `text` holds an ANSI escape.
fn coloured(text: &str) -> bool {
    text.contains('\x1b')
}

#[test]
fn colour_goes_to_a_terminal_unless_no_color_and_flags_force_it() {
    let tcp = capture("tcp-echo.pcap");
    let cases: Vec<Vec<&str>> = vec![
        vec!["handshake", &tcp],
        vec!["flow", &tcp],
        vec!["follow", &tcp, "--stream", "0"],
        vec!["dns", "decode", DNS_RESPONSE],
        vec!["read", &tcp],
    ];
    for args in cases {
        let what = args.join(" ");
        let (tty, _) = on_tty(120, &args, &[]);
        assert!(coloured(&tty), "socklab {what} on a terminal has no colour:\n{tty}");
        let (off, _) = on_tty(120, &args, &[("NO_COLOR", "1")]);
        assert!(!coloured(&off), "socklab {what} with NO_COLOR has colour:\n{off}");
        let (empty, _) = on_tty(120, &args, &[("NO_COLOR", "")]);
        assert!(coloured(&empty), "an empty NO_COLOR is ignored (no-color.org): socklab {what}");
        let mut never = args.clone();
        never.extend(["--color", "never"]);
        let (off, _) = on_tty(120, &never, &[]);
        assert!(!coloured(&off), "socklab {what} --color never has colour:\n{off}");
        let mut always = args.clone();
        always.extend(["--color", "always"]);
        assert!(coloured(&piped(&always, &[("NO_COLOR", "1")])), "--color always beats NO_COLOR: socklab {what}");
        assert!(!coloured(&piped(&args, &[])), "socklab {what} through a pipe has colour");
        let mut auto = args.clone();
        auto.extend(["--color", "auto"]);
        assert!(!coloured(&piped(&auto, &[])), "socklab {what} --color auto through a pipe has colour");
    }
}

#[test]
fn doctor_accepts_color_and_width() {
    let out = Command::new(BIN).args(["doctor", "--color", "always", "--width", "60"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(coloured(&text), "{text}");
    assert_fits(&text, 60, "doctor --width 60");
}

/// A loopback port nothing listens on (bound once, then released).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn the_live_capture_summary_fits_a_terminal_of_80_columns() {
    if !root("the_live_capture_summary_fits_a_terminal_of_80_columns") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("socklab-fit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let saved = dir.join("live.pcap").display().to_string();
    for write in [false, true] {
        let (udp, tcp) = (free_port(), free_port());
        let filter = format!("udp port {udp} or tcp port {tcp} or icmp");
        let mut args = vec!["sniff".to_string(), "--duration".into(), "2".into(), "-f".into(), filter];
        if write {
            args.extend(["-w".to_string(), saved.clone()]);
        }
        let run = std::thread::spawn(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            on_tty(80, &args, &[])
        });
        std::thread::sleep(Duration::from_millis(800));
        let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        s.send_to(b"hello, nobody listens", ("127.0.0.1", udp)).unwrap();
        let _ = std::net::TcpStream::connect(("127.0.0.1", tcp));
        let (out, ok) = run.join().unwrap();
        let text = plain(&out);
        assert!(ok, "sniff failed:\n{text}");
        let datagram = if write { "hello, nobody" } else { "Destination unreachable" };
        let summary = &text[text.find("captured, ").expect("the summary line")..];
        assert!(summary.contains("RST") && summary.contains(datagram), "-w {write}: tables missing:\n{text}");
        // The packet list above the summary is one line per packet, as tshark prints it;
        // the tables and their notes below it fit.
        assert_fits(summary, 80, &format!("the sniff summary (-w {write})"));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn doctor_without_permission_fits_and_prints_the_fix_command_whole() {
    if !root("doctor_without_permission_fits_and_prints_the_fix_command_whole") {
        return;
    }
    let args = ["--reuid=65534", "--regid=65534", "--clear-groups", BIN, "doctor", "--color", "never"];
    let (out, ok) = on_tty_run(80, "setpriv", &args, &[]);
    assert!(!ok, "doctor as nobody succeeded:\n{out}");
    let table = &out[..out.find("socklab: live capture will not work").expect("the error line")];
    assert_fits(table, 80, "doctor as nobody");
    assert!(table.contains("\n    sudo setcap cap_net_raw,cap_net_admin=eip \"$(command -v socklab)\"\n"), "{out}");
}

/// The teaching notes under the list's rows: on a terminal each wraps at its
/// width, continued under the text; through a pipe each stays one line (as
/// scripts and diffs against tshark expect), with the same words.
#[test]
fn the_lists_teaching_notes_wrap_at_the_terminal_under_their_text() {
    let file = capture("tcp-echo.pcap");
    let (text, ok) = on_tty(80, &["read", &file], &[]);
    assert!(ok, "{text}");
    let text = plain(&text);
    // A row (or the header) starts with its number and time; a note's
    // continuation may start with digits too (an address), but not so.
    let is_row = |l: &str| {
        let mut words = l.split_whitespace();
        let (first, second) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
        first == "No." || (first.bytes().all(|b| b.is_ascii_digit()) && second.parse::<f64>().is_ok())
    };
    let mut wrapped: Vec<String> = Vec::new();
    for line in text.lines() {
        if let Some(note) = line.strip_prefix("  ↳ ") {
            wrapped.push(note.to_string());
        } else if let (Some(rest), Some(last)) = (line.strip_prefix("    "), wrapped.last_mut()) {
            if !is_row(line) {
                last.push(' ');
                last.push_str(rest);
            }
        }
        if line.starts_with("  ↳ ") || (line.starts_with("    ") && !is_row(line)) {
            assert!(line.chars().count() <= 80, "a note line longer than 80 columns:\n{line}\n--- output ---\n{text}");
        }
    }
    let piped: Vec<String> =
        piped(&["read", &file], &[]).lines().filter_map(|l| l.strip_prefix("  ↳ ")).map(String::from).collect();
    assert!(!piped.is_empty());
    assert_eq!(wrapped, piped);
}
