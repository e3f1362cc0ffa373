//! Finding the file a request names, safely, and keeping small files in memory.
//!
//! Resolution: the lexically safe path from [`crate::proto::http::path`] is
//! joined to the canonical web root and canonicalised (symlinks resolved); the
//! result is served only if it still starts with the root. A directory serves
//! its `index.html` (checked the same way); one named without a trailing slash
//! is redirected to the slashed form so relative links inside it work. After
//! opening, the file's real path is checked again (Linux: `/proc/self/fd/N`,
//! macOS: `fcntl(F_GETPATH)`, Windows: `GetFinalPathNameByHandleW`), so a
//! symlink swapped in between the check and the open cannot leak a file.
//!
//! Each worker keeps its own cache (no locks on the hot path) from request path
//! to [`Entry`]: the canonical path, the identity of the file (on unix device,
//! inode, size, modification time; elsewhere size, modification and creation
//! time), its precomputed header fields, and for files up to [`SMALL_FILE`]
//! bytes the contents. Every hit is revalidated with one `stat` of the
//! canonical path: a changed identity (the file edited, replaced or removed)
//! resolves the request again from scratch.

use crate::proto::http::path::SafePath;
use crate::proto::http::{date, mime, response};
use std::collections::HashMap;
use std::fs::{self, File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::SystemTime;

/// Files up to this size are kept in memory and sent with their headers in one write.
pub const SMALL_FILE: u64 = 256 * 1024;
/// Most entries one worker's cache holds before it starts over.
const MAX_ENTRIES: usize = 1024;
/// The name served for a directory.
pub const INDEX: &str = "index.html";

/// What identifies a version of a file: if any of it changes, the cache is stale.
#[cfg(unix)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileId {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: i64,
    mtime_nsec: i64,
}

#[cfg(unix)]
impl FileId {
    fn of(m: &Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt;
        FileId { dev: m.dev(), ino: m.ino(), size: m.size(), mtime: m.mtime(), mtime_nsec: m.mtime_nsec() }
    }

    /// The same file (inode), whatever happened to its contents.
    fn same_file(&self, other: &FileId) -> bool {
        self.dev == other.dev && self.ino == other.ino
    }
}

/// What identifies a version of a file: if any of it changes, the cache is
/// stale. Without inode numbers (the file index of Windows is not in stable
/// std), the times and size stand in for them.
#[cfg(not(unix))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileId {
    size: u64,
    modified: Option<SystemTime>,
    created: Option<SystemTime>,
}

#[cfg(not(unix))]
impl FileId {
    fn of(m: &Metadata) -> FileId {
        FileId { size: m.len(), modified: m.modified().ok(), created: m.created().ok() }
    }

    /// The same file, as far as its times and size tell: a file replaced or
    /// changed since it was resolved is not (stricter than an inode match:
    /// such a request is answered 404 and the next one resolves afresh).
    fn same_file(&self, other: &FileId) -> bool {
        self == other
    }
}

/// A resolved file, ready to serve.
#[derive(Debug)]
pub struct Entry {
    /// The canonical path under the web root.
    pub path: PathBuf,
    /// Identity when resolved.
    pub id: FileId,
    /// Size in bytes.
    pub len: u64,
    /// Modification time (for If-Modified-Since).
    pub modified: SystemTime,
    /// `Last-Modified`, `Content-Type` and `Content-Length` lines, precomputed.
    pub fields: Vec<u8>,
    /// The contents, for files up to [`SMALL_FILE`] bytes.
    pub body: Option<Vec<u8>>,
}

impl Entry {
    /// Opens the file for streaming, checking it is still the resolved inode.
    pub fn open(&self) -> Option<File> {
        let file = open_nonblocking(&self.path)?;
        let id = FileId::of(&file.metadata().ok()?);
        id.same_file(&self.id).then_some(file)
    }
}

/// The outcome of looking a request path up.
#[derive(Debug)]
pub enum Lookup {
    /// A regular file under the root.
    File(Rc<Entry>),
    /// A directory asked for without its trailing slash: redirect here.
    Redirect(String),
    /// Nothing servable; the reason is for the server's log only.
    NotFound(&'static str),
}

/// One worker's view of the web root with its cache.
pub struct Files {
    root: PathBuf,
    /// The root as [`real_path`] names it (see [`real_root`]).
    real_root: PathBuf,
    entries: HashMap<Box<[u8]>, Rc<Entry>>,
    cached_bytes: usize,
    budget: usize,
}

impl Files {
    /// A cache over the canonical `root`, holding at most `budget` bytes of contents.
    pub fn new(root: PathBuf, budget: usize) -> Files {
        let real_root = real_root(&root);
        Files { root, real_root, entries: HashMap::new(), cached_bytes: 0, budget }
    }

    /// The cached entry for a raw request path, if it is still current. A key is
    /// only ever cached after its path passed sanitising and resolution.
    pub fn cached(&mut self, key: &[u8]) -> Option<Rc<Entry>> {
        let entry = self.entries.get(key)?;
        if fs::metadata(&entry.path).is_ok_and(|m| FileId::of(&m) == entry.id) {
            return Some(Rc::clone(entry));
        }
        self.forget(key);
        None
    }

    /// Looks up the file for a request path: the cache, else the file system.
    /// `key` is the raw path of the target (the cache key), `safe` its sanitised form.
    pub fn lookup(&mut self, key: &[u8], safe: &SafePath) -> Lookup {
        if let Some(entry) = self.cached(key) {
            return Lookup::File(entry);
        }
        let found = resolve(&self.root, &self.real_root, safe);
        if let Lookup::File(entry) = &found {
            self.remember(key, Rc::clone(entry));
        }
        found
    }

    fn forget(&mut self, key: &[u8]) {
        if let Some(old) = self.entries.remove(key) {
            self.cached_bytes -= old.body.as_ref().map_or(0, Vec::len);
        }
    }

    fn remember(&mut self, key: &[u8], entry: Rc<Entry>) {
        let size = entry.body.as_ref().map_or(0, Vec::len);
        if self.entries.len() >= MAX_ENTRIES || self.cached_bytes + size > self.budget {
            self.entries.clear();
            self.cached_bytes = 0;
        }
        self.cached_bytes += size;
        self.entries.insert(key.into(), entry);
    }
}

/// Resolves a safe path under the canonical `root` without the cache;
/// `real_root` is the root as the system names the paths of open files (on
/// macOS it can differ from `root`; elsewhere it is `root`).
pub fn resolve(root: &Path, real_root: &Path, safe: &SafePath) -> Lookup {
    let Ok(canon) = fs::canonicalize(root.join(safe.to_path())) else { return Lookup::NotFound("no such file") };
    if !canon.starts_with(root) {
        return Lookup::NotFound("resolves outside the web root");
    }
    let Ok(meta) = fs::metadata(&canon) else { return Lookup::NotFound("no such file") };
    if meta.is_dir() {
        if !safe.trailing_slash && !safe.segments.is_empty() {
            return Lookup::Redirect(safe.to_url_path(true));
        }
        let Ok(index) = fs::canonicalize(canon.join(INDEX)) else {
            return Lookup::NotFound("directory without index.html");
        };
        if !index.starts_with(root) {
            return Lookup::NotFound("index.html resolves outside the web root");
        }
        return load(real_root, index);
    }
    load(real_root, canon)
}

/// Opens and describes a regular file (reading it if small), if its real path
/// is still under `real_root`.
fn load(real_root: &Path, path: PathBuf) -> Lookup {
    let Some(mut file) = open_nonblocking(&path) else { return Lookup::NotFound("cannot open the file") };
    if !really_under(&file, real_root) {
        return Lookup::NotFound("resolves outside the web root");
    }
    let Ok(meta) = file.metadata() else { return Lookup::NotFound("cannot read the file's metadata") };
    if !meta.is_file() {
        return Lookup::NotFound("not a regular file");
    }
    let len = meta.len();
    let body = if len <= SMALL_FILE {
        let mut buf = Vec::with_capacity(len as usize);
        match file.by_ref().take(SMALL_FILE + 1).read_to_end(&mut buf) {
            Ok(n) if n as u64 == len => Some(buf),
            _ => return Lookup::NotFound("the file changed while being read"),
        }
    } else {
        None
    };
    let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
    let name = path.file_name().map(|n| n.as_encoded_bytes()).unwrap_or_default();
    let mut fields = Vec::with_capacity(160);
    response::write_header(&mut fields, "Last-Modified", date::format(modified).as_bytes());
    response::write_header(&mut fields, "Content-Type", mime::content_type(name).as_bytes());
    response::write_header_u64(&mut fields, "Content-Length", len);
    Lookup::File(Rc::new(Entry { path, id: FileId::of(&meta), len, modified, fields, body }))
}

/// Opens read-only without blocking on FIFOs and without inheriting across exec.
#[cfg(unix)]
fn open_nonblocking(path: &Path) -> Option<File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC).open(path).ok()
}

/// Opens read-only (std already keeps the handle from child processes; there
/// are no FIFOs to block on among the files a path can name).
#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> Option<File> {
    File::open(path).ok()
}

/// The canonical web root as [`real_path`] names it. On macOS that is the
/// root directory's own F_GETPATH, which can differ from realpath(3)'s answer
/// (a firmlinked /System/Volumes/Data prefix, the letter case a name was first
/// looked up with), so files are compared with a root named the same way.
/// Elsewhere the canonical root itself (Linux's /proc and Windows's final path
/// name agree with `fs::canonicalize`, which is built on the same calls).
fn real_root(root: &Path) -> PathBuf {
    #[cfg(target_vendor = "apple")]
    if let Some(real) = File::open(root).ok().and_then(|dir| real_path(&dir)) {
        return real;
    }
    root.to_path_buf()
}

/// True if the open file's real path lies under `real_root` (where the system tells).
fn really_under(file: &File, real_root: &Path) -> bool {
    match real_path(file) {
        Some(real) => real.starts_with(real_root),
        // Where the system cannot tell, the canonicalise check before the open has to do.
        None => true,
    }
}

/// The real path of an open file, from /proc.
#[cfg(target_os = "linux")]
fn real_path(file: &File) -> Option<PathBuf> {
    use std::os::fd::AsRawFd;
    fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd())).ok()
}

/// The real path of an open file, from fcntl(F_GETPATH).
#[cfg(target_vendor = "apple")]
fn real_path(file: &File) -> Option<PathBuf> {
    use std::ffi::OsStr;
    use std::os::fd::AsRawFd;
    use std::os::unix::ffi::OsStrExt;
    let mut buf = vec![0u8; libc::PATH_MAX as usize];
    // SAFETY: F_GETPATH writes a NUL-terminated path of at most PATH_MAX bytes into buf.
    if unsafe { libc::fcntl(file.as_raw_fd(), libc::F_GETPATH, buf.as_mut_ptr()) } == -1 {
        return None;
    }
    let len = buf.iter().position(|&b| b == 0)?;
    Some(PathBuf::from(OsStr::from_bytes(&buf[..len])))
}

/// The real path of an open file, from GetFinalPathNameByHandleW: the same
/// `\\?\C:\…` form `fs::canonicalize` gives the root.
#[cfg(windows)]
fn real_path(file: &File) -> Option<PathBuf> {
    use std::ffi::OsString;
    use std::os::windows::ffi::OsStringExt;
    use std::os::windows::io::AsRawHandle;
    use windows_sys::Win32::Storage::FileSystem::{GetFinalPathNameByHandleW, FILE_NAME_NORMALIZED, VOLUME_NAME_DOS};
    let mut buf = vec![0u16; 512];
    loop {
        let cap = u32::try_from(buf.len()).ok()?;
        // SAFETY: the handle is open for the call; buf has room for cap UTF-16 units.
        let n = unsafe {
            GetFinalPathNameByHandleW(
                file.as_raw_handle(),
                buf.as_mut_ptr(),
                cap,
                FILE_NAME_NORMALIZED | VOLUME_NAME_DOS,
            )
        } as usize;
        match n {
            0 => return None,
            // Too small: n is the size needed, with the terminating NUL.
            n if n >= buf.len() => buf.resize(n, 0),
            n => return Some(PathBuf::from(OsString::from_wide(&buf[..n]))),
        }
    }
}

/// Other systems have no way to ask (the canonicalise check before the open has to do).
#[cfg(not(any(target_os = "linux", target_vendor = "apple", windows)))]
fn real_path(_file: &File) -> Option<PathBuf> {
    None
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::proto::http::path::sanitize;
    use std::os::unix::fs::symlink;

    struct TempDir(PathBuf);
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn tree(name: &str) -> (TempDir, PathBuf) {
        let base = std::env::temp_dir().join(format!("socklab-files-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&base);
        fs::create_dir_all(base.join("www/docs")).unwrap();
        fs::write(base.join("www/index.html"), "<h1>home</h1>").unwrap();
        fs::write(base.join("www/docs/index.html"), "docs").unwrap();
        fs::write(base.join("www/a.txt"), "alpha").unwrap();
        fs::write(base.join("secret.txt"), "secret").unwrap();
        symlink(base.join("secret.txt"), base.join("www/leak.txt")).unwrap();
        symlink(base.join("www/a.txt"), base.join("www/inside.txt")).unwrap();
        symlink(&base, base.join("www/up")).unwrap();
        let root = fs::canonicalize(base.join("www")).unwrap();
        (TempDir(base), root)
    }

    fn look(files: &mut Files, target: &str) -> Lookup {
        files.lookup(target.as_bytes(), &sanitize(target).unwrap())
    }

    #[test]
    fn serves_files_and_directory_indexes() {
        let (_t, root) = tree("serve");
        let mut files = Files::new(root, 1 << 20);
        match look(&mut files, "/a.txt") {
            Lookup::File(e) => {
                assert_eq!(e.body.as_deref(), Some(&b"alpha"[..]));
                let fields = String::from_utf8(e.fields.clone()).unwrap();
                assert!(fields.contains("Content-Type: text/plain; charset=utf-8\r\n"), "{fields}");
                assert!(fields.contains("Content-Length: 5\r\n"), "{fields}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(look(&mut files, "/"), Lookup::File(e) if e.body.as_deref() == Some(&b"<h1>home</h1>"[..])));
        assert!(matches!(look(&mut files, "/docs/"), Lookup::File(e) if e.len == 4));
        assert!(matches!(look(&mut files, "/docs"), Lookup::Redirect(to) if to == "/docs/"));
        assert!(matches!(look(&mut files, "/inside.txt"), Lookup::File(_)));
        assert!(matches!(look(&mut files, "/nope"), Lookup::NotFound(_)));
    }

    #[test]
    fn symlinks_out_of_the_root_are_not_found() {
        let (_t, root) = tree("links");
        let mut files = Files::new(root, 1 << 20);
        assert!(matches!(look(&mut files, "/leak.txt"), Lookup::NotFound("resolves outside the web root")));
        assert!(matches!(look(&mut files, "/up/secret.txt"), Lookup::NotFound(_)));
        assert!(matches!(look(&mut files, "/up/www/a.txt"), Lookup::File(_)));
    }

    #[test]
    fn a_changed_file_is_resolved_again() {
        let (t, root) = tree("change");
        let mut files = Files::new(root, 1 << 20);
        assert!(matches!(look(&mut files, "/a.txt"), Lookup::File(e) if e.len == 5));
        fs::write(t.0.join("www/a.txt"), "alphabet").unwrap();
        assert!(matches!(look(&mut files, "/a.txt"), Lookup::File(e) if e.len == 8));
        fs::remove_file(t.0.join("www/a.txt")).unwrap();
        symlink(t.0.join("secret.txt"), t.0.join("www/a.txt")).unwrap();
        assert!(matches!(look(&mut files, "/a.txt"), Lookup::NotFound(_)));
    }
}
