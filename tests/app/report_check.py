"""Checks a consultation report (smpsim report) as a reader would meet it: python3 report_check.py DIR
- index.html names only files inside DIR (no URL with a scheme, no absolute path, no ..), and every <img src>
  exists and is a valid PNG (signature, every chunk's CRC, IHDR, the image data inflates to the right size);
- every rendered image carries smpsim's metadata (the plan, the time, the light, the view), the plots the plan;
- the before image's plan has no sessions; the grid's images differ where they should: healed is darker than
  before, the bathroom lamp warmer than daylight, the scalp at +10 years lighter than healed (it fades);
- the page says the model's limits and the plan in words.
Prints one line per failure and exits 1 if any; prints what it measured."""
import json
import os
import re
import sys

from smp_png import read_png

root = sys.argv[1]
fails = []


def check(cond, what):
    if not cond:
        fails.append(what)
    return cond


html = open(os.path.join(root, "index.html"), encoding="utf-8").read()
check(html.startswith("<!DOCTYPE html>"), "index.html does not start with <!DOCTYPE html>")
check('<meta name="generator" content="smpsim report' in html, "no generator tag")
refs = re.findall(r'(?:src|href)="([^"]*)"', html)
for r in refs:
    if r.startswith("data:"):
        continue
    check(not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", r) and not r.startswith("/") and ".." not in r,
          "index.html refers outside its folder: %s" % r)
check(not re.search(r"@import|url\(", html), "the style loads something")
needed = ["grid-before-daylight.png", "grid-healed-daylight.png", "grid-healed-bathroom.png",
          "grid-10y-daylight.png", "pair-before.png", "pair-healed.png"]
imgs = re.findall(r'<img src="([^"]+)"', html)
check(len(imgs) >= 19, "only %d images" % len(imgs))
pngs = {}
for src in imgs:
    path = os.path.join(root, src)
    if not check(os.path.isfile(path), "missing image %s" % src):
        continue
    try:
        pngs[src] = read_png(path, src in needed)
    except AssertionError as e:
        check(False, "%s: %s" % (src, e))
for name in sorted(os.listdir(root)):
    check(name == "index.html" or name in imgs, "a file the page does not use: %s" % name)

for src, (w, h, rows, texts) in pngs.items():
    check(texts.get("Software") == "smpsim", "%s: no Software tag" % src)
    check("smpsim:plan" in texts, "%s: no plan in its metadata" % src)
    if src.startswith(("grid-", "pair-", "scar-")):
        for key in ("smpsim:time", "smpsim:light", "smpsim:view"):
            check(key in texts, "%s: no %s in its metadata" % (src, key))
    else:
        check("smpsim:plot" in texts, "%s: no smpsim:plot in its metadata" % src)


def scalp_stats(a, b, threshold=6):
    """Mean luminance and red/blue of a and b over the pixels where they differ by more than threshold levels
    (the head, where it changes)."""
    wa, ha, ra, _ = pngs[a]
    wb, hb, rb, _ = pngs[b]
    assert (wa, ha) == (wb, hb)
    n, la, lb, rba, rbb = 0, 0.0, 0.0, 0.0, 0.0
    for y in range(ha):
        for x in range(wa):
            pa, pb = ra[y][4 * x:4 * x + 3], rb[y][4 * x:4 * x + 3]
            if max(abs(pa[k] - pb[k]) for k in range(3)) > threshold:
                n += 1
                la += 0.2126 * pa[0] + 0.7152 * pa[1] + 0.0722 * pa[2]
                lb += 0.2126 * pb[0] + 0.7152 * pb[1] + 0.0722 * pb[2]
                rba += pa[0] / (pa[2] + 1.0)
                rbb += pb[0] / (pb[2] + 1.0)
    n = max(n, 1)
    return n, la / n, lb / n, rba / n, rbb / n


if all(check(n in pngs, "the page lacks %s" % n) for n in needed):
    plan = json.loads(pngs["grid-before-daylight.png"][3]["smpsim:plan"])
    check(plan.get("sessions") == [] and plan.get("touch_ups") == [], "the before image's plan still has sessions")
    plan = json.loads(pngs["grid-healed-daylight.png"][3]["smpsim:plan"])
    check(len(plan.get("sessions", [])) > 0, "the healed image's plan has no sessions")
    w, h = pngs["grid-healed-daylight.png"][:2]
    n, before, healed, _, _ = scalp_stats("grid-before-daylight.png", "grid-healed-daylight.png")
    print("before -> healed: %d pixels differ, luminance %.1f -> %.1f" % (n, before, healed))
    check(n > w * h // 50 and healed < before - 3, "healed is not darker than before where they differ")
    n, before, healed, _, _ = scalp_stats("pair-before.png", "pair-healed.png")
    print("pair: %d pixels differ, luminance %.1f -> %.1f" % (n, before, healed))
    check(n > w * h // 20 and healed < before - 3, "the pair's after is not darker than its before")
    n, _, _, rb_day, rb_bath = scalp_stats("grid-healed-daylight.png", "grid-healed-bathroom.png")
    print("daylight -> bathroom: %d pixels differ, red/blue %.2f -> %.2f" % (n, rb_day, rb_bath))
    check(n > w * h // 20 and rb_bath > rb_day * 1.1, "the bathroom lamp is not warmer than daylight")
    # Fading is slow and soft: every changed pixel counts (the background and the face render identically).
    n, healed, ten, _, _ = scalp_stats("grid-healed-daylight.png", "grid-10y-daylight.png", 1)
    print("healed -> +10 years: %d pixels differ, luminance %.1f -> %.1f" % (n, healed, ten))
    check(n > w * h // 100 and ten > healed + 1, "the scalp at +10 years is not lighter than healed")

for words in ("SMP is not hair", "indentation shows in some light", "Fading varies between people", "Norwood",
              "Fitzpatrick", "per cm&sup2;", "mm deep", "SPF", "touch-up", "smpsim"):
    check(words in html, "the page does not say '%s'" % words)

for f in fails:
    print("FAIL " + f)
sys.exit(1 if fails else 0)
