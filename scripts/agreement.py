#!/usr/bin/env python3
"""Sums up the per-file results of scripts/agreement.sh in DIR/files/ into the
totals, the differing list lines by category and the per-field counts; prints the
summary and writes list-categories.tsv, fields.tsv and files.tsv beside them.

    scripts/agreement.py DIR
"""
import collections
import glob
import os
import re
import sys

# How many categories and fields the printed summary shows (the .tsv files have all).
SHOWN_CATEGORIES = 30
SHOWN_FIELDS = 20
# Words of each side kept in a pattern, after the point where the two differ.
PATTERN_WORDS = 6

ARROW = " \u2192 "
TOTAL = re.compile(r"^total: (\d+) of (\d+) lines differ")
NORMALIZE = [
    (re.compile(r"\b[0-9a-f]{2}(:[0-9a-f]{2}){5}\b"), "MAC"),
    (re.compile(r"\b\d{1,3}(\.\d{1,3}){3}\b"), "IP"),
    (re.compile(r"\b[0-9a-f]*:[0-9a-f:]*:[0-9a-f]*\b"), "IP6"),
    (re.compile(r"0x[0-9a-fA-F]+"), "0x#"),
    (re.compile(r"\d+"), "#"),
]


def normalize(text):
    """The shape of a piece of Info: addresses and numbers replaced by placeholders."""
    for pattern, repl in NORMALIZE:
        text = pattern.sub(repl, text)
    return text


def split_line(line, proto):
    """(head, protocol, length, info) of a list line whose Protocol column is `proto`,
    or None when the line has no such column."""
    arrow = line.find(ARROW)
    start = arrow + len(ARROW) if arrow >= 0 else 0
    at = line.find(" " + proto + " ", start - 1)
    if at < 0:
        return None
    rest = line[at + len(proto) + 2:]
    length, _, info = rest.partition(" ")
    return line[:at], proto, length, info


def socklab_protocol(rest):
    """socklab's Protocol column: the words before the first number (the length)."""
    words = []
    for w in rest.split(" "):
        if w.isdigit():
            break
        words.append(w)
    return " ".join(words)


def socklab_column(line):
    """socklab's Protocol column in a list line whose addresses differ from
    tshark's: the words after the destination, up to the length."""
    arrow = line.find(ARROW)
    if arrow < 0:
        return ""
    words = line[arrow + len(ARROW):].split()
    for i, w in enumerate(words):
        if w.isdigit() and i >= 1:
            return " ".join(words[1:i] if i >= 2 else words[:i])
    return ""


def classify(tshark, socklab, proto):
    """(class, pattern) of a list line socklab prints differently."""
    if not socklab:
        return "no line", ""
    parts = split_line(tshark, proto)
    if parts is None:
        return "unparsed", normalize(tshark[:60])
    head, _, length, info = parts
    if not socklab.startswith(head + " "):
        if socklab.split()[:2] != tshark.split()[:2]:
            return "number or time", ""
        sock_proto = socklab_column(socklab)
        if sock_proto != proto:
            return "protocol", f"socklab says {sock_proto or '?'}"
        t_addr = tshark.split(None, 2)[-1][: len(head.split(None, 2)[-1])] if len(head.split()) > 2 else ""
        s_addr = socklab.split(None, 2)[-1].split(" " + proto + " ")[0] if len(socklab.split()) > 2 else ""
        return "addresses", f"tshark '{normalize(t_addr.strip())}' / socklab '{normalize(s_addr.strip())}'"
    rest = socklab[len(head) + 1:]
    if not rest.startswith(proto + " "):
        return "protocol", f"socklab says {socklab_protocol(rest) or '?'}"
    s_length, _, s_info = rest[len(proto) + 1:].partition(" ")
    if s_length != length:
        return "length", f"tshark {length} / socklab {s_length}"
    if info.startswith(s_info):
        return "info: socklab lacks an ending", normalize(info[len(s_info):].strip())
    if s_info.startswith(info):
        return "info: socklab adds an ending", normalize(s_info[len(info):].strip())
    common = os.path.commonprefix([info, s_info])
    cut = common.rfind(" ") + 1 if " " in common else 0
    t_words = " ".join(info[cut:].split()[:PATTERN_WORDS])
    s_words = " ".join(s_info[cut:].split()[:PATTERN_WORDS])
    return "info differs", f"tshark '{normalize(t_words)}' / socklab '{normalize(s_words)}'"


def read_pairs(path):
    """The (tshark, socklab) line pairs list-diff.sh -v printed."""
    pairs, tshark = [], None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("  tshark: "):
                tshark = line[len("  tshark: "):]
            elif line.startswith("  socklab: ") and tshark is not None:
                pairs.append((tshark, line[len("  socklab: "):]))
                tshark = None
            elif line.startswith("  socklab:") and tshark is not None:
                pairs.append((tshark, ""))
                tshark = None
    return pairs


def pct(part, whole):
    return f"{100.0 * part / whole:.2f}%" if whole else "-"


def main():
    out = sys.argv[1]
    files = sorted(glob.glob(os.path.join(out, "files", "*.status")))
    lines_total = lines_diff = 0
    cats = collections.Counter()
    patterns = collections.Counter()
    examples = {}
    fields = collections.OrderedDict()
    field_examples = collections.defaultdict(list)
    per_file = []
    troubles = []
    for status_path in files:
        base = status_path[: -len(".status")]
        with open(status_path, encoding="utf-8") as f:
            path, _, status = f.read().rstrip("\n").partition("\t")
        if status != "ok":
            troubles.append((path, status))
        seen = differ = 0
        with open(base + ".list", encoding="utf-8", errors="replace") as f:
            for line in f:
                m = TOTAL.match(line)
                if m:
                    differ, seen = int(m.group(1)), int(m.group(2))
        lines_total += seen
        lines_diff += differ
        protos = {}
        if os.path.exists(base + ".proto"):
            with open(base + ".proto", encoding="utf-8", errors="replace") as f:
                for line in f:
                    n, _, p = line.rstrip("\n").partition("\t")
                    protos[n] = p
        for tshark, socklab in read_pairs(base + ".listdiff"):
            frame = tshark.split(None, 1)[0] if tshark.strip() else ""
            proto = protos.get(frame, "?")
            klass, pattern = classify(tshark, socklab, proto)
            cats[(proto, klass)] += 1
            patterns[(proto, klass, pattern)] += 1
            examples.setdefault((proto, klass, pattern), (path, tshark, socklab))
        cells = cell_eq = 0
        with open(base + ".cells", encoding="utf-8", errors="replace") as f:
            for line in f:
                cols = line.rstrip("\n").split("\t")
                if cols[0] == "f" and len(cols) == 6:
                    c = fields.setdefault(cols[1], [0, 0, 0, 0])
                    for i in range(4):
                        c[i] += int(cols[2 + i])
                    cells += int(cols[4])
                    cell_eq += int(cols[5])
                elif cols[0] == "x" and len(cols) >= 5:
                    if len(field_examples[cols[2]]) < 3:
                        field_examples[cols[2]].append((path, cols[1], cols[3], cols[4]))
        per_file.append((path, seen, differ, cells, cell_eq, status))

    all_cells = sum(c[0] for c in fields.values())
    all_eq = sum(c[1] for c in fields.values())
    ne_cells = sum(c[2] for c in fields.values())
    ne_eq = sum(c[3] for c in fields.values())

    with open(os.path.join(out, "list-categories.tsv"), "w", encoding="utf-8") as f:
        f.write("count\tprotocol\tclass\tpattern\tfile\ttshark\tsocklab\n")
        for (proto, klass, pattern), n in patterns.most_common():
            path, t, s = examples[(proto, klass, pattern)]
            f.write(f"{n}\t{proto}\t{klass}\t{pattern}\t{path}\t{t}\t{s}\n")
    with open(os.path.join(out, "fields.tsv"), "w", encoding="utf-8") as f:
        f.write("field\tcells\tequal\tcells_with_a_value\tequal_with_a_value\texamples (file frame tshark socklab)\n")
        for name, c in fields.items():
            ex = " | ".join(f"{p} #{fr}: {t!r} vs {s!r}" for p, fr, t, s in field_examples.get(name, []))
            f.write(f"{name}\t{c[0]}\t{c[1]}\t{c[2]}\t{c[3]}\t{ex}\n")
    with open(os.path.join(out, "files.tsv"), "w", encoding="utf-8") as f:
        f.write("file\tlist_lines\tlist_differ\tcells_with_a_value\tequal_with_a_value\tstatus\n")
        for row in per_file:
            f.write("\t".join(str(x) for x in row) + "\n")

    print(f"files compared: {len(files)}  (runs cut short or failed: {len(troubles)})")
    print()
    print(f"{'measure':<44}{'equal':>10}{'of':>10}{'share':>10}")
    print(f"{'list lines (tshark -n -2 -r FILE)':<44}{lines_total - lines_diff:>10}{lines_total:>10}{pct(lines_total - lines_diff, lines_total):>10}")
    print(f"{'field cells, all':<44}{all_eq:>10}{all_cells:>10}{pct(all_eq, all_cells):>10}")
    print(f"{'field cells with a value on either side':<44}{ne_eq:>10}{ne_cells:>10}{pct(ne_eq, ne_cells):>10}")
    print(f"({len(fields)} fields; targets: >= 90% list lines, >= 99.5% field cells)")
    print()
    print(f"differing list lines by tshark's Protocol column and class ({lines_diff} lines, {len(cats)} categories):")
    for (proto, klass), n in cats.most_common(SHOWN_CATEGORIES):
        top = max((k for k in patterns if k[0] == proto and k[1] == klass), key=lambda k: patterns[k])
        hint = f"  e.g. {top[2][:70]} ({patterns[top]})" if top[2] else ""
        print(f"{n:>7}  {proto:<14} {klass}{hint}")
    if len(cats) > SHOWN_CATEGORIES:
        rest = sum(n for _, n in cats.most_common()[SHOWN_CATEGORIES:])
        print(f"{rest:>7}  ({len(cats) - SHOWN_CATEGORIES} more categories in list-categories.tsv)")
    print()
    print("fields with the most differing cells (with a value on either side):")
    worst = sorted(fields.items(), key=lambda kv: kv[1][3] - kv[1][2])[:SHOWN_FIELDS]
    for name, c in worst:
        if c[2] == c[3]:
            break
        print(f"{c[2] - c[3]:>7}  {name:<32} {pct(c[3], c[2]):>8} of {c[2]}")
    if troubles:
        print()
        print("runs cut short or failed:")
        for path, status in troubles[:20]:
            print(f"  {path}: {status}")


if __name__ == "__main__":
    main()
