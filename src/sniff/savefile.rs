//! Writing a pcap savefile ourselves, so every write error is seen: libpcap's
//! `pcap_dump` reports none, and a full disk silently kept a third of a capture.
//!
//! [`encode_header`] and [`encode_record`] are the sans-I/O encoder of the pcap
//! file format (draft-ietf-opsawg-pcap §4 file header, §5 packet record), in
//! the writer's byte order with the nanosecond magic. [`SaveFile`] buffers the
//! records, writes them out when the buffer fills and at least every
//! [`FLUSH_EVERY`], counts the records that reached the file whole, and on a
//! write error cuts the file back to its last whole record (so readers see no
//! cut-short packet) and says how many of the packets were saved and what to do.

use crate::error::Error;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The nanosecond-resolution pcap magic (§4: 0xA1B23C4D).
pub const MAGIC_NANOS: u32 = 0xa1b2_3c4d;
/// File format version 2.4 (§4).
pub const VERSION: (u16, u16) = (2, 4);
/// Bytes of the file header.
pub const HEADER_LEN: usize = 24;
/// Bytes of a packet record's header.
pub const RECORD_HEADER_LEN: usize = 16;
/// The longest the file may lag behind the capture: a crash loses at most this much.
pub const FLUSH_EVERY: Duration = Duration::from_millis(100);
/// Bytes buffered before they are written out regardless of time.
const BUFFER_LIMIT: usize = 64 * 1024;
/// Nanoseconds per second.
const NANOS: i64 = 1_000_000_000;

/// The pcap file header (§4) for nanosecond timestamps.
pub fn encode_header(snaplen: u32, linktype: u32) -> [u8; HEADER_LEN] {
    let mut h = [0u8; HEADER_LEN];
    h[0..4].copy_from_slice(&MAGIC_NANOS.to_ne_bytes());
    h[4..6].copy_from_slice(&VERSION.0.to_ne_bytes());
    h[6..8].copy_from_slice(&VERSION.1.to_ne_bytes());
    // Bytes 8..16: the reserved (formerly thiszone and sigfigs) fields, zero.
    h[16..20].copy_from_slice(&snaplen.to_ne_bytes());
    h[20..24].copy_from_slice(&linktype.to_ne_bytes());
    h
}

/// Appends one packet record (§5) to `out`: its header (seconds, nanoseconds,
/// captured length, original length) and the captured bytes. `time` is in
/// nanoseconds since the Unix epoch; times before 1970 are stored as 0.
/// Captured bytes beyond `u32::MAX` are cut (a pcap record cannot say more).
pub fn encode_record(out: &mut Vec<u8>, time: i64, len: u32, data: &[u8]) {
    let time = time.max(0);
    let secs = u32::try_from(time / NANOS).unwrap_or(u32::MAX);
    let nanos = (time % NANOS) as u32;
    let data = &data[..data.len().min(u32::MAX as usize)];
    let caplen = data.len() as u32;
    out.reserve(RECORD_HEADER_LEN + data.len());
    out.extend_from_slice(&secs.to_ne_bytes());
    out.extend_from_slice(&nanos.to_ne_bytes());
    out.extend_from_slice(&caplen.to_ne_bytes());
    out.extend_from_slice(&len.max(caplen).to_ne_bytes());
    out.extend_from_slice(data);
}

/// What a failed write means for the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum WriteFailure {
    /// No space left (or quota exceeded).
    DiskFull,
    /// The file grew past a limit (`ulimit -f`, or the file system's largest file).
    TooLarge,
    /// The file system is read-only (or the medium write-protected).
    ReadOnly,
    /// The device failed.
    Io,
    /// Anything else: the system's own message.
    Other,
}

/// What the largest-file error is called, and its own remedy.
#[cfg(unix)]
const TOO_LARGE: (&str, &str) = ("file size limit reached (ulimit -f)", "raise the limit");
/// What the largest-file error is called, and its own remedy.
#[cfg(windows)]
const TOO_LARGE: (&str, &str) =
    ("file too large for this file system (FAT32 holds 4 GiB at most)", "use an NTFS or exFAT drive");
/// Where to look when the device fails.
#[cfg(unix)]
const CHECK_DISK: &str = "check the disk (dmesg)";
/// Where to look when the device fails.
#[cfg(windows)]
const CHECK_DISK: &str = "check the disk (chkdsk, Event Viewer)";

/// The meaning of an OS error code of a write, on this system.
fn write_failure(code: i32) -> WriteFailure {
    #[cfg(unix)]
    {
        unix_write_failure(code)
    }
    #[cfg(windows)]
    {
        windows_write_failure(code)
    }
}

/// The meaning of an errno of `write(2)`.
#[cfg(unix)]
fn unix_write_failure(code: i32) -> WriteFailure {
    match code {
        libc::ENOSPC | libc::EDQUOT => WriteFailure::DiskFull,
        libc::EFBIG => WriteFailure::TooLarge,
        libc::EROFS => WriteFailure::ReadOnly,
        libc::EIO => WriteFailure::Io,
        _ => WriteFailure::Other,
    }
}

/// Windows' `ERROR_WRITE_PROTECT`: the medium is write-protected.
const ERROR_WRITE_PROTECT: i32 = 19;
/// Windows' `ERROR_CRC`: data error (cyclic redundancy check).
const ERROR_CRC: i32 = 23;
/// Windows' `ERROR_WRITE_FAULT`: the device cannot write.
const ERROR_WRITE_FAULT: i32 = 29;
/// Windows' `ERROR_HANDLE_DISK_FULL`: the disk is full.
const ERROR_HANDLE_DISK_FULL: i32 = 39;
/// Windows' `ERROR_DISK_FULL`: not enough space on the disk.
const ERROR_DISK_FULL: i32 = 112;
/// Windows' `ERROR_FILE_TOO_LARGE`: the file exceeds the file system's limit.
const ERROR_FILE_TOO_LARGE: i32 = 223;
/// Windows' `ERROR_IO_DEVICE`: an I/O device error.
const ERROR_IO_DEVICE: i32 = 1117;
/// Windows' `ERROR_DISK_QUOTA_EXCEEDED`: the quota is used up.
const ERROR_DISK_QUOTA_EXCEEDED: i32 = 1295;

/// The meaning of a Windows error code of `WriteFile` (the same advice as its errno twin).
#[cfg_attr(not(windows), allow(dead_code))]
fn windows_write_failure(code: i32) -> WriteFailure {
    match code {
        ERROR_DISK_FULL | ERROR_HANDLE_DISK_FULL | ERROR_DISK_QUOTA_EXCEEDED => WriteFailure::DiskFull,
        ERROR_FILE_TOO_LARGE => WriteFailure::TooLarge,
        ERROR_WRITE_PROTECT => WriteFailure::ReadOnly,
        ERROR_CRC | ERROR_WRITE_FAULT | ERROR_IO_DEVICE => WriteFailure::Io,
        _ => WriteFailure::Other,
    }
}

/// A pcap file being written: counts what reached the disk, reports what did not.
pub struct SaveFile {
    file: File,
    path: PathBuf,
    /// What `-w`/`--capture=FILE` is called in the advice.
    option: &'static str,
    buf: Vec<u8>,
    /// File offsets where the buffered records end.
    ends: Vec<u64>,
    /// Bytes known to be in the file.
    written: u64,
    /// Packets whole in the file.
    saved: u64,
    /// Packets handed to [`SaveFile::write`].
    packets: u64,
    last_flush: Instant,
    failed: bool,
}

impl SaveFile {
    /// Creates (or truncates) `path` and writes the file header at once, so an
    /// unwritable file or a full disk is reported before capturing. `option`
    /// names the command-line option that chose the file (`-w`, `--capture=FILE`).
    pub fn create(path: &Path, snaplen: u32, linktype: u32, option: &'static str) -> Result<SaveFile, Error> {
        let file = File::create(path).map_err(|e| Error::File {
            path: path.display().to_string(),
            reason: format!("cannot create the capture file ({e}); check the directory exists and is writable"),
        })?;
        let mut s = SaveFile::on(file, path, option);
        s.buf.extend_from_slice(&encode_header(snaplen, linktype));
        s.flush()?;
        Ok(s)
    }

    /// A writer on an open, empty `file`.
    fn on(file: File, path: &Path, option: &'static str) -> SaveFile {
        SaveFile {
            file,
            path: path.to_path_buf(),
            option,
            buf: Vec::with_capacity(BUFFER_LIMIT),
            ends: Vec::new(),
            written: 0,
            saved: 0,
            packets: 0,
            last_flush: Instant::now(),
            failed: false,
        }
    }

    /// Buffers one packet; writes the buffer out when it is full or older than
    /// [`FLUSH_EVERY`]. After an error nothing more is written (the error was
    /// returned once, when it happened).
    pub fn write(&mut self, time: i64, len: u32, data: &[u8]) -> Result<(), Error> {
        self.packets += 1;
        if self.failed {
            return Ok(());
        }
        encode_record(&mut self.buf, time, len, data);
        self.ends.push(self.written + self.buf.len() as u64);
        if self.buf.len() >= BUFFER_LIMIT {
            return self.flush();
        }
        self.tick()
    }

    /// Writes the buffer out if it has waited [`FLUSH_EVERY`]; call it while idle too.
    pub fn tick(&mut self) -> Result<(), Error> {
        if self.last_flush.elapsed() >= FLUSH_EVERY {
            return self.flush();
        }
        Ok(())
    }

    /// Writes everything buffered to the file. On an error, cuts the file back
    /// to its last whole record and returns the error with the counts.
    pub fn flush(&mut self) -> Result<(), Error> {
        self.last_flush = Instant::now();
        if self.failed || self.buf.is_empty() {
            return Ok(());
        }
        let mut done = 0;
        while done < self.buf.len() {
            match self.file.write(&self.buf[done..]) {
                Ok(0) => return Err(self.fail(done, io::Error::from(io::ErrorKind::WriteZero))),
                Ok(n) => done += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.fail(done, e)),
            }
        }
        self.written += done as u64;
        self.saved += self.ends.len() as u64;
        self.buf.clear();
        self.ends.clear();
        Ok(())
    }

    /// Records a failed write after `done` bytes of the buffer reached the file.
    fn fail(&mut self, done: usize, e: io::Error) -> Error {
        self.failed = true;
        let reached = self.written + done as u64;
        let whole = self.ends.iter().take_while(|&&end| end <= reached).count();
        self.saved += whole as u64;
        let keep = if whole > 0 { self.ends[whole - 1] } else { self.written };
        // Best effort: shrinking a file works on a full disk.
        let _ = self.file.set_len(keep);
        self.buf.clear();
        self.ends.clear();
        self.error(&e)
    }

    /// The error for a failed write, with the counts and what to do.
    fn error(&self, e: &io::Error) -> Error {
        let (n, m, f, opt) = (self.saved, self.packets, self.path.display(), self.option);
        let saved = format!("{n} of {m} packets saved to {f}");
        let reason = match e.raw_os_error().map_or(WriteFailure::Other, write_failure) {
            WriteFailure::DiskFull => format!("disk full: {saved}; free space or use {opt} elsewhere"),
            WriteFailure::TooLarge => format!("{}: {saved}; {} or use {opt} elsewhere", TOO_LARGE.0, TOO_LARGE.1),
            WriteFailure::ReadOnly => format!("read-only file system: {saved}; use {opt} on a writable file system"),
            WriteFailure::Io => format!("I/O error: {saved}; {CHECK_DISK} or use {opt} elsewhere"),
            WriteFailure::Other => format!("{e}: {saved}; use {opt} elsewhere"),
        };
        Error::File { path: f.to_string(), reason: format!("cannot write the capture file: {reason}") }
    }

    /// Packets whole in the file.
    pub fn saved(&self) -> u64 {
        self.saved
    }

    /// Packets handed to [`SaveFile::write`].
    pub fn packets(&self) -> u64 {
        self.packets
    }

    /// True after a write error: the file holds only [`saved`](Self::saved) packets.
    pub fn failed(&self) -> bool {
        self.failed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_fields_in_writer_order() {
        let h = encode_header(262_144, 1);
        assert_eq!(u32::from_ne_bytes(h[0..4].try_into().unwrap()), MAGIC_NANOS);
        assert_eq!(u16::from_ne_bytes([h[4], h[5]]), 2);
        assert_eq!(u16::from_ne_bytes([h[6], h[7]]), 4);
        assert_eq!(&h[8..16], &[0; 8]);
        assert_eq!(u32::from_ne_bytes(h[16..20].try_into().unwrap()), 262_144);
        assert_eq!(u32::from_ne_bytes(h[20..24].try_into().unwrap()), 1);
    }

    #[test]
    fn record_splits_seconds_and_nanoseconds() {
        let mut r = Vec::new();
        encode_record(&mut r, 1_700_000_000_123_456_789, 60, &[0xab; 4]);
        let word = |i: usize| u32::from_ne_bytes(r[i * 4..i * 4 + 4].try_into().unwrap());
        assert_eq!((word(0), word(1), word(2), word(3)), (1_700_000_000, 123_456_789, 4, 60));
        assert_eq!(&r[16..], &[0xab; 4]);
        r.clear();
        encode_record(&mut r, -5, 0, &[1, 2]);
        let word = |i: usize| u32::from_ne_bytes(r[i * 4..i * 4 + 4].try_into().unwrap());
        assert_eq!(
            (word(0), word(1), word(2), word(3)),
            (0, 0, 2, 2),
            "times before 1970 are 0; len is at least caplen"
        );
    }

    #[test]
    fn windows_errors_get_the_same_advice_as_their_errno() {
        assert_eq!(windows_write_failure(112), WriteFailure::DiskFull);
        assert_eq!(windows_write_failure(39), WriteFailure::DiskFull);
        assert_eq!(windows_write_failure(19), WriteFailure::ReadOnly);
        assert_eq!(windows_write_failure(223), WriteFailure::TooLarge);
        assert_eq!(windows_write_failure(1117), WriteFailure::Io);
        assert_eq!(windows_write_failure(5), WriteFailure::Other);
    }

    #[cfg(unix)]
    #[test]
    fn errno_codes_get_their_advice() {
        assert_eq!(unix_write_failure(libc::ENOSPC), WriteFailure::DiskFull);
        assert_eq!(unix_write_failure(libc::EDQUOT), WriteFailure::DiskFull);
        assert_eq!(unix_write_failure(libc::EFBIG), WriteFailure::TooLarge);
        assert_eq!(unix_write_failure(libc::EROFS), WriteFailure::ReadOnly);
        assert_eq!(unix_write_failure(libc::EIO), WriteFailure::Io);
        assert_eq!(unix_write_failure(libc::EACCES), WriteFailure::Other);
    }

    /// Needs libpcap linked in (the `pcap` crate, not used on Windows).
    #[cfg(not(windows))]
    #[test]
    fn libpcap_reads_back_what_was_written() {
        let dir = std::env::temp_dir().join(format!("socklab-savefile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("round.pcap");
        let frames: Vec<(i64, u32, Vec<u8>)> = (0..300u32)
            .map(|i| (1_700_000_000_000_000_000 + i64::from(i) * 1_234_567, 1000 + i, vec![i as u8; (i % 97) as usize]))
            .collect();
        let mut s = SaveFile::create(&path, 262_144, 1, "-w").unwrap();
        for (t, len, data) in &frames {
            s.write(*t, *len, data).unwrap();
        }
        s.flush().unwrap();
        assert_eq!((s.saved(), s.packets(), s.failed()), (300, 300, false));
        // Read back by libpcap itself, an independent reader.
        let mut cap = pcap::Capture::from_file_with_precision(&path, pcap::Precision::Nano).unwrap();
        assert_eq!(cap.get_datalink().0, 1);
        for (t, len, data) in &frames {
            let p = cap.next_packet().expect("a frame");
            #[allow(clippy::useless_conversion)] // time_t and suseconds_t differ by platform
            let time = i64::from(p.header.ts.tv_sec) * 1_000_000_000 + i64::from(p.header.ts.tv_usec);
            assert_eq!((time, p.header.len, p.data), (*t, *len, &data[..]));
        }
        assert!(cap.next_packet().is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_full_device_is_reported_with_the_true_count() {
        let Ok(file) = std::fs::OpenOptions::new().write(true).open("/dev/full") else { return };
        let mut s = SaveFile::on(file, Path::new("/dev/full"), "-w");
        s.write(0, 10, &[0; 10]).unwrap();
        let e = s.flush().unwrap_err().to_string();
        assert!(e.contains("disk full: 0 of 1 packets saved to /dev/full; free space or use -w elsewhere"), "{e}");
        assert!(s.failed());
        s.write(0, 10, &[0; 10]).unwrap();
        assert_eq!((s.saved(), s.packets()), (0, 2));
    }
}
