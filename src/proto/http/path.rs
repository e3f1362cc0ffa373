//! From a request target to a file path relative to the web root that cannot
//! climb out of it.
//!
//! The target is taken in origin-form (`/a/b?q`, RFC 9112 §3.2.1) or
//! absolute-form (`http://host/a/b`, §3.2.2; only its path is used). The query
//! and fragment are dropped, percent-escapes are decoded (RFC 3986 §2.1), and the
//! path is split into segments. Refused with an error (the server answers 400):
//! a malformed escape, an encoded `/` or `\` (`%2f`, `%5c`: a segment must never
//! turn into two after decoding), a backslash, a NUL byte (raw or `%00`), and any
//! `..` segment, however it was spelled (`..`, `%2e%2e`, `.%2E`). Empty and `.`
//! segments are dropped, so `//etc/passwd` names `etc/passwd` under the root.
//!
//! This is the lexical half of the defence. The server adds the other half: it
//! canonicalises the joined path (resolving symlinks) and serves it only if it
//! still lies under the canonical web root.

use std::ffi::OsStr;
use std::fmt;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

/// Why a request target cannot name a file under the web root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathError {
    /// Not `/…` nor `http://host/…` (e.g. `*`, `https://…`, `a/b`).
    NotAPath,
    /// `%` not followed by two hex digits, at this offset of the target.
    BadEscape {
        /// Offset of the `%`.
        offset: usize,
    },
    /// `%2f` or `%5c`: an encoded separator.
    EncodedSeparator {
        /// Offset of the `%`.
        offset: usize,
    },
    /// A raw backslash.
    Backslash {
        /// Offset of the `\`.
        offset: usize,
    },
    /// A NUL byte, raw or as `%00`.
    Nul {
        /// Offset of the NUL or of its `%`.
        offset: usize,
    },
    /// A `..` segment (after decoding).
    DotDot {
        /// Offset where the segment starts.
        offset: usize,
    },
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathError::NotAPath => write!(f, "the request target is not a path starting with /"),
            PathError::BadEscape { offset } => write!(f, "bad percent-escape at byte {offset} of the target"),
            PathError::EncodedSeparator { offset } => {
                write!(f, "encoded slash or backslash at byte {offset} of the target")
            }
            PathError::Backslash { offset } => write!(f, "backslash at byte {offset} of the target"),
            PathError::Nul { offset } => write!(f, "NUL byte at byte {offset} of the target"),
            PathError::DotDot { offset } => write!(f, "`..` segment at byte {offset} of the target"),
        }
    }
}

impl std::error::Error for PathError {}

/// A path under the web root: decoded segments, none empty, `.` or `..`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SafePath {
    /// The decoded segments, in order.
    pub segments: Vec<Vec<u8>>,
    /// True if the path ended in `/` (a directory was asked for).
    pub trailing_slash: bool,
}

impl SafePath {
    /// The relative file-system path (empty for the root itself).
    pub fn to_path(&self) -> PathBuf {
        self.segments.iter().map(|s| OsStr::from_bytes(s)).collect()
    }

    /// The URL path, re-encoded where needed, e.g. `/docs/` for a redirect.
    pub fn to_url_path(&self, trailing_slash: bool) -> String {
        let mut out = String::from("/");
        for (i, seg) in self.segments.iter().enumerate() {
            if i > 0 {
                out.push('/');
            }
            for &b in seg {
                if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) {
                    out.push(b as char);
                } else {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
        }
        if trailing_slash && !self.segments.is_empty() {
            out.push('/');
        }
        out
    }
}

/// The path part of a target: origin-form as is, absolute-form after its authority.
/// Returns the path and its offset in `target`.
pub fn path_of_target(target: &str) -> Result<(&str, usize), PathError> {
    let bytes = target.as_bytes();
    let start = if bytes.first() == Some(&b'/') {
        0
    } else if bytes.len() >= 7 && bytes[..7].eq_ignore_ascii_case(b"http://") {
        let after = 7;
        target[after..].find(['/', '?', '#']).map_or(target.len(), |i| after + i)
    } else {
        return Err(PathError::NotAPath);
    };
    let rest = &target[start..];
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    Ok((&rest[..end], start))
}

/// Turns a request target into a [`SafePath`], or says why it cannot be one.
pub fn sanitize(target: &str) -> Result<SafePath, PathError> {
    let (path, base) = path_of_target(target)?;
    let bytes = path.as_bytes();
    let mut segments = Vec::new();
    let mut seg: Vec<u8> = Vec::new();
    let mut seg_start = base;
    let mut i = 0;
    while i < bytes.len() {
        let at = base + i;
        let b = match bytes[i] {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).ok_or(PathError::BadEscape { offset: at })?;
                let v = decode_hex(hex).ok_or(PathError::BadEscape { offset: at })?;
                i += 3;
                match v {
                    b'/' | b'\\' => return Err(PathError::EncodedSeparator { offset: at }),
                    0 => return Err(PathError::Nul { offset: at }),
                    v => v,
                }
            }
            b'/' => {
                finish_segment(&mut segments, std::mem::take(&mut seg), seg_start)?;
                i += 1;
                seg_start = base + i;
                continue;
            }
            b'\\' => return Err(PathError::Backslash { offset: at }),
            0 => return Err(PathError::Nul { offset: at }),
            b => {
                i += 1;
                b
            }
        };
        seg.push(b);
    }
    let trailing_slash = bytes.ends_with(b"/");
    finish_segment(&mut segments, seg, seg_start)?;
    Ok(SafePath { segments, trailing_slash })
}

fn finish_segment(segments: &mut Vec<Vec<u8>>, seg: Vec<u8>, offset: usize) -> Result<(), PathError> {
    match seg.as_slice() {
        b"" | b"." => Ok(()),
        b".." => Err(PathError::DotDot { offset }),
        _ => {
            segments.push(seg);
            Ok(())
        }
    }
}

fn decode_hex(two: &[u8]) -> Option<u8> {
    let hi = (two[0] as char).to_digit(16)?;
    let lo = (two[1] as char).to_digit(16)?;
    Some((hi * 16 + lo) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(target: &str) -> Vec<String> {
        sanitize(target).unwrap().segments.iter().map(|s| String::from_utf8_lossy(s).into_owned()).collect()
    }

    #[test]
    fn plain_paths_split_into_segments() {
        assert_eq!(segs("/HelloWorld.html"), ["HelloWorld.html"]);
        assert_eq!(segs("/a/b/c.txt?x=1#frag"), ["a", "b", "c.txt"]);
        assert_eq!(segs("/"), Vec::<String>::new());
        assert_eq!(segs("/a%20b.html"), ["a b.html"]);
        assert_eq!(segs("//etc//passwd"), ["etc", "passwd"]);
        assert_eq!(segs("/./a/./b"), ["a", "b"]);
        assert_eq!(segs("/%2e/a"), ["a"]);
        assert_eq!(segs("http://example.com/x/y"), ["x", "y"]);
        assert_eq!(segs("HTTP://example.com"), Vec::<String>::new());
        assert_eq!(sanitize("/x/%C3%A9").unwrap().segments[1], "é".as_bytes());
    }

    #[test]
    fn trailing_slash_marks_a_directory() {
        assert!(sanitize("/docs/").unwrap().trailing_slash);
        assert!(!sanitize("/docs").unwrap().trailing_slash);
        assert!(sanitize("/").unwrap().trailing_slash);
        assert_eq!(sanitize("/docs").unwrap().to_url_path(true), "/docs/");
        assert_eq!(sanitize("/a%20b/%25").unwrap().to_url_path(false), "/a%20b/%25");
    }

    #[test]
    fn every_escape_attempt_is_refused() {
        let cases: &[(&str, PathError)] = &[
            ("/../etc/passwd", PathError::DotDot { offset: 1 }),
            ("/a/../../x", PathError::DotDot { offset: 3 }),
            ("/..", PathError::DotDot { offset: 1 }),
            ("/%2e%2e/x", PathError::DotDot { offset: 1 }),
            ("/.%2E/x", PathError::DotDot { offset: 1 }),
            ("/%2E./x", PathError::DotDot { offset: 1 }),
            ("/a/%2e%2e", PathError::DotDot { offset: 3 }),
            ("/..%2fetc", PathError::EncodedSeparator { offset: 3 }),
            ("/%2F/etc/passwd", PathError::EncodedSeparator { offset: 1 }),
            ("/a%5c..%5cx", PathError::EncodedSeparator { offset: 2 }),
            ("/..\\x", PathError::Backslash { offset: 3 }),
            ("/a\\b", PathError::Backslash { offset: 2 }),
            ("/a%00.html", PathError::Nul { offset: 2 }),
            ("/a\0b", PathError::Nul { offset: 2 }),
            ("/a%", PathError::BadEscape { offset: 2 }),
            ("/a%2", PathError::BadEscape { offset: 2 }),
            ("/a%zz", PathError::BadEscape { offset: 2 }),
            ("http://h/../x", PathError::DotDot { offset: 9 }),
            ("*", PathError::NotAPath),
            ("etc/passwd", PathError::NotAPath),
            ("https://h/x", PathError::NotAPath),
            ("", PathError::NotAPath),
        ];
        for (target, want) in cases {
            assert_eq!(sanitize(target).as_ref(), Err(want), "{target:?}");
        }
    }

    #[test]
    fn no_segment_ever_holds_a_separator_or_dot_dot() {
        // Every two-byte escape, in every position of a short path.
        for v in 0..=255u8 {
            for target in [format!("/%{v:02x}"), format!("/.%{v:02X}"), format!("/%{v:02x}./a")] {
                if let Ok(p) = sanitize(&target) {
                    for s in &p.segments {
                        assert!(!s.contains(&b'/') && !s.contains(&b'\\') && !s.contains(&0), "{target}");
                        assert!(s != b".." && s != b"." && !s.is_empty(), "{target}");
                    }
                }
            }
        }
    }
}
