//! Ping on Windows: a raw ICMP socket when running as Administrator, otherwise the
//! ICMP helper functions of iphlpapi.dll, which any user may call.
//!
//! The raw socket works as on Linux (the IPv4 header comes in front of each reply),
//! waiting with a receive timeout instead of poll(2). The helper sends one request
//! per `IcmpSendEcho2` / `Icmp6SendEcho2` call and signals an event when its reply
//! (or its timeout) is in; it picks the identifier and sequence number on the wire
//! itself, so each reply is matched to our request by the call that carried it.

use super::{reply_of, send_echo, Backend, Framing, Reply, PRIVILEGE_FIX};
use crate::error::{Error, Result};
use crate::proto::icmp_echo::{self, Echo, Family};
use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use std::collections::VecDeque;
use std::io::{self, Read};
use std::mem;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::ptr;
use std::time::{Duration, Instant};
use windows_sys::Win32::Foundation::{
    CloseHandle, GetLastError, ERROR_IO_PENDING, HANDLE, INVALID_HANDLE_VALUE, WAIT_FAILED, WAIT_OBJECT_0, WAIT_TIMEOUT,
};
use windows_sys::Win32::NetworkManagement::IpHelper::{
    Icmp6CreateFile, Icmp6ParseReplies, Icmp6SendEcho2, IcmpCloseHandle, IcmpCreateFile, IcmpParseReplies,
    IcmpSendEcho2, ICMPV6_ECHO_REPLY_LH, ICMP_ECHO_REPLY, IP_STATUS_BASE, IP_SUCCESS,
};
use windows_sys::Win32::Networking::WinSock::{AF_INET6, IN6_ADDR, IN6_ADDR_0, SOCKADDR_IN6};
use windows_sys::Win32::System::Threading::{CreateEventW, WaitForMultipleObjects, WaitForSingleObject};

/// Largest datagram a raw socket can deliver.
const RECV_BUF: usize = 65536;
/// Bytes of reply buffer beyond the reply structure and the echoed data: room for an
/// ICMP error's 8 bytes and the helper's own bookkeeping, as its documentation asks.
const REPLY_SLACK: usize = 64;
/// Most events one WaitForMultipleObjects call takes (MAXIMUM_WAIT_OBJECTS).
const MAX_WAIT_OBJECTS: usize = 64;
/// Any port will do to ask the routing table for a source address (nothing is sent): discard's.
const DISCARD_PORT: u16 = 9;
/// Shortest receive timeout: Windows reads 0 ms as "wait for ever".
const MIN_WAIT: Duration = Duration::from_millis(1);

/// The raw socket as Administrator, else the ICMP helper; the error names the fix when neither works.
pub fn open(target: IpAddr, timeout: Duration) -> Result<Box<dyn Backend>> {
    let raw_err = match RawIcmp::open(target) {
        Ok(sock) => return Ok(Box::new(sock)),
        Err(e) => e,
    };
    match IcmpHelper::open(target, timeout) {
        Ok(helper) => Ok(Box::new(helper)),
        Err(helper_err) => Err(Error::NeedsPrivilege {
            what: "ping".into(),
            fix: format!(
                "Windows opens raw ICMP sockets only for Administrators ({raw_err}), and the ICMP helper of \
                 iphlpapi.dll failed too ({helper_err}); {PRIVILEGE_FIX}"
            ),
        }),
    }
}

/// A raw ICMP (or ICMPv6) socket connected to one address.
struct RawIcmp {
    sock: Socket,
    target: IpAddr,
    family: Family,
    framing: Framing,
    ident: u16,
    buf: Vec<u8>,
}

impl RawIcmp {
    fn open(target: IpAddr) -> io::Result<RawIcmp> {
        let (domain, proto, any) = match target {
            IpAddr::V4(_) => (Domain::IPV4, Protocol::ICMPV4, IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
            IpAddr::V6(_) => (Domain::IPV6, Protocol::ICMPV6, IpAddr::V6(Ipv6Addr::UNSPECIFIED)),
        };
        let sock = Socket::new(domain, Type::RAW, Some(proto))?;
        // Windows delivers nothing to a raw socket that is not bound.
        sock.bind(&SockAddr::from(SocketAddr::new(any, 0)))?;
        sock.connect(&SockAddr::from(SocketAddr::new(target, 0)))?;
        let (family, framing) = match target {
            IpAddr::V4(_) => (Family::V4, Framing::Ipv4Header),
            IpAddr::V6(dst) => {
                let me = source_for(dst)?;
                // Replies travel from the target back to our address.
                (Family::V6 { src: dst, dst: me }, Framing::IcmpOnly)
            }
        };
        let ident = (std::process::id() & 0xffff) as u16;
        Ok(RawIcmp { sock, target, family, framing, ident, buf: vec![0u8; RECV_BUF] })
    }
}

impl Backend for RawIcmp {
    fn ident(&self) -> u16 {
        self.ident
    }

    fn send(&mut self, echo: &Echo) -> Result<()> {
        send_echo(&self.sock, self.family, self.target, echo)
    }

    fn recv(&mut self, wait: Duration) -> Result<Option<Reply>> {
        self.sock
            .set_read_timeout(Some(wait.max(MIN_WAIT)))
            .map_err(|e| Error::io("cannot set the raw socket's receive timeout", e))?;
        let n = match (&self.sock).read(&mut self.buf) {
            Ok(n) => n,
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => return Ok(None),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(None),
            Err(e) => return Err(Error::io("cannot receive from the raw socket", e)),
        };
        // Windows does not report the IPv6 hop limit without WSARecvMsg; ping.exe omits it too.
        Ok(reply_of(self.family, self.framing, &self.buf[..n], self.target, None, Instant::now()))
    }
}

/// One request of the helper still in flight: the buffers it writes into must stay put until its event fires.
struct InFlight {
    seq: u16,
    event: HANDLE,
    reply: Box<[u8]>,
    request: Box<[u8]>,
    /// True when the call completed at once (the reply is already in `reply`).
    done: bool,
}

/// The ICMP helper of iphlpapi.dll (`IcmpCreateFile` / `Icmp6CreateFile`).
struct IcmpHelper {
    handle: HANDLE,
    target: IpAddr,
    timeout_ms: u32,
    ident: u16,
    in_flight: VecDeque<InFlight>,
}

impl IcmpHelper {
    fn open(target: IpAddr, timeout: Duration) -> io::Result<IcmpHelper> {
        // SAFETY: plain calls without arguments; the handle is checked before use.
        let handle = unsafe {
            match target {
                IpAddr::V4(_) => IcmpCreateFile(),
                IpAddr::V6(_) => Icmp6CreateFile(),
            }
        };
        if handle == INVALID_HANDLE_VALUE || handle.is_null() {
            return Err(io::Error::last_os_error());
        }
        Ok(IcmpHelper {
            handle,
            target,
            timeout_ms: u32::try_from(timeout.as_millis()).unwrap_or(u32::MAX).max(1),
            ident: (std::process::id() & 0xffff) as u16,
            in_flight: VecDeque::new(),
        })
    }

    /// Starts one echo request; its event fires when the reply or the timeout is in.
    fn start(&self, req: &mut InFlight) -> u32 {
        let (data, size) = (req.request.as_ptr().cast(), req.request.len() as u16);
        let (reply, reply_len) = (req.reply.as_mut_ptr().cast(), req.reply.len() as u32);
        // SAFETY: every buffer lives in `req`, which is kept (or leaked) until the event fires;
        // the addresses are read during the call only.
        unsafe {
            match self.target {
                IpAddr::V4(v4) => {
                    let dst = u32::from_ne_bytes(v4.octets());
                    IcmpSendEcho2(
                        self.handle,
                        req.event,
                        None,
                        ptr::null(),
                        dst,
                        data,
                        size,
                        ptr::null(),
                        reply,
                        reply_len,
                        self.timeout_ms,
                    )
                }
                IpAddr::V6(v6) => {
                    let src = sockaddr_in6(Ipv6Addr::UNSPECIFIED);
                    let dst = sockaddr_in6(v6);
                    Icmp6SendEcho2(
                        self.handle,
                        req.event,
                        None,
                        ptr::null(),
                        &src,
                        &dst,
                        data,
                        size,
                        ptr::null(),
                        reply,
                        reply_len,
                        self.timeout_ms,
                    )
                }
            }
        }
    }

    /// The reply in a finished request's buffer, if it is a successful echo reply.
    fn reply_in(&self, req: &mut InFlight, at: Instant) -> Option<Reply> {
        let (buf, len) = (req.reply.as_mut_ptr().cast(), req.reply.len() as u32);
        let (from, ttl, data_len, status) = match self.target {
            IpAddr::V4(_) => {
                // SAFETY: the buffer is the one the finished call filled, of its stated length.
                if unsafe { IcmpParseReplies(buf, len) } == 0 || req.reply.len() < mem::size_of::<ICMP_ECHO_REPLY>() {
                    return None;
                }
                // SAFETY: the buffer starts with an ICMP_ECHO_REPLY (checked long enough above).
                let r = unsafe { ptr::read_unaligned(req.reply.as_ptr().cast::<ICMP_ECHO_REPLY>()) };
                let from = IpAddr::V4(Ipv4Addr::from(r.Address.to_ne_bytes()));
                (from, Some(r.Options.Ttl), usize::from(r.DataSize), r.Status)
            }
            IpAddr::V6(_) => {
                // SAFETY: as above.
                if unsafe { Icmp6ParseReplies(buf, len) } == 0
                    || req.reply.len() < mem::size_of::<ICMPV6_ECHO_REPLY_LH>()
                {
                    return None;
                }
                // SAFETY: the buffer starts with an ICMPV6_ECHO_REPLY_LH (checked long enough above).
                let r = unsafe { ptr::read_unaligned(req.reply.as_ptr().cast::<ICMPV6_ECHO_REPLY_LH>()) };
                let words = r.Address.sin6_addr;
                let mut octets = [0u8; 16];
                for (pair, w) in octets.chunks_exact_mut(2).zip(words) {
                    pair.copy_from_slice(&w.to_ne_bytes());
                }
                // The helper reports no hop limit for ICMPv6; the echoed data is what we sent.
                (IpAddr::V6(Ipv6Addr::from(octets)), None, req.request.len(), r.Status)
            }
        };
        (status == IP_SUCCESS).then_some(Reply {
            ident: self.ident,
            seq: req.seq,
            len: icmp_echo::HEADER_LEN + data_len,
            from,
            ttl,
            at,
        })
    }

    /// Index of a finished request, waiting up to `wait` for one.
    fn finished(&self, wait: Duration) -> Result<Option<usize>> {
        if let Some(i) = self.in_flight.iter().position(|r| r.done) {
            return Ok(Some(i));
        }
        let events: Vec<HANDLE> = self.in_flight.iter().take(MAX_WAIT_OBJECTS).map(|r| r.event).collect();
        let ms = u32::try_from(wait.as_millis()).unwrap_or(u32::MAX);
        // SAFETY: every handle is a live event owned by a request in flight.
        let got = unsafe { WaitForMultipleObjects(events.len() as u32, events.as_ptr(), 0, ms) };
        if got == WAIT_FAILED {
            return Err(Error::io("cannot wait for the ICMP helper's replies", io::Error::last_os_error()));
        }
        let i = got.wrapping_sub(WAIT_OBJECT_0) as usize;
        Ok((got != WAIT_TIMEOUT && i < events.len()).then_some(i))
    }
}

impl Backend for IcmpHelper {
    fn ident(&self) -> u16 {
        self.ident
    }

    fn send(&mut self, echo: &Echo) -> Result<()> {
        // SAFETY: an unnamed auto-reset event, not yet signalled; checked before use.
        let event = unsafe { CreateEventW(ptr::null(), 0, 0, ptr::null()) };
        if event.is_null() {
            return Err(Error::io("cannot create an event for the ICMP helper", io::Error::last_os_error()));
        }
        let reply_len = mem::size_of::<ICMP_ECHO_REPLY>().max(mem::size_of::<ICMPV6_ECHO_REPLY_LH>())
            + echo.payload.len()
            + REPLY_SLACK;
        let mut req = InFlight {
            seq: echo.seq,
            event,
            reply: vec![0u8; reply_len].into_boxed_slice(),
            request: echo.payload.clone().into_boxed_slice(),
            done: false,
        };
        let n = self.start(&mut req);
        // SAFETY: reads this thread's last error, set by the call above.
        let err = unsafe { GetLastError() };
        match (n, err) {
            (0, ERROR_IO_PENDING) => {}
            (0, status) if status >= IP_STATUS_BASE => {
                // Refused at once (no route, for one): the request is lost, as a timeout would be.
                // SAFETY: the event is ours and no call holds it.
                unsafe { CloseHandle(req.event) };
                return Ok(());
            }
            (0, _) => {
                // SAFETY: as above.
                unsafe { CloseHandle(req.event) };
                return Err(Error::io(
                    format!("the ICMP helper cannot send an echo request to {}", self.target),
                    io::Error::from_raw_os_error(err as i32),
                ));
            }
            _ => req.done = true,
        }
        self.in_flight.push_back(req);
        Ok(())
    }

    fn recv(&mut self, wait: Duration) -> Result<Option<Reply>> {
        if self.in_flight.is_empty() {
            std::thread::sleep(wait);
            return Ok(None);
        }
        let Some(i) = self.finished(wait)? else { return Ok(None) };
        let at = Instant::now();
        let Some(mut req) = self.in_flight.remove(i) else { return Ok(None) };
        let reply = self.reply_in(&mut req, at);
        // SAFETY: the request is finished, so nothing signals its event any more.
        unsafe { CloseHandle(req.event) };
        Ok(reply)
    }
}

impl Drop for IcmpHelper {
    fn drop(&mut self) {
        for req in self.in_flight.drain(..) {
            // SAFETY: the event is a live handle owned by this request.
            let finished = req.done || unsafe { WaitForSingleObject(req.event, 0) } == WAIT_OBJECT_0;
            if finished {
                // SAFETY: as above; nothing writes into the request any more.
                unsafe { CloseHandle(req.event) };
            } else {
                // The system may still write the reply and signal the event: keep both alive.
                mem::forget(req);
            }
        }
        // SAFETY: the handle came from IcmpCreateFile / Icmp6CreateFile and is closed once.
        unsafe { IcmpCloseHandle(self.handle) };
    }
}

/// The local address Windows sends from to reach `dst` (the ICMPv6 checksum covers
/// it): a UDP socket connected to `dst` learns it from the routing table without
/// sending anything, where a raw socket's own address may still read as `::`.
fn source_for(dst: Ipv6Addr) -> io::Result<Ipv6Addr> {
    let udp = std::net::UdpSocket::bind((Ipv6Addr::UNSPECIFIED, 0))?;
    udp.connect((dst, DISCARD_PORT))?;
    match udp.local_addr()?.ip() {
        IpAddr::V6(me) if !me.is_unspecified() => Ok(me),
        _ => Err(io::Error::other(format!("no IPv6 source address to reach {dst}"))),
    }
}

/// A Windows IPv6 socket address for `ip`, port 0.
fn sockaddr_in6(ip: Ipv6Addr) -> SOCKADDR_IN6 {
    SOCKADDR_IN6 {
        sin6_family: AF_INET6,
        sin6_addr: IN6_ADDR { u: IN6_ADDR_0 { Byte: ip.octets() } },
        ..Default::default()
    }
}
