//! Experiments about closing a TCP connection: who closes first (and where
//! TIME_WAIT lands), closing with unread data (RST), and the half-close.

use super::proc_tcp;
use super::sock;
use super::tcp::setup;
use super::Lab;
use crate::error::Result;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddrV4, TcpListener, TcpStream};
use std::time::Duration;

/// Time for the last segments of a close to cross loopback.
const SETTLE: Duration = Duration::from_millis(100);
/// How long a read waits.
const READ_LIMIT: Duration = Duration::from_secs(1);

/// A listener on a free loopback port (SO_REUSEADDR set, as std and most
/// servers do), capturing its port.
fn listen(lab: &mut Lab) -> Result<(TcpListener, SocketAddrV4)> {
    let listener = sock::listener(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0), true, 8).map_err(setup("listening"))?;
    let addr = match listener.local_addr().map_err(setup("reading the port"))? {
        std::net::SocketAddr::V4(a) => a,
        std::net::SocketAddr::V6(_) => unreachable!("bound to 127.0.0.1"),
    };
    lab.capture(&format!("tcp port {}", addr.port()))?;
    Ok((listener, addr))
}

/// A connected client and the server's accepted socket.
fn pair(listener: &TcpListener, addr: SocketAddrV4) -> Result<(TcpStream, TcpStream)> {
    let client = TcpStream::connect(addr).map_err(setup("connecting"))?;
    let (server, _) = listener.accept().map_err(setup("accepting"))?;
    for s in [&client, &server] {
        s.set_read_timeout(Some(READ_LIMIT)).map_err(setup("read timeout"))?;
    }
    Ok((client, server))
}

/// A write as a step.
fn write_step(lab: &mut Lab, who: &str, s: &mut TcpStream, data: &str) {
    lab.begin();
    match s.write(data.as_bytes()) {
        Ok(n) => lab.step(format!("{who}: write({data:?})"), format!("{n}")),
        Err(e) => lab.step_err(format!("{who}: write({data:?})"), &e),
    }
}

/// Reads until end of file (or an error) as steps.
fn read_to_eof(lab: &mut Lab, who: &str, s: &mut TcpStream) {
    let mut buf = [0u8; 4096];
    for _ in 0..8 {
        match s.read(&mut buf) {
            Ok(0) => {
                lab.step(format!("{who}: read()"), "0: end of file, the peer sent FIN");
                return;
            }
            Ok(n) => lab.step(format!("{who}: read()"), format!("{n} bytes: {:?}", String::from_utf8_lossy(&buf[..n]))),
            Err(e) => {
                lab.step_err(format!("{who}: read()"), &e);
                return;
            }
        }
    }
}

/// The kernel's sockets on `port` as a step.
fn states_step(lab: &mut Lab, port: u16) {
    std::thread::sleep(SETTLE);
    let call = format!("kernel: sockets on port {port} (as `ss -tan`)");
    match proc_tcp::with_port(port) {
        Ok(entries) => lab.step(call, proc_tcp::lines(&entries)),
        Err(e) => lab.step_err(call, &e),
    }
}

/// Whether to try SO_REUSEADDR after a plain bind fails: not on Windows, where
/// the option lets a socket share a port in use instead (see `sock`).
const TRY_REUSE: &[bool] = if cfg!(windows) { &[false] } else { &[false, true] };

/// Binding `port` again, without SO_REUSEADDR and, if that fails, with it, as steps.
fn rebind_steps(lab: &mut Lab, who: &str, port: u16, listen: bool) {
    let addr = SocketAddrV4::new(Ipv4Addr::LOCALHOST, port);
    let call = if listen { ", listen()" } else { "" };
    for &reuse in TRY_REUSE {
        let label = format!("{who}: bind({addr}) {} SO_REUSEADDR{call}", if reuse { "with" } else { "without" });
        let res =
            if listen { sock::listener(addr, reuse, 8).map(|_| ()) } else { sock::bind_tcp(addr, reuse).map(|_| ()) };
        match res {
            Ok(()) => {
                lab.step(label, format!("0: bound{}", if listen { " and listening" } else { "" }));
                return;
            }
            Err(e) => lab.step_err(label, &e),
        }
    }
}

/// `client-closes-first`.
pub fn client_first(lab: &mut Lab) -> Result<()> {
    let (listener, addr) = listen(lab)?;
    let (mut client, mut server) = pair(&listener, addr)?;
    let cport = client.local_addr().map_err(setup("reading the port"))?.port();
    write_step(lab, "client", &mut client, "hello\n");
    lab.begin();
    drop(client);
    lab.step("client: close()", "0 (the client is the active closer: its FIN goes first)");
    read_to_eof(lab, "server", &mut server);
    lab.begin();
    drop(server);
    lab.step("server: close()", "0 (its FIN answers the client's)");
    states_step(lab, cport);
    rebind_steps(lab, "new client socket", cport, false);
    lab.begin();
    drop(listener);
    lab.step("server: close() the listening socket", "0 (the server stops)");
    states_step(lab, addr.port());
    rebind_steps(lab, "restarted server", addr.port(), true);
    Ok(())
}

/// `server-closes-first`.
pub fn server_first(lab: &mut Lab) -> Result<()> {
    let (listener, addr) = listen(lab)?;
    let (mut client, mut server) = pair(&listener, addr)?;
    write_step(lab, "server", &mut server, "bye\n");
    lab.begin();
    drop(server);
    lab.step("server: close()", "0 (the server is the active closer: its FIN goes first)");
    lab.begin();
    drop(listener);
    lab.step("server: close() the listening socket", "0 (the server stops)");
    read_to_eof(lab, "client", &mut client);
    lab.begin();
    drop(client);
    lab.step("client: close()", "0 (its FIN answers the server's)");
    states_step(lab, addr.port());
    rebind_steps(lab, "restarted server", addr.port(), true);
    Ok(())
}

/// `close-with-unread-data`.
pub fn unread_data(lab: &mut Lab) -> Result<()> {
    let (listener, addr) = listen(lab)?;
    let (mut client, server) = pair(&listener, addr)?;
    write_step(lab, "client", &mut client, "a request the server never reads\n");
    std::thread::sleep(SETTLE);
    lab.begin();
    drop(server);
    lab.step("server: close() without reading", "0 (the kernel discards the unread bytes)");
    std::thread::sleep(SETTLE);
    let mut buf = [0u8; 4096];
    match client.read(&mut buf) {
        Ok(0) => lab.step("client: read()", "0: end of file (no reset arrived)"),
        Ok(n) => lab.step("client: read()", format!("{n} bytes")),
        Err(e) => lab.step_err("client: read()", &e),
    }
    Ok(())
}

/// `half-close`.
pub fn half_close(lab: &mut Lab) -> Result<()> {
    let (listener, addr) = listen(lab)?;
    let (mut client, mut server) = pair(&listener, addr)?;
    write_step(lab, "client", &mut client, "count my bytes\n");
    lab.begin();
    match client.shutdown(Shutdown::Write) {
        Ok(()) => lab.step("client: shutdown(SHUT_WR)", "0 (FIN sent; the client can still read)"),
        Err(e) => lab.step_err("client: shutdown(SHUT_WR)", &e),
    }
    let mut request = Vec::new();
    match server.read_to_end(&mut request) {
        Ok(n) => lab.step("server: read() until 0", format!("{n} bytes, then 0: end of file, the request is complete")),
        Err(e) => lab.step_err("server: read()", &e),
    }
    write_step(lab, "server (after the client's FIN)", &mut server, &format!("you sent {} bytes\n", request.len()));
    lab.begin();
    drop(server);
    lab.step("server: close()", "0");
    read_to_eof(lab, "client (after its own FIN)", &mut client);
    Ok(())
}
