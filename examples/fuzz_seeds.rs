//! Seeds for the fuzz targets from real captures (run by scripts/fuzz-seeds.sh):
//! for the `pipeline` target, the first frames of each capture with its link type
//! byte (the input format of `socklab::fuzzing`); for the `capture_file` target,
//! the file's first bytes. Each seed is cut to a size limit.
//!
//! `cargo run --example fuzz_seeds -- OUT_DIR CAPTURE...`
//! writes OUT_DIR/pipeline/NAME.bin and OUT_DIR/capture_file/NAME.bin.

use socklab::fuzzing::{encode_frames, MAX_FRAMES};
use socklab::sniff::dissect::link::LinkType;
use socklab::sniff::file::offline::OfflineCapture;
use std::path::{Path, PathBuf};

/// Frames taken from each capture (well under the target's limit of 64).
const FRAMES: usize = 12;
/// Largest pipeline seed, in bytes.
const MAX_PIPELINE_SEED: usize = 8 * 1024;
/// Largest capture-file seed, in bytes.
const MAX_FILE_SEED: usize = 16 * 1024;

/// A pipeline seed of `path`'s first frames (those on the first frame's link
/// type, in a pcapng file of several), or why there is none.
fn pipeline_seed(path: &Path) -> Result<Vec<u8>, String> {
    let mut cap = OfflineCapture::open(path, None).map_err(|e| e.to_string())?;
    let file_link = LinkType::of_dlt(cap.datalink().ok_or("no interface in the file")?);
    let (mut link, mut frames) = (None, Vec::new());
    while frames.len() < FRAMES.min(MAX_FRAMES) {
        match cap.next_frame() {
            Ok(Some(f)) => {
                let l = f.link(file_link);
                if *link.get_or_insert(l) == l {
                    frames.push(f.data.to_vec());
                }
            }
            Ok(None) | Err(_) => break,
        }
    }
    let link = link.unwrap_or(file_link);
    let mut seed = encode_frames(link, frames.iter().map(Vec::as_slice));
    seed.truncate(MAX_PIPELINE_SEED);
    Ok(seed)
}

/// A file name for `path`'s seed: its path after the corpus directory, with
/// separators replaced (and no leading dot).
fn seed_name(path: &Path) -> String {
    let text = path.to_string_lossy();
    let text = text.rsplit_once("corpus/").map_or(&*text, |(_, rest)| rest);
    let name: String =
        text.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' }).collect();
    format!("{}.bin", name.trim_start_matches(['.', '_']))
}

fn main() {
    let mut args = std::env::args_os().skip(1);
    let Some(out) = args.next().map(PathBuf::from) else {
        eprintln!("usage: cargo run --example fuzz_seeds -- OUT_DIR CAPTURE...");
        std::process::exit(2);
    };
    let (pipeline_dir, file_dir) = (out.join("pipeline"), out.join("capture_file"));
    for d in [&pipeline_dir, &file_dir] {
        std::fs::create_dir_all(d).unwrap_or_else(|e| panic!("cannot create {}: {e}", d.display()));
    }
    let (mut pipeline, mut files) = (0, 0);
    for path in args.map(PathBuf::from) {
        let name = seed_name(&path);
        match pipeline_seed(&path) {
            Ok(seed) => {
                std::fs::write(pipeline_dir.join(&name), seed).expect("write a pipeline seed");
                pipeline += 1;
            }
            Err(e) => eprintln!("fuzz_seeds: no pipeline seed from {}: {e}", path.display()),
        }
        match std::fs::read(&path) {
            Ok(mut bytes) => {
                bytes.truncate(MAX_FILE_SEED);
                std::fs::write(file_dir.join(&name), bytes).expect("write a capture-file seed");
                files += 1;
            }
            Err(e) => eprintln!("fuzz_seeds: cannot read {}: {e}", path.display()),
        }
    }
    println!("fuzz_seeds: {pipeline} pipeline seeds, {files} capture-file seeds in {}", out.display());
}
