//! The ICMP socket of Linux and macOS: raw (`SOCK_RAW`, needs root or CAP_NET_RAW)
//! or the unprivileged datagram kind (`SOCK_DGRAM` with `IPPROTO_ICMP`), connected
//! to the target so the kernel only hands us its packets, with poll(2) for waiting.
//!
//! Linux tries the raw socket first (as ping(8) always did) and the datagram one
//! when that is refused; the kernel allows the datagram socket to the groups in
//! `net.ipv4.ping_group_range`, replaces the identifier of our requests with one it
//! picked (the socket's "port"), and delivers only the ICMP message. macOS lets
//! every user open the datagram socket, keeps our identifier, and delivers IPv4
//! replies with their IP header in front, like a raw socket.

use super::{reply_of, send_echo, Backend, Framing, Reply, PRIVILEGE_FIX};
use crate::error::{Error, Result};
use crate::proto::icmp_echo::{Echo, Family};
use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use std::io;
use std::mem;
use std::net::{IpAddr, SocketAddr};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

/// Largest datagram an ICMP socket can deliver.
const RECV_BUF: usize = 65536;
/// Room for the TTL / hop-limit control message (in u64 words, for alignment).
const CONTROL_WORDS: usize = 16;
/// The socket kinds to try, in order: Linux keeps the raw socket first.
#[cfg(target_os = "linux")]
const KINDS: [Kind; 2] = [Kind::Raw, Kind::Dgram];
/// The socket kinds to try, in order: elsewhere the datagram socket needs no privilege.
#[cfg(not(target_os = "linux"))]
const KINDS: [Kind; 2] = [Kind::Dgram, Kind::Raw];
/// Whether an IPv4 ICMP datagram socket delivers the IP header (BSD-style kernels do).
const DGRAM_V4_HAS_IP_HEADER: bool = cfg!(not(target_os = "linux"));
/// Whether the kernel replaces the identifier on datagram sockets (Linux does).
const DGRAM_REWRITES_IDENT: bool = cfg!(target_os = "linux");

/// Raw or datagram ICMP socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Raw,
    Dgram,
}

/// An ICMP (or ICMPv6) socket connected to one address.
pub struct IcmpSocket {
    sock: Socket,
    target: IpAddr,
    family: Family,
    framing: Framing,
    ident: u16,
    buf: Vec<u8>,
}

impl IcmpSocket {
    /// Opens the first ICMP socket this system allows for `target`'s family and
    /// connects it to `target`.
    pub fn open(target: IpAddr) -> Result<IcmpSocket> {
        let mut refused = None;
        for kind in KINDS {
            match new_socket(target, kind) {
                Ok(sock) => return IcmpSocket::connect(sock, kind, target),
                Err(e) if is_refusal(&e) => refused = Some(e),
                Err(e) => return Err(Error::io("cannot open an ICMP socket", e)),
            }
        }
        Err(privilege_error(refused.unwrap_or_else(|| io::Error::from(io::ErrorKind::PermissionDenied))))
    }

    fn connect(sock: Socket, kind: Kind, target: IpAddr) -> Result<IcmpSocket> {
        sock.connect(&SockAddr::from(SocketAddr::new(target, 0)))
            .map_err(|e| Error::io(format!("cannot reach {target}"), e))?;
        let local = sock.local_addr().ok().and_then(|a| a.as_socket());
        let family = match (target, local) {
            (IpAddr::V4(_), _) => {
                if kind == Kind::Dgram && !DGRAM_V4_HAS_IP_HEADER {
                    set_int(&sock, libc::IPPROTO_IP, libc::IP_RECVTTL, 1)?;
                }
                Family::V4
            }
            (IpAddr::V6(dst), Some(SocketAddr::V6(me))) => {
                set_int(&sock, libc::IPPROTO_IPV6, libc::IPV6_RECVHOPLIMIT, 1)?;
                // Replies travel from the target back to our address.
                Family::V6 { src: dst, dst: *me.ip() }
            }
            (IpAddr::V6(_), _) => {
                return Err(Error::io("getsockname on the ICMPv6 socket", io::Error::last_os_error()));
            }
        };
        let ident = match (kind, local) {
            (Kind::Dgram, Some(me)) if DGRAM_REWRITES_IDENT => me.port(),
            _ => (std::process::id() & 0xffff) as u16,
        };
        let framing = framing(kind, family);
        Ok(IcmpSocket { sock, target, family, framing, ident, buf: vec![0u8; RECV_BUF] })
    }

    /// recvmsg(2) with room for the TTL / hop-limit control message.
    fn recvmsg(&mut self) -> Result<(usize, Option<u8>)> {
        let mut iov = libc::iovec { iov_base: self.buf.as_mut_ptr().cast(), iov_len: self.buf.len() };
        let mut control = [0u64; CONTROL_WORDS];
        // SAFETY: zeroed msghdr is valid; pointers set below outlive the call.
        let mut msg: libc::msghdr = unsafe { mem::zeroed() };
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = mem::size_of_val(&control) as _;
        // SAFETY: msg describes valid buffers.
        let n = unsafe { libc::recvmsg(self.sock.as_raw_fd(), &mut msg, 0) };
        if n < 0 {
            return Err(Error::io("cannot receive from the ICMP socket", io::Error::last_os_error()));
        }
        Ok((n as usize, ttl_of(&msg)))
    }
}

impl Backend for IcmpSocket {
    fn ident(&self) -> u16 {
        self.ident
    }

    fn send(&mut self, echo: &Echo) -> Result<()> {
        send_echo(&self.sock, self.family, self.target, echo)
    }

    fn recv(&mut self, wait: Duration) -> Result<Option<Reply>> {
        let mut pfd = libc::pollfd { fd: self.sock.as_raw_fd(), events: libc::POLLIN, revents: 0 };
        // SAFETY: one valid pollfd.
        let ready = unsafe { libc::poll(&mut pfd, 1, wait.as_millis().min(i32::MAX as u128) as i32) };
        if ready < 0 {
            let e = io::Error::last_os_error();
            return if e.kind() == io::ErrorKind::Interrupted { Ok(None) } else { Err(Error::io("poll", e)) };
        }
        if ready == 0 {
            return Ok(None);
        }
        let (n, ttl) = self.recvmsg()?;
        let data = &self.buf[..n.min(self.buf.len())];
        Ok(reply_of(self.family, self.framing, data, self.target, ttl, Instant::now()))
    }
}

/// What a socket of `kind` delivers for `family`.
fn framing(kind: Kind, family: Family) -> Framing {
    match (family, kind) {
        (Family::V4, Kind::Raw) => Framing::Ipv4Header,
        (Family::V4, Kind::Dgram) if DGRAM_V4_HAS_IP_HEADER => Framing::Ipv4Header,
        _ => Framing::IcmpOnly,
    }
}

/// A new ICMP socket of `kind` for `target`'s family (close-on-exec).
fn new_socket(target: IpAddr, kind: Kind) -> io::Result<Socket> {
    let (domain, proto) = match target {
        IpAddr::V4(_) => (Domain::IPV4, Protocol::ICMPV4),
        IpAddr::V6(_) => (Domain::IPV6, Protocol::ICMPV6),
    };
    let ty = match kind {
        Kind::Raw => Type::RAW,
        Kind::Dgram => Type::DGRAM,
    };
    Socket::new(domain, ty, Some(proto))
}

/// True when the system refused the socket for lack of privilege.
fn is_refusal(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::EPERM) | Some(libc::EACCES))
}

/// The error a student can act on when every ICMP socket was refused.
fn privilege_error(e: io::Error) -> Error {
    let why = if cfg!(target_os = "linux") {
        "it opens a raw ICMP socket, which needs root or the CAP_NET_RAW capability, or else an unprivileged \
         ICMP socket, which net.ipv4.ping_group_range does not allow to your group"
    } else {
        "the system refused its ICMP socket"
    };
    Error::NeedsPrivilege { what: "ping".into(), fix: format!("{why}: {e}; {PRIVILEGE_FIX}") }
}

/// The TTL (IPv4) or hop limit (IPv6) control message of a received packet, if any.
fn ttl_of(msg: &libc::msghdr) -> Option<u8> {
    // SAFETY: the CMSG macros walk the control buffer the kernel filled, bounded by msg_controllen.
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(msg);
        while !c.is_null() {
            let (level, ty) = ((*c).cmsg_level, (*c).cmsg_type);
            if (level == libc::IPPROTO_IPV6 && ty == libc::IPV6_HOPLIMIT)
                || (level == libc::IPPROTO_IP && ty == libc::IP_TTL)
            {
                let v = std::ptr::read_unaligned(libc::CMSG_DATA(c) as *const libc::c_int);
                return u8::try_from(v).ok();
            }
            c = libc::CMSG_NXTHDR(msg, c);
        }
    }
    None
}

fn set_int(sock: &Socket, level: libc::c_int, name: libc::c_int, value: libc::c_int) -> Result<()> {
    // SAFETY: passes a pointer to a live c_int of the stated size.
    let rc = unsafe {
        libc::setsockopt(
            sock.as_raw_fd(),
            level,
            name,
            (&value as *const libc::c_int).cast(),
            mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if rc != 0 {
        return Err(Error::io("setsockopt on the ICMP socket", io::Error::last_os_error()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv6Addr;

    #[test]
    fn framing_follows_the_socket_kind_and_family() {
        let v6 = Family::V6 { src: Ipv6Addr::LOCALHOST, dst: Ipv6Addr::LOCALHOST };
        assert_eq!(framing(Kind::Raw, Family::V4), Framing::Ipv4Header);
        assert_eq!(framing(Kind::Raw, v6), Framing::IcmpOnly);
        assert_eq!(framing(Kind::Dgram, v6), Framing::IcmpOnly);
        let dgram_v4 = if cfg!(target_os = "linux") { Framing::IcmpOnly } else { Framing::Ipv4Header };
        assert_eq!(framing(Kind::Dgram, Family::V4), dgram_v4);
    }

    #[test]
    fn refusals_are_told_from_other_failures() {
        assert!(is_refusal(&io::Error::from_raw_os_error(libc::EPERM)));
        assert!(is_refusal(&io::Error::from_raw_os_error(libc::EACCES)));
        assert!(!is_refusal(&io::Error::from_raw_os_error(libc::EAFNOSUPPORT)));
        let text = privilege_error(io::Error::from_raw_os_error(libc::EPERM)).to_string();
        assert!(text.starts_with("ping needs privilege: ") && text.ends_with(PRIVILEGE_FIX), "{text}");
    }
}
