"use strict";
// socklab's display-filter language in the page: the same grammar, type checks,
// error messages and matching rules as the CLI's -Y (src/sniff/filter/), over the
// field values the page carries for each packet. tests/report_page.rs runs the
// same expressions here and through `socklab read -Y` and compares the frames.

const Filter = (() => {
  const MAX_DEPTH = 100;
  const NANOS = 1000000000n;
  const U64_MAX = (1n << 64n) - 1n;
  const I64_MIN = -(1n << 63n);
  const enc = new TextEncoder();

  class FilterError extends Error {
    constructor(expr, pos, message) {
      super(message);
      this.expr = expr;
      this.pos = Math.min(pos, expr.length);
    }
    // The CLI's wording: message, the expression, a caret under the offending token.
    text() {
      const shown = this.expr.replace(/[\u0000-\u001f\u007f]/g, " ");
      const rest = Math.max(tokenChars(this.expr.slice(this.pos)) - 1, 0);
      return this.message + "\n  " + shown + "\n  " + " ".repeat(this.pos) + "^" + "~".repeat(rest);
    }
  }

  const isWordChar = (c) => /[\p{L}\p{N}_.\-:/+]/u.test(c);

  function tokenChars(text) {
    let body = null;
    if (text.startsWith('r"')) body = text.slice(2);
    else if (text.startsWith('"')) body = text.slice(1);
    if (body !== null) {
      const opening = text.length - body.length;
      let escaped = false;
      for (let i = 0; i < body.length; i++) {
        const c = body[i];
        if (c === '"' && !escaped) return opening + i + 1;
        escaped = c === "\\" && !escaped;
      }
      return text.length;
    }
    let i = 0;
    while (i < text.length && isWordChar(text[i])) i++;
    if (i === 0) return text.length ? 1 : 0;
    return i;
  }

  // ---- lexer --------------------------------------------------------------
  const KEYWORDS = {
    and: ["And"], or: ["Or"], not: ["Not"], in: ["In"],
    eq: ["Cmp", "AnyEq"], any_eq: ["Cmp", "AnyEq"], ne: ["Cmp", "AllNe"], all_ne: ["Cmp", "AllNe"],
    all_eq: ["Cmp", "AllEq"], any_ne: ["Cmp", "AnyNe"], lt: ["Cmp", "Lt"], le: ["Cmp", "Le"],
    gt: ["Cmp", "Gt"], ge: ["Cmp", "Ge"], contains: ["Cmp", "Contains"], matches: ["Cmp", "Matches"],
  };

  function lex(expr) {
    const tokens = [];
    let i = 0;
    const push = (kind, op, len, text) => { tokens.push({ kind, op, pos: i, len, text: text || "" }); i += len; };
    while (i < expr.length) {
      const c = expr[i];
      const next = expr[i + 1];
      if (/\s/.test(c)) { i++; continue; }
      if (c === "(") push("LParen", null, 1);
      else if (c === ")") push("RParen", null, 1);
      else if (c === '"') { const [text, len] = lexString(expr, i, false); push("Str", null, len, text); }
      else if (c === "r" && next === '"') { const [text, len] = lexString(expr, i + 1, true); push("Str", null, len + 1, text); }
      else if (expr.startsWith("===", i)) push("Cmp", "AllEq", 3);
      else if (c === "=" && next === "=") push("Cmp", "AnyEq", 2);
      else if (c === "=") throw [i, 'unexpected "=": compare with "=="'];
      else if (expr.startsWith("!==", i)) push("Cmp", "AnyNe", 3);
      else if (c === "!" && next === "=") push("Cmp", "AllNe", 2);
      else if (c === "!") push("Not", null, 1);
      else if (c === "<" && next === "=") push("Cmp", "Le", 2);
      else if (c === "<") push("Cmp", "Lt", 1);
      else if (c === ">" && next === "=") push("Cmp", "Ge", 2);
      else if (c === ">") push("Cmp", "Gt", 1);
      else if (c === "&" && next === "&") push("And", null, 2);
      else if (c === "&") throw [i, 'unexpected "&": use "&&" or "and" (bitwise & is not supported)'];
      else if (c === "|" && next === "|") push("Or", null, 2);
      else if (c === "|") throw [i, 'unexpected "|": use "||" or "or"'];
      else if (c === "~") push("Cmp", "Matches", 1);
      else if (c === "[") push("LBracket", null, 1);
      else if (c === "]") push("RBracket", null, 1);
      else if (c === "{") push("LBrace", null, 1);
      else if (c === "}") push("RBrace", null, 1);
      else if (c === ",") push("Comma", null, 1);
      else if (isWordChar(c)) {
        let j = i;
        while (j < expr.length && isWordChar(expr[j])) j++;
        const kw = KEYWORDS[expr.slice(i, j)] || ["Word"];
        push(kw[0], kw[1] || null, j - i);
      } else throw [i, `unexpected character "${c}"`];
    }
    tokens.push({ kind: "End", op: null, pos: expr.length, len: 0, text: "" });
    return tokens;
  }

  const SIMPLE_ESCAPES = { "'": 39, '"': 34, "\\": 92, a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11 };

  function lexString(expr, start, raw) {
    const out = [];
    let i = start + 1;
    const unterminated = [start, "unterminated string: a closing '\"' is missing"];
    for (;;) {
      if (i >= expr.length) throw unterminated;
      const c = expr[i];
      if (c === '"') break;
      if (c === "\\" && i + 1 >= expr.length) throw unterminated;
      if (c === "\\" && raw) {
        const e = expr[i + 1];
        out.push(92);
        if (e === '"' || e === "\\") { out.push(e.charCodeAt(0)); i += 2; } else i += 1;
      } else if (c === "\\") {
        i = unescape(expr, i, out);
      } else {
        const cp = expr.codePointAt(i);
        const ch = String.fromCodePoint(cp);
        out.push(...enc.encode(ch));
        i += ch.length;
      }
    }
    let text;
    try { text = new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(out)); }
    catch (e) { throw [start, "the string's escapes do not make valid UTF-8"]; }
    return [text, i + 1 - start];
  }

  function unescape(expr, at, out) {
    const rest = expr.slice(at + 1);
    const bad = () => [at, `invalid escape sequence "\\${rest[0] || " "}"`];
    const first = rest[0];
    if (first in SIMPLE_ESCAPES) { out.push(SIMPLE_ESCAPES[first]); return at + 2; }
    const digits = (n, re, radix) => {
      const d = rest.slice(1, n + 1);
      return d.length === n && re.test(d) ? parseInt(d, radix) : null;
    };
    if (/[0-7]/.test(first || "")) {
      const d = rest.slice(0, 3);
      if (d.length !== 3 || !/^[0-7]{3}$/.test(d) || parseInt(d, 8) > 255) throw bad();
      out.push(parseInt(d, 8));
      return at + 4;
    }
    if (first === "x") {
      const v = digits(2, /^[0-9a-fA-F]{2}$/, 16);
      if (v === null) throw bad();
      out.push(v);
      return at + 4;
    }
    let code, used;
    if (first === "u") { code = digits(4, /^[0-9a-fA-F]{4}$/, 16); used = 4; }
    else if (first === "U") { code = digits(8, /^[0-9a-fA-F]{8}$/, 16); used = 8; }
    else throw bad();
    if (code === null) throw bad();
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      throw [at, `"\\${rest.slice(0, used + 1)}" is not a Unicode character`];
    }
    out.push(...enc.encode(String.fromCodePoint(code)));
    return at + 2 + used;
  }

  // ---- literals -----------------------------------------------------------
  function parseInt128(word) {
    let negative = false, body = word;
    if (word[0] === "-") { negative = true; body = word.slice(1); }
    else if (word[0] === "+") body = word.slice(1);
    const lower = body.slice(0, 2).toLowerCase();
    let radix, digits, what, re;
    if (lower === "0x") { radix = 16n; digits = body.slice(2); what = "is not a valid hex number"; re = /^[0-9a-fA-F]+$/; }
    else if (lower === "0b") { radix = 2n; digits = body.slice(2); what = "is not a valid binary number"; re = /^[01]+$/; }
    else if (/^[0-9]+$/.test(body)) {
      if (body.length > 1 && body[0] === "0") { radix = 8n; digits = body.slice(1); what = "is not a valid octal number"; re = /^[0-7]+$/; }
      else { radix = 10n; digits = body; what = "is not a valid number"; re = /^[0-9]+$/; }
    } else return { ok: null };
    if (!digits || !re.test(digits)) return { err: what };
    let v = 0n;
    for (const d of digits) v = v * radix + BigInt(parseInt(d, Number(radix)));
    if (negative) v = -v;
    if (v < I64_MIN || v > U64_MAX) return { err: "causes an integer overflow" };
    return { ok: v };
  }

  function parseSeconds(word) {
    let negative = false, body = word;
    if (word[0] === "-") { negative = true; body = word.slice(1); }
    else if (word[0] === "+") body = word.slice(1);
    const dot = body.indexOf(".");
    const whole = dot < 0 ? body : body.slice(0, dot);
    const frac = dot < 0 ? "" : body.slice(dot + 1);
    if (!whole || !/^[0-9]*$/.test(whole) || !/^[0-9]*$/.test(frac) || (dot >= 0 && !frac)) return null;
    const kept = frac.slice(0, 9).padEnd(9, "0");
    const total = BigInt(whole) * NANOS + BigInt(kept);
    return negative ? -total : total;
  }

  // An IPv4 or IPv6 address as {v6, n: BigInt}, or null.
  function parseIp(text) {
    const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
    if (v4) {
      const parts = v4.slice(1).map(Number);
      if (parts.some((p, i) => p > 255 || (v4[i + 1].length > 1 && v4[i + 1][0] === "0"))) return null;
      return { v6: false, n: parts.reduce((a, p) => (a << 8n) | BigInt(p), 0n) };
    }
    if (!text.includes(":") || !/^[0-9a-fA-F:.]+$/.test(text)) return null;
    let head = text, tail4 = null;
    const lastColon = text.lastIndexOf(":");
    if (text.slice(lastColon + 1).includes(".")) {
      tail4 = parseIp(text.slice(lastColon + 1));
      if (!tail4 || tail4.v6) return null;
      head = text.slice(0, lastColon + 1) + "0:0";
    }
    const halves = head.split("::");
    if (halves.length > 2) return null;
    const groups = (s) => (s === "" ? [] : s.split(":"));
    const a = groups(halves[0]), b = halves.length === 2 ? groups(halves[1]) : [];
    const missing = 8 - a.length - b.length;
    if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return null;
    const all = [...a, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...b];
    if (all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return null;
    let n = all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
    if (tail4) n = (n & ~0xffffffffn) | tail4.n;
    return { v6: true, n };
  }

  const mask = (v6, prefix) => {
    const bits = v6 ? 128n : 32n;
    const all = (1n << bits) - 1n;
    return prefix === 0 ? 0n : (all << (bits - BigInt(prefix))) & all;
  };

  function parseNet(word, pos) {
    const slash = word.lastIndexOf("/");
    const addrText = slash < 0 ? word : word.slice(0, slash);
    const prefixText = slash < 0 ? null : word.slice(slash + 1);
    const addr = parseIp(addrText);
    if (!addr) {
      const parts = addrText.split(".");
      if (parts.length === 4 && parts.every((p) => /^[0-9]+$/.test(p))) {
        throw [pos, `"${addrText}" is not a valid IPv4 address`];
      }
      return null;
    }
    const max = addr.v6 ? 128 : 32;
    let prefix = max;
    if (prefixText !== null) {
      if (!/^[0-9]+$/.test(prefixText) || Number(prefixText) > max) {
        throw [pos + addrText.length + 1, `CIDR prefix "${prefixText}" must be a number of bits from 0 to ${max}`];
      }
      prefix = Number(prefixText);
    }
    return { v6: addr.v6, prefix, n: addr.n & mask(addr.v6, prefix) };
  }

  function parseBytes(word) {
    const hex = (s) => (s.length >= 1 && s.length <= 2 && /^[0-9a-fA-F]+$/.test(s) ? parseInt(s, 16) : null);
    const sep = [...word].find((c) => c === ":" || c === "." || c === "-");
    let parts;
    if (sep) parts = word.split(sep).map(hex);
    else if (word.length && word.length % 2 === 0 && /^[\x00-\x7f]*$/.test(word)) {
      parts = [];
      for (let i = 0; i < word.length; i += 2) parts.push(hex(word.slice(i, i + 2)));
    } else return null;
    return parts.some((p) => p === null) ? null : Uint8Array.from(parts);
  }

  function bareLiteral(word, pos) {
    const bytes = parseBytes(word);
    let int = null, nanos = null;
    if (word === "true") int = 1n;
    else if (word === "false") int = 0n;
    else {
      const r = parseInt128(word);
      if (r.err) {
        const octal = word[0] === "0" && /^[0-9]+$/.test(word);
        if (!(bytes && octal)) throw [pos, `"${word}" ${r.err}`];
      } else {
        int = r.ok;
        nanos = parseSeconds(word);
      }
    }
    return { text: word, int, nanos, net: parseNet(word, pos), bytes };
  }

  const quotedLiteral = (text) => ({ text, int: null, nanos: null, net: null, bytes: enc.encode(text) });

  function parseRange(text, pos) {
    const invalid = () => [pos, `"${text}" is not a valid range: write [i:j] (offset and length), [i-j], [i], [:j] or [i:]`];
    const num = (s) => (/^[+-]?[0-9]+$/.test(s) && Math.abs(Number(s)) <= 4294967295 ? Number(s) : null);
    const colon = text.indexOf(":");
    if (colon >= 0) {
      const a = text.slice(0, colon), b = text.slice(colon + 1);
      const start = a === "" ? 0 : num(a);
      if (start === null) throw invalid();
      if (b === "") return { start, len: null };
      const len = /^[+-]/.test(b) ? null : num(b);
      if (len === null) throw invalid();
      if (len === 0) throw [pos, `range ${text} is empty: its length must be at least 1`];
      return { start, len };
    }
    const dash = text.indexOf("-", 1);
    if (dash > 0) {
      const first = num(text.slice(0, dash)), last = num(text.slice(dash + 1));
      if (first === null || last === null) throw invalid();
      if (first < 0 || last < first) throw [pos, `range ${text} is invalid: the first offset must not be after the last`];
      return { start: first, len: last - first + 1 };
    }
    const start = num(text);
    if (start === null) throw invalid();
    return { start, len: 1 };
  }

  function applyRange(r, data) {
    const n = data.length;
    const start = r.start < 0 ? n + r.start : r.start;
    const end = r.len === null ? n : start + r.len;
    if (start < 0 || start >= n || end > n) return null;
    return data.subarray(start, end);
  }

  // ---- "did you mean" -------------------------------------------------------
  function distance(a, b) {
    a = [...a]; b = [...b];
    const w = b.length + 1;
    const d = new Array((a.length + 1) * w).fill(0);
    for (let i = 0; i <= a.length; i++) d[i * w] = i;
    for (let j = 0; j <= b.length; j++) d[j] = j;
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        let best = Math.min(d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1, d[(i - 1) * w + j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[(i - 2) * w + j - 2] + 1);
        d[i * w + j] = best;
      }
    }
    return d[a.length * w + b.length];
  }

  function didYouMean(name, known) {
    const limit = Math.min(1 + Math.floor([...name].length / 6), 3);
    const near = known.map((k) => [distance(name, k), k]).filter(([d]) => d <= limit);
    near.sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
    const best = near.length ? near[0][0] : 0;
    let picks = near.filter(([d]) => d === best).map(([, k]) => k).slice(0, 3);
    if (!picks.length && name) picks = known.filter((k) => k.startsWith(name)).slice(0, 3);
    const q = picks.map((p) => `"${p}"`);
    if (!q.length) return "";
    if (q.length === 1) return ` (did you mean ${q[0]}?)`;
    return ` (did you mean ${q.slice(0, -1).join(", ")} or ${q[q.length - 1]}?)`;
  }

  // ---- parser -------------------------------------------------------------
  const ARTICLE = { b: "bytes", t: "text", a: "an address", n: "a number", s: "a time" };
  const SEMANTICS = {
    AnyEq: ["any", "eq"], AllNe: ["all", "ne"], AllEq: ["all", "eq"], AnyNe: ["any", "ne"],
    Lt: ["any", "lt"], Le: ["any", "le"], Gt: ["any", "gt"], Ge: ["any", "ge"],
    Contains: ["any", "contains"], Matches: ["any", "matches"],
  };

  // `schema`: {index: Map name -> field index, kinds: [kind letter per field], names: [...]}.
  // A protocol's kind is "p"; to the type checks it is bytes.
  function parse(expr, schema) {
    let tokens;
    try { tokens = lex(expr); } catch (e) { if (Array.isArray(e)) throw new FilterError(expr, e[0], e[1]); throw e; }
    const p = new Parser(expr, tokens, schema);
    try { return p.parseFilter(); } catch (e) { if (Array.isArray(e)) throw new FilterError(expr, e[0], e[1]); throw e; }
  }

  class Parser {
    constructor(expr, tokens, schema) {
      Object.assign(this, { expr, tokens, schema, next: 0, depth: 0 });
    }
    peek() { return this.tokens[Math.min(this.next, this.tokens.length - 1)]; }
    advance() {
      const at = Math.min(this.next, this.tokens.length - 1);
      if (this.tokens[at].kind !== "End") this.next = at + 1;
      return at;
    }
    text(t) { return this.expr.slice(t.pos, t.pos + t.len); }
    kindOf(f) {
      const k = this.schema.kinds[f];
      return k === "p" ? "b" : k || null;
    }
    parseFilter() {
      if (this.peek().kind === "End") throw [0, "the filter is empty: give a field, a protocol or a comparison"];
      const root = this.parseOr();
      const t = this.peek();
      if (t.kind === "End") return root;
      if (t.kind === "RParen") throw [t.pos, 'unmatched ")"'];
      if (t.kind === "Cmp") throw [t.pos, `unexpected "${this.text(t)}": a comparison needs a field on its left`];
      throw [t.pos, `unexpected "${this.text(t)}": expected "&&", "||" or the end`];
    }
    parseOr() { return this.chain("Or", () => this.parseAnd(), "or"); }
    parseAnd() { return this.chain("And", () => this.parseUnary(), "and"); }
    chain(kind, operand, join) {
      const children = [operand()];
      while (this.peek().kind === kind) {
        const op = this.advance();
        children.push(this.operandAfter(op, operand));
      }
      return children.length === 1 ? children[0] : { t: join, children };
    }
    operandAfter(op, parse) {
      if (this.peek().kind === "End") throw [this.expr.length, `missing operand after "${this.text(this.tokens[op])}"`];
      return parse();
    }
    enter(pos) {
      this.depth++;
      if (this.depth > MAX_DEPTH) throw [pos, `the filter nests parentheses and "!" more than ${MAX_DEPTH} deep`];
    }
    parseUnary() {
      const at = this.advance();
      const { kind, pos } = this.tokens[at];
      if (kind === "Not") {
        this.enter(pos);
        const inner = this.operandAfter(at, () => this.parseUnary());
        this.depth--;
        return { t: "not", child: inner };
      }
      if (kind === "LParen") {
        this.enter(pos);
        if (this.peek().kind === "End") throw [pos, 'unclosed "("'];
        const inner = this.parseOr();
        const close = this.peek();
        if (close.kind === "RParen") { this.advance(); this.depth--; return inner; }
        if (close.kind === "End") throw [pos, 'unclosed "("'];
        throw [close.pos, `unexpected "${this.text(close)}": expected "&&", "||" or ")"`];
      }
      if (kind === "Word") return this.parseTest(at);
      if (kind === "End") throw [pos, "missing operand at the end of the filter"];
      throw [pos, `unexpected "${this.text(this.tokens[at])}": expected a field, a protocol, "!" or "("`];
    }
    parseTest(at) {
      const lhs = this.operand(at);
      const lhsKind = lhs.slice.length ? "b" : this.kindOf(lhs.field);
      const negatedIn = this.peek().kind === "Not" && (this.tokens[this.next + 1] || {}).kind === "In";
      if (negatedIn) this.advance();
      const pk = this.peek();
      if (pk.kind === "In") {
        this.advance();
        const node = { t: "in", lhs, members: this.parseSet(at, lhsKind) };
        return negatedIn ? { t: "not", child: node } : node;
      }
      if (pk.kind !== "Cmp") return { t: "exists", lhs };
      const op = pk.op;
      const opAt = this.advance();
      const valueAt = this.advance();
      const vt = this.tokens[valueAt];
      const opText = this.text(this.tokens[opAt]);
      if ((op === "Contains" || op === "Matches") && ["n", "a", "s"].includes(lhsKind)) {
        const name = this.text(this.tokens[at]);
        throw [this.tokens[at].pos, `"${name}" is ${ARTICLE[lhsKind]}: "${opText}" applies to text, bytes and protocols`];
      }
      let rhs;
      if (vt.kind === "Str" && op === "Matches") rhs = { regex: compileRegex(vt.text, vt.pos) };
      else if (op === "Matches" && vt.kind !== "End") {
        throw [vt.pos, `"${opText}" needs a regular expression in double quotes, found "${this.text(vt)}"`];
      } else if (vt.kind === "Word") {
        const word = this.text(vt);
        if (this.schema.index.has(word)) rhs = { field: this.operand(valueAt) };
        else rhs = { lit: this.checked(bareLiteral(word, vt.pos), false, at, lhsKind, vt.pos) };
      } else if (vt.kind === "Str") rhs = { lit: this.checked(quotedLiteral(vt.text), true, at, lhsKind, vt.pos) };
      else if (vt.kind === "End") throw [vt.pos, `missing value after "${opText}"`];
      else throw [vt.pos, `expected a value after "${opText}", found "${this.text(vt)}"`];
      const [quant, rel] = SEMANTICS[op];
      return { t: "cmp", lhs, quant, rel, rhs };
    }
    checked(lit, quoted, at, lhs, pos) {
      const name = this.text(this.tokens[at]);
      if (lhs === "b" && !quoted && !lit.bytes && lit.int === null) {
        throw [pos, `"${lit.text}" is not a valid byte string: quote text ("${lit.text}") or write bytes in hex (47:45:54)`];
      }
      if ((lhs === "n" || lhs === "s") && quoted) {
        throw [pos, `"${name}" is ${ARTICLE[lhs]}: compare it with a number, not a quoted string`];
      }
      return lit;
    }
    operand(at) {
      const field = this.field(at);
      const slice = [];
      if (this.peek().kind !== "LBracket") return { field, slice };
      const k = this.kindOf(field);
      if (k === "n" || k === "s") {
        const name = this.text(this.tokens[at]);
        throw [this.tokens[at].pos, `"${name}" is ${ARTICLE[k]} and cannot be sliced: slices apply to bytes, text, addresses and protocols`];
      }
      const open = this.advance();
      for (;;) {
        const tok = this.tokens[this.advance()];
        if (tok.kind !== "Word") throw [tok.pos, 'expected a range such as 0:3, 2-5, 4, :2 or 6: inside "[...]"'];
        slice.push(parseRange(this.text(tok), tok.pos));
        const sep = this.tokens[this.advance()];
        if (sep.kind === "RBracket") return { field, slice };
        if (sep.kind === "Comma") continue;
        if (sep.kind === "End") throw [this.tokens[open].pos, 'unclosed "["'];
        throw [sep.pos, `unexpected "${this.text(sep)}": expected "," or "]"`];
      }
    }
    parseSet(at, lhs) {
      const open = this.advance();
      if (this.tokens[open].kind !== "LBrace") {
        const t = this.tokens[open];
        throw [t.pos, `expected "{" after "in", found "${this.text(t)}"`];
      }
      const members = [];
      for (;;) {
        const tok = this.tokens[this.advance()];
        let member;
        if (tok.kind === "Word") {
          const word = this.text(tok);
          const dots = word.indexOf("..");
          if (dots >= 0) {
            const lo = word.slice(0, dots), hi = word.slice(dots + 2);
            if (!lo || !hi) throw [tok.pos, `"${word}" is not a valid range: write LOW..HIGH`];
            const hiPos = tok.pos + lo.length + 2;
            member = { lo: this.checked(bareLiteral(lo, tok.pos), false, at, lhs, tok.pos), hi: this.checked(bareLiteral(hi, hiPos), false, at, lhs, hiPos) };
          } else member = { one: this.checked(bareLiteral(word, tok.pos), false, at, lhs, tok.pos) };
        } else if (tok.kind === "Str") member = { one: this.checked(quotedLiteral(tok.text), true, at, lhs, tok.pos) };
        else if (tok.kind === "End") throw [this.tokens[open].pos, 'unclosed "{"'];
        else throw [tok.pos, `unexpected "${this.text(tok)}": expected a value in the set`];
        members.push(member);
        const sep = this.tokens[this.advance()];
        if (sep.kind === "RBrace") return members;
        if (sep.kind === "Comma") continue;
        if (sep.kind === "End") throw [this.tokens[open].pos, 'unclosed "{"'];
        throw [sep.pos, `unexpected "${this.text(sep)}": separate the members of a set with commas, e.g. {80, 443}`];
      }
    }
    field(at) {
      const t = this.tokens[at];
      const name = this.text(t);
      if (this.schema.index.has(name)) return this.schema.index.get(name);
      if (/^[0-9\-+:]/.test(name) || name === "true" || name === "false") {
        throw [t.pos, `expected a field or protocol name, found the value "${name}"`];
      }
      const next = this.peek();
      if (next.kind === "LParen" && next.pos === t.pos + name.length) throw [t.pos, `functions such as "${name}(...)" are not supported`];
      const lower = name.toLowerCase();
      let hint = lower !== name && this.schema.index.has(lower) ? ` (names are lower case: "${lower}")` : "";
      if (!hint) hint = didYouMean(name, this.schema.known);
      throw [t.pos, `"${name}" is neither a field nor a protocol name${hint}`];
    }
  }

  function compileRegex(pattern, pos) {
    let flags = "iu", body = pattern;
    if (body.startsWith("(?-i)")) { flags = "u"; body = body.slice(5); }
    try { return new RegExp(body, flags); }
    catch (e) {
      const why = e.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "");
      throw [pos, `invalid regular expression: ${why.charAt(0).toLowerCase()}${why.slice(1)}`];
    }
  }

  // ---- evaluation ---------------------------------------------------------
  // A packet is {values: Map field -> [text…], bytes: () => Uint8Array (the frame)}; a
  // byte value "@OFFSET:LENGTH" is that part of the frame.
  // A value is typed from its field's kind: {k: "n", n}, {k: "s", n}, {k: "a", v6, n, b},
  // {k: "t", s, b}, {k: "b", b}.
  const latin1 = (b) => String.fromCharCode.apply(null, b.length > 65536 ? b.slice(0, 65536) : b);

  function typed(kind, text, packet) {
    switch (kind) {
      case "p": return { k: "b", b: packet.bytes().subarray(Number(text)) };
      case "n": try { return { k: "n", n: BigInt(text) }; } catch (e) { return { k: "t", s: text, b: enc.encode(text) }; }
      case "s": { const n = parseSeconds(text); return n === null ? { k: "t", s: text, b: enc.encode(text) } : { k: "s", n }; }
      case "a": {
        const ip = parseIp(text);
        if (!ip) return { k: "t", s: text, b: enc.encode(text) };
        const len = ip.v6 ? 16 : 4;
        const b = new Uint8Array(len);
        for (let i = 0; i < len; i++) b[i] = Number((ip.n >> BigInt(8 * (len - 1 - i))) & 0xffn);
        return { k: "a", v6: ip.v6, n: ip.n, b };
      }
      case "b": {
        if (text[0] === "@") {
          const [off, len] = text.slice(1).split(":").map(Number);
          return { k: "b", b: packet.bytes().subarray(off, off + len) };
        }
        const hex = /^[0-9a-f]*$/.test(text) && text.length % 2 === 0 ? parseBytes(text) || new Uint8Array(0) : /[:.-]/.test(text) ? parseBytes(text) : null;
        return { k: "b", b: hex || enc.encode(text) };
      }
      default: return { k: "t", s: text, b: enc.encode(text) };
    }
  }

  const cmpBytes = (a, b) => {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
  };
  const cmpBig = (a, b) => (a === b ? 0 : a < b ? -1 : 1);
  const contains = (hay, needle) => {
    if (!needle.length) return true;
    outer: for (let i = 0; i + needle.length <= hay.length; i++) {
      for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
      return true;
    }
    return false;
  };

  function holds(rel, ord) {
    if (ord === null) return false;
    switch (rel) {
      case "eq": return ord === 0;
      case "ne": return ord !== 0;
      case "lt": return ord < 0;
      case "le": return ord <= 0;
      case "gt": return ord > 0;
      case "ge": return ord >= 0;
      default: return false;
    }
  }

  function compareLiteral(v, lit) {
    switch (v.k) {
      case "t": return cmpBytes(v.b, enc.encode(lit.text));
      case "b": return lit.bytes ? cmpBytes(v.b, lit.bytes) : null;
      case "a": {
        const net = lit.net;
        if (!net || net.v6 !== v.v6) return null;
        return cmpBig(v.n & mask(v.v6, net.prefix), net.n);
      }
      case "s": return lit.nanos === null ? null : cmpBig(v.n, lit.nanos);
      default: return lit.int === null ? null : cmpBig(v.n, lit.int);
    }
  }

  function compareValues(a, b) {
    const textual = (v) => v.k === "t" || v.k === "b";
    if (textual(a) && textual(b)) return cmpBytes(a.b, b.b);
    if (a.k === "a" && b.k === "a") return a.v6 === b.v6 ? cmpBig(a.n, b.n) : null;
    if (a.k === "s" && b.k === "s") return cmpBig(a.n, b.n);
    if (a.k === "n" && b.k === "n") return cmpBig(a.n, b.n);
    return null;
  }

  function testLiteral(rel, v, lit) {
    if (rel === "contains") {
      if (v.k === "t") return v.s.includes(lit.text);
      if (v.k === "b") return !!lit.bytes && contains(v.b, lit.bytes);
      return false;
    }
    if (rel === "matches") return false;
    return holds(rel, compareLiteral(v, lit));
  }

  function testValues(rel, a, b) {
    if (rel === "contains") {
      if (a.k === "t" && b.k === "t") return a.s.includes(b.s);
      const ta = a.k === "t" || a.k === "b", tb = b.k === "t" || b.k === "b";
      return ta && tb && contains(a.b, b.b);
    }
    if (rel === "matches") return false;
    return holds(rel, compareValues(a, b));
  }

  function occurrences(op, packet, schema) {
    const texts = packet.values.get(op.field);
    if (!texts) return [];
    const vals = texts.map((t) => typed(schema.kinds[op.field], t, packet));
    if (!op.slice.length) return vals;
    const out = [];
    for (const v of vals) {
      if (!v.b || (v.k !== "t" && v.k !== "b" && v.k !== "a")) continue;
      const parts = op.slice.map((r) => applyRange(r, v.b));
      if (parts.some((p) => p === null)) continue;
      const total = parts.reduce((n, p) => n + p.length, 0);
      const b = new Uint8Array(total);
      let at = 0;
      for (const p of parts) { b.set(p, at); at += p.length; }
      out.push({ k: "b", b });
    }
    return out;
  }

  const quantify = (quant, items, test) => (quant === "any" ? items.some(test) : items.every(test));

  function inMember(m, v) {
    if (m.one) return compareLiteral(v, m.one) === 0;
    return holds("ge", compareLiteral(v, m.lo)) && holds("le", compareLiteral(v, m.hi));
  }

  function evaluate(node, packet, schema) {
    switch (node.t) {
      case "or": return node.children.some((c) => evaluate(c, packet, schema));
      case "and": return node.children.every((c) => evaluate(c, packet, schema));
      case "not": return !evaluate(node.child, packet, schema);
      case "exists": return occurrences(node.lhs, packet, schema).length > 0;
      case "in": return occurrences(node.lhs, packet, schema).some((v) => node.members.some((m) => inMember(m, v)));
      default: {
        const left = occurrences(node.lhs, packet, schema);
        if (!left.length) return false;
        const rhs = node.rhs;
        if (rhs.lit) return quantify(node.quant, left, (v) => testLiteral(node.rel, v, rhs.lit));
        if (rhs.regex) return left.some((v) => v.b && (rhs.regex.lastIndex = 0, rhs.regex.test(v.k === "t" ? v.s : latin1(v.b))));
        const right = occurrences(rhs.field, packet, schema);
        return right.length > 0 && quantify(node.quant, left, (a) => quantify(node.quant, right, (b) => testValues(node.rel, a, b)));
      }
    }
  }

  // Every field the filter reads (so the page knows which values it needs).
  function fieldsOf(node, out = new Set()) {
    if (node.children) node.children.forEach((c) => fieldsOf(c, out));
    if (node.child) fieldsOf(node.child, out);
    if (node.lhs) out.add(node.lhs.field);
    if (node.rhs && node.rhs.field) out.add(node.rhs.field.field);
    return out;
  }

  return { parse, evaluate, fieldsOf, FilterError };
})();
