//! `dns-truncation`: a DNS answer too big for a 512-byte UDP message comes back
//! with TC set and no records; the client asks again over TCP and gets them
//! all. The server is `socklab dns server` (run as a child process of this
//! binary) with a zone holding one name of many A records.

use super::tcp::setup;
use super::Lab;
use crate::cmd::child::ChildServer;
use crate::error::{Error, Result};
use crate::net::dns_client::{build_query, random_id};
use crate::net::dns_tcp;
use crate::proto::dns::{decode, encode, Message, Name, RrType};
use std::io::Write;
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::path::PathBuf;
use std::time::Duration;

/// The name with the big answer.
const BIG: &str = "big.lab";
/// How many A records it has (40 × 16 bytes of records: well over 512 bytes).
const RECORDS: usize = 40;
/// How long a reply may take.
const REPLY_LIMIT: Duration = Duration::from_secs(2);

/// `dns-truncation`.
pub fn truncation(lab: &mut Lab) -> Result<()> {
    let exe = std::env::current_exe().map_err(|e| Error::io("finding the socklab binary", e))?;
    let zone = zone_file()?;
    let zone_arg = zone.display().to_string();
    let server = ChildServer::start(&exe, &["dns", "server", "--port", "0", "--zone", &zone_arg, "--quiet"]);
    let result = server.and_then(|s| {
        let r = ask_twice(lab, s.addr);
        let _ = s.stop();
        r
    });
    let _ = std::fs::remove_file(&zone);
    result
}

fn ask_twice(lab: &mut Lab, server: SocketAddr) -> Result<()> {
    lab.capture(&format!("port {}", server.port()))?;
    lab.dns_port(server.port());
    lab.step(format!("server: socklab dns server on {server} (UDP and TCP)"), format!("{BIG} has {RECORDS} A records"));
    let name = Name::parse(BIG).map_err(|e| Error::usage(format!("bad name {BIG}: {e}")))?;
    let query = build_query(random_id(), &name, RrType::A);
    let bytes = encode(&query).map_err(|e| Error::usage(format!("cannot build the query: {e}")))?;
    let udp = UdpSocket::bind("127.0.0.1:0").map_err(setup("binding the client"))?;
    udp.set_read_timeout(Some(REPLY_LIMIT)).map_err(setup("receive timeout"))?;
    match udp.send_to(&bytes, server) {
        Ok(n) => lab.step(format!("client: sendto(query {BIG} A, no EDNS) over UDP"), format!("{n} (bytes sent)")),
        Err(e) => lab.step_err("client: sendto() over UDP", &e),
    }
    let mut buf = [0u8; 4096];
    match udp.recv(&mut buf) {
        Ok(n) => lab.step("client: recvfrom()", summary(n, &buf[..n])),
        Err(e) => lab.step_err("client: recvfrom()", &e),
    }
    let call = format!("client: connect({server}) over TCP, send the same query with its 2-byte length");
    match tcp_exchange(server, &bytes) {
        Ok(reply) => lab.step(call, summary(reply.len(), &reply)),
        Err(e) => lab.step_err(call, &e),
    }
    Ok(())
}

/// One query over TCP: the framed query out, the framed response back.
fn tcp_exchange(server: SocketAddr, query: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut s = TcpStream::connect_timeout(&server, REPLY_LIMIT)?;
    s.set_read_timeout(Some(REPLY_LIMIT))?;
    s.write_all(&dns_tcp::framed(query))?;
    dns_tcp::read_response(&mut s)
}

/// `response of 529 bytes: TC=0, 40 answers`.
fn summary(n: usize, reply: &[u8]) -> String {
    match decode(reply) {
        Ok(m) => describe(n, &m),
        Err(e) => format!("{n} bytes, not a DNS message: {e}"),
    }
}

fn describe(n: usize, m: &Message) -> String {
    let tc = if m.header.flags.tc { "TC=1 (truncated: ask again over TCP)" } else { "TC=0" };
    format!("response of {n} bytes: {tc}, {} answers", m.answers.len())
}

/// A zone file with the big name, in a temporary directory.
fn zone_file() -> Result<PathBuf> {
    let path = std::env::temp_dir().join(format!("socklab-experiment-{}.zone", std::process::id()));
    let text: String = (1..=RECORDS).map(|i| format!("{BIG} 60 A 10.0.0.{i}\n")).collect();
    std::fs::write(&path, text).map_err(setup("writing the zone file"))?;
    Ok(path)
}
