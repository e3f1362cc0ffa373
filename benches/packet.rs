//! Per-packet cost of `socklab read`'s stages on a fixed packet mix, so a
//! regression in one of them shows without the whole harness of scripts/bench.sh.
//!
//!   cargo bench --bench packet
//!
//! The mix is the packets of the `.pcap` files in [`MIX`] (captures/: TCP and
//! UDP echo, HTTP, TLS, DNS, ICMP, IPv6; 353 packets), read into memory once.
//! Each stage runs over the whole mix, one file after the other, each file with
//! a pipeline of its own as `read` would make, and reports nanoseconds per
//! packet (the fastest round, and the median):
//! - dissect: [`dissect::dissect_into`] alone;
//! - learn: pass 1, [`Pipeline::learning`] and [`Pipeline::learn`];
//! - process: pass 2, [`Pipeline::new`] and [`Pipeline::process`];
//! - process + row: pass 2 and [`list::row`] into a reused `Vec<u8>` (the packet
//!   list's line, what `read`'s renderer writes for each packet without `-V`
//!   or `-x`); "row" is its difference from "process".
//!
//! Timing is this file's own (no benchmark crate): each round repeats a stage
//! for [`ROUND`] and divides. Without `--bench` (as `cargo test --benches`
//! runs it) every stage runs once, as a check that the bench still works.

use socklab::sniff::capture::Frame;
use socklab::sniff::dissect::{self, link::LinkType};
use socklab::sniff::file::offline::OfflineCapture;
use socklab::sniff::pipeline::{Facts, Pipeline};
use socklab::sniff::render::{list, Style};
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

/// The files of the mix, under captures/.
const MIX: [&str; 11] = [
    "tcp-echo.pcap",
    "tcp-echo-ipv6.pcap",
    "tcp-refused.pcap",
    "udp-echo.pcap",
    "udp-closed-port.pcap",
    "udp-not-dns.pcap",
    "dns-lab.pcap",
    "dns-any-port.pcap",
    "web-http.pcap",
    "tls-loopback.pcap",
    "worksheet-lab.pcap",
];
/// How long one round of a stage runs.
const ROUND: Duration = Duration::from_millis(300);
/// Rounds per stage; the fastest and the median are reported.
const ROUNDS: usize = 7;
/// Bytes reserved for one list row.
const ROW_BYTES: usize = 512;

/// One packet of the mix, owned.
struct Owned {
    time: i64,
    len: u32,
    data: Vec<u8>,
}

/// One file of the mix: its link type and packets.
struct File {
    link: LinkType,
    packets: Vec<Owned>,
}

impl File {
    /// The packets as the frames a capture yields.
    fn frames(&self) -> impl Iterator<Item = Frame<'_>> {
        self.packets.iter().map(|p| Frame { time: p.time, len: p.len, data: &p.data, origin: None })
    }
}

/// Reads the files of [`MIX`] into memory.
fn load() -> Vec<File> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures");
    MIX.iter()
        .map(|name| {
            let path = dir.join(name);
            let mut cap = OfflineCapture::open(&path, None).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let link = LinkType::of_dlt(cap.datalink().unwrap_or(1));
            let mut packets = Vec::new();
            while let Some(f) = cap.next_frame().unwrap_or_else(|e| panic!("{}: {e}", path.display())) {
                packets.push(Owned { time: f.time, len: f.len, data: f.data.to_vec() });
            }
            File { link, packets }
        })
        .collect()
}

/// Pass 1 over every file: the facts pass 2 needs, one per file.
fn learn(mix: &[File]) -> Vec<Facts> {
    mix.iter()
        .map(|file| {
            let mut pipe = Pipeline::learning(file.link, true);
            for frame in file.frames() {
                pipe.learn(&frame);
            }
            pipe.into_facts()
        })
        .collect()
}

/// Pass 2 over every file with its `facts`; with `row`, each packet's list line
/// is written into it.
fn process(mix: &[File], facts: Vec<Facts>, mut row: Option<&mut Vec<u8>>) {
    let style = Style { color: false, nanos: false, width: None };
    for (file, facts) in mix.iter().zip(facts) {
        let mut pipe = Pipeline::new(file.link, facts);
        for frame in file.frames() {
            let p = pipe.process(&frame);
            if let Some(out) = row.as_deref_mut() {
                out.clear();
                list::row(out, &p, style).expect("a Vec takes every write");
            }
            black_box(&p);
        }
    }
}

/// Dissects every packet of the mix.
fn dissect_all(mix: &[File]) {
    for file in mix {
        for p in &file.packets {
            let mut d = dissect::empty();
            dissect::dissect_into(&mut d, file.link, &p.data, p.len as usize);
            black_box(&d);
        }
    }
}

/// Nanoseconds per packet of `run` over the mix: the fastest and the median
/// round. `setup` makes each run's input outside the timing.
fn measure<S>(packets: usize, mut setup: impl FnMut() -> S, mut run: impl FnMut(S)) -> (f64, f64) {
    let mut per_packet: Vec<f64> = (0..ROUNDS)
        .map(|_| {
            let (mut spent, mut runs) = (Duration::ZERO, 0u32);
            while spent < ROUND {
                let input = setup();
                let started = Instant::now();
                run(input);
                spent += started.elapsed();
                runs += 1;
            }
            spent.as_nanos() as f64 / f64::from(runs) / packets as f64
        })
        .collect();
    per_packet.sort_by(f64::total_cmp);
    (per_packet[0], per_packet[ROUNDS / 2])
}

fn main() {
    let mix = load();
    let packets: usize = mix.iter().map(|f| f.packets.len()).sum();
    let mut row = Vec::with_capacity(ROW_BYTES);
    if !std::env::args().any(|a| a == "--bench") {
        dissect_all(&mix);
        process(&mix, learn(&mix), Some(&mut row));
        println!("packet bench: every stage ran once over {packets} packets (cargo bench --bench packet times them)");
        return;
    }
    let dissect = measure(packets, || (), |()| dissect_all(&mix));
    let learned = measure(packets, || (), |()| drop(black_box(learn(&mix))));
    let processed = measure(packets, || learn(&mix), |facts| process(&mix, facts, None));
    let rendered = measure(packets, || learn(&mix), |facts| process(&mix, facts, Some(&mut row)));
    println!(
        "per-packet cost over {packets} packets of {} files (ns/packet, fastest and median of {ROUNDS} rounds)",
        MIX.len()
    );
    println!("{:<16} {:>9} {:>9}", "stage", "fastest", "median");
    let line = |name: &str, (fast, median): (f64, f64)| println!("{name:<16} {fast:>9.0} {median:>9.0}");
    line("dissect", dissect);
    line("learn (pass 1)", learned);
    line("process (pass 2)", processed);
    line("process + row", rendered);
    line("row", (rendered.0 - processed.0, rendered.1 - processed.1));
}
