//! `socklab doctor`: can live capture work here? Checks libpcap (Npcap on
//! Windows, and its version), the loopback interface and its link type, the
//! permission to capture (on macOS the BPF devices' permissions, on Windows
//! Npcap's admin-only mode against this terminal's elevation), and whether the
//! `captures/` directory is writable; prints a table of ✓/✗ with the fix for each
//! problem. Exit status 0 when capture will work, 1 otherwise.

use crate::config::Settings;
use crate::error::{Error, Result};
use crate::sniff::capture::{loopback_device, permission_fix_here, LiveCapture};
use crate::sniff::dissect::link::{dlt_name, LinkType, SUPPORTED};
use crate::sniff::libpcap::advice::{self, Os};
use crate::sniff::libpcap::{self as lib, PcapError};
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

/// The capture library's name in the table.
const LIBRARY: &str = if cfg!(windows) { "Npcap" } else { "libpcap" };
/// The loopback check's name in the table.
const LOOPBACK: &str = if cfg!(windows) { "loopback adapter" } else { "loopback interface" };
/// The permission check's name in the table.
const PERMISSION: &str = "permission to capture";

/// Every check, in order; later ones are skipped (failed) when an earlier one they need failed.
fn checks() -> Vec<Check> {
    let mut out = vec![library_check()];
    if !out[0].ok {
        out.push(Check { name: PERMISSION, ok: false, detail: format!("not tried: no {LIBRARY}"), fix: String::new() });
        out.push(dir_check(Path::new(CAPTURE_DIR)));
        return out;
    }
    let lo = loopback_device();
    out.push(match &lo {
        Ok(name) => Check { name: LOOPBACK, ok: true, detail: name.clone(), fix: String::new() },
        Err(e) => Check { name: LOOPBACK, ok: false, detail: e.to_string(), fix: advice::loopback_fix(Os::HERE) },
    });
    out.extend(access_checks());
    match lo {
        Ok(name) => out.extend(open_checks(&name)),
        Err(_) => out.push(Check {
            name: PERMISSION,
            ok: false,
            detail: "not tried: no loopback interface".to_string(),
            fix: String::new(),
        }),
    }
    out.push(dir_check(Path::new(CAPTURE_DIR)));
    out
}

/// Whether the capture library is there, and its version.
fn library_check() -> Check {
    match lib::lib_version() {
        Ok(v) => Check { name: LIBRARY, ok: true, detail: v, fix: String::new() },
        Err(PcapError::Missing { path, reason }) => Check {
            name: LIBRARY,
            ok: false,
            detail: format!("not installed (cannot load {path}: {reason})"),
            fix: advice::install_npcap(),
        },
        Err(e) => Check { name: LIBRARY, ok: false, detail: e.message(), fix: advice::interface_hint(Os::HERE).into() },
    }
}

/// The system's own access checks: the BPF devices on macOS, Npcap's
/// admin-only mode on Windows; none elsewhere.
fn access_checks() -> Vec<Check> {
    #[cfg(target_os = "macos")]
    {
        let (total, usable) = bpf_devices();
        let (ok, detail, fix) = advice::bpf_check(total, usable);
        vec![Check { name: "BPF devices", ok, detail, fix }]
    }
    #[cfg(windows)]
    {
        let (ok, detail, fix) = advice::admin_only_check(lib::access());
        vec![Check { name: "admin-only mode", ok, detail, fix }]
    }
    #[cfg(not(any(target_os = "macos", windows)))]
    {
        Vec::new()
    }
}

/// How many `/dev/bpf*` devices there are, and how many this user may read and write.
#[cfg(target_os = "macos")]
fn bpf_devices() -> (usize, usize) {
    use std::os::unix::ffi::OsStrExt;
    let Ok(entries) = std::fs::read_dir("/dev") else { return (0, 0) };
    let mut total = 0;
    let mut usable = 0;
    for e in entries.flatten() {
        let name = e.file_name();
        let b = name.as_bytes();
        if !(b.starts_with(b"bpf") && b.len() > 3 && b[3..].iter().all(u8::is_ascii_digit)) {
            continue;
        }
        total += 1;
        let Ok(path) = std::ffi::CString::new(e.path().as_os_str().as_bytes()) else { continue };
        // SAFETY: a NUL-terminated path; access(2) only reads it.
        if unsafe { libc::access(path.as_ptr(), libc::R_OK | libc::W_OK) } == 0 {
            usable += 1;
        }
    }
    (total, usable)
}

/// Opening the interface: the permission, then its link type.
fn open_checks(device: &str) -> Vec<Check> {
    match LiveCapture::open(device, None) {
        Ok(cap) => {
            let dlt = cap.datalink();
            let decoded = LinkType::from_dlt(dlt).is_some();
            vec![
                Check {
                    name: PERMISSION,
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
            name: PERMISSION,
            ok: false,
            detail: e.to_string().split(';').next().unwrap_or_default().to_string(),
            fix: permission_fix_here(),
        }],
        Err(e) => vec![Check {
            name: PERMISSION,
            ok: false,
            detail: e.to_string(),
            fix: advice::interface_hint(Os::HERE).to_string(),
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
    use crate::sniff::libpcap::advice::{LINUX_FIX, MACOS_FIX, WINDOWS_FIX};

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
                fix: LINUX_FIX.into(),
            },
        ];
        let text = report(&checks, &Settings { width: Some(80), wide: false, color: false });
        assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
        assert!(text.contains("\n    sudo setcap cap_net_raw,cap_net_admin=eip \"$(command -v socklab)\"\n"), "{text}");
        assert!(text.contains("✗ permission to capture: run socklab as root"), "{text}");
        assert!(!text.contains("Live capture works"), "{text}");
    }

    /// Each system's fix reads whole: macOS's group command on a line of its
    /// own, Windows' advice (no command) as wrapped prose.
    #[test]
    fn the_macos_and_windows_fixes_print_whole() {
        let check = |fix: &str| Check { name: PERMISSION, ok: false, detail: "refused".into(), fix: fix.into() };
        let settings = Settings { width: Some(80), wide: false, color: false };
        let mac = report(&[check(MACOS_FIX)], &settings);
        assert!(mac.contains("\n    sudo dseditgroup -o edit -a \"$USER\" -t user access_bpf\n"), "{mac}");
        assert!(mac.contains("ChmodBPF"), "{mac}");
        let win = report(&[check(WINDOWS_FIX)], &settings);
        assert!(win.lines().all(|l| l.chars().count() <= 80), "{win}");
        assert!(win.replace('\n', " ").contains("run the terminal as Administrator"), "{win}");
    }
}
