//! Sending a large file (one not kept in memory) to a non-blocking socket, a
//! piece at a time, resuming where the socket filled up.
//!
//! Linux: sendfile(2), so the bytes go from the page cache to the socket
//! without passing through user space. Elsewhere: read a piece into a buffer
//! and write it (macOS's sendfile has another signature and Windows has
//! TransmitFile, which wants overlapped I/O: neither fits this loop simply).

use std::fs::File;
use std::io;
use std::net::TcpStream;

/// The rest of a file being sent.
pub struct FileStream {
    imp: imp::FileStream,
}

impl FileStream {
    /// Sends `len` bytes of `file` from its start.
    pub fn new(file: File, len: u64) -> FileStream {
        FileStream { imp: imp::FileStream::new(file, len) }
    }

    /// Sends as much as the socket takes; `Ok(true)` when it is all out,
    /// `Ok(false)` when the socket is full. A file that shrank under us is an
    /// `UnexpectedEof` error: the announced length can no longer be met.
    pub fn send(&mut self, stream: &mut TcpStream) -> io::Result<bool> {
        self.imp.send(stream)
    }
}

#[cfg(any(not(target_os = "linux"), feature = "web-portable"))]
use copy as imp;
#[cfg(all(target_os = "linux", not(feature = "web-portable")))]
use sendfile as imp;

/// The Linux fast path: sendfile(2).
#[cfg(all(target_os = "linux", not(feature = "web-portable")))]
mod sendfile {
    use std::fs::File;
    use std::io;
    use std::net::TcpStream;
    use std::os::fd::AsRawFd;

    /// Largest piece handed to one sendfile(2) call.
    const SENDFILE_MAX: u64 = 1 << 20;

    /// A file, how far it was sent, and how much is left.
    pub struct FileStream {
        file: File,
        offset: libc::off_t,
        left: u64,
    }

    impl FileStream {
        pub fn new(file: File, len: u64) -> FileStream {
            FileStream { file, offset: 0, left: len }
        }

        pub fn send(&mut self, stream: &mut TcpStream) -> io::Result<bool> {
            while self.left > 0 {
                let want = self.left.min(SENDFILE_MAX) as usize;
                // SAFETY: both descriptors are open for the call; offset points to a live off_t.
                let n = unsafe { libc::sendfile(stream.as_raw_fd(), self.file.as_raw_fd(), &mut self.offset, want) };
                if n < 0 {
                    let e = io::Error::last_os_error();
                    match e.kind() {
                        io::ErrorKind::WouldBlock => return Ok(false),
                        io::ErrorKind::Interrupted => continue,
                        _ => return Err(e),
                    }
                }
                if n == 0 {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                self.left -= n as u64;
                if (n as usize) < want {
                    return Ok(self.left == 0);
                }
            }
            Ok(true)
        }
    }
}

/// The portable path: read a piece, write it.
#[cfg(any(not(target_os = "linux"), feature = "web-portable", test))]
mod copy {
    use std::fs::File;
    use std::io::{self, Read, Write};

    /// Bytes read from the file at a time.
    const PIECE: usize = 64 * 1024;

    /// A file, the piece read from it and not yet all written, and how much
    /// of the file is still to be read.
    pub struct FileStream {
        file: File,
        unread: u64,
        piece: Vec<u8>,
        written: usize,
    }

    impl FileStream {
        pub fn new(file: File, len: u64) -> FileStream {
            FileStream { file, unread: len, piece: Vec::new(), written: 0 }
        }

        pub fn send(&mut self, out: &mut impl Write) -> io::Result<bool> {
            loop {
                if self.written == self.piece.len() && !self.next_piece()? {
                    return Ok(true);
                }
                let want = self.piece.len() - self.written;
                match out.write(&self.piece[self.written..]) {
                    Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                    Ok(n) => {
                        self.written += n;
                        // A short write: the socket is full.
                        if n < want {
                            return Ok(false);
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
        }

        /// Reads the next piece; `Ok(false)` once the whole length was read.
        fn next_piece(&mut self) -> io::Result<bool> {
            if self.unread == 0 {
                self.piece = Vec::new();
                return Ok(false);
            }
            let want = self.unread.min(PIECE as u64) as usize;
            self.piece.resize(want, 0);
            let n = loop {
                match self.file.read(&mut self.piece) {
                    Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            };
            self.piece.truncate(n);
            self.written = 0;
            self.unread -= n as u64;
            Ok(true)
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// A socket stand-in that takes at most `room` bytes, then would block.
        struct Pipe {
            got: Vec<u8>,
            room: usize,
        }

        impl Write for Pipe {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                if self.room == 0 {
                    return Err(io::ErrorKind::WouldBlock.into());
                }
                let n = buf.len().min(self.room).min(1000);
                self.got.extend_from_slice(&buf[..n]);
                self.room -= n;
                Ok(n)
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }

        fn temp_file(name: &str, contents: &[u8]) -> (std::path::PathBuf, File) {
            let path = std::env::temp_dir().join(format!("socklab-body-{name}-{}", std::process::id()));
            std::fs::write(&path, contents).unwrap();
            let file = File::open(&path).unwrap();
            (path, file)
        }

        #[test]
        fn a_file_goes_out_whole_across_full_sockets() {
            let contents: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
            let (path, file) = temp_file("whole", &contents);
            let mut stream = FileStream::new(file, contents.len() as u64);
            let mut pipe = Pipe { got: Vec::new(), room: 0 };
            let mut turns = 0;
            while !stream.send(&mut pipe).unwrap() {
                pipe.room = 7_777;
                turns += 1;
                assert!(turns < 1000);
            }
            let _ = std::fs::remove_file(path);
            assert!(turns > 10);
            assert!(pipe.got == contents, "the bytes differ");
        }

        #[test]
        fn a_file_that_shrank_is_an_error() {
            let (path, file) = temp_file("short", b"12345");
            let mut stream = FileStream::new(file, 10);
            let mut pipe = Pipe { got: Vec::new(), room: 100 };
            let e = stream.send(&mut pipe).unwrap_err();
            let _ = std::fs::remove_file(path);
            assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
            assert_eq!(pipe.got, b"12345");
        }
    }
}
