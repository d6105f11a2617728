"""Reads a PNG's text chunks (tEXt) and checks every chunk's CRC; prints them as JSON {key: text}.
Used by the shell tests: python3 png_meta.py FILE.png"""
import json
import sys

from smp_png import read_png

print(json.dumps(read_png(sys.argv[1], False)[3]))
