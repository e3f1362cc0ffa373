#!/usr/bin/env python3
"""Regenerates the generated files of www/ (deterministic, standard library only):
  www/socket.png   a 96x64 PNG picture of two hosts joined by a TCP connection
  www/large.txt    1 MiB of numbered text lines for load tests (compresses to little in git)
Run from the repository root: python3 scripts/gen-www.py
"""
import struct
import zlib

W, H = 96, 64


def pixel(x, y):
    """Two blue boxes (hosts) joined by an orange line (the connection), on white."""
    in_left = 6 <= x < 30 and 20 <= y < 44
    in_right = 66 <= x < 90 and 20 <= y < 44
    if in_left or in_right:
        border = x in (6, 29, 66, 89) or y in (20, 43)
        return (20, 60, 140) if border else (120, 170, 230)
    if 30 <= x < 66 and 30 <= y < 34:
        return (240, 140, 20)
    if 30 <= x < 66 and (y == 26 or y == 38) and (x // 4) % 2 == 0:
        return (160, 160, 160)
    return (255, 255, 255)


def png(width, height):
    raw = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def large_text(size):
    out = bytearray()
    n = 0
    while len(out) < size:
        n += 1
        out += b"line %07d of the socklab load-test file: the quick brown fox jumps over the lazy dog\n" % n
    return bytes(out[:size])


with open("www/socket.png", "wb") as f:
    f.write(png(W, H))
with open("www/large.txt", "wb") as f:
    f.write(large_text(1 << 20))
