//! The command line, declared with clap's derive API. Doc comments here are the
//! help text a student sees with `socklab help` and `socklab <command> --help`.

use crate::dns_view::ReportFormat;
use crate::table::Format;
use crate::teach::report::TextFormat;
use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// socklab: the socket-programming labs' servers and clients, and a sniffer that
/// explains their packets the way Wireshark does.
#[derive(Parser, Debug)]
#[command(name = "socklab", version, max_term_width = 100)]
pub struct Cli {
    /// What to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Every socklab command.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// TCP uppercase echo: the client sends a line, the server returns it upper-cased.
    #[command(subcommand)]
    Tcp(EchoRole),
    /// UDP uppercase echo: one datagram each way per line.
    #[command(subcommand)]
    Udp(EchoRole),
    /// Two-way chat over TCP (the server relays between clients) or UDP (--udp).
    #[command(subcommand)]
    Chat(ChatRole),
    /// TCP connect scan of a port range, with service names and the time taken.
    Scan(ScanArgs),
    /// Host names, addresses and service names: this host, name -> addresses,
    /// address -> name, port -> service, service -> port.
    Lookup(LookupArgs),
    /// ICMP echo (ping) over a raw socket, with round-trip times.
    Ping(PingArgs),
    /// The web-server lab: serve files under a web root over HTTP/1.1 (GET, HEAD).
    Web(WebArgs),
    /// The lab's HTTP client: GET (or HEAD) a URL, or HOST PORT PATH as in the handout.
    Get(GetArgs),
    /// The web-proxy lab: a multithreaded forward proxy (browser -> proxy -> origin), with a cache.
    Proxy(ProxyArgs),
    /// Read a saved capture (.pcap or .pcapng) and decode it like Wireshark.
    Read(ReadArgs),
    /// Colour-code every field of every layer of one frame of a capture, with a legend:
    /// link header, IP, TCP/UDP/ICMP, DNS or HTTP; every byte in one field or named gap.
    Hex(HexArgs),
    /// Capture live on an interface (loopback by default) and decode each packet as it
    /// arrives; Ctrl-C stops and prints the counts and the handshake tables.
    Sniff(SniffArgs),
    /// Check that live capture will work here (libpcap, loopback, permission, captures/).
    Doctor(DoctorArgs),
    /// A guided tour on loopback: echo over TCP and UDP, an ICMP error, DNS and HTTP,
    /// each with its captured packets and tables.
    Demo,
    /// The DNS lab: an authoritative server, a client, and a decoder for DNS messages in hex.
    #[command(subcommand)]
    Dns(DnsCommand),
    /// Lab answers: each TCP stream's handshake and teardown as tables, arithmetic checked.
    ///
    /// The tables hold step, frame, sender → receiver, flags, relative Seq and Ack, the
    /// window as calculated (scaled, as the packet list shows it) and the length, and fit
    /// the terminal; --wide adds the time, the addresses, raw Seq/Ack, the raw window
    /// field and the options. Markdown has the same columns (all with --wide); CSV and
    /// JSON always have all of them.
    Handshake(HandshakeArgs),
    /// One row per TCP/UDP conversation, counted as tshark -z conv,tcp / conv,udp.
    Conversations(ConversationsArgs),
    /// A conversation's payload in order, as Wireshark's Follow TCP/UDP Stream.
    Follow(FollowArgs),
    /// A ladder diagram of TCP streams (terminal, SVG or Mermaid).
    Flow(FlowArgs),
    /// The standard lab questions answered from a trace, with frame numbers as evidence:
    /// TCP handshake, data segments with SampleRTT/EstimatedRTT/DevRTT, window,
    /// retransmissions, throughput; UDP, DNS, HTTP and ICMP fields.
    Worksheet(WorksheetArgs),
    /// Wireshark's TCP stream graphs as SVG (or drawn with text on a terminal):
    /// time-sequence (Stevens/tcptrace), round-trip time, throughput, window.
    Graph(GraphArgs),
    /// One self-contained HTML page of a capture, Wireshark-like: the coloured packet
    /// list, each packet's details and bytes, a display filter, and per TCP stream the
    /// ladder, handshake/teardown tables and time-sequence graph; DNS tables, HTTP
    /// pairs and the worksheet. Opens from disk, fetches nothing; `PAGE#frame=42`
    /// opens frame 42, `PAGE#stream=3` stream 3.
    Report(ReportArgs),
    /// Small socket experiments on loopback (a refused connect, ICMP port unreachable,
    /// TIME_WAIT, ...): the calls' results, the captured packets, and why.
    #[command(subcommand)]
    Experiment(ExperimentCommand),
    /// Explain a field (tcp.completeness) or a concept (time-wait) in plain words: what
    /// it is, socklab's rule, the RFC section, where it shows in a capture. No topic
    /// lists them.
    Explain(ExplainArgs),
}

/// `socklab experiment` commands.
#[derive(Subcommand, Debug)]
pub enum ExperimentCommand {
    /// List the experiments.
    List(ExperimentListArgs),
    /// Run one experiment on loopback (the packets need the capture permission; the sockets
    /// part runs without).
    Run(ExperimentRunArgs),
}

/// Options of `experiment list`.
#[derive(Args, Debug, Clone)]
pub struct ExperimentListArgs {
    /// Output format: text for the terminal, markdown for a lab report.
    #[arg(long, value_enum, default_value_t = TextFormat::Text)]
    pub format: TextFormat,
}

/// Options of `experiment run`.
#[derive(Args, Debug, Clone)]
pub struct ExperimentRunArgs {
    /// The experiment (see `socklab experiment list`), e.g. tcp-client-first.
    pub name: String,
    /// Output format: text for the terminal, markdown for a lab report.
    #[arg(long, value_enum, default_value_t = TextFormat::Text)]
    pub format: TextFormat,
    /// Colour: auto (on a terminal), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Leave out the timeline of the socket calls among the packets (shown by default).
    #[arg(long)]
    pub no_trace: bool,
}

/// Options of `explain`.
#[derive(Args, Debug, Clone)]
pub struct ExplainArgs {
    /// A field name (tcp.analysis.duplicate_ack) or a concept (three-way-handshake);
    /// without one, every topic is listed.
    pub topic: Option<String>,
    /// Output format: text for the terminal, markdown for a lab report.
    #[arg(long, value_enum, default_value_t = TextFormat::Text)]
    pub format: TextFormat,
    /// Colour: auto (on a terminal), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// The DNS lab's commands.
#[derive(Subcommand, Debug)]
pub enum DnsCommand {
    /// Authoritative DNS server over UDP (and TCP, for answers too big for UDP) for the
    /// lab's five names (or a zone file).
    Server(DnsServerArgs),
    /// Ask a DNS server for a name: one from the arguments, or names typed at
    /// `Enter Domain Name:` until `end`.
    Query(DnsQueryArgs),
    /// Explain a DNS message given in hex: the field table and the colour-coded hex dump.
    Decode(DnsDecodeArgs),
    /// List the records the DNS server serves (the lab's five names, or a zone file):
    /// name, type, class, TTL and data.
    Zone(DnsZoneArgs),
}

/// Options of `dns zone`.
#[derive(Args, Debug, Clone)]
pub struct DnsZoneArgs {
    /// The zone file `dns server --zone` would serve (default: the lab's five names).
    #[arg(long, value_name = "FILE")]
    pub zone: Option<PathBuf>,
    /// Output format: a table for the terminal, markdown for a report, csv, json.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Options of `dns server`.
#[derive(Args, Debug, Clone)]
pub struct DnsServerArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on (the handout uses 10053); 0 lets the kernel pick one.
    #[arg(long, short, default_value_t = 10053)]
    pub port: u16,
    /// Listen address as HOST:PORT (overrides --host and --port).
    #[arg(long, value_name = "HOST:PORT")]
    pub bind: Option<String>,
    /// Serve the records of this zone file instead of the lab's five names (format:
    /// one `name TTL type value` per line, types A AAAA CNAME MX TXT NS PTR).
    #[arg(long, value_name = "FILE")]
    pub zone: Option<PathBuf>,
    /// No per-query output (client address, request and response in hex), for load tests.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the records the server would serve (as `socklab dns zone`) and exit.
    #[arg(long)]
    pub list: bool,
    /// Threads receiving and answering queries on the one socket.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub threads: u16,
    /// Capture this command's own packets on loopback, print them annotated between its
    /// lines, and save them (default captures/<command>-<time>.pcap). Needs the capture permission (`socklab doctor` says how on this system).
    #[command(flatten)]
    pub capture: CaptureOpt,
}

/// Options of `dns query`.
#[derive(Args, Debug, Clone)]
pub struct DnsQueryArgs {
    /// The name to look up; without it, names are read at the `Enter Domain Name:`
    /// prompt until `end`.
    pub name: Option<String>,
    /// The DNS server as HOST:PORT.
    #[arg(long, short, value_name = "HOST:PORT", default_value = "127.0.0.1:10053")]
    pub server: String,
    /// Record type: A, AAAA, NS, CNAME, MX, TXT, SOA, PTR, ANY or a number.
    #[arg(long = "type", short = 't', default_value = "A", value_name = "TYPE")]
    pub rtype: String,
    /// Milliseconds to wait for a reply before sending the query again.
    #[arg(long, default_value_t = 1000)]
    pub timeout_ms: u64,
    /// How many times to send the query before giving up.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub tries: u32,
    /// Capture this command's own packets on loopback, print them annotated between its
    /// lines, and save them (default captures/<command>-<time>.pcap). Needs the capture permission (`socklab doctor` says how on this system).
    #[command(flatten)]
    pub capture: CaptureOpt,
}

/// Options of `dns decode`.
#[derive(Args, Debug, Clone)]
pub struct DnsDecodeArgs {
    /// The message in hex (`1a 2b 01 00 …`, `0x1a,0x2b`, tshark/xxd/hexdump -C lines), or a
    /// whole captured frame (`socklab read -x`, `tshark -x`): its DNS message is found and
    /// decoded. Read from standard input when absent.
    #[arg(value_name = "HEX")]
    pub hex: Vec<String>,
    /// A query in hex, to check --response against.
    #[arg(long, value_name = "HEX", requires = "response", conflicts_with = "hex")]
    pub query: Option<String>,
    /// A response in hex, checked against --query: ID, QR, AA, Opcode, RD, question, counts.
    #[arg(long, value_name = "HEX", requires = "query")]
    pub response: Option<String>,
    /// Decode the DNS message in a frame of this capture (.pcap or .pcapng), chosen with --frame.
    #[arg(long, value_name = "FILE", requires = "frame", conflicts_with_all = ["hex", "query"])]
    pub pcap: Option<PathBuf>,
    /// The frame of --pcap, numbered from 1 as in Wireshark and `socklab read`.
    #[arg(long, value_name = "N", requires = "pcap", value_parser = clap::value_parser!(u64).range(1..))]
    pub frame: Option<u64>,
    /// Output format; html keeps the colours (inline styles), markdown pastes into a report.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,
    /// Colour of the hex dump: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// How the field table fits the terminal.
    #[command(flatten)]
    pub fit: FitArgs,
}

/// Options of `hex`.
#[derive(Args, Debug, Clone)]
pub struct HexArgs {
    /// The capture (.pcap or .pcapng).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The frame, numbered from 1 as in Wireshark and `socklab read`.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub frame: u64,
    /// Output format: terminal (ANSI colours), markdown (a table of every field),
    /// html (inline styles) or latex (needs \usepackage{xcolor}).
    #[arg(long, value_enum, default_value_t = HexFormat::Terminal)]
    pub format: HexFormat,
    /// Colour of the terminal dump: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// The output formats of `hex --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum HexFormat {
    /// Hex dump with ANSI background colours and a legend.
    Terminal,
    /// A Markdown table: offset, bytes, layer and field of every field.
    Markdown,
    /// An HTML snippet with inline colours and a legend table.
    Html,
    /// A LaTeX fragment: \colorbox per byte and a legend tabular.
    Latex,
}

/// How a terminal table fits: by default it shows the columns a lab question
/// needs and fits the terminal's width (or `--width`, or `COLUMNS`), hiding the
/// least needed columns (with a note) and wrapping long text at spaces, never in
/// the middle of a value. When standard output is not a terminal and neither
/// `--width` nor `COLUMNS` is given, nothing is fitted. Markdown, CSV and JSON
/// never depend on the width.
#[derive(Args, Debug, Clone, Default, PartialEq, Eq)]
pub struct FitArgs {
    /// Every column (raw numbers, options, times), at full width even when wider than
    /// the terminal; also in Markdown. CSV and JSON always have every column.
    #[arg(long)]
    pub wide: bool,
    /// Fit terminal tables to N columns instead of the terminal's width, hiding the least
    /// needed columns (with a note) and wrapping text at spaces, never inside a value.
    /// COLUMNS is honoured too; through a pipe without either nothing is fitted.
    /// Markdown, CSV and JSON never depend on the width.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(20..))]
    pub width: Option<u16>,
}

/// Options of `doctor`.
#[derive(Args, Debug, Clone)]
pub struct DoctorArgs {
    /// Colour of the ✓ and ✗ marks: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// How the table fits the terminal.
    #[command(flatten)]
    pub fit: FitArgs,
}

/// Server or client side of an echo lab.
#[derive(Subcommand, Debug)]
pub enum EchoRole {
    /// Run the echo server; it prints the address it listens on first.
    Server(ServerArgs),
    /// Run the echo client: one message from the arguments, or lines from stdin until `quit`.
    Client(EchoClientArgs),
}

/// Server or client side of the chat lab.
#[derive(Subcommand, Debug)]
pub enum ChatRole {
    /// Run the chat server: relays every client's lines to the others; type to talk to all.
    Server(ChatServerArgs),
    /// Join a chat server: type lines to send, `quit` to leave.
    Client(ChatClientArgs),
}

/// Where a server listens.
#[derive(Args, Debug, Clone)]
pub struct ServerArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on; 0 lets the kernel pick a free one (printed at start).
    #[arg(long, short, default_value_t = 12000)]
    pub port: u16,
    /// Listen address as HOST:PORT (overrides --host and --port).
    #[arg(long, value_name = "HOST:PORT")]
    pub bind: Option<String>,
    /// Worker threads serving clients at once (TCP).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: u16,
    /// Capture this command's own packets on loopback, print them annotated between its
    /// lines, and save them (default captures/<command>-<time>.pcap). Needs the capture permission (`socklab doctor` says how on this system).
    #[command(flatten)]
    pub capture: CaptureOpt,
}

/// Options of `web`.
#[derive(Args, Debug, Clone)]
pub struct WebArgs {
    /// Directory whose files are served (a directory serves its index.html).
    #[arg(long, default_value = "www")]
    pub root: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on (the labs use 10000-11000); 0 lets the kernel pick one.
    #[arg(long, short, default_value_t = 10080)]
    pub port: u16,
    /// Listen address as HOST:PORT (overrides --host and --port).
    #[arg(long, value_name = "HOST:PORT")]
    pub bind: Option<String>,
    /// Worker threads, each serving many connections (default: one per CPU core).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Most connections open at once; clients beyond it get 503 Service Unavailable.
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_conns: u32,
    /// Milliseconds a connection may stay idle (408 Request Timeout if a request was due).
    #[arg(long, default_value_t = 15_000)]
    pub timeout_ms: u64,
    /// Keep connections open for more requests (HTTP persistence), closing one after SECS
    /// idle between requests (the --timeout-ms idle timeout without a value). Without it,
    /// as in the lab's server: one response per connection, `Connection: close`, then close.
    #[arg(long, value_name = "SECS", num_args = 0..=1, require_equals = true,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub keep_alive: Option<Option<u64>>,
    /// Milliseconds a client has to send a whole request head, however slowly the
    /// bytes trickle in (nginx's client_header_timeout); 408 Request Timeout after.
    #[arg(long, default_value_t = 10_000)]
    pub header_timeout_ms: u64,
    /// No access log (one line per request otherwise).
    #[arg(long, short)]
    pub quiet: bool,
    /// Capture this command's own packets on loopback, print them annotated between its
    /// lines, and save them (default captures/<command>-<time>.pcap). Needs the capture permission (`socklab doctor` says how on this system).
    #[command(flatten)]
    pub capture: CaptureOpt,
}

/// Options of `get`.
#[derive(Args, Debug, Clone)]
pub struct GetArgs {
    /// An http:// URL (http://127.0.0.1:10080/HelloWorld.html), or the handout's three
    /// arguments HOST PORT PATH (127.0.0.1 10080 HelloWorld.html).
    #[arg(required = true, num_args = 1..=3, value_name = "URL | HOST PORT PATH")]
    pub target: Vec<String>,
    /// Send HEAD instead of GET: the status line and header fields, no body.
    #[arg(long = "head", short = 'I')]
    pub head: bool,
    /// Save the body to FILE instead of printing it (the head is still printed).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// An extra header field, e.g. -H 'If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT'; repeatable.
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Milliseconds to wait for the connection and for each read.
    #[arg(long, default_value_t = 5000)]
    pub timeout_ms: u64,
    /// Capture this command's own packets on loopback, print them annotated between its
    /// lines, and save them (default captures/<command>-<time>.pcap). Needs the capture permission (`socklab doctor` says how on this system).
    #[command(flatten)]
    pub capture: CaptureOpt,
}

/// Options of `proxy`.
#[derive(Args, Debug, Clone)]
pub struct ProxyArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on; 0 lets the kernel pick one.
    #[arg(long, short, default_value_t = 8888)]
    pub port: u16,
    /// Listen address as HOST:PORT (overrides --host and --port).
    #[arg(long, value_name = "HOST:PORT")]
    pub bind: Option<String>,
    /// Worker threads relaying requests at once (a slow origin holds one for up to --timeout-ms).
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: u16,
    /// Keep 200 responses to GET in this directory and answer repeats from it.
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// Most bytes the --cache directory holds, e.g. 64M, 512K or 1G (K, M, G are
    /// 1024-based); the least recently used entries are removed to make room.
    #[arg(long, value_name = "SIZE", default_value = "64M", value_parser = parse_size)]
    pub cache_max: u64,
    /// Milliseconds allowed to connect to the origin, for a whole request head, for
    /// the origin's whole response head (504 Gateway Timeout after), and for each
    /// read of a body.
    #[arg(long, default_value_t = 10_000)]
    pub timeout_ms: u64,
    /// Capture this command's own packets on loopback, print them annotated between its
    /// lines, and save them (default captures/<command>-<time>.pcap). Needs the capture permission (`socklab doctor` says how on this system).
    #[command(flatten)]
    pub capture: CaptureOpt,
}

/// Which server a client talks to.
#[derive(Args, Debug, Clone)]
pub struct ClientTarget {
    /// Server as HOST:PORT (overrides --host and --port).
    #[arg(long, short, value_name = "HOST:PORT")]
    pub server: Option<String>,
    /// Server host name or address.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Server port.
    #[arg(long, short, default_value_t = 12000)]
    pub port: u16,
}

/// Options of an echo client.
#[derive(Args, Debug, Clone)]
pub struct EchoClientArgs {
    /// The server to talk to.
    #[command(flatten)]
    pub target: ClientTarget,
    /// Capture this command's own packets on loopback, print them annotated between its
    /// lines, and save them (default captures/<command>-<time>.pcap). Needs the capture permission (`socklab doctor` says how on this system).
    #[command(flatten)]
    pub capture: CaptureOpt,
    /// How long to wait for a reply (and for the TCP connect), in milliseconds.
    #[arg(long, default_value_t = 2000)]
    pub timeout_ms: u64,
    /// Message to send once; without it, lines are read from stdin until `quit`.
    #[arg(trailing_var_arg = true)]
    pub message: Vec<String>,
}

/// Options of the chat server.
#[derive(Args, Debug, Clone)]
pub struct ChatServerArgs {
    /// Where to listen.
    #[command(flatten)]
    pub listen: ServerArgs,
    /// Chat over UDP datagrams instead of TCP.
    #[arg(long)]
    pub udp: bool,
    /// With --udp: milliseconds a peer may stay silent before the server forgets it
    /// and tells the room (socklab clients say HELLO every 20 s while their user is quiet).
    #[arg(long, default_value_t = 120_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub peer_timeout_ms: u64,
}

/// Options of a chat client.
#[derive(Args, Debug, Clone)]
pub struct ChatClientArgs {
    /// The server to join.
    #[command(flatten)]
    pub target: ClientTarget,
    /// Chat over UDP datagrams instead of TCP.
    #[arg(long)]
    pub udp: bool,
    /// Name the others see (default: your address as the server sees it).
    #[arg(long)]
    pub name: Option<String>,
    /// Capture this command's own packets on loopback, print them annotated between its
    /// lines, and save them (default captures/<command>-<time>.pcap). Needs the capture permission (`socklab doctor` says how on this system).
    #[command(flatten)]
    pub capture: CaptureOpt,
}

/// Options of the port scanner.
#[derive(Args, Debug, Clone)]
pub struct ScanArgs {
    /// Host to scan (name or address).
    pub host: String,
    /// Port range FIRST-LAST, a single port, or a comma-separated list of both (22,80,8000-8100).
    #[arg(long, default_value = "1-1024")]
    pub ports: String,
    /// How long to wait for each connect, in milliseconds.
    #[arg(long, default_value_t = 300)]
    pub timeout_ms: u64,
    /// Connects in flight at once.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: u16,
    /// Output format of the table of open ports (with csv and json the summary line goes to stderr).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Capture this command's own packets on loopback, print them annotated between its
    /// lines, and save them (default captures/<command>-<time>.pcap). Needs the capture permission (`socklab doctor` says how on this system).
    #[command(flatten)]
    pub capture: CaptureOpt,
}

/// Options of `lookup`.
#[derive(Args, Debug, Clone)]
pub struct LookupArgs {
    /// A host name (-> addresses), an address (-> name), a port such as 80 or 80/tcp
    /// (-> service), or a service such as http/tcp (-> port). Without it: this host.
    pub query: Option<String>,
    /// Look QUERY up as a service name (e.g. `--service http`).
    #[arg(long, conflicts_with = "well_known")]
    pub service: bool,
    /// Transport protocol for port and service look-ups.
    #[arg(long, value_enum)]
    pub proto: Option<Transport>,
    /// Only IPv4 addresses.
    #[arg(short = '4', conflicts_with = "ipv6")]
    pub ipv4: bool,
    /// Only IPv6 addresses.
    #[arg(short = '6')]
    pub ipv6: bool,
    /// Print the table of well-known ports from the lab (HTTP 80, FTP 21, …).
    #[arg(long)]
    pub well_known: bool,
    /// Output format: `table` prints answers as `query -> answer` lines (and --well-known as a
    /// table); markdown, csv and json print every answer as a table.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// How the table fits the terminal.
    #[command(flatten)]
    pub fit: FitArgs,
}

/// A transport protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Transport {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
}

/// Options of `ping`.
#[derive(Args, Debug, Clone)]
pub struct PingArgs {
    /// Host to ping (name or address).
    pub host: String,
    /// Number of echo requests to send.
    #[arg(short = 'c', long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub count: u32,
    /// Milliseconds between requests.
    #[arg(short = 'i', long = "interval-ms", default_value_t = 1000)]
    pub interval_ms: u64,
    /// Milliseconds to wait for each reply.
    #[arg(long, default_value_t = 1000)]
    pub timeout_ms: u64,
    /// Bytes of payload after the ICMP header.
    #[arg(short = 's', long, default_value_t = 56, value_parser = clap::value_parser!(u16).range(0..=65000))]
    pub size: u16,
    /// Capture this command's own packets on loopback, print them annotated between its
    /// lines, and save them (default captures/<command>-<time>.pcap). Needs the capture permission (`socklab doctor` says how on this system).
    #[command(flatten)]
    pub capture: CaptureOpt,
}

/// Options of `read`.
#[derive(Args, Debug, Clone)]
pub struct ReadArgs {
    /// The capture file (.pcap, nanosecond .pcap, or .pcapng).
    #[arg(required_unless_present = "glossary")]
    pub file: Option<PathBuf>,
    /// What to decode and how to show it.
    #[command(flatten)]
    pub decode: DecodeArgs,
}

/// The filtering and output options `read` and `sniff` share.
#[derive(Args, Debug, Clone)]
pub struct DecodeArgs {
    /// Capture filter in BPF syntax (as tcpdump), e.g. "tcp port 12000".
    #[arg(short = 'f', long = "filter", value_name = "BPF")]
    pub bpf: Option<String>,
    /// Stop after this many packets (counted before -Y).
    #[arg(short = 'c', long)]
    pub count: Option<u64>,
    /// Display filter over tshark field names, e.g. "tcp.flags.syn == 1 && tcp.port == 12000".
    #[arg(short = 'Y', long = "display-filter", value_name = "EXPR")]
    pub display_filter: Option<String>,
    /// Packet details: every layer and field, as Wireshark's details pane.
    #[arg(short = 'V', long)]
    pub verbose: bool,
    /// Packet details of these protocols only (tshark -O), e.g. -O tcp or -O ip,udp;
    /// the other layers show as their one summary line.
    #[arg(short = 'O', value_name = "PROTO[,PROTO…]", value_delimiter = ',')]
    pub only: Vec<String>,
    /// Print a glossary and exit (tshark -G): `fields` lists every field socklab
    /// knows, in tshark's columns (type, protocol, base, bitmask, description).
    #[arg(short = 'G', value_name = "REPORT", value_enum)]
    pub glossary: Option<Glossary>,
    /// Hex and ASCII dump of each packet.
    #[arg(short = 'x', long)]
    pub hex: bool,
    /// Output format: the packet list (text), tab-separated fields, or JSON.
    #[arg(short = 'T', long = "output", value_enum, default_value_t = OutputKind::Text)]
    pub output: OutputKind,
    /// A field to print with -T fields (tshark's names, e.g. tcp.seq); repeat for more.
    #[arg(short = 'e', long = "field", value_name = "FIELD")]
    pub fields: Vec<String>,
    /// Field output option, as tshark: header=y prints the field names first.
    #[arg(short = 'E', value_name = "OPTION=VALUE")]
    pub field_options: Vec<String>,
    /// Colour: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Always decode DNS on this UDP and TCP port (53 and 10053 always are; over UDP any
    /// port is, when the datagram looks like DNS, as in tshark); repeat for more.
    #[arg(long = "dns-port", value_name = "PORT")]
    pub dns_ports: Vec<u16>,
}

/// A glossary `-G` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Glossary {
    /// Every field: `F`, name, filter name, type, protocol, base, bitmask, description;
    /// `P` lines for protocols.
    Fields,
}

/// The `--capture[=FILE]` option shared by every server and client.
#[derive(Args, Debug, Clone, Default)]
pub struct CaptureOpt {
    /// Capture this command's own packets on the loopback interface, print them annotated
    /// between its output lines (marked │), save them as pcap (default
    /// captures/<command>-<time>.pcap) and print the handshake/datagram tables at exit.
    /// Needs the capture permission (`socklab doctor` says how on this system).
    #[arg(long, value_name = "FILE", num_args = 0..=1, require_equals = true)]
    pub capture: Option<Option<PathBuf>>,
    /// Colour of the captured packet lines and tables: auto (on a terminal, unless
    /// NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print each socket call (socket, bind, listen, accept, connect, send, recv,
    /// shutdown, close) before it starts and when it returns, between the captured
    /// packets; with --capture also save them next to the pcap (FILE.trace), which
    /// `socklab flow` draws on the lifelines.
    #[arg(long)]
    pub trace: bool,
    /// With --capture, also show the packets live in a browser: the report page,
    /// updated as they arrive, at the URL printed (loopback only unless --web-bind
    /// says otherwise); its index lists the files in captures/.
    #[arg(long, requires = "capture")]
    pub web: bool,
    /// Address of the live view (with --web); a port of 0 picks a free one.
    #[arg(long, value_name = "ADDR", default_value = crate::net::live::DEFAULT_BIND, requires = "web")]
    pub web_bind: String,
}

/// Options of `sniff`.
#[derive(Args, Debug, Clone)]
pub struct SniffArgs {
    /// Interface to capture on (default: the loopback interface).
    #[arg(short = 'i', long, value_name = "IFACE")]
    pub interface: Option<String>,
    /// Also save the packets to FILE (pcap, readable by tshark and Wireshark).
    #[arg(short = 'w', long = "write", value_name = "FILE")]
    pub write: Option<PathBuf>,
    /// Stop after this many seconds (e.g. 2.5).
    #[arg(long, value_name = "SECONDS")]
    pub duration: Option<f64>,
    /// Also show the packets live in a browser: the report page, updated as they
    /// arrive, at the URL printed first; its index lists the files in captures/. The
    /// packets are saved (to -w FILE, else captures/sniff-TIME.pcap) for its views.
    #[arg(long)]
    pub web: bool,
    /// Address of the live view (with --web): loopback unless you say otherwise; a
    /// port of 0 picks a free one.
    #[arg(long, value_name = "ADDR", default_value = crate::net::live::DEFAULT_BIND, requires = "web")]
    pub bind: String,
    /// What to decode and how to show it.
    #[command(flatten)]
    pub decode: DecodeArgs,
    /// How the tables printed at the end fit the terminal.
    #[command(flatten)]
    pub fit: FitArgs,
}

/// Options of `handshake`.
#[derive(Args, Debug, Clone)]
pub struct HandshakeArgs {
    /// The capture file (.pcap or .pcapng).
    pub file: PathBuf,
    /// Only this TCP stream (tcp.stream).
    #[arg(long)]
    pub stream: Option<u32>,
    /// Capture filter in BPF syntax (as tcpdump), e.g. "tcp port 12000".
    #[arg(short = 'f', long = "filter", value_name = "BPF")]
    pub bpf: Option<String>,
    /// Only streams with a packet matching this display filter, e.g. "tcp.port == 12000".
    #[arg(short = 'Y', long = "display-filter", value_name = "EXPR")]
    pub display_filter: Option<String>,
    /// Output format; markdown pastes into a lab report as is (the lab's columns; with
    /// --wide every column); csv and json always hold every column.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Colour of the ✓ and ✗ of the checks: auto (on a terminal, unless NO_COLOR is set),
    /// always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// How the tables fit the terminal.
    #[command(flatten)]
    pub fit: FitArgs,
}

/// Options of `conversations`.
#[derive(Args, Debug, Clone)]
pub struct ConversationsArgs {
    /// The capture file (.pcap or .pcapng).
    pub file: PathBuf,
    /// Only TCP conversations.
    #[arg(long, conflicts_with = "udp")]
    pub tcp: bool,
    /// Only UDP conversations.
    #[arg(long)]
    pub udp: bool,
    /// Capture filter in BPF syntax (as tcpdump).
    #[arg(short = 'f', long = "filter", value_name = "BPF")]
    pub bpf: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// How the table fits the terminal.
    #[command(flatten)]
    pub fit: FitArgs,
}

/// Options of `follow`.
#[derive(Args, Debug, Clone)]
pub struct FollowArgs {
    /// The capture file (.pcap or .pcapng).
    pub file: PathBuf,
    /// The stream to follow (tcp.stream, or udp.stream with --udp).
    #[arg(long)]
    pub stream: u32,
    /// Follow a UDP stream instead of a TCP one.
    #[arg(long)]
    pub udp: bool,
    /// A hexdump per chunk instead of text.
    #[arg(long, conflicts_with = "raw")]
    pub hex: bool,
    /// The raw bytes of both sides, in order, to stdout.
    #[arg(long)]
    pub raw: bool,
    /// Capture filter in BPF syntax (as tcpdump).
    #[arg(short = 'f', long = "filter", value_name = "BPF")]
    pub bpf: Option<String>,
    /// Colour each side: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Options of `flow`.
#[derive(Args, Debug, Clone)]
pub struct FlowArgs {
    /// The capture file (.pcap or .pcapng).
    pub file: PathBuf,
    /// Only this TCP stream (tcp.stream).
    #[arg(long)]
    pub stream: Option<u32>,
    /// Capture filter in BPF syntax (as tcpdump).
    #[arg(short = 'f', long = "filter", value_name = "BPF")]
    pub bpf: Option<String>,
    /// Diagram format: text (terminal), svg (standalone image) or mermaid (sequenceDiagram).
    #[arg(long, value_enum, default_value_t = FlowFormat::Text)]
    pub format: FlowFormat,
    /// Write the diagram to this file instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Draw the socket calls of this `--trace` file on the lifelines (default: FILE.trace,
    /// which `--capture=FILE --trace` writes, when it exists).
    #[arg(long, value_name = "TRACE")]
    pub trace: Option<PathBuf>,
    /// Colour each side's arrows in the text diagram: auto (on a terminal, unless NO_COLOR
    /// is set), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// How the text diagram fits the terminal (it narrows down to its longest label).
    #[command(flatten)]
    pub fit: FitArgs,
}

/// Options of `report`.
#[derive(Args, Debug, Clone)]
pub struct ReportArgs {
    /// The capture file (.pcap, .pcapng, optionally gzipped).
    pub file: PathBuf,
    /// Write the page here (default: the capture's name with `.html`, in the current
    /// directory, e.g. `tcp-echo.html` for `captures/tcp-echo.pcap`).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Show the views of this TCP stream (tcp.stream) and open the page on it;
    /// without it, the views of the first 8 streams.
    #[arg(long)]
    pub stream: Option<u32>,
    /// Keep only the packets this display filter selects (as `read -Y`); the page's
    /// filter box then narrows them further.
    #[arg(short = 'Y', long = "display-filter", value_name = "FILTER")]
    pub display_filter: Option<String>,
    /// Capture filter in BPF syntax (as tcpdump).
    #[arg(short = 'f', long = "filter", value_name = "BPF")]
    pub bpf: Option<String>,
}

/// Options of `worksheet`.
#[derive(Args, Debug, Clone)]
pub struct WorksheetArgs {
    /// The capture file (.pcap or .pcapng).
    pub file: PathBuf,
    /// Only this TCP stream (tcp.stream), and only the HTTP messages on it.
    #[arg(long)]
    pub stream: Option<u32>,
    /// Capture filter in BPF syntax (as tcpdump).
    #[arg(short = 'f', long = "filter", value_name = "BPF")]
    pub bpf: Option<String>,
    /// Output format: table (terminal), markdown (a lab report) or json.
    #[arg(long, value_enum, default_value_t = SheetFormat::Table)]
    pub format: SheetFormat,
    /// Bold headings: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// How the tables fit the terminal.
    #[command(flatten)]
    pub fit: FitArgs,
}

/// Formats of `worksheet`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SheetFormat {
    /// Tables and sentences for the terminal.
    Table,
    /// Markdown for a lab report.
    Markdown,
    /// JSON.
    Json,
}

impl From<SheetFormat> for Format {
    fn from(f: SheetFormat) -> Format {
        match f {
            SheetFormat::Table => Format::Table,
            SheetFormat::Markdown => Format::Markdown,
            SheetFormat::Json => Format::Json,
        }
    }
}

/// Options of `graph`.
#[derive(Args, Debug, Clone)]
pub struct GraphArgs {
    /// The capture file (.pcap or .pcapng).
    pub file: PathBuf,
    /// The TCP stream to draw (tcp.stream).
    #[arg(long)]
    pub stream: u32,
    /// The graph, as Wireshark's Statistics → TCP Stream Graphs.
    #[arg(long, value_enum, default_value_t = GraphKind::Tseq)]
    pub kind: GraphKind,
    /// Capture filter in BPF syntax (as tcpdump).
    #[arg(short = 'f', long = "filter", value_name = "BPF")]
    pub bpf: Option<String>,
    /// Write an SVG image to this file; without it the graph is drawn with text.
    #[arg(short = 'o', long = "output", value_name = "FILE.svg")]
    pub output: Option<PathBuf>,
    /// Write the SVG to standard output instead of a text drawing.
    #[arg(long, conflicts_with = "output")]
    pub svg: bool,
    /// Colour of the text drawing: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// How wide the text drawing is.
    #[command(flatten)]
    pub fit: FitArgs,
}

/// Graphs of `graph`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphKind {
    /// Time-sequence (Stevens/tcptrace): segments, the ACK line, the receive window,
    /// retransmissions and SACKs.
    Tseq,
    /// Round-trip time of each acknowledged segment.
    Rtt,
    /// Throughput over time.
    Throughput,
    /// The advertised receive window and the bytes in flight over time.
    Window,
}

/// Formats of `flow`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FlowFormat {
    /// A ladder drawn with text.
    Text,
    /// A standalone SVG image.
    Svg,
    /// A Mermaid sequenceDiagram.
    Mermaid,
}

/// Output kinds of `read`, as tshark's -T.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputKind {
    /// The annotated packet list.
    Text,
    /// Tab-separated values of the -e fields.
    Fields,
    /// tshark's JSON: one document per packet with every layer's fields (only
    /// the -e fields, if any); -x adds each field's bytes.
    Json,
    /// tshark's Elasticsearch bulk form: two lines per packet, each layer's fields flattened.
    Ek,
}

/// When to colour output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when standard output is a terminal and NO_COLOR is not set.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Makes a plain library enum a command-line value: each variant with its name
/// on the command line and its help (the library types stay free of clap).
macro_rules! value_enum {
    ($ty:ty { $($variant:ident => $name:literal: $help:literal,)+ }) => {
        impl ValueEnum for $ty {
            fn value_variants<'a>() -> &'a [Self] {
                &[$(<$ty>::$variant),+]
            }

            fn to_possible_value(&self) -> Option<PossibleValue> {
                Some(match self {
                    $(<$ty>::$variant => PossibleValue::new($name).help($help),)+
                })
            }
        }
    };
}

value_enum!(Format {
    Table => "table": "Box-drawn table for the terminal",
    Markdown => "markdown": "GitHub-flavoured Markdown, pastes into a lab report as is",
    Csv => "csv": "Comma-separated values (RFC 4180 quoting)",
    Json => "json": "A JSON array of objects keyed by the column headers",
});

value_enum!(ReportFormat {
    Table => "table": "Box-drawn table and hex dump for the terminal",
    Markdown => "markdown": "GitHub-flavoured Markdown: the table and a hex dump with field labels",
    Html => "html": "A standalone HTML snippet with inline styles (keeps the colours)",
    Json => "json": "One JSON object",
});

value_enum!(TextFormat {
    Text => "text": "Plain text for the terminal (coloured headings on a terminal)",
    Markdown => "markdown": "Markdown, to paste into a lab report",
});

/// A size in bytes with an optional K, M or G (1024-based) suffix: `65536`, `512K`, `64M`.
pub fn parse_size(text: &str) -> std::result::Result<u64, String> {
    let t = text.trim();
    let (digits, shift) = match t.char_indices().last() {
        Some((i, c)) if c.eq_ignore_ascii_case(&'k') => (&t[..i], 10),
        Some((i, c)) if c.eq_ignore_ascii_case(&'m') => (&t[..i], 20),
        Some((i, c)) if c.eq_ignore_ascii_case(&'g') => (&t[..i], 30),
        _ => (t, 0),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(1u64 << shift))
        .ok_or_else(|| format!("{text:?} is not a size; give bytes, or a number with K, M or G (e.g. 64M)"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn sizes_take_1024_based_suffixes() {
        assert_eq!(parse_size("65536"), Ok(65536));
        assert_eq!(parse_size("512K"), Ok(512 << 10));
        assert_eq!(parse_size("64m"), Ok(64 << 20));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert!(parse_size("").is_err());
        assert!(parse_size("lots").is_err());
        assert!(parse_size("99999999999G").is_err());
    }

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_command_and_flag_has_help() {
        fn walk(cmd: &clap::Command, path: &str) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if id == "help" || id == "version" {
                    continue;
                }
                assert!(arg.get_help().is_some(), "{path} --{id} has no help text");
            }
            for sub in cmd.get_subcommands() {
                assert!(sub.get_about().is_some(), "{path} {} has no help text", sub.get_name());
                walk(sub, &format!("{path} {}", sub.get_name()));
            }
        }
        walk(&Cli::command(), "socklab");
    }
}
