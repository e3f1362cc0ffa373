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
//! On Windows a name that is harmless on Unix can still reach outside the file
//! asked for, so there a segment is also refused when it has a `:` (a drive
//! letter `C:` or an alternate data stream `a.txt:secret`), one of `<>"|?*` or a
//! control character, a trailing dot or space (Windows drops them: `a.txt.` opens
//! `a.txt`), a reserved device name in any case and with any extension (`CON`,
//! `nul.txt`, `COM1`, `LPT9`, `CONIN$`…), or bytes that are not UTF-8. Those
//! checks ([`windows_problem`]) are plain functions, tested on every platform;
//! only their use depends on it.
//!
//! This is the lexical half of the defence. The server adds the other half: it
//! canonicalises the joined path (resolving symlinks) and serves it only if it
//! still lies under the canonical web root.

use std::fmt;
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
    /// A segment Windows would read as something else than a plain file name
    /// (refused on Windows only).
    WindowsName {
        /// Offset where the segment starts.
        offset: usize,
        /// What is wrong with it.
        why: &'static str,
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
            PathError::WindowsName { offset, why } => {
                write!(f, "segment at byte {offset} of the target is not a safe Windows file name: {why}")
            }
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
    #[cfg(unix)]
    pub fn to_path(&self) -> PathBuf {
        use std::os::unix::ffi::OsStrExt;
        self.segments.iter().map(|s| std::ffi::OsStr::from_bytes(s)).collect()
    }

    /// The relative file-system path (empty for the root itself). On Windows
    /// [`sanitize`] has checked every segment is UTF-8 and a plain file name.
    #[cfg(not(unix))]
    pub fn to_path(&self) -> PathBuf {
        self.segments.iter().map(|s| String::from_utf8_lossy(s).into_owned()).collect()
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

/// Turns a request target into a [`SafePath`], or says why it cannot be one
/// (with the Windows file-name checks when built for Windows).
pub fn sanitize(target: &str) -> Result<SafePath, PathError> {
    sanitize_for(target, cfg!(windows))
}

/// [`sanitize`], with the Windows file-name checks when `windows`.
pub fn sanitize_for(target: &str, windows: bool) -> Result<SafePath, PathError> {
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
                finish_segment(&mut segments, std::mem::take(&mut seg), seg_start, windows)?;
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
    finish_segment(&mut segments, seg, seg_start, windows)?;
    Ok(SafePath { segments, trailing_slash })
}

fn finish_segment(segments: &mut Vec<Vec<u8>>, seg: Vec<u8>, offset: usize, windows: bool) -> Result<(), PathError> {
    match seg.as_slice() {
        b"" | b"." => Ok(()),
        b".." => Err(PathError::DotDot { offset }),
        s if windows => match windows_problem(s) {
            Some(why) => Err(PathError::WindowsName { offset, why }),
            None => {
                segments.push(seg);
                Ok(())
            }
        },
        _ => {
            segments.push(seg);
            Ok(())
        }
    }
}

/// Windows' reserved device names: a file name whose base (before the first
/// dot, trailing spaces dropped) is one of them opens the device, in any directory.
const RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$", "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6",
    "COM7", "COM8", "COM9", "COM¹", "COM²", "COM³", "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7",
    "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³",
];

/// Characters Windows does not allow in a file name (`:` also names a drive or
/// an alternate data stream; `?` and `*` are wildcards).
const FORBIDDEN: &[u8] = b"<>:\"|?*\\/";

/// Why a decoded path segment is not a plain Windows file name, if it is not.
pub fn windows_problem(seg: &[u8]) -> Option<&'static str> {
    let Ok(name) = std::str::from_utf8(seg) else {
        return Some("it is not UTF-8");
    };
    if seg.contains(&b':') {
        return Some("a colon names a drive or an alternate data stream");
    }
    if seg.iter().any(|b| FORBIDDEN.contains(b)) {
        return Some("it has a character Windows forbids in file names (<>\"|?*)");
    }
    if seg.iter().any(|&b| b < 0x20 || b == 0x7f) {
        return Some("it has a control character");
    }
    if name.ends_with(['.', ' ']) {
        return Some("Windows drops a trailing dot or space, so it would open another file");
    }
    let base = name.split('.').next().unwrap_or(name).trim_end_matches(' ');
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(base)) {
        return Some("it is a reserved device name (CON, NUL, AUX, PRN, COM1…, LPT1…)");
    }
    None
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
    fn windows_refuses_names_that_are_not_plain_files() {
        let refused: &[&[u8]] = &[
            b"C:",
            b"c:",
            b"a.txt:secret",
            b"a.txt::$DATA",
            b"CON",
            b"con",
            b"nul.txt",
            b"Aux.html.gz",
            b"COM1",
            b"lpt9.log",
            b"CON .txt",
            b"CONIN$",
            b"conout$",
            "COM\u{b9}".as_bytes(),
            b"index.html.",
            b"index.html ",
            b"...",
            b"a<b",
            b"a>b",
            b"a\"b",
            b"a|b",
            b"a?b",
            b"a*b",
            b"a\x01b",
            b"a\x1fb",
            b"\xff\xfe",
            b"a\\b",
        ];
        for seg in refused {
            assert!(windows_problem(seg).is_some(), "{:?}", String::from_utf8_lossy(seg));
        }
        let allowed: &[&[u8]] =
            &[b"index.html", b"console.txt", b"nullable", b"COM10", b"lpt", b"a b.txt", b".hidden", b"caf\xc3\xa9"];
        for seg in allowed {
            assert_eq!(windows_problem(seg), None, "{:?}", String::from_utf8_lossy(seg));
        }
    }

    #[test]
    fn windows_checks_apply_to_decoded_segments_only_when_asked() {
        let cases: &[(&str, PathError)] = &[
            ("/C:/Windows/win.ini", PathError::WindowsName { offset: 1, why: "" }),
            ("/C%3A/x", PathError::WindowsName { offset: 1, why: "" }),
            ("/a/file.txt%3A%3A%24DATA", PathError::WindowsName { offset: 3, why: "" }),
            ("/docs/nul", PathError::WindowsName { offset: 6, why: "" }),
            ("/docs/CON.html", PathError::WindowsName { offset: 6, why: "" }),
            ("/secret.txt%2e", PathError::WindowsName { offset: 1, why: "" }),
            ("/secret.txt%20", PathError::WindowsName { offset: 1, why: "" }),
            ("/%ff", PathError::WindowsName { offset: 1, why: "" }),
        ];
        for (target, want) in cases {
            let got = sanitize_for(target, true);
            match (&got, want) {
                (Err(PathError::WindowsName { offset, .. }), PathError::WindowsName { offset: o, .. }) => {
                    assert_eq!(offset, o, "{target}")
                }
                _ => panic!("{target}: {got:?}"),
            }
            assert!(sanitize_for(target, false).is_ok(), "{target} is a plain name on Unix");
        }
        assert_eq!(sanitize_for("/..\\x", true), Err(PathError::Backslash { offset: 3 }));
        assert_eq!(sanitize_for("/%2e%2e/x", true), Err(PathError::DotDot { offset: 1 }));
        assert_eq!(sanitize_for("/docs/index.html", true).unwrap().to_path(), PathBuf::from("docs").join("index.html"));
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
