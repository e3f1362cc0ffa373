//! `socklab report FILE`: writes the page [`crate::sniff::report::html`]
//! builds from the capture ([`page_data`]) to one HTML file.

use crate::cli::ReportArgs;
use crate::error::Error;
use crate::sniff::report::html::{self, build::page_data};
use serde_json::Value as Json;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Capture-file extensions dropped from the page's default name.
const CAPTURE_EXTENSIONS: [&str; 3] = ["pcap", "pcapng", "cap"];

/// Runs `socklab report`.
pub fn run(a: &ReportArgs) -> crate::Result<()> {
    let data = page_data(&a.file, a.bpf.as_deref(), a.display_filter.as_deref(), a.stream)?;
    let name = a.file.display().to_string();
    let path = a.output.clone().unwrap_or_else(|| default_output(&a.file));
    write(&path, &format!("socklab report: {name}"), &data)?;
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    println!("{}: {size} bytes; open it in a browser (file://{})", path.display(), absolute(&path).display());
    Ok(())
}

/// Writes the page to `path`.
fn write(path: &Path, title: &str, data: &Json) -> crate::Result<()> {
    let cannot = |e: std::io::Error| Error::File {
        path: path.display().to_string(),
        reason: format!("cannot write the page: {e}; check the directory exists and is writable, or give -o FILE"),
    };
    let mut out = BufWriter::new(File::create(path).map_err(cannot)?);
    html::write_page(&mut out, title, data).and_then(|()| out.flush()).map_err(cannot)
}

/// The default page name: the capture's name without its capture extensions
/// (and `.gz`), with `.html`, in the current directory.
fn default_output(file: &Path) -> PathBuf {
    let mut name = file.file_name().map_or_else(|| "capture".to_string(), |n| n.to_string_lossy().into_owned());
    if let Some(stem) = name.strip_suffix(".gz") {
        name = stem.to_string();
    }
    if let Some((stem, ext)) = name.rsplit_once('.') {
        if CAPTURE_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()) && !stem.is_empty() {
            name = stem.to_string();
        }
    }
    PathBuf::from(format!("{name}.html"))
}

/// `path` made absolute (for the `file://` address printed).
fn absolute(path: &Path) -> PathBuf {
    std::env::current_dir().map_or_else(|_| path.to_path_buf(), |d| d.join(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_name_drops_capture_extensions() {
        assert_eq!(default_output(Path::new("captures/tcp-echo.pcap")), PathBuf::from("tcp-echo.html"));
        assert_eq!(default_output(Path::new("/x/a.pcapng.gz")), PathBuf::from("a.html"));
        assert_eq!(default_output(Path::new("trace")), PathBuf::from("trace.html"));
        assert_eq!(default_output(Path::new("a.b.txt")), PathBuf::from("a.b.txt.html"));
    }
}
