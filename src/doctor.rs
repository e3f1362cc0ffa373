//! `socklab doctor`: can live capture work here? Checks libpcap, the loopback
//! interface and its link type, the permission to capture, and whether the
//! `captures/` directory is writable; prints a table of ✓/✗ with the fix for each
//! problem. Exit status 0 when capture will work, 1 otherwise.

use crate::config::Settings;
use crate::error::{Error, Result};
use crate::sniff::capture::{lib_version, loopback_device, LiveCapture, PERMISSION_FIX};
use crate::sniff::dissect::link::{dlt_name, LinkType, SUPPORTED};
use crate::sniff::render::ansi;
use crate::sniff::session::CAPTURE_DIR;
use crate::table::{Col, Format, Table};
use std::path::Path;

/// One check's outcome.
struct Check {
    name: &'static str,
    ok: bool,
    detail: String,
    fix: String,
}

/// Runs the checks and prints the table, then the fix of each failed check.
/// `settings`: how the table fits the terminal, and whether the marks are coloured.
pub fn run(settings: &Settings) -> Result<()> {
    let checks = checks();
    let text = report(&checks, settings);
    print!("{}", if settings.color { ansi::marks(&text) } else { text });
    let failed = checks.iter().filter(|c| !c.ok).count();
    if failed == 0 {
        return Ok(());
    }
    Err(Error::NoAnswer {
        what: format!("live capture will not work here ({failed} of {} checks failed)", checks.len()),
        hint: "apply the fixes above, then run `socklab doctor` again".to_string(),
    })
}

/// The table of the checks (the found text wraps on a narrow terminal), then each
/// failed check's fix under it, a command on a line of its own so that it copies
/// whole; or the line saying capture works.
fn report(checks: &[Check], settings: &Settings) -> String {
    let mut t = Table::with_cols([("Check", Col::default()), ("", Col::default()), ("Found", Col::wrap(16))]);
    for c in checks {
        t.row([c.name.to_string(), if c.ok { "✓" } else { "✗" }.to_string(), c.detail.clone()]);
    }
    let mut out = t.render_with(Format::Table, settings);
    let mut fixes = String::new();
    for c in checks.iter().filter(|c| !c.ok && !c.fix.is_empty()) {
        match c.fix.split_once(COMMAND) {
            Some((why, cmd)) => fixes.push_str(&format!("✗ {}: {}\n    {COMMAND}{cmd}\n", c.name, why.trim_end())),
            None => fixes.push_str(&format!("✗ {}: {}\n", c.name, c.fix)),
        }
    }
    if fixes.is_empty() && checks.iter().all(|c| c.ok) {
        fixes = "Live capture works: try `socklab sniff`, `socklab tcp server --capture` or `socklab demo`.\n".into();
    }
    out.push_str(&crate::wrap::prose(&fixes, settings.width));
    out
}

/// Where a fix's command starts: it is printed on a line of its own.
const COMMAND: &str = "sudo ";

/// Every check, in order; later ones are skipped (failed) when an earlier one they need failed.
fn checks() -> Vec<Check> {
    let mut out = vec![Check { name: "libpcap", ok: true, detail: lib_version(), fix: String::new() }];
    let lo = loopback_device();
    out.push(match &lo {
        Ok(name) => Check { name: "loopback interface", ok: true, detail: name.clone(), fix: String::new() },
        Err(e) => Check {
            name: "loopback interface",
            ok: false,
            detail: e.to_string(),
            fix: "bring it up: sudo ip link set lo up".to_string(),
        },
    });
    match lo {
        Ok(name) => out.extend(open_checks(&name)),
        Err(_) => out.push(Check {
            name: "permission to capture",
            ok: false,
            detail: "not tried: no loopback interface".to_string(),
            fix: String::new(),
        }),
    }
    out.push(dir_check(Path::new(CAPTURE_DIR)));
    out
}

/// Opening the interface: the permission, then its link type.
fn open_checks(device: &str) -> Vec<Check> {
    match LiveCapture::open(device, None) {
        Ok(cap) => {
            let dlt = cap.datalink();
            let decoded = LinkType::from_dlt(dlt).is_some();
            vec![
                Check {
                    name: "permission to capture",
                    ok: true,
                    detail: format!("opened {device} for capture"),
                    fix: String::new(),
                },
                Check {
                    name: "loopback link type",
                    ok: decoded,
                    detail: format!("{} ({dlt})", dlt_name(dlt)),
                    fix: if decoded { String::new() } else { format!("socklab decodes {SUPPORTED}") },
                },
            ]
        }
        Err(e @ Error::NeedsPrivilege { .. }) => vec![Check {
            name: "permission to capture",
            ok: false,
            detail: e.to_string().split(';').next().unwrap_or_default().to_string(),
            fix: PERMISSION_FIX.to_string(),
        }],
        Err(e) => vec![Check {
            name: "permission to capture",
            ok: false,
            detail: e.to_string(),
            fix: "check the interface with `ip link`".to_string(),
        }],
    }
}

/// Whether capture files can be created in `dir`.
fn dir_check(dir: &Path) -> Check {
    let name = "captures/ writable";
    let probe = dir.join(format!(".doctor-{}", std::process::id()));
    let tried = std::fs::create_dir_all(dir)
        .and_then(|_| std::fs::write(&probe, b""))
        .and_then(|_| std::fs::remove_file(&probe));
    let abs = std::env::current_dir().map(|d| d.join(dir)).unwrap_or_else(|_| dir.to_path_buf());
    match tried {
        Ok(()) => Check { name, ok: true, detail: abs.display().to_string(), fix: String::new() },
        Err(e) => Check {
            name,
            ok: false,
            detail: format!("{}: {e}", abs.display()),
            fix: "run from a directory you can write to, or pass --capture=FILE / -w FILE".to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sniff::capture::PERMISSION_FIX;

    #[test]
    fn a_failed_check_prints_its_command_whole_on_a_narrow_terminal() {
        let checks = [
            Check {
                name: "libpcap",
                ok: true,
                detail: "libpcap version 1.10.3 (with TPACKET_V3)".into(),
                fix: String::new(),
            },
            Check {
                name: "permission to capture",
                ok: false,
                detail: "this process may not capture (libpcap: socket: Operation not permitted)".into(),
                fix: PERMISSION_FIX.into(),
            },
        ];
        let text = report(&checks, &Settings { width: Some(80), wide: false, color: false });
        assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
        assert!(text.contains("\n    sudo setcap cap_net_raw,cap_net_admin=eip \"$(command -v socklab)\"\n"), "{text}");
        assert!(text.contains("✗ permission to capture: run socklab as root"), "{text}");
        assert!(!text.contains("Live capture works"), "{text}");
    }
}
