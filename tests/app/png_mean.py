"""Mean sRGB colour of rectangles of an 8-bit RGBA (or RGB) PNG (as smpsim writes them), for the shell tests:
python3 png_mean.py FILE.png X0 X1 Y0 Y1 [X0 X1 Y0 Y1 ...] prints "R G B" per rectangle, one line each.
Coordinates are shares of the width and height (0..1), the top row first."""
import sys

from smp_png import read_png

w, h, rows, _ = read_png(sys.argv[1], True)
boxes = [float(v) for v in sys.argv[2:]]
for i in range(0, len(boxes), 4):
    x0, x1, y0, y1 = int(boxes[i] * w), int(boxes[i + 1] * w), int(boxes[i + 2] * h), int(boxes[i + 3] * h)
    n = max((x1 - x0) * (y1 - y0), 1)
    mean = [sum(rows[y][x * 4 + k] for y in range(y0, y1) for x in range(x0, x1)) / n for k in range(3)]
    print("%.2f %.2f %.2f" % tuple(mean))
