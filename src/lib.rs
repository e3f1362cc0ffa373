//! socklab: the socket-programming labs' servers and clients on plain `std::net`
//! sockets, and a sniffer that explains their traffic the way Wireshark does.
//!
//! Layout (see DESIGN.md): [`proto`] holds sans-I/O codecs, [`net`] the servers and
//! clients around them, [`sniff`] the capture pipeline; [`cli`] declares the
//! command line and [`table`] renders tables for the terminal and lab reports;
//! [`teach`] holds the experiments' and `explain`'s text, [`cmd`] runs them.

pub mod cli;
pub mod cmd;
pub mod config;
pub mod demo;
pub mod dns_view;
pub mod doctor;
pub mod error;
pub mod fuzzing;
pub mod net;
pub mod proto;
pub mod sniff;
pub mod table;
pub mod teach;
pub mod wrap;

pub use error::{Error, Result};

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    /// The library's folders and files that must not see the command line: clap
    /// and `crate::cli` stay at the edge ([`crate::cmd`], [`crate::config`]).
    const LIBRARY: [&str; 10] = [
        "src/net",
        "src/proto",
        "src/sniff",
        "src/dns_view",
        "src/teach",
        "src/table.rs",
        "src/wrap.rs",
        "src/error.rs",
        "src/demo.rs",
        "src/doctor.rs",
    ];
    /// What a file that depends on the command line contains.
    const EDGE_ONLY: [&str; 3] = ["use clap", "clap::", "crate::cli"];

    /// Every `.rs` file at or under `path`.
    fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
        if path.is_file() {
            if path.extension().is_some_and(|e| e == "rs") {
                out.push(path.to_path_buf());
            }
            return;
        }
        let entries = std::fs::read_dir(path).unwrap_or_else(|e| panic!("cannot list {}: {e}", path.display()));
        for entry in entries {
            rust_files(&entry.expect("a directory entry").path(), out);
        }
    }

    #[test]
    fn library_code_takes_no_command_line_types() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in LIBRARY {
            rust_files(&root.join(dir), &mut files);
        }
        assert!(files.len() > 50, "found only {} files under {LIBRARY:?}", files.len());
        let mut offending = Vec::new();
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
            for (n, line) in text.lines().enumerate() {
                if EDGE_ONLY.iter().any(|p| line.contains(p)) {
                    offending.push(format!(
                        "{}:{}: {}",
                        file.strip_prefix(root).unwrap_or(file).display(),
                        n + 1,
                        line.trim()
                    ));
                }
            }
        }
        assert!(
            offending.is_empty(),
            "library code uses the command line; take plain settings and convert in src/cmd:\n{}",
            offending.join("\n")
        );
    }
}
