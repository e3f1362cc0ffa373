#!/usr/bin/env python3
"""Flattens `tshark -T json -x` (or `socklab read -T json -x`) output into one
line per field occurrence, to compare the two:

    frame <TAB> field <TAB> value <TAB> offset <TAB> length <TAB> bitmask <TAB> type

Only keys that are field names are kept (not text lines, not `_tree` or `_raw`
keys); offset, length, bitmask and type come from the field's `_raw` array, or
are `-` for a field without bytes (a generated one). Repeated keys are kept, in
order (the JSON has them: `ip.addr` twice).

    scripts/json-flat.py < out.json > out.tsv
"""
import json
import re
import sys

FIELD = re.compile(r"^[a-z_][a-z0-9_\-]*(\.[a-z0-9_\-]+)*$")


def escape(value):
    """A value on one TSV line: backslash, tab, CR and LF escaped."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")


def walk(obj, frame, out):
    raws = {}
    for key, value in obj:
        if key.endswith("_raw") and isinstance(value, list):
            raws.setdefault(key[:-4], []).append(value)
    seen = {}
    for key, value in obj:
        if key.endswith("_raw") and isinstance(value, list):
            continue
        if key.endswith("_tree") and isinstance(value, list):
            walk(value, frame, out)
            continue
        is_obj = isinstance(value, list) and (not value or isinstance(value[0], tuple))
        if FIELD.match(key) and not key.endswith("_tree"):
            k = seen.get(key, 0)
            seen[key] = k + 1
            raw = raws.get(key, [])
            r = raw[k] if k < len(raw) else None
            shown = "" if is_obj else value
            if isinstance(shown, list):
                shown = ",".join(shown)
            pos = [str(x) for x in r[1:5]] if r else ["-"] * 4
            out.append("\t".join([str(frame), key, escape(str(shown))] + pos))
        if is_obj:
            walk(value, frame, out)


def main():
    docs = json.load(sys.stdin, object_pairs_hook=lambda kv: kv)
    out = []
    for n, doc in enumerate(docs, 1):
        layers = dict(dict(doc)["_source"])["layers"]
        walk(layers, n, out)
    sys.stdout.write("".join(line + "\n" for line in out))


if __name__ == "__main__":
    main()
