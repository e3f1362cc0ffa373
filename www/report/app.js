"use strict";
// The report page: a virtualised packet list (only the rows in sight are in the
// DOM), the details tree and bytes of the selected packet, the display filter
// (filter.js), the lab views, deep links (#frame=N, #stream=N) and printing.
// Everything comes from the JSON in #data; nothing is fetched.

(() => {
  const DATA = JSON.parse(document.getElementById("data").textContent);
  const P = DATA.packets;
  let V = null; // the lab views (streams, dns, http, worksheet), inflated at start
  const ROW_H = 20;
  const OVERSCAN = 12;
  const PRINT_MAX = 2000;
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

  const state = {
    rows: [],          // per packet: [no, time, src, dst, proto, len, info, colour, stream, notes?]
    byNumber: new Map(), // frame number -> packet index
    match: null,       // per packet: passes the filter (null: no filter)
    view: [],          // packet indices shown, in display order
    sort: { col: 0, dir: 1 },
    selected: -1,
    details: null,     // the selected packet's details
    source: 0,         // the data source shown in the hex pane
    item: -1,          // the selected tree item
    values: null,      // per packet: Map field -> values (built when a filter needs them)
    frames: null,      // per packet: its frame's bytes (for protocol fields in filters)
  };
  const chunks = new Map(); // details chunk index -> Promise of its packets

  // Field names the CLI knows resolve in filters; the rest only label tree items.
  const schema = {
    index: new Map(P.fields.slice(0, P.known).map((n, i) => [n, i])),
    kinds: P.kinds,
    known: P.fields.slice(0, P.known),
  };

  const gunzip = (b64) => new Response(new Blob([decode64(b64)]).stream().pipeThrough(new DecompressionStream("gzip")));
  const inflate = async (b64) => JSON.parse(await gunzip(b64).text());
  const inflateBytes = async (b64) => new Uint8Array(await gunzip(b64).arrayBuffer());

  // One packet's filter values: `index` (shared by every packet with the same
  // field list) maps a field to its place in `vals`.
  class Values {
    constructor(index, vals) { this.index = index; this.vals = vals; }
    get(f) {
      const n = this.index.get(f);
      if (n === undefined) return undefined;
      const v = this.vals[n];
      return typeof v === "string" ? [v] : v;
    }
  }

  // A chunk's filter values and frames (see src/sniff/report/html/details.rs):
  // per packet, b its frame and v its Values.
  const valueChunks = new Map();
  function unpackValues(c) {
    if (!valueChunks.has(c)) {
      valueChunks.set(c, Promise.all([inflate(P.values[c]), inflateBytes(P.frames[c])]).then(([j, frames]) => {
        const indexes = j.g.map((fields) => new Map(fields.map((f, n) => [f, n])));
        let at = 0;
        return j.p.map((p, k) => {
          const b = frames.subarray(at, at + j.l[k]);
          at += j.l[k];
          return { b, v: new Values(indexes[p[0]], p[1]) };
        });
      }));
    }
    return valueChunks.get(c);
  }

  // A details chunk as one object per packet: b its frame, i its tree lines
  // [depth, field, text, look, source, offset, length, mask], s its other data
  // sources, v field -> values.
  async function unpack(c) {
    const [j, values] = await Promise.all([inflate(P.details[c]), unpackValues(c)]);
    return j.p.map((p, k) => {
      const texts = p[1];
      const i = j.h[p[0]].map((s, n) => {
        const sh = j.k[s];
        return [sh[0], sh[1], j.t[texts[n]], ...sh.slice(2)];
      });
      return { b: values[k].b, i, s: p[2] || [], v: values[k].v };
    });
  }

  function decode64(b64) {
    const bin = atob(b64);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  // The details chunk of packet i and its place there: chunks of P.chunk
  // packets, or in the live view chunks of any size starting at P.starts.
  function chunkOf(i) {
    if (!P.starts) return [Math.floor(i / P.chunk), i % P.chunk];
    let lo = 0, hi = P.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (P.starts[mid] <= i) lo = mid; else hi = mid - 1;
    }
    return [lo, i - P.starts[lo]];
  }
  const chunkStart = (c) => (P.starts ? P.starts[c] : c * P.chunk);

  function detailsOf(i) {
    const [c, k] = chunkOf(i);
    if (!chunks.has(c)) chunks.set(c, unpack(c));
    return chunks.get(c).then((list) => list[k]);
  }

  // ---- colours --------------------------------------------------------------
  function colourStyles() {
    const css = P.colours.map((r, i) => `.rows .c${i}{background:${r.bg};color:${r.fg}}`).join("\n");
    const style = document.createElement("style");
    style.textContent = css;
    document.head.appendChild(style);
  }

  // ---- the list -------------------------------------------------------------
  const viewport = $("viewport"), rowsEl = $("rows"), spacer = $("spacer");

  function rowHtml(i) {
    const r = state.rows[i];
    const cls = "row" + (r[7] >= 0 ? " c" + r[7] : "") + (i === state.selected ? " sel" : "");
    const notes = r[9] ? ` <span class="note">↳ ${esc(r[9].join(" ↳ "))}</span>` : "";
    return `<div class="${cls}" data-i="${i}"><span>${r[0]}</span><span>${esc(r[1])}</span><span>${esc(r[2])}</span><span>${esc(r[3])}</span><span>${esc(r[4])}</span><span>${r[5]}</span><span>${esc(r[6])}${notes}</span></div>`;
  }

  function renderRows() {
    const top = viewport.scrollTop;
    const first = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
    const last = Math.min(state.view.length, Math.ceil((top + viewport.clientHeight) / ROW_H) + OVERSCAN);
    const parts = [];
    for (let k = first; k < last; k++) parts.push(rowHtml(state.view[k]));
    rowsEl.style.transform = `translateY(${first * ROW_H}px)`;
    rowsEl.innerHTML = parts.join("");
  }

  const sortKey = (col) => {
    if (col === 0 || col === 5) return (i) => state.rows[i][col];
    if (col === 1) return (i) => parseFloat(state.rows[i][1]);
    return (i) => state.rows[i][col];
  };

  function rebuildView() {
    const n = state.rows.length;
    let view = [];
    for (let i = 0; i < n; i++) if (!state.match || state.match[i]) view.push(i);
    const { col, dir } = state.sort;
    if (!(col === 0 && dir === 1)) {
      const key = sortKey(col);
      view = view.map((i) => [key(i), i]).sort((a, b) => (a[0] < b[0] ? -dir : a[0] > b[0] ? dir : a[1] - b[1])).map((p) => p[1]);
    }
    state.view = view;
    spacer.style.height = view.length * ROW_H + "px";
    $("status").textContent = `Displayed: ${view.length} of ${n} packets`;
    for (const h of document.querySelectorAll("#list-head span")) {
      h.className = Number(h.dataset.col) === col ? (dir === 1 ? "asc" : "desc") : "";
    }
    renderRows();
  }

  function scrollToPacket(i) {
    const k = state.view.indexOf(i);
    if (k < 0) return;
    const y = k * ROW_H;
    if (y < viewport.scrollTop || y + ROW_H > viewport.scrollTop + viewport.clientHeight) {
      viewport.scrollTop = Math.max(0, y - viewport.clientHeight / 3);
    }
    renderRows();
  }

  // ---- selection, details and bytes -------------------------------------------
  async function select(i, updateHash = true) {
    state.selected = i;
    scrollToPacket(i);
    if (updateHash) history.replaceState(null, "", "#frame=" + state.rows[i][0]);
    const d = await detailsOf(i);
    if (state.selected !== i) return;
    state.details = d;
    state.item = -1;
    renderTree(d);
    showSource(0);
  }

  const openKeys = new Set();
  const itemKey = (it) => (it[1] >= 0 ? P.fields[it[1]] : it[2].split(":")[0]) + "@" + it[0];

  function renderTree(d) {
    const html = ['<ul class="tree">'];
    const items = d.i;
    for (let k = 0; k < items.length; k++) {
      const it = items[k];
      const next = items[k + 1];
      const parent = next && next[0] > it[0];
      const open = parent && openKeys.has(itemKey(it));
      const bytes = it.length > 4 ? ` data-src="${it[4]}" data-off="${it[5]}" data-len="${it[6]}"` : "";
      const name = it[1] >= 0 ? ` title="${esc(P.fields[it[1]])}${it[7] ? " (mask 0x" + it[7] + ")" : ""}"` : "";
      html.push(`<li class="${parent ? "parent" : ""}${open ? " open" : ""}"><span class="item ${it[3]}" data-k="${k}"${bytes}${name}>${esc(it[2])}</span>`);
      if (parent) html.push("<ul>");
      else {
        html.push("</li>");
        let depth = it[0];
        const nextDepth = next ? next[0] : 0;
        while (depth > nextDepth) { html.push("</ul></li>"); depth--; }
      }
    }
    html.push("</ul>");
    $("details").innerHTML = seeAlso(state.rows[state.selected]) + html.join("");
  }

  // Links from the selected packet to the lab views that show it.
  function seeAlso(r) {
    const links = [];
    if (V.streams.some((s) => s.index === r[8])) links.push(`<a class="frame" data-stream="${r[8]}">TCP stream ${r[8]}: ladder, handshake and teardown</a>`);
    if (V.dns.some((m) => m.frame === r[0])) links.push(`<a class="frame" data-dns="${r[0]}">DNS field table</a>`);
    const tree = `<a class="frame" data-tree="open">Expand all</a> · <a class="frame" data-tree="close">Collapse all</a>`;
    return `<div class="see">${tree}${links.length ? " · See also: " + links.join(" · ") : ""}</div>`;
  }

  let hexSpans = [];
  function sourceBytes(s) {
    const d = state.details;
    return s === 0 ? d.b : decode64(d.s[s - 1][1]);
  }

  function showSource(s) {
    const d = state.details;
    state.source = s;
    const tabs = [`<button data-src="0" class="${s === 0 ? "on" : ""}">Frame (${d.b.length} bytes)</button>`];
    d.s.forEach((src, k) => tabs.push(`<button data-src="${k + 1}" class="${s === k + 1 ? "on" : ""}">${esc(src[0])}</button>`));
    $("byte-tabs").innerHTML = tabs.join("");
    const bytes = sourceBytes(s);
    const lines = [];
    for (let off = 0; off < bytes.length; off += 16) {
      let hex = "", text = "";
      for (let j = 0; j < 16; j++) {
        const o = off + j;
        if (j === 8) hex += " ";
        if (o < bytes.length) {
          const b = bytes[o];
          hex += `<span class="b" data-o="${o}">${b.toString(16).padStart(2, "0")}</span> `;
          const ch = b >= 0x20 && b < 0x7f ? esc(String.fromCharCode(b)) : ".";
          text += `<span class="c" data-o="${o}">${ch}</span>`;
        } else hex += "   ";
      }
      lines.push(`<span class="off">${off.toString(16).padStart(4, "0")}</span>  ${hex} ${text}`);
    }
    const hexEl = $("hex");
    hexEl.innerHTML = lines.join("\n");
    hexSpans = [];
    for (const el of hexEl.querySelectorAll("[data-o]")) {
      const o = Number(el.dataset.o);
      (hexSpans[o] = hexSpans[o] || []).push(el);
    }
    if (state.item >= 0) markBytes(state.details.i[state.item], "sel");
  }

  function clearMark(cls) {
    for (const el of $("hex").querySelectorAll("." + cls)) el.classList.remove(cls);
  }

  function markBytes(it, cls) {
    clearMark(cls);
    if (!it || it.length <= 4 || it[4] !== state.source) return;
    for (let o = it[5]; o < it[5] + it[6]; o++) for (const el of hexSpans[o] || []) el.classList.add(cls);
  }

  function selectItem(k, scroll) {
    const d = state.details;
    const it = d.i[k];
    state.item = k;
    for (const el of $("details").querySelectorAll(".item.sel")) el.classList.remove("sel");
    const el = $("details").querySelector(`.item[data-k="${k}"]`);
    if (!el) return;
    el.classList.add("sel");
    for (let li = el.parentElement.parentElement.closest("li"); li; li = li.parentElement.closest("li")) {
      li.classList.add("open");
      openKeys.add(itemKey(d.i[Number(li.firstElementChild.dataset.k)]));
    }
    if (it.length > 4 && it[4] !== state.source) showSource(it[4]);
    markBytes(it, "sel");
    if (scroll) el.scrollIntoView({ block: "nearest" });
  }

  // The deepest field of the shown source that holds byte `o`.
  function itemAt(o) {
    let best = -1, bestDepth = -1, bestLen = Infinity;
    state.details.i.forEach((it, k) => {
      if (it.length <= 4 || it[4] !== state.source || o < it[5] || o >= it[5] + it[6]) return;
      if (it[0] > bestDepth || (it[0] === bestDepth && it[6] <= bestLen)) { best = k; bestDepth = it[0]; bestLen = it[6]; }
    });
    return best;
  }

  // ---- the display filter ---------------------------------------------------
  async function loadValues() {
    if (state.values) return;
    const values = new Array(state.rows.length);
    const frames = new Array(state.rows.length);
    for (let c = 0; c < P.details.length; c++) {
      const list = await unpackValues(c);
      list.forEach((d, k) => {
        values[chunkStart(c) + k] = d.v;
        frames[chunkStart(c) + k] = d.b;
      });
    }
    state.values = values;
    state.frames = frames;
  }

  function showError(e) {
    const box = $("filter-error");
    if (!e) { box.hidden = true; box.textContent = ""; return; }
    box.hidden = false;
    box.textContent = "invalid display filter: " + e.text();
  }

  // Applies `text`; resolves to the frame numbers shown, or null for an invalid filter.
  async function applyFilter(text) {
    text = text.trim();
    $("filter").value = text;
    if (!text) {
      state.match = null;
      showError(null);
      $("filter").className = "";
      rebuildView();
      return state.view.map((i) => state.rows[i][0]);
    }
    let ast;
    try { ast = Filter.parse(text, schema); } catch (e) {
      if (!(e instanceof Filter.FilterError)) throw e;
      showError(e);
      $("filter").className = "bad";
      return null;
    }
    showError(null);
    $("filter").className = "ok";
    $("status").textContent = "Filtering…";
    await loadValues();
    const match = new Array(state.rows.length);
    for (let i = 0; i < state.rows.length; i++) {
      const packet = { values: state.values[i], bytes: () => state.frames[i] };
      match[i] = Filter.evaluate(ast, packet, schema);
    }
    state.match = match;
    rebuildView();
    return state.view.map((i) => state.rows[i][0]);
  }

  // ---- lab views ------------------------------------------------------------
  const frameLink = (n) => `<a class="frame" data-frame="${n}">${n}</a>`;

  function tableHtml(t) {
    if (!t.rows.length) return '<p class="muted">none captured</p>';
    const frameCols = t.headers.map((h) => /^frame$/i.test(h));
    const head = t.headers.map((h) => `<th>${esc(h)}</th>`).join("");
    const body = t.rows.map((r) => "<tr>" + r.map((c, k) => `<td>${frameCols[k] && /^\d+$/.test(c) ? frameLink(c) : esc(c)}</td>`).join("") + "</tr>").join("");
    return `<table class="t"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
  }

  // Makes each arrow of a ladder open its packet: the frame number leads its row.
  function linkLadder(fig) {
    const rows = new Map();
    for (const t of fig.querySelectorAll("text.time")) {
      const n = parseInt(t.textContent, 10);
      if (Number.isFinite(n)) rows.set(Number(t.getAttribute("y")) - 4, n);
    }
    const mark = (el, n) => {
      el.dataset.frame = n;
      const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
      title.textContent = `Frame ${n}: click to open it`;
      el.appendChild(title);
    };
    for (const t of fig.querySelectorAll("text.time")) {
      const n = rows.get(Number(t.getAttribute("y")) - 4);
      if (n) mark(t, n);
    }
    for (const l of fig.querySelectorAll("line.seg")) {
      const n = rows.get(Number(l.getAttribute("y1")));
      if (n) mark(l, n);
    }
    for (const t of fig.querySelectorAll("text.label")) {
      const n = rows.get(Number(t.getAttribute("y")) + 5);
      if (n) mark(t, n);
    }
  }

  function showStream(n) {
    const s = V.streams.find((x) => x.index === n);
    const view = $("stream-view");
    if (!s) {
      view.innerHTML = `<p class="muted">The page holds no views of TCP stream ${esc(n)}; write it with <code>socklab report FILE --stream ${esc(n)}</code>.</p>`;
      return;
    }
    $("stream-select").value = String(n);
    const checks = s.checks.map((c) => `<li class="${c.ok ? "ok" : "no"}">${esc(c.text)}</li>`).join("");
    view.innerHTML = `<h2>TCP stream ${s.index}: client ${esc(s.client)} → server ${esc(s.server)}</h2>
      <p>${esc(s.close.summary)}</p>
      <h3>Ladder</h3><div class="figure ladder">${s.ladder}</div>
      <h3>Three-way handshake</h3>${tableHtml(s.handshake)}
      ${checks ? `<ul class="checks">${checks}</ul>` : ""}
      <h3>Teardown</h3>${tableHtml(s.teardown)}
      <h3>Time-sequence graph (Stevens)</h3><div class="figure">${s.graph}</div>
      <h3>Follow TCP stream</h3>${followHtml(s)}`;
    linkLadder(view.querySelector(".ladder"));
  }

  // The stream's payload in order, as Wireshark's Follow TCP Stream shows it:
  // the client's bytes in red, the server's in blue, unprintable bytes as dots.
  function followHtml(s) {
    const f = s.follow;
    if (!f.chunks.length) return '<p class="muted">No payload.</p>';
    const text = (b64) => Array.from(decode64(b64), (b) => (b === 10 || b === 13 || (b >= 0x20 && b < 0x7f) ? String.fromCharCode(b) : ".")).join("");
    const parts = f.chunks.map(([node1, b64]) => `<span class="side${node1 ? 1 : 0}">${esc(text(b64))}</span>`);
    const notes = [];
    if (f.cut) notes.push(`${f.cut} more bytes: see them with <code>socklab follow FILE --stream ${s.index}</code>`);
    if (f.missing) notes.push(`${f.missing} bytes were never captured`);
    return `<pre class="follow">${parts.join("")}</pre>${notes.length ? `<p class="muted">${notes.join("; ")}.</p>` : ""}`;
  }

  function buildStreams() {
    const sel = $("stream-select");
    sel.innerHTML = V.streams.map((s) => `<option value="${s.index}">Stream ${s.index}: ${esc(s.client)} ↔ ${esc(s.server)}</option>`).join("");
    if (!V.streams.length) $("stream-view").innerHTML = '<p class="muted">No TCP streams in this capture.</p>';
    else showStream(DATA.open_stream ?? V.streams[0].index);
  }

  function buildDns() {
    $("dns").innerHTML = V.dns.length
      ? V.dns.map((m) => `<div class="dns-msg" id="dns-${m.frame}"><h3>Frame ${frameLink(m.frame)}: ${esc(m.title)}</h3>${m.html}</div>`).join("")
      : '<p class="muted">No DNS messages in this capture.</p>';
  }

  function buildHttp() {
    const info = (n) => {
      const i = state.byNumber.get(n);
      return i === undefined ? "" : esc(state.rows[i][6]);
    };
    const rows = [];
    const paired = new Set();
    for (const m of V.http) {
      if (m.request) {
        if (m.partner) paired.add(m.partner);
        rows.push([m.frame, m.partner, m.stream]);
      }
    }
    for (const m of V.http) if (!m.request && !paired.has(m.frame)) rows.push([null, m.frame, m.stream]);
    rows.sort((a, b) => (a[0] ?? a[1]) - (b[0] ?? b[1]));
    const cell = (n) => (n ? `${frameLink(n)}</td><td>${info(n)}` : `—</td><td class="muted">no ${"response"} captured`);
    $("http").innerHTML = rows.length
      ? `<h2>HTTP requests and responses</h2><table class="t"><thead><tr><th>Request</th><th>Request line</th><th>Response</th><th>Status line</th><th>TCP stream</th></tr></thead><tbody>${rows.map((r) => `<tr><td>${cell(r[0])}</td><td>${cell(r[1])}</td><td>${r[2] ?? ""}</td></tr>`).join("")}</tbody></table>`
      : '<p class="muted">No HTTP messages in this capture.</p>';
  }

  // The worksheet's Markdown as HTML: headings, pipe tables, lists and
  // paragraphs, `code`; frame numbers become links to their packets.
  function markdown(text) {
    const inline = (t) => esc(t)
      .replace(/`([^`]+)`/g, "<code>$1</code>")
      .replace(/\b(frames?) (\d+)/g, (m, w, n) => `${w} ${frameLink(n)}`);
    const cells = (line) => line.trim().replace(/^\||\|$/g, "").split("|").map((c) => c.trim());
    const out = [];
    for (const block of text.split(/\n\s*\n/)) {
      const lines = block.split("\n").filter((l) => l.trim());
      if (!lines.length) continue;
      const h = /^(#{1,6})\s+(.*)$/.exec(lines[0]);
      if (h && lines.length === 1) {
        const level = Math.min(h[1].length + 1, 6);
        out.push(`<h${level}>${inline(h[2])}</h${level}>`);
      } else if (lines.every((l) => l.trim().startsWith("|"))) {
        const head = cells(lines[0]);
        const frameCol = head.map((c) => /^(frame|ack)$/i.test(c));
        const rows = lines.slice(2).map((l) => "<tr>" + cells(l).map((c, k) => `<td>${frameCol[k] && /^\d+$/.test(c) ? frameLink(c) : inline(c)}</td>`).join("") + "</tr>");
        out.push(`<table class="t"><thead><tr>${head.map((c) => `<th>${inline(c)}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table>`);
      } else if (lines.every((l) => /^\s*[-*] /.test(l))) {
        out.push("<ul>" + lines.map((l) => `<li>${inline(l.replace(/^\s*[-*] /, ""))}</li>`).join("") + "</ul>");
      } else {
        out.push(`<p>${lines.map(inline).join("<br>")}</p>`);
      }
    }
    return out.join("\n");
  }

  // The colouring rules this capture's rows use, with their counts; a click
  // applies the rule's filter.
  function buildLegend() {
    const counts = new Array(P.colours.length).fill(0);
    for (const r of state.rows) if (r[7] >= 0) counts[r[7]]++;
    const used = P.colours.map((r, i) => [r, i]).filter(([, i]) => counts[i] > 0);
    $("legend").innerHTML = used.map(([r, i]) => `<span class="sw" data-filter="${esc(r.filter)}" title="${esc(r.filter)}" style="background:${r.bg};color:${r.fg}">${esc(r.name)} ${counts[i]}</span>`).join("");
  }

  function buildColours() {
    const rows = P.colours.map((r) => `<tr data-filter="${esc(r.filter)}"><td class="sw" style="background:${r.bg};color:${r.fg}">${esc(r.name)}</td><td><code>${esc(r.filter)}</code></td></tr>`).join("");
    $("colours").innerHTML = `<h2>Colouring rules</h2><p>Wireshark's default rules, in its order: the first rule a packet matches colours its row. Each rule is a display filter; click one to apply it. DNS has no rule of its own and shows as UDP, as in Wireshark.</p><table class="legend">${rows}</table>`;
  }

  // ---- tabs, links, events --------------------------------------------------
  function showTab(name) {
    for (const b of document.querySelectorAll("#tabs button")) b.classList.toggle("on", b.dataset.tab === name);
    for (const s of document.querySelectorAll(".tab")) s.classList.toggle("on", s.id === name);
    if (name === "packets") renderRows();
  }

  async function openFrame(n) {
    let i = state.byNumber.get(n);
    if (i === undefined) return false;
    showTab("packets");
    if (state.match && !state.match[i]) await applyFilter("");
    await select(i, false);
    return true;
  }

  async function route() {
    const filter = /^#filter=(.*)$/.exec(location.hash);
    if (filter) { showTab("packets"); return applyFilter(decodeURIComponent(filter[1])); }
    const tab = /^#tab=(\w+)$/.exec(location.hash);
    if (tab && $(tab[1]) && $(tab[1]).classList.contains("tab")) return showTab(tab[1]);
    const m = /^#(frame|stream)=(\d+)$/.exec(location.hash);
    if (!m) return;
    const n = Number(m[2]);
    if (m[1] === "frame") await openFrame(n);
    else { showTab("streams"); showStream(n); }
  }

  function wire() {
    let drawing = false; // one redraw per animation frame, however many scroll events
    viewport.addEventListener("scroll", () => {
      if (drawing) return;
      drawing = true;
      requestAnimationFrame(() => { drawing = false; renderRows(); });
    });
    window.addEventListener("resize", renderRows);
    rowsEl.addEventListener("click", (e) => {
      const row = e.target.closest(".row");
      if (row) select(Number(row.dataset.i));
    });
    $("list").addEventListener("keydown", (e) => {
      if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
      e.preventDefault();
      const k = state.view.indexOf(state.selected) + (e.key === "ArrowDown" ? 1 : -1);
      if (k >= 0 && k < state.view.length) select(state.view[k]);
    });
    $("list-head").addEventListener("click", (e) => {
      const col = Number(e.target.dataset.col);
      if (!Number.isFinite(col)) return;
      state.sort = { col, dir: state.sort.col === col ? -state.sort.dir : 1 };
      rebuildView();
      if (state.selected >= 0) scrollToPacket(state.selected);
    });
    $("filter-form").addEventListener("submit", (e) => { e.preventDefault(); applyFilter($("filter").value); });
    $("filter-clear").addEventListener("click", () => applyFilter(""));
    $("filter").addEventListener("input", () => {
      const text = $("filter").value.trim();
      if (!text) { $("filter").className = ""; return; }
      try { Filter.parse(text, schema); $("filter").className = "ok"; } catch (e) { $("filter").className = "bad"; }
    });
    const details = $("details");
    details.addEventListener("click", (e) => {
      const el = e.target.closest(".item");
      if (!el) return;
      const li = el.parentElement;
      const k = Number(el.dataset.k);
      if (li.classList.contains("parent") && (e.offsetX < 18 || e.detail === 2 || state.item === k)) {
        li.classList.toggle("open");
        const key = itemKey(state.details.i[k]);
        if (li.classList.contains("open")) openKeys.add(key); else openKeys.delete(key);
      }
      selectItem(k, false);
    });
    details.addEventListener("mouseover", (e) => {
      const el = e.target.closest(".item");
      markBytes(el ? state.details.i[Number(el.dataset.k)] : null, "hov");
    });
    details.addEventListener("mouseleave", () => clearMark("hov"));
    $("byte-tabs").addEventListener("click", (e) => {
      const b = e.target.closest("button");
      if (b) showSource(Number(b.dataset.src));
    });
    $("hex").addEventListener("click", (e) => {
      const el = e.target.closest("[data-o]");
      if (!el) return;
      const k = itemAt(Number(el.dataset.o));
      if (k >= 0) selectItem(k, true);
    });
    $("hex").addEventListener("mouseover", (e) => {
      const el = e.target.closest("[data-o]");
      const k = el ? itemAt(Number(el.dataset.o)) : -1;
      markBytes(k >= 0 ? state.details.i[k] : null, "hov");
    });
    $("tabs").addEventListener("click", (e) => {
      const b = e.target.closest("button");
      if (b) showTab(b.dataset.tab);
    });
    document.body.addEventListener("click", (e) => {
      const stream = e.target.closest("[data-stream]");
      if (stream) {
        showTab("streams");
        showStream(Number(stream.dataset.stream));
        history.replaceState(null, "", "#stream=" + stream.dataset.stream);
        return;
      }
      const all = e.target.closest("[data-tree]");
      if (all) {
        const open = all.dataset.tree === "open";
        for (const li of $("details").querySelectorAll("li.parent")) {
          li.classList.toggle("open", open);
          const key = itemKey(state.details.i[Number(li.firstElementChild.dataset.k)]);
          if (open) openKeys.add(key); else openKeys.delete(key);
        }
        return;
      }
      const dns = e.target.closest("[data-dns]");
      if (dns) {
        showTab("dns");
        $("dns-" + dns.dataset.dns).scrollIntoView();
        return;
      }
      const el = e.target.closest("[data-frame]");
      if (el) { e.preventDefault(); openFrame(Number(el.dataset.frame)).then((ok) => ok && history.replaceState(null, "", "#frame=" + el.dataset.frame)); }
    });
    $("stream-select").addEventListener("change", (e) => {
      showStream(Number(e.target.value));
      history.replaceState(null, "", "#stream=" + e.target.value);
    });
    $("stream-filter").addEventListener("click", () => {
      showTab("packets");
      applyFilter("tcp.stream == " + $("stream-select").value);
    });
    $("legend").addEventListener("click", (e) => {
      const sw = e.target.closest("[data-filter]");
      if (sw) applyFilter(sw.dataset.filter);
    });
    $("colours").addEventListener("click", (e) => {
      const tr = e.target.closest("tr[data-filter]");
      if (tr) { showTab("packets"); applyFilter(tr.dataset.filter); }
    });
    window.addEventListener("hashchange", route);
    window.addEventListener("beforeprint", printList);
  }

  // The printed list: the displayed rows (at most PRINT_MAX) as a plain table.
  function printList() {
    const head = "<tr><th>No.</th><th>Time</th><th>Source</th><th>Destination</th><th>Protocol</th><th>Length</th><th>Info</th></tr>";
    const body = state.view.slice(0, PRINT_MAX).map((i) => {
      const r = state.rows[i];
      const c = r[7] >= 0 ? P.colours[r[7]] : null;
      const style = c ? ` style="background:${c.bg};color:${c.fg}"` : "";
      return `<tr${style}><td>${r[0]}</td><td>${esc(r[1])}</td><td>${esc(r[2])}</td><td>${esc(r[3])}</td><td>${esc(r[4])}</td><td>${r[5]}</td><td>${esc(r[6])}</td></tr>`;
    });
    const more = state.view.length > PRINT_MAX ? `<tr><td colspan="7">… ${state.view.length - PRINT_MAX} more packets (narrow them with a filter to print them)</td></tr>` : "";
    $("print-list").innerHTML = head + body.join("") + more;
  }

  async function start() {
    const t0 = performance.now();
    $("file").textContent = DATA.file + (DATA.filter ? ` (packets matching ${DATA.filter})` : "");
    document.title = "socklab report: " + DATA.file;
    colourStyles();
    const [views, ...parts] = await Promise.all([inflate(DATA.views), ...P.rows.map(inflate)]);
    V = views;
    state.rows = parts.flat();
    state.rows.forEach((r, i) => state.byNumber.set(r[0], i));
    wire();
    rebuildView();
    buildStreams();
    buildDns();
    buildHttp();
    buildColours();
    buildLegend();
    $("worksheet").innerHTML = markdown(V.worksheet);
    await route();
    if (DATA.open_stream !== null && DATA.open_stream !== undefined && !location.hash) showTab("streams");
    window.socklab.loadMs = performance.now() - t0;
  }

  // ---- live view hooks (live.js feeds the page) ----------------------------
  // Appends a batch of packets (rows inflated; details, values and frames as
  // chunks; field names and kinds from an index on) and refreshes the list,
  // following its end when it was shown.
  function addPackets(b) {
    setFields(b.fields);
    const at = state.rows.length;
    P.starts.push(at);
    P.details.push(b.details);
    P.values.push(b.values);
    P.frames.push(b.frames);
    b.rows.forEach((r, k) => { state.rows.push(r); state.byNumber.set(r[0], at + k); });
    state.values = null;
    const atEnd = viewport.scrollTop + viewport.clientHeight >= state.view.length * ROW_H - ROW_H;
    const shown = state.match ? applyFilter($("filter").value) : Promise.resolve(rebuildView());
    buildLegend();
    return shown.then(() => { if (atEnd) { viewport.scrollTop = state.view.length * ROW_H; renderRows(); } });
  }

  function setFields(f) {
    f.names.forEach((n, k) => { P.fields[f.names_at + k] = n; });
    f.kinds.forEach((n, k) => { P.kinds[f.kinds_at + k] = n; });
  }

  // Replaces the lab views, keeping the stream shown.
  function setViews(v) {
    const shown = Number($("stream-select").value);
    V = v;
    buildStreams();
    if (V.streams.some((s) => s.index === shown)) showStream(shown);
    buildDns();
    buildHttp();
    $("worksheet").innerHTML = markdown(V.worksheet);
  }

  window.socklab = { state, applyFilter, openFrame, loadMs: null, inflate, addPackets, setFields, setViews };
  window.socklab.ready = start();
})();
