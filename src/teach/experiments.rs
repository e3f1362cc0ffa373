//! The experiments' catalogue: for each, its name, what it sets up, the
//! explanation printed after the packets, the RFC sections it rests on and the
//! `socklab explain` topics that go further. The code that runs each one is in
//! `crate::cmd::experiment`; this is only the text, in one place.

/// One experiment's fixed text.
#[derive(Clone, Copy, Debug)]
pub struct Experiment {
    /// The name given to `socklab experiment run`.
    pub name: &'static str,
    /// One-line title.
    pub title: &'static str,
    /// What is set up and done.
    pub setup: &'static str,
    /// The explanation, one paragraph per entry.
    pub why: &'static [&'static str],
    /// RFC sections cited.
    pub rfcs: &'static [&'static str],
    /// `socklab explain` topics that say more.
    pub topics: &'static [&'static str],
}

/// Every experiment, in the order `experiment list` prints them.
pub const ALL: &[Experiment] = &[
    Experiment {
        name: "tcp-client-first",
        title: "TCP client started before the server",
        setup: "A TCP client connects to a loopback port where no server listens yet.",
        why: &[
            "connect() sends a SYN. No socket listens on that port, so the receiving kernel has no connection \
             to hand the SYN to and answers with a reset: RST and ACK, acknowledging the SYN's sequence number \
             plus one so the client accepts the reset as an answer to its own SYN.",
            "The client's kernel turns that RST into ECONNREFUSED, and connect() fails at once; Python raises \
             ConnectionRefusedError. Nothing is retried: start the server first, then the client.",
        ],
        rfcs: &[
            "RFC 9293 §3.10.7.1 (a segment arriving for a closed port is answered by a reset)",
            "RFC 9293 §3.5.2 (reset generation)",
        ],
        topics: &["connection-refused", "three-way-handshake", "tcp.flags.reset"],
    },
    Experiment {
        name: "udp-client-first",
        title: "UDP client started before the server",
        setup: "A UDP client sends a datagram to a loopback port where no server is bound, twice: once from a \
                connected socket (connect() then send()), once from an unconnected one (sendto()). Each then \
                waits up to 1 s for a reply.",
        why: &[
            "UDP has no handshake, so sending succeeds: the datagram simply leaves. The receiving host finds no \
             socket bound to the port and answers with an ICMP Destination unreachable message, code 3 (port \
             unreachable), quoting the start of the datagram so the sender can tell which socket it was about.",
            "On Linux, only a connected UDP socket is told: the kernel matches the quoted addresses to the \
             socket's one peer and the next recv() fails with ECONNREFUSED (Python: ConnectionRefusedError). \
             An unconnected socket has no single peer to match, so the error is dropped and recvfrom() just \
             waits; here it gave up after 1 s. An unconnected socket is never told.",
            "On Windows the same ICMP message makes the next recvfrom() on the socket fail with WinError 10054 \
             (WSAECONNRESET), even on an unconnected socket; Python prints ConnectionResetError: [WinError \
             10054] An existing connection was forcibly closed by the remote host. The name is misleading: \
             there is no connection, only an earlier datagram that nobody received. Start the server first, \
             or catch the error and keep receiving, or turn the report off with the SIO_UDP_CONNRESET ioctl \
             (Python: s.ioctl(socket.SIO_UDP_CONNRESET, False)).",
        ],
        rfcs: &[
            "RFC 1122 §4.1.3.1 (UDP should answer a closed port with ICMP port unreachable)",
            "RFC 792 (Destination Unreachable, code 3)",
            "RFC 1122 §4.1.3.3 (UDP passes ICMP errors to the application)",
        ],
        topics: &["port-unreachable", "socket-types", "icmp.type"],
    },
    Experiment {
        name: "wrong-port",
        title: "Client and server on different ports",
        setup: "A server listens on one port over TCP and is bound to the same number over UDP; the client \
                talks to the next free port instead, then to the right one.",
        why: &[
            "A port number picks the socket inside the host. A segment or datagram for a port no socket uses \
             is answered exactly as if no server ran at all: a TCP SYN by RST/ACK (ECONNREFUSED), a UDP \
             datagram by ICMP port unreachable. The server never sees anything: its accept() and recvfrom() \
             stay empty.",
            "Once the client uses the server's port, the handshake completes and the datagram is delivered. \
             Check both sides print the same port.",
        ],
        rfcs: &["RFC 9293 §3.10.7.1", "RFC 1122 §4.1.3.1", "RFC 6335 §6 (port number ranges)"],
        topics: &["bind", "well-known-ports", "tcp.dstport"],
    },
    Experiment {
        name: "two-clients",
        title: "Two clients of one server, and listen()'s backlog",
        setup: "A TCP server listens with a backlog of 1 and does not call accept() yet. Three clients connect \
                one after the other and each sends a line; then the server accepts every waiting connection and \
                reads from it.",
        why: &[
            "Every connection is named by four numbers: client address, client port, server address, server \
             port. Both clients reach the same server address and port, so what tells them apart is the \
             client's source port, an ephemeral port its kernel chose at connect(). accept() returns the \
             peer's address with that port.",
            "The kernel completes handshakes without the program: connect() returns as soon as the SYN-ACK \
             arrives, before accept(). The backlog bounds how many finished connections may wait for accept(); \
             Linux lets one more than the backlog wait. When the queue is full the server's kernel ignores a \
             new SYN, the client retransmits it (the capture shows [TCP Retransmission]), and connect() waits: \
             here it gave up after a bounded time. Calling accept() promptly, or a larger backlog, avoids it.",
        ],
        rfcs: &[
            "RFC 9293 §3.5 (establishing a connection)",
            "RFC 6056 §2 (ephemeral ports)",
            "RFC 9293 §3.8.1 (retransmission timeout)",
        ],
        topics: &["listen", "accept", "ephemeral-port", "tcp.stream"],
    },
    Experiment {
        name: "client-closes-first",
        title: "The client closes first: TIME_WAIT on the client",
        setup: "A client connects, sends a line and closes; the server reads until end of file, then closes. \
                Then the kernel's socket table is read for the client's port, the client's port is bound again, \
                and the server is restarted on its port.",
        why: &[
            "The side that calls close() first is the active closer: its FIN goes first, the peer's read() \
             returns 0 (end of file), the peer closes and sends its own FIN. The active closer acknowledges \
             that FIN and then stays in TIME_WAIT for twice the maximum segment lifetime (60 s on Linux), so \
             that a lost last ACK can be resent and no old segment of this connection is taken for a new one.",
            "Here the client closed first, so the TIME_WAIT sits on the client's ephemeral port. Binding that \
             port again fails with EADDRINUSE (Python: OSError: [Errno 98] Address already in use), even with \
             SO_REUSEADDR: on Linux both the old socket and the new one must have set SO_REUSEADDR, and the \
             client never did. Nobody needs that port back, though: the next connect() picks another one.",
            "The server's port holds no TIME_WAIT, so the restarted server binds it at once, even without \
             SO_REUSEADDR. This is why it is better for clients to close first.",
        ],
        rfcs: &[
            "RFC 9293 §3.6 (closing a connection, TIME-WAIT for 2 MSL)",
            "RFC 9293 §3.4.2 (why old segments must die first)",
        ],
        topics: &["time-wait", "bind", "tcp.flags.fin"],
    },
    Experiment {
        name: "server-closes-first",
        title: "The server closes first: TIME_WAIT on the server's port",
        setup: "A server accepts a client, answers and closes first; the client reads until end of file and \
                closes. Then the server is \"restarted\": a new listener binds the same port at once, without \
                and then with SO_REUSEADDR.",
        why: &[
            "The server was the active closer, so the TIME_WAIT is on the server's side, on its well-known \
             port. A restarted server that binds that port without SO_REUSEADDR fails with EADDRINUSE (Python: \
             OSError: [Errno 98] Address already in use) until the TIME_WAIT ends, about a minute later on \
             Linux. This is the error students meet when they restart a lab server quickly.",
            "The fix is to set SO_REUSEADDR before bind() (Python: \
             s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)): bind() then ignores connections in \
             TIME_WAIT, while still refusing a port another live socket listens on. Rust's \
             std::net::TcpListener::bind sets it for you on Unix.",
        ],
        rfcs: &["RFC 9293 §3.6 (the active closer waits 2 MSL in TIME-WAIT)"],
        topics: &["time-wait", "bind", "listen"],
    },
    Experiment {
        name: "close-with-unread-data",
        title: "Closing with unread data sends RST, not FIN",
        setup: "A client connects and sends a line; the server accepts and closes the connection without \
                reading it. The client then tries to read the reply.",
        why: &[
            "When a program closes a socket whose receive buffer still holds data it never read, the data can \
             no longer be delivered to anyone. Instead of the orderly FIN the kernel sends a reset (RST), \
             telling the peer that data was lost. The client's read() fails with ECONNRESET (Python: \
             ConnectionResetError: [Errno 104] Connection reset by peer) instead of returning 0.",
            "To close gracefully, read what the peer sent (or shutdown(SHUT_WR) and read until end of file) \
             before close().",
        ],
        rfcs: &[
            "RFC 1122 §4.2.2.13 (a close with pending received data should send RST)",
            "RFC 9293 §3.5.2 (reset generation)",
        ],
        topics: &["tcp.flags.reset", "tcp.completeness"],
    },
    Experiment {
        name: "half-close",
        title: "Half-close: shutdown(SHUT_WR), and the other side still sends",
        setup: "A client sends a request and calls shutdown(SHUT_WR), closing only its sending direction; the \
                server reads until end of file, then answers with the byte count and closes. The client reads \
                the answer after its own FIN.",
        why: &[
            "shutdown(SHUT_WR) sends a FIN: 'I will send no more'. The server's read() returns 0, which is how \
             it knows the whole request arrived, without any length field. The other direction stays open: \
             the server can still send, and the client can still read, after the client's FIN.",
            "The capture shows the client's FIN first, then the server's data, then the server's FIN: a \
             connection is two independent directions, each closed by its own FIN.",
        ],
        rfcs: &["RFC 9293 §3.6.1 (half-closed connections)", "RFC 9293 §3.6 (closing a connection)"],
        topics: &["half-close", "tcp.flags.fin", "tcp.completeness"],
    },
    Experiment {
        name: "udp-boundaries",
        title: "Message boundaries: UDP keeps them, TCP does not",
        setup: "The client sends three short messages with three calls, over UDP and then over TCP (with Nagle's \
                algorithm on, the default, then off with TCP_NODELAY). The receiver starts reading only after \
                all three were sent.",
        why: &[
            "UDP is a datagram service: each sendto() is one datagram and each recvfrom() returns exactly one, \
             so three sends arrive as three reads, boundaries kept.",
            "TCP is a byte stream: write() adds bytes to a stream and read() returns whatever bytes have \
             arrived, up to the buffer size. Three writes waiting in the receive buffer come back from one \
             read() as one run of bytes. A protocol on TCP must mark its own message boundaries (a newline, a \
             length prefix).",
            "On the wire, Nagle's algorithm holds back a small segment while an earlier small one is \
             unacknowledged. On loopback ACKs usually come back before the next write, so each TCP \
             connection first does two request/reply rounds: after them the receiver delays its ACKs (up to \
             40 ms, hoping to send them with a reply). Then the first write leaves alone and, with Nagle on, \
             the second and third wait and travel together in one segment once the ACK comes. With \
             TCP_NODELAY each write leaves at once as its own segment (Linux may also resend the last one a \
             few milliseconds later when its ACK is late: the [TCP Retransmission] is a tail loss probe). \
             Either way the receiver's single read is the same: segments are not messages.",
        ],
        rfcs: &[
            "RFC 768 (UDP)",
            "RFC 9293 §3.7.4 (Nagle algorithm)",
            "RFC 1122 §4.2.3.2 (delayed ACKs)",
            "RFC 8985 §7 (tail loss probe)",
        ],
        topics: &["socket-types", "nagle", "tcp.len", "udp.length"],
    },
    Experiment {
        name: "http-keepalive",
        title: "HTTP keep-alive: one connection for several requests",
        setup: "Two socklab web servers run on loopback: A as by default (one response per connection, then \
                Connection: close) and B with --keep-alive. The client sends three GETs to A, each on a new \
                connection, then three GETs to B on one connection.",
        why: &[
            "Every new TCP connection costs a handshake (SYN, SYN-ACK, ACK) before the request can go, and a \
             teardown after: with one response per connection, three requests cost three handshakes. HTTP/1.1 \
             keeps a connection open by default, so the client can send the next request on it as soon as \
             the previous response has ended: one handshake for all three.",
            "A client knows where a response ends from Content-Length (or chunked encoding); without either, \
             only the server's close marks the end, and the connection cannot be reused. A server that answers \
             with Connection: close says it will close after this response; the client must open a new \
             connection for the next request.",
        ],
        rfcs: &[
            "RFC 9112 §9.3 (persistence)",
            "RFC 9112 §9.6 (Connection: close)",
            "RFC 9112 §6.3 (message body length)",
        ],
        topics: &["keep-alive", "three-way-handshake", "http.content_length"],
    },
    Experiment {
        name: "dns-truncation",
        title: "DNS: a big answer is truncated over UDP and fetched again over TCP",
        setup: "socklab's DNS server serves a name with 40 A records. The client asks for it over UDP without \
                EDNS (so the answer may be at most 512 bytes), then asks the same question over TCP on the \
                same port.",
        why: &[
            "A DNS message over UDP without EDNS may carry at most 512 bytes. The full answer here is larger, \
             so the server sends the header and the question with the TC (truncated) flag set and no records: \
             a hint that the answer exists but did not fit.",
            "The client then opens a TCP connection to the same port and sends the same query, preceded by its \
             length in two bytes; over TCP a message may be up to 65535 bytes, so every record arrives. Real \
             resolvers do this by themselves (dig prints \";; Truncated, retrying in TCP mode\"); EDNS lets a \
             client announce a larger UDP size and often avoid the retry.",
        ],
        rfcs: &[
            "RFC 1035 §4.2.1 (UDP: 512 bytes, TC)",
            "RFC 1035 §4.2.2 (TCP: the 2-byte length)",
            "RFC 7766 §5 (retrying over TCP)",
            "RFC 6891 §6.2.3 (EDNS UDP payload size)",
        ],
        topics: &["dns.flags.truncated", "dns-over-tcp", "dns.count.answers"],
    },
];

/// The experiment named `name`.
pub fn find(name: &str) -> Option<&'static Experiment> {
    ALL.iter().find(|e| e.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_findable() {
        let mut seen = std::collections::HashSet::new();
        for e in ALL {
            assert!(seen.insert(e.name), "{} twice", e.name);
            assert_eq!(find(e.name).map(|f| f.title), Some(e.title));
            assert!(!e.why.is_empty() && !e.rfcs.is_empty(), "{}", e.name);
        }
    }
}
