//! The uppercase echo lab over real sockets: socklab's servers with socklab's
//! clients, raw std sockets and the lab handout's Python clients.
#![cfg(unix)] // the real-binary suite; on Windows, scripts/windows-smoke.sh runs socklab.exe
mod common;
use common::*;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

const T: Duration = Duration::from_secs(10);
const SIGINT: i32 = 2;
const SIGTERM: i32 = 15;

fn tcp_server(extra: &[&str]) -> (Proc, SocketAddr) {
    let mut args = vec!["tcp", "server", "--port", "0"];
    args.extend_from_slice(extra);
    let (mut p, addr) = Proc::server(&args);
    p.wait_for("The server is ready to receive", T);
    (p, addr)
}

fn udp_server() -> (Proc, SocketAddr) {
    let (mut p, addr) = Proc::server(&["udp", "server", "--port", "0"]);
    p.wait_for("The server is ready to receive", T);
    (p, addr)
}

/// Sends `msg` on a raw TCP connection and reads until `want` bytes came back.
fn raw_tcp_echo(addr: SocketAddr, msg: &[u8]) -> Vec<u8> {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(T)).unwrap();
    s.write_all(msg).unwrap();
    let mut got = vec![0u8; msg.len()];
    s.read_exact(&mut got).unwrap();
    got
}

#[test]
fn tcp_server_prints_its_address_first_and_the_ready_line() {
    let (p, addr) = tcp_server(&[]);
    assert_eq!(addr.ip().to_string(), "127.0.0.1");
    assert_ne!(addr.port(), 0);
    let seen = p.seen.lock().unwrap().clone();
    assert_eq!(seen[0], format!("TCP echo server listening on {addr}"));
    assert_eq!(seen[1], "The server is ready to receive");
}

#[test]
fn tcp_round_trip_with_the_socklab_client() {
    let (mut server, addr) = tcp_server(&[]);
    let out = ok(&["tcp", "client", "--server", &addr.to_string(), "hello", "world"]);
    assert_eq!(out.trim_end(), format!("From server {addr}: HELLO WORLD"));
    let line = server.wait_for("From client", T);
    assert!(line.starts_with("From client 127.0.0.1:") && line.ends_with(": hello world"), "{line}");
}

#[test]
fn tcp_client_takes_host_and_port_flags() {
    let (_server, addr) = tcp_server(&[]);
    let port = addr.port().to_string();
    let out = ok(&["tcp", "client", "--host", "localhost", "--port", &port, "abc"]);
    assert!(out.contains(": ABC"), "{out}");
}

#[test]
fn tcp_keeps_non_ascii_text_intact() {
    let (_server, addr) = tcp_server(&[]);
    let out = ok(&["tcp", "client", "--server", &addr.to_string(), "héllo wörld ñ → ok"]);
    assert_eq!(out.trim_end(), format!("From server {addr}: HéLLO WöRLD ñ → OK"));
}

#[test]
fn tcp_echoes_raw_bytes_without_a_line_end() {
    let (_server, addr) = tcp_server(&[]);
    assert_eq!(raw_tcp_echo(addr, "abc xyz é!".as_bytes()), "ABC XYZ é!".as_bytes());
    // Bytes that are not UTF-8 come back byte for byte, only a-z changed.
    assert_eq!(raw_tcp_echo(addr, b"\xff\xfeq\x00z"), b"\xff\xfeQ\x00Z");
}

#[test]
fn tcp_stdin_loop_until_quit() {
    let (_server, addr) = tcp_server(&[]);
    let out = run_with(&["tcp", "client", "--server", &addr.to_string()], b"one\ntwo words\nquit\nthree\n", T);
    assert!(out.status.success(), "{}", describe(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        vec![format!("From server {addr}: ONE"), format!("From server {addr}: TWO WORDS")],
        "{}",
        describe(&out)
    );
}

#[test]
fn tcp_stdin_end_of_input_ends_the_client() {
    let (_server, addr) = tcp_server(&[]);
    let out = run_with(&["tcp", "client", "--server", &addr.to_string()], b"last line", T);
    assert!(out.status.success(), "{}", describe(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains(": LAST LINE"), "{}", describe(&out));
}

#[test]
fn ten_tcp_clients_at_once() {
    const CLIENTS: usize = 10;
    let (_server, addr) = tcp_server(&["--threads", "10"]);
    let barrier = Arc::new(Barrier::new(CLIENTS));
    let handles: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let b = Arc::clone(&barrier);
            thread::spawn(move || {
                let mut s = TcpStream::connect(addr).unwrap();
                s.set_read_timeout(Some(T)).unwrap();
                // Every client is connected before any sends: the server holds all ten at once.
                b.wait();
                let msg = format!("client number {i}\n");
                s.write_all(msg.as_bytes()).unwrap();
                let mut got = vec![0u8; msg.len()];
                s.read_exact(&mut got).unwrap();
                assert_eq!(got, msg.to_uppercase().into_bytes());
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

#[test]
fn ten_socklab_clients_in_parallel() {
    let (mut server, addr) = tcp_server(&[]);
    let handles: Vec<_> = (0..10)
        .map(|i| {
            let a = addr.to_string();
            thread::spawn(move || run(&["tcp", "client", "--server", &a, &format!("message {i}")]))
        })
        .collect();
    let mut outs = Vec::new();
    for h in handles {
        let out = h.join().unwrap();
        assert!(out.status.success(), "{}\nserver:\n{}", describe(&out), server.dump());
        outs.push(String::from_utf8_lossy(&out.stdout).trim_end().to_string());
    }
    outs.sort();
    let mut want: Vec<String> = (0..10).map(|i| format!("From server {addr}: MESSAGE {i}")).collect();
    want.sort();
    assert_eq!(outs, want);
    let st = server.signal_and_wait(SIGINT, T);
    assert!(st.success(), "{}", server.dump());
    let summary = server.wait_for("Server stopped", T);
    assert!(summary.contains("10 connections served"), "{summary}");
}

#[test]
fn full_tcp_server_says_busy_and_closes() {
    let (mut server, addr) = tcp_server(&["--threads", "1"]);
    // `a` talks without reading the echoes, so the one worker blocks sending to it.
    let mut a = TcpStream::connect(addr).unwrap();
    a.set_nonblocking(true).unwrap();
    let chunk = [b'x'; 65536];
    let start = std::time::Instant::now();
    let mut stuck = 0usize;
    while stuck < 20 && start.elapsed() < Duration::from_secs(5) {
        if a.write(&chunk).is_ok_and(|n| n > 0) {
            stuck = 0;
        } else {
            stuck += 1;
            thread::sleep(Duration::from_millis(10));
        }
    }
    // Four more that speak wait in the queue (4 per worker); `c` is turned away.
    let _queued: Vec<TcpStream> = (0..4)
        .map(|_| {
            let mut q = TcpStream::connect(addr).unwrap();
            q.write_all(b"q").unwrap();
            q
        })
        .collect();
    thread::sleep(Duration::from_millis(200));
    let mut c = TcpStream::connect(addr).unwrap();
    c.write_all(b"c").unwrap();
    c.set_read_timeout(Some(T)).unwrap();
    let mut reply = String::new();
    c.read_to_string(&mut reply).unwrap();
    assert!(reply.starts_with("socklab: server busy"), "{reply:?}");
    server.wait_for("Turned away 127.0.0.1:", T);
    let err = fails(&["tcp", "client", "--server", &addr.to_string(), "hi"]);
    assert!(err.contains("turned us away") && err.contains("busy"), "{err}");
    drop(a);
}

#[test]
fn tcp_server_stops_cleanly_on_sigint_with_a_client_connected() {
    let (mut server, addr) = tcp_server(&[]);
    assert_eq!(raw_tcp_echo(addr, b"abc"), b"ABC");
    // An idle client holds a worker; shutdown must not wait for it.
    let mut idle = TcpStream::connect(addr).unwrap();
    idle.set_read_timeout(Some(T)).unwrap();
    idle.write_all(b"q").unwrap();
    let mut one = [0u8; 1];
    idle.read_exact(&mut one).unwrap();
    let st = server.signal_and_wait(SIGINT, T);
    assert_eq!(st.code(), Some(0), "{}", server.dump());
    let summary = server.wait_for("Server stopped", T);
    assert!(summary.contains("2 connections served, 2 messages echoed"), "{summary}");
    assert!(server.stderr().is_empty(), "{}", server.dump());
}

#[test]
fn tcp_server_stops_cleanly_on_sigterm() {
    let (mut server, _addr) = tcp_server(&[]);
    let st = server.signal_and_wait(SIGTERM, T);
    assert_eq!(st.code(), Some(0), "{}", server.dump());
}

/// Runs a Python script with `input` on stdin, bounded in time; `None` without python3.
fn python(script: &str, input: &[u8]) -> Option<std::process::Output> {
    use std::process::Stdio;
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take().unwrap().write_all(input).unwrap();
    let deadline = std::time::Instant::now() + T;
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("python3 did not finish within {T:?}: {:?}", child.wait_with_output());
        }
        thread::sleep(Duration::from_millis(10));
    }
    Some(child.wait_with_output().unwrap())
}

#[test]
fn handout_tcp_client_in_python_interoperates() {
    let (mut server, addr) = tcp_server(&[]);
    // TCPClient.py from the lab handout (Python 3), with the server filled in.
    let script = format!(
        r#"from socket import *
serverName = '127.0.0.1'
serverPort = {}
clientSocket = socket(AF_INET, SOCK_STREAM)
clientSocket.connect((serverName,serverPort))
sentence = input('Input lowercase sentence:')
clientSocket.send(sentence.encode())
modifiedSentence = clientSocket.recv(1024)
print('From Server: ', modifiedSentence.decode())
clientSocket.close()
"#,
        addr.port()
    );
    let Some(out) = python(&script, "hello from python, héllo wörld ñ\n".as_bytes()) else {
        assert!(!need("python3"), "python3 is installed but did not start");
        return;
    };
    assert!(out.status.success(), "{}", describe(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim_end(),
        "Input lowercase sentence:From Server:  HELLO FROM PYTHON, HéLLO WöRLD ñ"
    );
    server.wait_for("hello from python, héllo wörld ñ", T);
    server.wait_for("closed the connection", T);
}

#[test]
fn handout_udp_client_in_python_interoperates() {
    let (mut server, addr) = udp_server();
    // UDPClient.py from the lab handout (Python 3), with the server filled in.
    let script = format!(
        r#"from socket import *
serverName = '127.0.0.1'
serverPort = {}
clientSocket = socket(AF_INET, SOCK_DGRAM)
message = input('Input lowercase sentence:')
clientSocket.sendto(message.encode(),(serverName, serverPort))
modifiedMessage, serverAddress = clientSocket.recvfrom(2048)
print(modifiedMessage.decode())
clientSocket.close()
"#,
        addr.port()
    );
    let Some(out) = python(&script, "udp from python ñ\n".as_bytes()) else {
        assert!(!need("python3"), "python3 is installed but did not start");
        return;
    };
    assert!(out.status.success(), "{}", describe(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim_end(), "Input lowercase sentence:UDP FROM PYTHON ñ");
    server.wait_for("udp from python ñ", T);
}

#[test]
fn udp_server_prints_its_address_first() {
    let (p, addr) = udp_server();
    assert_eq!(p.seen.lock().unwrap()[0], format!("UDP echo server listening on {addr}"));
}

#[test]
fn udp_round_trip_with_the_socklab_client() {
    let (mut server, addr) = udp_server();
    let out = ok(&["udp", "client", "--server", &addr.to_string(), "héllo wörld ñ"]);
    assert_eq!(out.trim_end(), format!("From server {addr}: HéLLO WöRLD ñ"));
    let line = server.wait_for("From client", T);
    assert!(line.starts_with("From client 127.0.0.1:") && line.ends_with(": héllo wörld ñ"), "{line}");
}

#[test]
fn udp_one_datagram_each_way_without_a_line_end() {
    let (_server, addr) = udp_server();
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    s.set_read_timeout(Some(T)).unwrap();
    s.send_to(b"abc\xffz", addr).unwrap();
    let mut buf = [0u8; 64];
    let (n, from) = s.recv_from(&mut buf).unwrap();
    assert_eq!(from, addr);
    assert_eq!(&buf[..n], b"ABC\xffZ");
}

#[test]
fn udp_stdin_loop_until_quit() {
    let (_server, addr) = udp_server();
    let out = run_with(&["udp", "client", "--server", &addr.to_string()], b"first\nsecond\nQUIT\nnever\n", T);
    assert!(out.status.success(), "{}", describe(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines, vec![format!("From server {addr}: FIRST"), format!("From server {addr}: SECOND")]);
}

#[test]
fn udp_server_stops_cleanly_on_sigint() {
    let (mut server, addr) = udp_server();
    ok(&["udp", "client", "--server", &addr.to_string(), "x"]);
    let st = server.signal_and_wait(SIGINT, T);
    assert_eq!(st.code(), Some(0), "{}", server.dump());
    let summary = server.wait_for("Server stopped", T);
    assert!(summary.contains("1 datagram echoed to 1 client"), "{summary}");
}

#[test]
fn tcp_and_udp_over_ipv6_loopback() {
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        eprintln!("skipped: no IPv6 loopback on this machine");
        return;
    }
    for proto in ["tcp", "udp"] {
        let (_server, addr) = Proc::server(&[proto, "server", "--bind", "[::1]:0"]);
        assert_eq!(addr.ip().to_string(), "::1");
        let out = ok(&[proto, "client", "--server", &addr.to_string(), "over ipv6"]);
        assert_eq!(out.trim_end(), format!("From server {addr}: OVER IPV6"));
    }
}

#[test]
fn socklab_client_works_with_the_handout_tcp_server_in_python() {
    // TCPServer.py from the lab handout (one reply per connection, then close), on a
    // free port and for two connections, so the client must reconnect for line two.
    let script = r#"from socket import *
serverSocket = socket(AF_INET,SOCK_STREAM)
serverSocket.bind(('127.0.0.1',0))
serverSocket.listen(1)
print('port', serverSocket.getsockname()[1], flush=True)
print('The server is ready to receive', flush=True)
for _ in range(2):
    connectionSocket, addr = serverSocket.accept()
    sentence = connectionSocket.recv(1024).decode()
    capitalizedSentence = sentence.upper()
    connectionSocket.send(capitalizedSentence.encode())
    connectionSocket.close()
"#;
    let Ok(mut py) = Command::new("python3")
        .arg("-c")
        .arg(script)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
    else {
        assert!(!need("python3"), "python3 is installed but did not start");
        return;
    };
    // Keep reading the script's stdout: a closed pipe would kill it at its next print.
    let mut py_out = std::io::BufReader::new(py.stdout.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut py_out, &mut first).unwrap();
    let drain = thread::spawn(move || std::io::copy(&mut py_out, &mut std::io::sink()));
    let port = first.trim().strip_prefix("port ").unwrap().to_string();
    let out = run_with(&["tcp", "client", "--port", &port], b"one\ntwo\nquit\n", T);
    let _ = py.kill();
    let _ = py.wait();
    let _ = drain.join();
    assert!(out.status.success(), "{}", describe(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let want = format!("From server 127.0.0.1:{port}: ONE\nFrom server 127.0.0.1:{port}: TWO\n");
    assert_eq!(text, want);
}

#[test]
fn tcp_server_log_joins_a_character_split_across_segments() {
    // Regression: "é" (c3 a9) arriving as two segments was logged as two U+FFFD.
    let (mut server, addr) = tcp_server(&[]);
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_nodelay(true).unwrap();
    s.set_read_timeout(Some(T)).unwrap();
    s.write_all(b"caf\xc3").unwrap();
    let mut got = [0u8; 4];
    s.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"CAF\xc3", "the echo is byte for byte, even half a character");
    s.write_all(b"\xa9!").unwrap();
    let mut got = [0u8; 2];
    s.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"\xa9!");
    let first = server.wait_for("From client", T);
    assert!(first.ends_with(": caf"), "{first}");
    let second = server.wait_for("From client", T);
    assert!(second.ends_with(": é!"), "{second}");
    assert!(!server.dump().contains('\u{fffd}'), "{}", server.dump());
}

#[test]
fn tcp_client_says_the_server_closed_and_reconnects_for_the_next_line() {
    // A server that answers one line per connection, with its line end, then closes.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = thread::spawn(move || {
        for _ in 0..2 {
            let (mut s, _) = listener.accept().unwrap();
            s.set_read_timeout(Some(T)).unwrap();
            let mut got = Vec::new();
            let mut b = [0u8; 64];
            while !got.contains(&b'\n') {
                let n = s.read(&mut b).unwrap();
                assert!(n > 0, "client closed before a line");
                got.extend_from_slice(&b[..n]);
            }
            s.write_all(&got.to_ascii_uppercase()).unwrap();
        }
    });
    let out = run_with(&["tcp", "client", "--server", &addr.to_string()], b"one\ntwo\nquit\n", T);
    server.join().unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text, format!("From server {addr}: ONE\nFrom server {addr}: TWO\n"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("server {addr} closed the connection")), "{err}");
    assert!(err.contains("reconnecting"), "{err}");
}

/// True if this machine's `localhost` already resolves to `::1`, then `127.0.0.1`.
fn localhost_is_dual_stack() -> bool {
    use std::net::ToSocketAddrs;
    let addrs: Vec<SocketAddr> = ("localhost", 1).to_socket_addrs().map(|a| a.collect()).unwrap_or_default();
    addrs.first().is_some_and(|a| a.ip() == std::net::Ipv6Addr::LOCALHOST)
        && addrs.iter().any(|a| a.ip() == std::net::Ipv4Addr::LOCALHOST)
}

/// Runs socklab with `localhost` resolving to `::1` then `127.0.0.1`, as on most
/// students' machines: directly when this machine's /etc/hosts says so, else in a
/// private mount namespace whose /etc/hosts does. `None` (a skip, outside CI) when
/// neither is possible (the namespace needs root and unshare(1)).
fn with_dual_stack_localhost(args: &[&str]) -> Option<std::process::Output> {
    if localhost_is_dual_stack() {
        return Some(run(args));
    }
    let hosts = std::env::temp_dir().join(format!("socklab-hosts-{}", std::process::id()));
    std::fs::write(&hosts, "::1 localhost\n127.0.0.1 localhost\n").unwrap();
    let script = format!("mount --bind {} /etc/hosts && exec \"$0\" \"$@\"", hosts.display());
    let out = Command::new("unshare").args(["-m", "sh", "-c", &script, BIN]).args(args).output();
    let usable = match &out {
        Ok(o) => {
            let err = String::from_utf8_lossy(&o.stderr);
            !err.contains("unshare:") && !err.contains("mount:")
        }
        Err(_) => false,
    };
    if !usable {
        assert!(
            !in_ci(),
            "CI=true: localhost is not ::1 then 127.0.0.1 here, and a mount namespace to make it so \
             (root, unshare) is not available: {out:?}"
        );
        eprintln!("skipped: localhost has one address here, and unshare -m (root) is not available");
        return None;
    }
    out.ok()
}
#[test]
fn localhost_tries_ipv6_then_ipv4_and_names_the_refusal() {
    let (_server, addr) = tcp_server(&[]);
    let port = addr.port().to_string();
    let Some(out) = with_dual_stack_localhost(&["tcp", "client", "--host", "localhost", "--port", &port, "hi"]) else {
        return;
    };
    assert!(out.status.success(), "{}", describe(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("From server {addr}: HI\n"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err, format!("[::1]:{port}: connection refused; trying 127.0.0.1:{port}\n"));
    // The other TCP clients share the connect helper: socklab get against a web server.
    let (_web, waddr) = Proc::server(&["web", "--root", "www", "--port", "0"]);
    let url = format!("http://localhost:{}/HelloWorld.html", waddr.port());
    let out = with_dual_stack_localhost(&["get", &url]).unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("[::1]:{}: connection refused; trying {waddr}", waddr.port())), "{err}");
}

#[test]
fn when_every_address_refuses_the_error_lists_each() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
    let Some(out) = with_dual_stack_localhost(&["tcp", "client", "--server", &format!("localhost:{port}"), "hi"])
    else {
        return;
    };
    assert!(!out.status.success(), "{}", describe(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    let both = format!("[::1]:{port}: connection refused; 127.0.0.1:{port}: connection refused");
    assert!(err.contains(&both), "{err}");
    assert!(err.contains("start the server first"), "{err}");
}
