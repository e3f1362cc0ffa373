//! `socklab lookup`: names, addresses and services, on loopback names and local files only.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe
mod common;
use common::*;
use std::process::Command;

#[test]
fn localhost_resolves_to_a_loopback_address() {
    let out = ok(&["lookup", "localhost"]);
    assert!(out.contains("localhost -> 127.0.0.1") || out.contains("localhost -> ::1"), "{out}");
    let v4 = ok(&["lookup", "localhost", "-4"]);
    assert!(v4.lines().all(|l| l.contains("127.")), "{v4}");
}

#[test]
fn an_address_resolves_to_a_name() {
    let out = ok(&["lookup", "127.0.0.1"]);
    let name = out.trim().strip_prefix("127.0.0.1 -> ").unwrap_or_else(|| panic!("{out}"));
    assert!(!name.is_empty(), "{out}");
}

#[test]
fn ports_name_their_service() {
    assert_eq!(ok(&["lookup", "80/tcp"]).lines().next(), Some("80/tcp -> http (aliases: www)"));
    assert!(ok(&["lookup", "53/udp"]).starts_with("53/udp -> domain"));
    let both = ok(&["lookup", "53"]);
    assert!(both.contains("53/tcp -> domain") && both.contains("53/udp -> domain"), "{both}");
    assert!(ok(&["lookup", "21", "--proto", "tcp"]).starts_with("21/tcp -> ftp"));
}

#[test]
fn services_name_their_port() {
    assert_eq!(ok(&["lookup", "http/tcp"]).trim(), "http/tcp -> 80");
    assert_eq!(ok(&["lookup", "--service", "http", "--proto", "tcp"]).trim(), "http/tcp -> 80");
    let dns = ok(&["lookup", "--service", "domain"]);
    assert!(dns.contains("domain/tcp -> 53") && dns.contains("domain/udp -> 53"), "{dns}");
}

/// Runs socklab with the services file replaced by `path`.
fn with_services_file(path: &str, args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).env("SOCKLAB_SERVICES", path).output().unwrap();
    assert!(out.status.success(), "{}\n{}", show(args), describe(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_built_in_table_stands_in_for_a_missing_services_file() {
    let out = with_services_file("/nonexistent/services", &["lookup", "143/tcp"]);
    assert!(out.starts_with("143/tcp -> imap"), "{out}");
    let out = with_services_file("/nonexistent/services", &["lookup", "pop3/tcp"]);
    assert_eq!(out.trim(), "pop3/tcp -> 110");
}

#[test]
fn the_services_file_wins_and_the_built_in_table_fills_its_gaps() {
    let dir = std::env::temp_dir().join(format!("socklab-lookup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("services");
    std::fs::write(&file, "# test file\nlabweb\t10080/tcp\tlab-http\t# the lab's web server\nbroken line/\n").unwrap();
    let path = file.to_str().unwrap();
    assert_eq!(with_services_file(path, &["lookup", "10080/tcp"]).trim(), "10080/tcp -> labweb (aliases: lab-http)");
    assert_eq!(with_services_file(path, &["lookup", "lab-http/tcp"]).trim(), "lab-http/tcp -> 10080 (labweb)");
    assert!(with_services_file(path, &["lookup", "25/tcp"]).starts_with("25/tcp -> smtp"));
    let _ = std::fs::remove_dir_all(&dir);
}

const LAB_ROWS: [(&str, &str); 6] =
    [("HTTP", "80"), ("FTP", "21"), ("IMAP4", "143"), ("SMTP", "25"), ("Telnet", "23"), ("POP3", "110")];

fn has_row(out: &str, service: &str, port: &str) -> bool {
    out.lines().any(|l| {
        let cells: Vec<&str> = l.split(['|', '│', '┆']).map(str::trim).collect();
        cells.windows(2).any(|w| w[0] == service && w[1] == port)
    })
}

#[test]
fn well_known_table_has_the_labs_six_rows() {
    for format in ["table", "markdown"] {
        let out = ok(&["lookup", "--well-known", "--format", format]);
        for (service, port) in LAB_ROWS {
            assert!(has_row(&out, service, port), "{format}: no row {service} {port}\n{out}");
        }
    }
    let md = ok(&["lookup", "--well-known", "--format", "markdown"]);
    assert!(md.starts_with("| Service | Port | Protocol | Description"), "{md}");
    assert!(md.lines().nth(1).unwrap().starts_with("|---"), "{md}");
}

#[test]
fn tables_in_other_formats() {
    let v: serde_json::Value = serde_json::from_str(&ok(&["lookup", "53/udp", "--format", "json"])).unwrap();
    assert_eq!(v[0]["Service"], "domain");
    let csv = ok(&["lookup", "localhost", "-4", "--format", "csv"]);
    assert!(csv.starts_with("Name,Family,Address\nlocalhost,IPv4,127."), "{csv}");
}

#[test]
fn this_host_shows_its_name() {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default().trim().to_string();
    let hosts = std::fs::read_to_string("/etc/hosts").unwrap_or_default();
    let listed = hosts.lines().any(|l| l.split('#').next().unwrap().split_whitespace().skip(1).any(|n| n == name));
    if name.is_empty() || !listed {
        eprintln!("skipped: host name {name:?} is not in /etc/hosts, and the test must not query DNS");
        return;
    }
    let out = ok(&["lookup"]);
    assert_eq!(out.lines().next(), Some(format!("host name: {name}").as_str()), "{out}");
    assert!(out.lines().nth(1).is_some_and(|l| l.starts_with(&format!("{name} -> "))), "{out}");
}

#[test]
fn unknown_host_fails_clearly() {
    let out = run(&["lookup", "nosuch.invalid"]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown host 'nosuch.invalid'"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn unknown_services_and_bad_ports_fail_clearly() {
    let err = fails(&["lookup", "nosuchservice/tcp"]);
    assert!(err.contains("unknown service 'nosuchservice/tcp'"), "{err}");
    let err = fails(&["lookup", "--service", "nosuchservice"]);
    assert!(err.contains("unknown service 'nosuchservice'"), "{err}");
    let out = run(&["lookup", "70000/tcp"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("port 70000 is out of range"), "{}", describe(&out));
    let err = fails(&["lookup", "80/icmp"]);
    assert!(err.contains("use tcp or udp"), "{err}");
    let err = fails(&["lookup", "80/tcp", "--proto", "udp"]);
    assert!(err.contains("give the protocol once"), "{err}");
}
