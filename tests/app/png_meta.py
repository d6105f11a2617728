"""Reads a PNG's text chunks (tEXt) and checks every chunk's CRC; prints them as JSON {key: text}.
Used by the shell tests: python3 png_meta.py FILE.png"""
import json
import struct
import sys
import zlib

data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, texts = 8, {}
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    (crc,) = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
    assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc, "bad CRC in %s" % kind
    if kind == b"tEXt":
        key, text = body.split(b"\0", 1)
        texts[key.decode("latin-1")] = text.decode("latin-1")
    pos += 12 + n
print(json.dumps(texts))
