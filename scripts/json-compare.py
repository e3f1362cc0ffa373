#!/usr/bin/env python3
"""Compares two flattened JSON views (scripts/json-flat.py): for every field
socklab prints in a frame, the list of its occurrences (value, offset, length,
bitmask, type) must equal tshark's list for that field in that frame.

    scripts/json-compare.py TSHARK.tsv SOCKLAB.tsv   # exit 1 on a difference
"""
import collections
import sys


def load(path):
    rows = collections.OrderedDict()
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            rows.setdefault((cols[0], cols[1]), []).append(tuple(cols[2:]))
    return rows


def main():
    want, got = load(sys.argv[1]), load(sys.argv[2])
    bad = 0
    for key, occ in got.items():
        if want.get(key) != occ:
            bad += 1
            if bad <= 40:
                print(f"frame {key[0]} {key[1]}:\n  tshark  {want.get(key)}\n  socklab {occ}")
    fields = len(got)
    print(f"{fields - bad} of {fields} (frame, field) lists equal tshark's; {bad} differ")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
