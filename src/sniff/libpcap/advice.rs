//! What to tell the user when capture cannot work, per operating system: pure
//! functions of the facts (which OS, is Npcap there, is it restricted to
//! Administrators, is this process elevated, are the BPF devices usable), so
//! every message is tested on any machine.
#![cfg_attr(not(windows), allow(dead_code))]

use super::Refusal;
use crate::error::Error;

/// Where Npcap is downloaded.
pub const NPCAP_URL: &str = "https://npcap.com";

/// The fix for a missing capture permission on Linux.
pub const LINUX_FIX: &str = "run socklab as root (sudo), or give it the capture capabilities once: \
     sudo setcap cap_net_raw,cap_net_admin=eip \"$(command -v socklab)\"";

/// The fix for a missing capture permission on macOS: the BPF devices.
pub const MACOS_FIX: &str = "let your user read and write the BPF devices /dev/bpf*: install Wireshark's \
     ChmodBPF launch daemon (\"Install ChmodBPF.pkg\" in Wireshark's disk image), which gives them to the \
     access_bpf group, join that group and log in again (or run socklab with sudo): \
     sudo dseditgroup -o edit -a \"$USER\" -t user access_bpf";

/// The fix for a missing capture permission on Windows: Npcap's admin-only mode.
pub const WINDOWS_FIX: &str = "run the terminal as Administrator (right-click it, \"Run as administrator\"), \
     or reinstall Npcap from https://npcap.com without \"Restrict Npcap driver's access to Administrators only\"";

/// The fix for a missing capture permission on other Unix systems.
pub const UNIX_FIX: &str = "run socklab as root (sudo), or give your user read and write access to /dev/bpf*";

/// Npcap's installer option that creates the loopback adapter.
pub const LOOPBACK_OPTION: &str = "Support loopback traffic (\"Npcap Loopback Adapter\" will be created)";

/// An operating system whose advice differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Os {
    /// Linux: capabilities.
    Linux,
    /// macOS: BPF devices.
    MacOs,
    /// Windows: Npcap.
    Windows,
    /// Another Unix (BSD…): BPF devices.
    OtherUnix,
}

impl Os {
    /// The system socklab was built for.
    pub const HERE: Os = if cfg!(target_os = "linux") {
        Os::Linux
    } else if cfg!(target_os = "macos") {
        Os::MacOs
    } else if cfg!(windows) {
        Os::Windows
    } else {
        Os::OtherUnix
    };
}

/// The fix for a missing capture permission on `os`.
pub const fn permission_fix(os: Os) -> &'static str {
    match os {
        Os::Linux => LINUX_FIX,
        Os::MacOs => MACOS_FIX,
        Os::Windows => WINDOWS_FIX,
        Os::OtherUnix => UNIX_FIX,
    }
}

/// Npcap's access facts on Windows (unknown elsewhere).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Access {
    /// Npcap's `AdminOnly` registry value is 1 (`None`: not found or unreadable).
    pub admin_only: Option<bool>,
    /// This process runs elevated (as Administrator).
    pub elevated: Option<bool>,
}

/// The fix for a refused open on Windows, given the access facts.
pub fn access_denied_fix(access: Access) -> String {
    match (access.admin_only, access.elevated) {
        (Some(true), Some(false)) | (Some(true), None) => format!(
            "Npcap was installed with \"Restrict Npcap driver's access to Administrators only\" and this \
             terminal is not elevated: {WINDOWS_FIX}"
        ),
        _ => WINDOWS_FIX.to_string(),
    }
}

/// The refusal as the user should hear it: on Windows, with Npcap restricted to
/// Administrators and this process not elevated, any refusal to open is that
/// restriction (Npcap's helper may fail otherwise than "access denied").
pub fn effective_refusal(kind: Refusal, access: Access) -> Refusal {
    match (kind, access.admin_only, access.elevated) {
        (Refusal::Other, Some(true), Some(false)) => Refusal::Permission,
        _ => kind,
    }
}

/// The error when Npcap's `wpcap.dll` is not there (or does not load).
pub fn npcap_missing(path: &str, reason: &str) -> Error {
    Error::NoAnswer {
        what: format!("live capture needs Npcap, which is not installed (cannot load {path}: {reason})"),
        hint: install_npcap(),
    }
}

/// How to install Npcap for socklab.
pub fn install_npcap() -> String {
    format!(
        "install it from {NPCAP_URL} and tick \"{LOOPBACK_OPTION}\" in its installer, then run socklab again \
         (files, servers and clients work without it)"
    )
}

/// The error for a capture filter (`-f`) on a file when the library that
/// compiles filters is missing.
pub fn filter_needs_npcap(expr: &str, path: &str, reason: &str) -> Error {
    Error::usage(format!(
        "capture filter '{expr}': capture filters are compiled by Npcap, which is not installed (cannot load \
         {path}: {reason}); {}; or use a display filter, which needs nothing, e.g. -Y \"udp.port == 53\"",
        install_npcap()
    ))
}

/// The hint when libpcap lists no loopback interface.
pub fn no_loopback_hint(os: Os) -> String {
    match os {
        Os::Windows => format!(
            "Npcap lists no loopback adapter ({}): reinstall Npcap from {NPCAP_URL} and tick \"{LOOPBACK_OPTION}\"",
            super::NPF_LOOPBACK
        ),
        Os::Linux => "libpcap lists none with the loopback flag; pass one with -i (see `ip link`)".to_string(),
        Os::MacOs | Os::OtherUnix => {
            "libpcap lists none with the loopback flag; pass one with -i (see `ifconfig`)".to_string()
        }
    }
}

/// The fix for a missing loopback interface, for `socklab doctor`.
pub fn loopback_fix(os: Os) -> String {
    match os {
        Os::Linux => "bring it up: sudo ip link set lo up".to_string(),
        Os::MacOs | Os::OtherUnix => "bring it up: sudo ifconfig lo0 up".to_string(),
        Os::Windows => format!("reinstall Npcap from {NPCAP_URL} and tick \"{LOOPBACK_OPTION}\""),
    }
}

/// Where to look at the interfaces, for an open that failed otherwise.
pub fn interface_hint(os: Os) -> &'static str {
    match os {
        Os::Linux => "check the interface with `ip link`",
        Os::MacOs | Os::OtherUnix => "check the interface with `ifconfig`",
        Os::Windows => "check that Npcap's driver runs (`sc query npcap`), or reinstall Npcap from https://npcap.com",
    }
}

/// `socklab doctor`'s admin-only check on Windows: (passes, what was found, fix).
pub fn admin_only_check(access: Access) -> (bool, String, String) {
    match (access.admin_only, access.elevated) {
        (Some(true), Some(true)) => (true, "on; this terminal runs as Administrator".into(), String::new()),
        (Some(true), _) => (false, "on (AdminOnly=1); this terminal is not elevated".into(), access_denied_fix(access)),
        (Some(false), _) => (true, "off: any user may capture".into(), String::new()),
        (None, Some(true)) => (true, "unknown (no AdminOnly value); running as Administrator".into(), String::new()),
        (None, _) => (true, "unknown (no AdminOnly value read)".into(), String::new()),
    }
}

/// `socklab doctor`'s BPF device check on macOS, from how many `/dev/bpf*`
/// devices exist and how many this user may read and write: (passes, what was
/// found, fix). libpcap opens the first free one, so all should be usable.
pub fn bpf_check(total: usize, usable: usize) -> (bool, String, String) {
    if total == 0 {
        return (false, "no /dev/bpf* device found".into(), "reboot; macOS creates /dev/bpf0 at boot".into());
    }
    if usable == total {
        return (true, format!("all {total} /dev/bpf* readable and writable"), String::new());
    }
    (false, format!("{usable} of {total} /dev/bpf* readable and writable by you"), MACOS_FIX.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_os_names_its_own_permission_fix() {
        assert!(permission_fix(Os::Linux).contains("setcap cap_net_raw,cap_net_admin=eip"));
        assert!(permission_fix(Os::MacOs).contains("ChmodBPF"));
        assert!(permission_fix(Os::MacOs).contains("access_bpf"));
        assert!(permission_fix(Os::Windows).contains("Administrator"));
        assert!(permission_fix(Os::Windows).contains("https://npcap.com"));
        assert_eq!(Os::HERE == Os::Linux, cfg!(target_os = "linux"));
    }

    #[test]
    fn admin_only_without_elevation_says_so() {
        let not = Access { admin_only: Some(true), elevated: Some(false) };
        assert!(access_denied_fix(not).contains("Administrators only\" and this terminal is not elevated"));
        let open = Access { admin_only: Some(false), elevated: Some(false) };
        assert_eq!(access_denied_fix(open), WINDOWS_FIX);
        assert!(!admin_only_check(not).0);
        assert!(admin_only_check(open).0);
        assert!(admin_only_check(Access { admin_only: Some(true), elevated: Some(true) }).0);
        assert!(admin_only_check(Access::default()).0, "unknown is no failure");
        assert_eq!(effective_refusal(Refusal::Other, not), Refusal::Permission);
        assert_eq!(effective_refusal(Refusal::Other, open), Refusal::Other);
        assert_eq!(effective_refusal(Refusal::NoDevice, not), Refusal::NoDevice);
        assert_eq!(effective_refusal(Refusal::Other, Access::default()), Refusal::Other);
    }

    #[test]
    fn missing_npcap_names_the_download_and_the_loopback_option() {
        let e = npcap_missing(r"C:\Windows\System32\Npcap\wpcap.dll", "not found").to_string();
        assert!(e.contains("needs Npcap"), "{e}");
        assert!(e.contains("https://npcap.com"), "{e}");
        assert!(e.contains("Support loopback traffic"), "{e}");
        let f = filter_needs_npcap("udp", "wpcap.dll", "not found").to_string();
        assert!(f.contains("-Y"), "{f}");
        assert!(no_loopback_hint(Os::Windows).contains(r"\Device\NPF_Loopback"));
        assert!(loopback_fix(Os::Windows).contains("Support loopback traffic"));
    }

    #[test]
    fn bpf_devices_all_usable_or_the_chmodbpf_fix() {
        assert!(bpf_check(4, 4).0);
        let (ok, detail, fix) = bpf_check(4, 0);
        assert!(!ok);
        assert_eq!(detail, "0 of 4 /dev/bpf* readable and writable by you");
        assert!(fix.contains("ChmodBPF"));
        assert!(!bpf_check(0, 0).0);
    }
}
