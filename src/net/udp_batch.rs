//! Receiving and sending UDP datagrams in batches with Linux's `recvmmsg(2)` and
//! `sendmmsg(2)`: one system call moves up to [`BATCH`] datagrams, which is what
//! lets a small server such as `socklab dns server` keep up with a load generator.
//! Semantics are those of `recv_from`/`send_to`, per datagram.
//!
//! Other systems (macOS, Windows) have no such calls: there a batch is one
//! `recv_from` and sending is a loop of `send_to`, with the same results.

use std::io;
use std::net::{SocketAddr, UdpSocket};
#[cfg(target_os = "linux")]
use std::os::fd::AsRawFd;

/// Most datagrams moved per call.
pub const BATCH: usize = 32;
/// The system call a batch receive makes, as traces name it.
#[cfg(target_os = "linux")]
pub const RECV_CALL: &str = "recvmmsg()";
/// The system call a batch receive makes, as traces name it.
#[cfg(not(target_os = "linux"))]
pub const RECV_CALL: &str = "recvfrom()";
/// Room for the largest UDP payload.
const DATAGRAM_ROOM: usize = 65_536;

/// Buffers for one batch of received datagrams and their senders.
pub struct RecvBatch {
    bufs: Vec<Vec<u8>>,
    #[cfg(target_os = "linux")]
    addrs: Vec<libc::sockaddr_storage>,
    #[cfg(not(target_os = "linux"))]
    froms: Vec<Option<SocketAddr>>,
    lens: Vec<usize>,
    count: usize,
}

impl Default for RecvBatch {
    fn default() -> Self {
        RecvBatch {
            bufs: (0..BATCH).map(|_| vec![0u8; DATAGRAM_ROOM]).collect(),
            // SAFETY: sockaddr_storage is plain data; all zeroes is a valid value.
            #[cfg(target_os = "linux")]
            addrs: (0..BATCH).map(|_| unsafe { std::mem::zeroed() }).collect(),
            #[cfg(not(target_os = "linux"))]
            froms: vec![None; BATCH],
            lens: vec![0; BATCH],
            count: 0,
        }
    }
}

impl RecvBatch {
    /// Waits (bounded by the socket's read timeout) for at least one datagram and
    /// takes every one already queued, up to [`BATCH`]. Returns how many arrived.
    #[cfg(target_os = "linux")]
    pub fn recv(&mut self, sock: &UdpSocket) -> io::Result<usize> {
        let mut iovs: Vec<libc::iovec> =
            self.bufs.iter_mut().map(|b| libc::iovec { iov_base: b.as_mut_ptr().cast(), iov_len: b.len() }).collect();
        let mut hdrs: Vec<libc::mmsghdr> = iovs
            .iter_mut()
            .zip(self.addrs.iter_mut())
            .map(|(iov, addr)| {
                // SAFETY: msghdr is plain data; zeroed then filled below.
                let mut h: libc::mmsghdr = unsafe { std::mem::zeroed() };
                h.msg_hdr.msg_name = (addr as *mut libc::sockaddr_storage).cast();
                h.msg_hdr.msg_namelen = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
                h.msg_hdr.msg_iov = iov;
                h.msg_hdr.msg_iovlen = 1;
                h
            })
            .collect();
        // SAFETY: every header points at a live buffer and address of this batch, and
        // the vectors outlive the call. MSG_WAITFORONE blocks for the first datagram
        // only (within SO_RCVTIMEO), then takes what is queued.
        let n = unsafe {
            libc::recvmmsg(
                sock.as_raw_fd(),
                hdrs.as_mut_ptr(),
                BATCH as libc::c_uint,
                libc::MSG_WAITFORONE,
                std::ptr::null_mut(),
            )
        };
        if n < 0 {
            self.count = 0;
            return Err(io::Error::last_os_error());
        }
        self.count = n as usize;
        for (len, h) in self.lens.iter_mut().zip(&hdrs).take(self.count) {
            *len = h.msg_len as usize;
        }
        Ok(self.count)
    }

    /// Waits (bounded by the socket's read timeout) for one datagram: without
    /// `recvmmsg` a batch is one datagram. Returns how many arrived (1).
    #[cfg(not(target_os = "linux"))]
    pub fn recv(&mut self, sock: &UdpSocket) -> io::Result<usize> {
        self.count = 0;
        let (n, from) = crate::net::addr::recv_from(sock, &mut self.bufs[0])?;
        self.lens[0] = n;
        self.froms[0] = Some(from);
        self.count = 1;
        Ok(1)
    }

    /// Datagram `i` of the last batch and its sender (`None` for an address family
    /// other than IPv4 and IPv6).
    pub fn get(&self, i: usize) -> Option<(&[u8], SocketAddr)> {
        if i >= self.count {
            return None;
        }
        #[cfg(target_os = "linux")]
        let from = crate::net::sockaddr::from_storage(&self.addrs[i])?;
        #[cfg(not(target_os = "linux"))]
        let from = self.froms[i]?;
        Some((&self.bufs[i][..self.lens[i].min(DATAGRAM_ROOM)], from))
    }
}

/// The address in the form the kernel takes.
#[cfg(target_os = "linux")]
fn to_storage(addr: SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: plain data, zeroed then filled for its family.
    let mut s: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    match addr {
        SocketAddr::V4(a) => {
            // SAFETY: sockaddr_storage is larger than and aligned for sockaddr_in.
            let sin: &mut libc::sockaddr_in = unsafe { &mut *(&mut s as *mut libc::sockaddr_storage).cast() };
            sin.sin_family = libc::AF_INET as libc::sa_family_t;
            sin.sin_port = a.port().to_be();
            sin.sin_addr.s_addr = u32::from(*a.ip()).to_be();
            (s, std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t)
        }
        SocketAddr::V6(a) => {
            // SAFETY: sockaddr_storage is larger than and aligned for sockaddr_in6.
            let sin6: &mut libc::sockaddr_in6 = unsafe { &mut *(&mut s as *mut libc::sockaddr_storage).cast() };
            sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            sin6.sin6_port = a.port().to_be();
            sin6.sin6_addr.s6_addr = a.ip().octets();
            sin6.sin6_flowinfo = a.flowinfo();
            sin6.sin6_scope_id = a.scope_id();
            (s, std::mem::size_of::<libc::sockaddr_in6>() as libc::socklen_t)
        }
    }
}

/// Sends each `(datagram, destination)` with as few `sendmmsg` calls as possible.
/// Returns the number sent and the errors of those that failed (a datagram that
/// fails is skipped, the rest are still sent).
#[cfg(target_os = "linux")]
pub fn send_all(sock: &UdpSocket, out: &[(Vec<u8>, SocketAddr)]) -> (usize, Vec<(SocketAddr, io::Error)>) {
    let mut addrs: Vec<(libc::sockaddr_storage, libc::socklen_t)> = out.iter().map(|(_, a)| to_storage(*a)).collect();
    let mut iovs: Vec<libc::iovec> =
        out.iter().map(|(d, _)| libc::iovec { iov_base: d.as_ptr() as *mut libc::c_void, iov_len: d.len() }).collect();
    let mut hdrs: Vec<libc::mmsghdr> = iovs
        .iter_mut()
        .zip(addrs.iter_mut())
        .map(|(iov, (addr, len))| {
            // SAFETY: plain data, zeroed then filled.
            let mut h: libc::mmsghdr = unsafe { std::mem::zeroed() };
            h.msg_hdr.msg_name = (addr as *mut libc::sockaddr_storage).cast();
            h.msg_hdr.msg_namelen = *len;
            h.msg_hdr.msg_iov = iov;
            h.msg_hdr.msg_iovlen = 1;
            h
        })
        .collect();
    let (mut sent, mut errors, mut at) = (0, Vec::new(), 0);
    while at < hdrs.len() {
        let left = (hdrs.len() - at) as libc::c_uint;
        // SAFETY: the headers from `at` point at live data and addresses of `out`,
        // `addrs` and `iovs`, which outlive the call; the kernel only reads them.
        let n = unsafe { libc::sendmmsg(sock.as_raw_fd(), hdrs[at..].as_mut_ptr(), left, 0) };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            errors.push((out[at].1, e));
            at += 1;
        } else {
            sent += n as usize;
            at += n as usize;
        }
    }
    (sent, errors)
}

/// Sends each `(datagram, destination)` with one `send_to` each. Returns the
/// number sent and the errors of those that failed (a datagram that fails is
/// skipped, the rest are still sent).
#[cfg(not(target_os = "linux"))]
pub fn send_all(sock: &UdpSocket, out: &[(Vec<u8>, SocketAddr)]) -> (usize, Vec<(SocketAddr, io::Error)>) {
    send_each(sock, out)
}

/// The portable half of [`send_all`]: one `send_to` per datagram.
#[cfg(any(not(target_os = "linux"), test))]
fn send_each(sock: &UdpSocket, out: &[(Vec<u8>, SocketAddr)]) -> (usize, Vec<(SocketAddr, io::Error)>) {
    let (mut sent, mut errors) = (0, Vec::new());
    for (data, to) in out {
        loop {
            match sock.send_to(data, to) {
                Ok(_) => sent += 1,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => errors.push((*to, e)),
            }
            break;
        }
    }
    (sent, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_portable_send_loop_sends_each_and_reports_failures() {
        let server = UdpSocket::bind("127.0.0.1:0").unwrap();
        let client = UdpSocket::bind("127.0.0.1:0").unwrap();
        client.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        let to = client.local_addr().unwrap();
        let bad: SocketAddr = "[::1]:9".parse().unwrap();
        let out = vec![(b"a".to_vec(), to), (b"b".to_vec(), bad), (b"c".to_vec(), to)];
        let (sent, errors) = send_each(&server, &out);
        assert_eq!((sent, errors.len()), (2, 1));
        assert_eq!(errors[0].0, bad);
        let mut buf = [0u8; 4];
        for want in [b"a", b"c"] {
            let n = client.recv(&mut buf).unwrap();
            assert_eq!(&buf[..n], want);
        }
    }

    #[test]
    fn batch_round_trip_on_loopback() {
        let server = UdpSocket::bind("127.0.0.1:0").unwrap();
        server.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        let client = UdpSocket::bind("127.0.0.1:0").unwrap();
        client.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        for i in 0..5u8 {
            client.send_to(&[i; 3], server.local_addr().unwrap()).unwrap();
        }
        let mut batch = RecvBatch::default();
        let mut got = Vec::new();
        while got.len() < 5 {
            let n = batch.recv(&server).unwrap();
            for i in 0..n {
                let (d, from) = batch.get(i).unwrap();
                assert_eq!(from, client.local_addr().unwrap());
                got.push((d.to_vec(), from));
            }
        }
        assert_eq!(got.iter().map(|(d, _)| d[0]).collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
        let (sent, errors) = send_all(&server, &got);
        assert_eq!((sent, errors.len()), (5, 0));
        let mut buf = [0u8; 8];
        for i in 0..5u8 {
            let n = client.recv(&mut buf).unwrap();
            assert_eq!(&buf[..n], &[i; 3]);
        }
    }
}
