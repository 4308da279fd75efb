#!/usr/bin/env python3
# Contrast of every text colour ui/style.css sets, against its own background when the rule sets
# one, else against the backgrounds it can appear on (the window and the cards): WCAG 2.1 asks
# for at least 4.5:1 (RGAA 3.2). Prints TAP.
import re
import sys

WINDOW = "#fafafa"      # libadwaita 1.2 light window background
CARD = "#f4f7fb"        # .kiosk-card


def luminance(hex_colour):
    hex_colour = hex_colour.lstrip("#")
    if len(hex_colour) == 3:
        hex_colour = "".join(c * 2 for c in hex_colour)
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ratio(a, b):
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


css = open(sys.argv[1], encoding="utf-8").read()
css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
checks = []
for selector, body in re.findall(r"([^{}]+)\{([^}]*)\}", css):
    colour = re.search(r"(?<!-)color:\s*(#[0-9a-fA-F]{3,6})", body)
    background = re.search(r"background-color:\s*(#[0-9a-fA-F]{3,6})", body)
    if not colour:
        continue
    if background:
        backgrounds = [background.group(1)]
    elif "high-contrast" in selector:
        backgrounds = ["#000000"]
    else:
        backgrounds = [WINDOW, CARD]
    for bg in backgrounds:
        checks.append((selector.strip(), colour.group(1), bg))

print(f"1..{len(checks)}")
failed = 0
for n, (selector, fg, bg) in enumerate(checks, 1):
    r = ratio(fg, bg)
    ok = r >= 4.5
    failed += not ok
    print(f"{'ok' if ok else 'not ok'} {n} {selector}: {fg} on {bg} = {r:.2f}:1")
sys.exit(1 if failed or not checks else 0)
