"""Mean sRGB colour of rectangles of an 8-bit RGBA PNG (as smpsim writes them), for the shell tests:
python3 png_mean.py FILE.png X0 X1 Y0 Y1 [X0 X1 Y0 Y1 ...] prints "R G B" per rectangle, one line each.
Coordinates are shares of the width and height (0..1), the top row first."""
import struct
import sys
import zlib


def read(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w, h = 8, b"", 0, 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IHDR":
            w, h, depth, colour = struct.unpack(">IIBB", data[pos + 8:pos + 18])
            assert depth == 8 and colour == 6, "not 8-bit RGBA"
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + n]
        pos += 12 + n
    raw, stride, rows, prev = zlib.decompress(idat), w * 4, [], bytearray(w * 4)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - 4] if i >= 4 else 0
            b, c = prev[i], prev[i - 4] if i >= 4 else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else (b if pb <= pc else c))) & 255
        rows.append(line)
        prev = line
    return w, h, rows


w, h, rows = read(sys.argv[1])
boxes = [float(v) for v in sys.argv[2:]]
for i in range(0, len(boxes), 4):
    x0, x1, y0, y1 = int(boxes[i] * w), int(boxes[i + 1] * w), int(boxes[i + 2] * h), int(boxes[i + 3] * h)
    n = max((x1 - x0) * (y1 - y0), 1)
    mean = [sum(rows[y][x * 4 + k] for y in range(y0, y1) for x in range(x0, x1)) / n for k in range(3)]
    print("%.2f %.2f %.2f" % tuple(mean))
