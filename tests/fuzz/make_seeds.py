#!/usr/bin/env python3
"""Writes the generated seeds of the fuzz corpora (tests/fuzz/corpus/<target>/seed-*): the example plans and
.mci files of assets/, plans with --set overrides, small optics tables cut from assets/optics/tables.json, and
small head-shaped meshes in every format the scan loader reads, and small PNG and JPEG images (the JPEGs
written by stb_image_write through the system's C compiler, which the build needs anyway). Deterministic; run from anywhere:
    python3 tests/fuzz/make_seeds.py
Inputs the fuzzer found (crash-*, regress-*) live beside the seeds and are never touched here."""
import base64, json, math, os, shutil, struct, zlib

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
corpus = os.path.join(here, "corpus")


def out(target, name, data):
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


def clear_seeds():
    for target in ("plan", "mci", "table", "scan", "image"):
        d = os.path.join(corpus, target)
        if os.path.isdir(d):
            for n in os.listdir(d):
                if n.startswith("seed-"):
                    os.remove(os.path.join(d, n))


# ---- plans: the file up to the first NUL, then NUL-separated --set overrides (fuzz_plan.c) ----

def plans():
    pdir = os.path.join(root, "assets", "plans")
    for n in sorted(os.listdir(pdir)):
        with open(os.path.join(pdir, n), "rb") as f:
            out("plan", n, f.read())
    every = {
        "version": 1, "seed": 7,
        "head": {"circumference_cm": 55, "length_cm": 18.5, "breadth_cm": 14.5, "mesh": None},
        "patient": {"fitzpatrick": 2, "hair_color": "#3a2a20", "grey_fraction": 0.2, "hair_length_mm": 20,
                    "ludwig": "II", "parting": "left", "sex": "female"},
        "progression": {"ludwig": "III", "years": 12, "grey_fraction": 0.6, "grey_years": 20,
                        "treat_future_area": True},
        "hairline": {"style": "linear", "height_cm": 7.5, "transition_mm": 5, "temple_height_cm": 9},
        "hairline_points": [{"lateral_cm": 0, "height_cm": 7.5}, {"lateral_cm": 4, "height_cm": 8},
                            {"lateral_cm": 8, "height_cm": 9.5}],
        "zones": {"front": 1.2, "mid_scalp": 1, "crown": 0.8, "temples": 1.5, "sides": 0,
                  "transition_mm": 25},
        "pigment": {"shade": 0.5, "depth_mm": 0.35, "needle": "3RL", "pin_diameter_mm": 0.25,
                    "dot_diameter_mm": 0.2, "ink_quality": "inferior"},
        "clusters": {"double_fraction": 0.3, "triple_fraction": 0.1, "spacing_mm": 0.4},
        "sessions": [{"day": 0, "density_per_cm2": 20, "shade": 0.5}, {"day": 21, "density_per_cm2": 30,
                                                                        "shade": 0.7}],
        "scars": [{"type": "fut", "length_cm": 18, "width_mm": 6, "depth_mm": 0.3, "height_above_nape_cm": 5,
                   "form": "stretched"},
                  {"type": "fue", "count": 800, "diameter_mm": 0.8, "depth_mm": 0.5, "form": "hypertrophic"}],
        "aftercare": {"sun_hours_per_day": 3, "spf": 0, "hat": True, "alcohol_topicals": True,
                      "washed_before_day3": True, "sauna_before_day3": False},
        "touch_ups": [{"year": 3, "density_per_cm2": 15, "shade": 0.9}],
        "fading": {"early_loss": 0.4, "scab_share": 0.3, "surface_excess": 1, "fresh_width": 2,
                   "mobile_fraction": 0.2, "mobile_years": 2, "fixed_years": 30, "sun_factor": 0.5,
                   "sunscreen_efficacy": 0.5, "hat_transmission": 0.2, "alcohol_factor": 2,
                   "wet_early_loss": 0.2, "spread_mm2_per_year": 0.01, "sink_mm_per_year": 0.01,
                   "redness": 1, "touch_up_fraction": 0.8},
    }
    out("plan", "every-field.json", json.dumps(every, indent=1) + "\n")
    with open(os.path.join(pdir, "default.json")) as f:
        default = f.read()
    sets = ["pigment.depth_mm=1.5", "sessions[1].shade=0.9", 'sessions[3]={"day": 60, "density_per_cm2": 10}',
            "patient.norwood=3V", "pigment.needle=5RL", "scars=[]", "pigment.dot_diameter_mm=null"]
    out("plan", "default-with-sets", default + "\0" + "\0".join(sets))
    out("plan", "sets-only", '{"version": 1}\0sessions=[]\0patient.norwood=null\0hairline_points=[{"lateral_cm": 3, '
        '"height_cm": 8}, {"lateral_cm": 6, "height_cm": 9}]')


# ---- .mci: the benchmark inputs, one with comments and DOS line ends, one with two runs ----

def mcis():
    mdir = os.path.join(root, "assets", "mci")
    for n in sorted(os.listdir(mdir)):
        with open(os.path.join(mdir, n), "rb") as f:
            out("mci", n, f.read())
    two = ("# two runs\r\n1.0\r\n2 # runs\r\n\r\nfirst.mco A\r\n1000\r\n0.01 0.02\r\n10 20 5\r\n1\r\n1.0\r\n"
           "1.4 1 100 0.9 0.1\r\n1.0\r\nsecond.mco B\r\n500\r\n0.005 0.005\r\n4 4 1\r\n2\r\n1.33\r\n"
           "1.37 0.5 50 0.8 0.05\r\n\t1.4 2 20 -0.5 1e9 # deep\r\n1.5\r\n")
    out("mci", "two-runs-dos.mci", two)


# ---- optics tables: the baked table's grids cut down to their first entries ----

def tables():
    with open(os.path.join(root, "assets", "optics", "tables.json")) as f:
        full = json.load(f)
    for name, nd, nk, ns in (("small.json", 2, 2, 2), ("one-each.json", 1, 1, 1)):
        t = dict(full)
        t["depth_mm"] = full["depth_mm"][:nd]
        t["ink"] = full["ink"][:nk]
        t["diameter_mm"] = full["diameter_mm"][:ns]
        t["types"] = []
        for ty in full["types"]:
            ty = dict(ty)
            ty["depths"] = [dict(d, covered_linear_rgb=d["covered_linear_rgb"][:nk],
                                 gain=[per_ink[:ns] for per_ink in d["gain"][:nk]]) for d in ty["depths"][:nd]]
            t["types"].append(ty)
        out("table", name, json.dumps(t, separators=(",", ":")))


# ---- meshes: the first byte picks the format by its value modulo 5 (fuzz_scan.c) ----

FORMAT_BYTE = {"obj": b"A", "ply": b"B", "stl": b"C", "gltf": b"D", "glb": b"E"}


def head(rings=12, segments=24):
    """An ellipsoid 150 x 220 x 190 mm with a nose and two ears on a latitude-longitude lattice, +y up, the
    face towards +z (as tests/scalp/test_scan.c's test head, coarser); triangles counter-clockwise outside."""
    def bump(d, c, width):
        n = math.sqrt(sum(x * x for x in c))
        a = math.acos(max(-1.0, min(1.0, sum(p * q for p, q in zip(d, c)) / n)))
        return math.exp(-a * a / (2 * width * width))
    verts = []
    nv = 2 + (rings - 1) * segments
    for v in range(nv):
        theta = 0.0 if v == 0 else math.pi if v == nv - 1 else math.pi * (1 + (v - 1) // segments) / rings
        phi = 0.0 if v in (0, nv - 1) else 2 * math.pi * ((v - 1) % segments) / segments
        d = (math.sin(theta) * math.sin(phi), math.cos(theta), math.sin(theta) * math.cos(phi))
        r = 1 / math.sqrt(d[0] ** 2 / 75 ** 2 + d[1] ** 2 / 110 ** 2 + d[2] ** 2 / 95 ** 2)
        r += 22 * bump(d, (0, -0.2, 1), 0.12) + 14 * bump(d, (1, 0.05, -0.1), 0.14) + 14 * bump(d, (-1, 0.05, -0.1), 0.14)
        verts.append(tuple(round(r * x, 3) for x in d))
    tris = []
    bottom, last = nv - 1, 1 + (rings - 2) * segments
    for j in range(segments):
        j1 = (j + 1) % segments
        tris.append((0, 1 + j, 1 + j1))
        tris.append((bottom, last + j1, last + j))
        for i in range(rings - 2):
            a, b = 1 + i * segments + j, 1 + i * segments + j1
            tris.append((a, a + segments, b + segments))
            tris.append((a, b + segments, b))
    fixed = []
    for t in tris:
        a, b, c = (verts[k] for k in t)
        u = [b[k] - a[k] for k in range(3)]
        w = [c[k] - a[k] for k in range(3)]
        x = (u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0])
        s = sum(x[k] * (a[k] + b[k] + c[k]) for k in range(3))
        fixed.append(t if s >= 0 else (t[0], t[2], t[1]))
    return verts, fixed


def tetrahedron():
    s = 100.0
    return [(s, s, s), (-s, -s, s), (-s, s, -s), (s, -s, -s)], [(0, 1, 2), (0, 3, 1), (0, 2, 3), (1, 3, 2)]


def obj(v, t, quads=False):
    lines = ["# head", "o head"] + ["v %g %g %g" % p for p in v]
    lines += ["f %d %d %d" % (a + 1, b + 1, c + 1) for a, b, c in t]
    return "\n".join(lines) + "\n"


def ply_ascii(v, t):
    h = ("ply\nformat ascii 1.0\nelement vertex %d\nproperty float x\nproperty float y\nproperty float z\n"
         "element face %d\nproperty list uchar int vertex_indices\nend_header\n" % (len(v), len(t)))
    return h + "".join("%g %g %g\n" % p for p in v) + "".join("3 %d %d %d\n" % f for f in t)


def ply_coloured(v, t):
    """Binary PLY with 8-bit vertex colours (a colour from each vertex's direction)."""
    h = ("ply\nformat binary_little_endian 1.0\nelement vertex %d\nproperty float x\nproperty float y\n"
         "property float z\nproperty uchar red\nproperty uchar green\nproperty uchar blue\n"
         "element face %d\nproperty list uchar int vertex_indices\nend_header\n" % (len(v), len(t))).encode()
    body = b"".join(struct.pack("<3f3B", *p, *(int(127.5 + 127 * math.tanh(x / 60)) for x in p)) for p in v)
    return h + body + b"".join(struct.pack("<B3i", 3, *f) for f in t)


def png(w, h):
    """A w x h RGB PNG (a gradient), written with zlib."""
    raw = b"".join(b"\0" + b"".join(bytes((x * 255 // max(w - 1, 1), y * 255 // max(h - 1, 1), 90))
                                    for x in range(w)) for y in range(h))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def ply_binary(v, t):
    h = ("ply\nformat binary_little_endian 1.0\nelement vertex %d\nproperty float x\nproperty float y\n"
         "property float z\nelement face %d\nproperty list uchar int vertex_indices\nend_header\n"
         % (len(v), len(t))).encode()
    return h + b"".join(struct.pack("<3f", *p) for p in v) + b"".join(struct.pack("<B3i", 3, *f) for f in t)


def stl_binary(v, t):
    body = b"".join(struct.pack("<12fH", 0, 0, 0, *v[a], *v[b], *v[c], 0) for a, b, c in t)
    return b"binary head".ljust(80, b" ") + struct.pack("<I", len(t)) + body


def stl_ascii(v, t):
    s = ["solid head"]
    for f in t:
        s.append(" facet normal 0 0 0\n  outer loop")
        s += ["   vertex %g %g %g" % v[k] for k in f]
        s.append("  endloop\n endfacet")
    return "\n".join(s) + "\nendsolid head\n"


def gltf_parts(v, t):
    pos = b"".join(struct.pack("<3f", *p) for p in v)
    idx = b"".join(struct.pack("<3H", *f) for f in t)
    idx += b"\0" * (-len(idx) % 4)
    lo = [min(p[k] for p in v) for k in range(3)]
    hi = [max(p[k] for p in v) for k in range(3)]
    doc = {"asset": {"version": "2.0"}, "scene": 0, "scenes": [{"nodes": [0]}],
           "nodes": [{"name": "head", "children": [1], "scale": [0.001, 0.001, 0.001]},
                     {"mesh": 0, "translation": [0, 10, 0]}],
           "meshes": [{"primitives": [{"attributes": {"POSITION": 0}, "indices": 1, "mode": 4}]}],
           "accessors": [{"bufferView": 0, "componentType": 5126, "count": len(v), "type": "VEC3",
                          "min": lo, "max": hi},
                         {"bufferView": 1, "componentType": 5123, "count": 3 * len(t), "type": "SCALAR"}],
           "bufferViews": [{"buffer": 0, "byteOffset": 0, "byteLength": len(pos), "target": 34962},
                           {"buffer": 0, "byteOffset": len(pos), "byteLength": 6 * len(t), "target": 34963}],
           "buffers": [{"byteLength": len(pos) + len(idx)}]}
    return doc, pos + idx


def gltf(v, t):
    doc, buf = gltf_parts(v, t)
    doc["buffers"][0]["uri"] = "data:application/octet-stream;base64," + base64.b64encode(buf).decode()
    return json.dumps(doc, separators=(",", ":"))


def glb(v, t, texture=False):
    doc, buf = gltf_parts(v, t)
    if texture:
        # TEXCOORD_0 from each vertex's direction and an embedded PNG as the base colour's texture.
        uv = b"".join(struct.pack("<2f", 0.5 + math.atan2(p[0], p[2]) / (2 * math.pi),
                                  0.5 - math.atan2(p[1], math.hypot(p[0], p[2])) / math.pi) for p in v)
        image = png(8, 8)
        image += b"\0" * (-len(image) % 4)
        doc["meshes"][0]["primitives"][0]["attributes"]["TEXCOORD_0"] = 2
        doc["meshes"][0]["primitives"][0]["material"] = 0
        doc["accessors"].append({"bufferView": 2, "componentType": 5126, "count": len(v), "type": "VEC2"})
        doc["bufferViews"] += [{"buffer": 0, "byteOffset": len(buf), "byteLength": len(uv)},
                               {"buffer": 0, "byteOffset": len(buf) + len(uv), "byteLength": len(image)}]
        doc["materials"] = [{"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}}]
        doc["textures"] = [{"source": 0}]
        doc["images"] = [{"bufferView": 3, "mimeType": "image/png"}]
        buf += uv + image
        doc["buffers"][0]["byteLength"] = len(buf)
    js = json.dumps(doc, separators=(",", ":")).encode()
    js += b" " * (-len(js) % 4)
    chunks = struct.pack("<II", len(js), 0x4E4F534A) + js + struct.pack("<II", len(buf), 0x004E4942) + buf
    return struct.pack("<III", 0x46546C67, 2, 12 + len(chunks)) + chunks


def meshes():
    hv, ht = head()
    tv, tt = tetrahedron()
    for name, fmt, data in (
            ("head.obj", "obj", obj(hv, ht)), ("head.ply", "ply", ply_binary(hv, ht)),
            ("head.stl", "stl", stl_binary(hv, ht)), ("head.gltf", "gltf", gltf(hv, ht)),
            ("head.glb", "glb", glb(hv, ht)), ("head-coloured.ply", "ply", ply_coloured(hv, ht)),
            ("head-textured.glb", "glb", glb(hv, ht, texture=True)), ("tetra.obj", "obj", obj(tv, tt)),
            ("tetra-ascii.ply", "ply", ply_ascii(tv, tt)), ("tetra-ascii.stl", "stl", stl_ascii(tv, tt)),
            ("tetra.gltf", "gltf", gltf(tv, tt)), ("tetra.glb", "glb", glb(tv, tt))):
        out("scan", name, FORMAT_BYTE[fmt] + (data.encode() if isinstance(data, str) else data))


# ---- images: PNG in its colour types and bit depths, interlaced, and JPEG baseline (fuzz_image.c) ----

def png(w, h, colour, depth, rows, interlace=0, palette=None):
    import zlib
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    data = b"".join(b"\0" + r for r in rows)
    body = chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, colour, 0, 0, interlace))
    if palette:
        body += chunk(b"PLTE", palette)
    return b"\x89PNG\r\n\x1a\n" + body + chunk(b"IDAT", zlib.compress(data)) + chunk(b"IEND", b"")


def images():
    w, h = 12, 8
    rgb = [bytes(v for x in range(w) for v in (x * 20, y * 30, 90)) for y in range(h)]
    out("image", "rgb.png", png(w, h, 2, 8, rgb))
    out("image", "rgba.png", png(w, h, 6, 8, [bytes(v for x in range(w) for v in (x * 20, y * 30, 90, 200)) for y in range(h)]))
    out("image", "grey.png", png(w, h, 0, 8, [bytes(x * 20 for x in range(w)) for y in range(h)]))
    out("image", "grey16.png", png(w, h, 0, 16, [b"".join(struct.pack(">H", x * 5000) for x in range(w)) for y in range(h)]))
    out("image", "palette.png", png(w, h, 3, 8, [bytes((x + y) % 4 for x in range(w)) for y in range(h)],
                                    palette=bytes([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255])))
    # Adam7 interlaced: the passes' rows, each with its filter byte, one after the other.
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    rows = []
    for x0, y0, dx, dy in passes:
        xs = range(x0, w, dx)
        if not list(xs):
            continue
        for y in range(y0, h, dy):
            rows.append(bytes(v for x in xs for v in (x * 20, y * 30, 90)))
    out("image", "interlaced.png", png(w, h, 2, 8, rows, interlace=1))
    import subprocess, tempfile
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc:
        return
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "jpg.c")
        with open(src, "w") as f:
            f.write("""#include <stb_image_write.h>
int main(int argc, char **argv)
{
    unsigned char px[16 * 12 * 3];
    for (int i = 0; i < 16 * 12; i++) px[3 * i] = (unsigned char)(i * 3), px[3 * i + 1] = 90, px[3 * i + 2] = (unsigned char)(255 - i);
    return !(stbi_write_jpg(argv[1], 16, 12, 3, px, 90) && stbi_write_jpg(argv[2], 16, 12, 1, px, 50));
}
""")
        exe = os.path.join(tmp, "jpg")
        subprocess.run([cc, "-I/usr/include/stb", src, "-o", exe, "-lstb"], check=True)
        subprocess.run([exe, os.path.join(tmp, "a.jpg"), os.path.join(tmp, "b.jpg")], check=True)
        for n, name in (("a.jpg", "colour.jpg"), ("b.jpg", "grey.jpg")):
            with open(os.path.join(tmp, n), "rb") as f:
                out("image", name, f.read())


if __name__ == "__main__":
    clear_seeds()
    plans()
    mcis()
    tables()
    meshes()
    images()
