//! The live view of a capture (`sniff --web`, `--capture --web`): the web
//! server ([`crate::net::live`]) and a feed thread that decodes a copy of each
//! captured frame, encodes the packets in batches ([`LiveEncoder`]) and
//! publishes them, and from time to time redraws the lab views from the file
//! the capture is saved to (as `socklab report` draws them). The capture
//! thread only copies frames into a bounded queue: a live view that cannot
//! keep up misses packets (counted and said), the capture never waits.

use super::hub::{Hub, Kind};
use super::{exposure_warning, live_url, LiveServer, Site};
use crate::error::Error;
use crate::sniff::capture::Frame;
use crate::sniff::dissect::link::LinkType;
use crate::sniff::fields::FieldId;
use crate::sniff::filter::Filter;
use crate::sniff::packet::Packet;
use crate::sniff::pipeline::{Facts, Pipeline};
use crate::sniff::report::html::build::{stream_views, worksheet_markdown};
use crate::sniff::report::html::live::{sse, LiveEncoder, FIELDS, PACKETS, VIEWS};
use crate::sniff::report::html::{self, packets::CHUNK};
use crate::sniff::savefile::FLUSH_EVERY;
use crate::sniff::value::Nanos;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Frames waiting for the feed; more are missed by the live view.
const FEED_FRAMES: usize = 8192;
/// Bytes of frames waiting for the feed; more are missed by the live view.
const FEED_BYTES: usize = 32 << 20;
/// Longest wait before the packets received are sent.
const BATCH_EVERY: Duration = Duration::from_millis(50);
/// Most packets in one batch.
const MAX_BATCH: usize = CHUNK;
/// Shortest time between two redraws of the lab views.
const VIEWS_EVERY: Duration = Duration::from_secs(1);
/// A redraw waits at least this many times as long as the last one took, so
/// a long capture does not spend its time redrawing.
const VIEWS_BACKOFF: u32 = 4;
/// How far the saved file may lag behind the packets (the capture writes its
/// buffer out every [`FLUSH_EVERY`] while idle): a packet this recent at a
/// redraw may be missing from it, so the views are redrawn again later.
const SAVE_LAG: Duration = Duration::from_millis(3 * FLUSH_EVERY.as_millis() as u64);

/// The capture a live view shows.
pub struct Source {
    /// What is captured (interface, filter), for the page's title and the index.
    pub what: String,
    /// The link type of its frames.
    pub link: LinkType,
    /// The file it is saved to, which the lab views are drawn from.
    pub file: PathBuf,
    /// Only the packets this display filter keeps (`-Y`), with its text.
    pub filter: Option<(String, Filter<FieldId>)>,
    /// The ports decoded as DNS.
    pub dns_ports: Vec<u16>,
    /// The folder whose capture files the index page lists and opens.
    pub captures: PathBuf,
}

/// A frame copied out of the capture's buffer.
struct Owned {
    /// Its number in the capture (the feed may miss some).
    number: u32,
    time: Nanos,
    len: u32,
    data: Vec<u8>,
}

/// A running live view.
pub struct Live {
    tx: Option<SyncSender<Owned>>,
    feed: Option<JoinHandle<u64>>,
    server: LiveServer,
    missed: Arc<AtomicU64>,
    /// Bytes of frames waiting for the feed.
    waiting: Arc<AtomicUsize>,
    /// Frames handed to [`Live::frame`] so far.
    handed: AtomicU32,
}

impl Live {
    /// Starts serving on `bind` (given with option `flag`) the packets of `source`.
    pub fn start(bind: &str, flag: &str, source: Source) -> crate::Result<Live> {
        let mut page = Vec::new();
        let shown = source.filter.as_ref().map(|(text, _)| text.as_str());
        let data = LiveEncoder::page_data(&source.what, shown).map_err(Error::usage)?;
        html::write_live_page(&mut page, &format!("socklab live: {}", source.what), &data)
            .map_err(|e| Error::io("building the live page", e))?;
        let site = Site { page, what: source.what.clone(), dir: source.captures.clone() };
        let server = LiveServer::start(bind, flag, site)?;
        let encoder = LiveEncoder::new().map_err(Error::usage)?;
        let (tx, rx) = sync_channel(FEED_FRAMES);
        let hub = Arc::clone(server.hub());
        let waiting = Arc::new(AtomicUsize::new(0));
        let taken = Arc::clone(&waiting);
        let feed = std::thread::Builder::new()
            .name("live-feed".into())
            .spawn(move || feed(&rx, &taken, encoder, &source, &hub))
            .map_err(|e| Error::io("starting the live view", e))?;
        let missed = Arc::new(AtomicU64::new(0));
        Ok(Live { tx: Some(tx), feed: Some(feed), server, missed, waiting, handed: AtomicU32::new(0) })
    }

    /// The live page's URL.
    pub fn url(&self) -> String {
        live_url(self.server.addr())
    }

    /// The warning to print when the page is visible beyond this machine.
    pub fn warning(&self) -> Option<String> {
        exposure_warning(self.server.addr())
    }

    /// Hands a copy of `f` to the feed; never waits.
    pub fn frame(&self, f: &Frame<'_>) {
        let Some(tx) = &self.tx else { return };
        let number = self.handed.fetch_add(1, Ordering::Relaxed) + 1;
        if self.waiting.load(Ordering::SeqCst) + f.data.len() > FEED_BYTES {
            self.missed.fetch_add(1, Ordering::Relaxed);
            return;
        }
        self.waiting.fetch_add(f.data.len(), Ordering::SeqCst);
        let owned = Owned { number, time: f.time, len: f.len, data: f.data.to_vec() };
        if let Err(TrySendError::Full(o)) = tx.try_send(owned) {
            self.waiting.fetch_sub(o.data.len(), Ordering::SeqCst);
            self.missed.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Sends the last packets and views (call it once the file is flushed),
    /// tells the viewers the capture ended, and stops serving.
    pub fn finish(mut self) {
        drop(self.tx.take());
        let sent = self.feed.take().and_then(|t| t.join().ok()).unwrap_or(0);
        let missed = self.missed.load(Ordering::Relaxed);
        let mut text = format!("The capture ended after {sent} packets.");
        if missed > 0 {
            text.push_str(&format!(
                " {missed} more arrived faster than the live view could show them; the capture file has them all."
            ));
        }
        self.server.close(&text);
    }
}

/// The feed thread: decode, batch, publish, redraw the views; returns the
/// packets it published.
fn feed(rx: &Receiver<Owned>, waiting: &AtomicUsize, mut enc: LiveEncoder, source: &Source, hub: &Hub) -> u64 {
    let mut pipe = Pipeline::new(source.link, Facts::default()).with_dns_ports(&source.dns_ports);
    let keeps = |p: &Packet<'_>| source.filter.as_ref().is_none_or(|(_, f)| f.matches(p));
    hub.set_fields(sse(FIELDS, &enc.fields()));
    let (mut pending, mut sent, mut changes) = (0usize, 0u64, 0usize);
    let (mut batch_at, mut last_packet) = (Instant::now(), Instant::now());
    let mut views_at = Instant::now() + VIEWS_EVERY;
    // Packets the views may not show yet.
    let mut stale = false;
    let mut last_views = String::new();
    loop {
        let ended = match rx.recv_timeout(BATCH_EVERY) {
            Ok(f) => {
                waiting.fetch_sub(f.data.len(), Ordering::SeqCst);
                let mut p = pipe.process(&Frame { time: f.time, len: f.len, data: &f.data, origin: None });
                // The capture's number, as in the file the views are drawn from.
                p.number = f.number;
                if keeps(&p) {
                    enc.push(&p);
                    pending += 1;
                    (last_packet, stale) = (Instant::now(), true);
                }
                false
            }
            Err(RecvTimeoutError::Timeout) => false,
            Err(RecvTimeoutError::Disconnected) => true,
        };
        if pending > 0 && (ended || pending >= MAX_BATCH || batch_at.elapsed() >= BATCH_EVERY) {
            if let Some(batch) = enc.batch() {
                hub.publish(Kind::Packets, sse(PACKETS, &batch));
            }
            if enc.field_changes() != changes {
                changes = enc.field_changes();
                hub.set_fields(sse(FIELDS, &enc.fields()));
            }
            sent += pending as u64;
            (pending, batch_at) = (0, Instant::now());
        }
        if stale && (ended || Instant::now() >= views_at) {
            let started = Instant::now();
            redraw(&enc, &source.file, hub, &mut last_views);
            stale = last_packet + SAVE_LAG > started;
            views_at = Instant::now() + VIEWS_EVERY.max(started.elapsed() * VIEWS_BACKOFF);
        }
        if ended {
            return sent;
        }
    }
}

/// Publishes the lab views drawn from `file` as it is now, unless they are
/// the views last published (`last`), so pages redraw only what changed; a
/// file caught part-way through a write is left for the next redraw.
fn redraw(enc: &LiveEncoder, file: &Path, hub: &Hub, last: &mut String) {
    let streams = stream_views(file, None, enc.streams().to_vec());
    let sheet = worksheet_markdown(file, None, None);
    if let (Ok(streams), Ok(sheet)) = (streams, sheet) {
        let views = enc.views(streams, &sheet);
        if views != *last {
            hub.publish(Kind::Views, sse(VIEWS, &views));
            *last = views;
        }
    }
}
