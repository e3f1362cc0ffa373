//! `socklab doctor`: can live capture work here? Checks libpcap, the loopback
//! interface and its link type, the permission to capture, and whether the
//! `captures/` directory is writable; prints a table of ✓/✗ with the fix for each
//! problem. Exit status 0 when capture will work, 1 otherwise.

use crate::cli::DoctorArgs;
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::sniff::capture::{lib_version, loopback_device, LiveCapture, PERMISSION_FIX};
use crate::sniff::link::{dlt_name, LinkType, SUPPORTED};
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

/// Runs the checks and prints the table.
pub fn run(a: &DoctorArgs) -> Result<()> {
    let settings = Settings::from_args(&a.fit, a.color);
    let checks = checks();
    let text = table(&checks).render_with(Format::Table, &settings);
    print!("{}", if settings.color { ansi::marks(&text) } else { text });
    let failed = checks.iter().filter(|c| !c.ok).count();
    if failed == 0 {
        let done = "Live capture works: try `socklab sniff`, `socklab tcp server --capture` or `socklab demo`.";
        println!("{}", crate::table::wrap_prose(done, settings.width));
        return Ok(());
    }
    Err(Error::NoAnswer {
        what: format!("live capture will not work here ({failed} of {} checks failed)", checks.len()),
        hint: "apply the fixes in the table, then run `socklab doctor` again".to_string(),
    })
}

/// The table of the checks: the found and fix texts wrap on a narrow terminal.
fn table(checks: &[Check]) -> Table {
    let mut t = Table::with_cols([
        ("Check", Col::wrap(10)),
        ("", Col::default()),
        ("Found", Col::wrap(16)),
        ("Fix", Col::wrap(16)),
    ]);
    for c in checks {
        t.row([c.name.to_string(), if c.ok { "✓" } else { "✗" }.to_string(), c.detail.clone(), c.fix.clone()]);
    }
    t
}

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
