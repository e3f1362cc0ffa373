"use strict";
// The live view: the report page with no packets at first, fed by the
// server's event stream (src/sniff/report/html/live.rs): field names, batches
// of packets in the page's encoding, the lab views from time to time, and a
// last word when the capture ends or this viewer falls behind and is dropped.
// Batches are applied one at a time, in order.

(() => {
  const DATA = JSON.parse(document.getElementById("data").textContent);
  if (!DATA.live) return;
  const S = window.socklab;
  const status = document.createElement("span");
  status.id = "live";
  const style = document.createElement("style");
  style.textContent = "#live{font-size:13px;padding:2px 8px;border-radius:9px;background:#2e7d32;color:#fff;white-space:nowrap}" +
    "#live.off{background:#6b6b6b}#live.bad{background:#a40000}" +
    "#live-note{margin:0;padding:6px 12px;background:#a40000;color:#fffc9c}@media print{#live{display:none}}";
  document.head.appendChild(style);
  document.querySelector("header.bar h1").after(status);

  const live = { packets: 0, batches: 0, views: 0, state: "connecting", note: null };
  S.live = live;

  function show(text, cls) {
    status.textContent = text;
    status.className = cls || "";
  }

  function counted() {
    show(`● live: ${live.packets} packet${live.packets === 1 ? "" : "s"}`);
  }

  // A sentence from the server, kept on the page after the stream closes.
  function note(text, cls) {
    live.note = text;
    show(cls === "bad" ? "● dropped" : "● stopped", cls === "bad" ? "bad" : "off");
    let el = document.getElementById("live-note");
    if (!el) {
      el = document.createElement("p");
      el.id = "live-note";
      document.querySelector("header.bar").after(el);
    }
    el.textContent = text;
  }

  S.ready.then(() => {
    document.title = "socklab live: " + DATA.file;
    show("● connecting…", "off");
    const events = new EventSource(DATA.live.events);
    let queue = Promise.resolve();
    const then = (work) => { queue = queue.then(work).catch((e) => console.error("live view:", e)); };
    const stop = (state) => { live.state = state; events.close(); };
    events.onopen = () => { live.state = "open"; counted(); };
    events.addEventListener("fields", (e) => { const f = JSON.parse(e.data); then(() => S.setFields(f)); });
    events.addEventListener("packets", (e) => {
      const b = JSON.parse(e.data);
      then(async () => {
        b.rows = await S.inflate(b.rows);
        await S.addPackets(b);
        live.packets += b.rows.length;
        live.batches++;
        if (live.state === "open") counted();
      });
    });
    events.addEventListener("views", (e) => {
      const v = JSON.parse(e.data);
      then(async () => { S.setViews(await S.inflate(v.views)); live.views++; });
    });
    events.addEventListener("dropped", (e) => { stop("dropped"); then(() => note(JSON.parse(e.data).text, "bad")); });
    events.addEventListener("end", (e) => { stop("ended"); then(() => note(JSON.parse(e.data).text, "off")); });
    // A broken stream is not reopened: the server would send every packet again.
    events.onerror = () => {
      if (live.state !== "open" && live.state !== "connecting") return;
      stop("lost");
      then(() => note("The connection to socklab was lost (the capture stopped, or this page fell behind); reload the page to watch again.", "bad"));
    };
  });
})();
