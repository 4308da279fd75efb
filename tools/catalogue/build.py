#!/usr/bin/env python3
"""Builds resources/catalogue.json: the démarches with a form at the kiosk (kept from the file
itself, completed by entries_forms.py) followed by the démarches done online or with an agent
(entries_*.py). Run from the repository root: python3 tools/catalogue/build.py

Prints the summaries that fail the readability rule (tests/reach/readability-exceptions.tsv
lists the accepted ones) and exits 1 if a démarche lacks a theme, a profile or a source, if a theme
is empty, or if a démarche disagrees with what checks.py records of the province's pages (its
theme, its service). Writes docs/catalogue-sources.md, the list of what was checked where.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import readability  # noqa: E402
from common import READ  # noqa: E402
import entries_forms  # noqa: E402
import entries_social  # noqa: E402
import entries_education  # noqa: E402
import entries_economie  # noqa: E402
import entries_rural  # noqa: E402
import checks  # noqa: E402

OUT = os.path.join(HERE, "..", "..", "resources", "catalogue.json")
DOC = os.path.join(HERE, "..", "..", "docs", "catalogue-sources.md")

# The province's themes and profiles, with the page each title was read on: checks.py.
THEMES = [(slug, title) for slug, title, _, _, _ in checks.THEMES]
THEME_TITLES = dict(THEMES)


def merge_keywords(old, new):
    seen = []
    for k in list(old) + list(new):
        if k not in seen:
            seen.append(k)
    return seen


def complete_form(procedure):
    extra = entries_forms.FORMS.get(procedure["slug"])
    if extra is None:
        sys.exit("No catalogue facts for the form %s (add it to entries_forms.py)" % procedure["slug"])
    theme = extra.get("theme", procedure.get("category_slug"))
    procedure["category_slug"] = theme
    procedure["category"] = THEME_TITLES[theme]
    if "description" in extra:
        procedure["description"] = extra["description"]
    procedure["keywords"] = merge_keywords(procedure.get("keywords", []), extra.get("keywords", []))
    procedure["mode"] = "here"
    procedure["service"] = extra["service"]
    procedure["fees"] = extra["fees"]
    procedure["source"] = {"url": extra["src"], "read": READ}
    return procedure


def new_form(form):
    """A form defined in entries_forms.NEW_FORMS, as the catalogue holds it."""
    p = {k: v for k, v in form.items() if k not in ("service", "fees", "src")}
    p["category"] = THEME_TITLES[form["category_slug"]]
    p["mode"] = "here"
    p["service"] = form["service"]
    p["fees"] = form["fees"]
    p["source"] = {"url": form["src"], "read": READ}
    return p


def procedure_of(entry):
    p = {
        "slug": entry["slug"],
        "title": entry["title"],
        "description": entry["description"],
        "eligibility": entry["eligibility"],
        "category": THEME_TITLES[entry["theme"]],
        "category_slug": entry["theme"],
        "profiles": entry["profiles"],
        "keywords": entry["keywords"],
        "delay": entry["delay"],
        "mode": entry["mode"],
        "service": entry["service"],
        "fees": entry["fees"],
        "bring": entry["bring"],
        "source": entry["source"],
    }
    for key in ("where", "motif", "online_url"):
        if key in entry:
            p[key] = entry[key]
    return p


def main():
    with open(OUT, encoding="utf-8") as f:
        current = json.load(f)
    new_forms = {f["slug"]: f for f in entries_forms.NEW_FORMS}
    forms = [complete_form(p) for p in current["procedures"]
             if p.get("mode", "here") == "here" and p["slug"] not in new_forms]
    forms += [new_form(f) for f in entries_forms.NEW_FORMS]
    others = []
    for module in (entries_social, entries_education, entries_economie, entries_rural):
        others += [procedure_of(e) for e in module.ENTRIES if e["slug"] not in new_forms]
    procedures = forms + others

    slugs = [p["slug"] for p in procedures]
    duplicates = {s for s in slugs if slugs.count(s) > 1}
    if duplicates:
        sys.exit("Duplicate slugs: %s" % ", ".join(sorted(duplicates)))
    problems = 0
    for p in procedures:
        if not p.get("profiles") or p.get("category_slug") not in THEME_TITLES or not p["source"].get("url"):
            print("Incomplete: %s" % p["slug"])
            problems += 1
        value, longest, n = readability.score(p.get("description", ""))
        if value < 60 or longest > 20 or n > 3:
            print("Readability: %s: %.0f, %d words, %d sentences" % (p["slug"], value, longest, n))

    for problem in checks.apply(procedures):
        print("Checks: %s" % problem)
        problems += 1
    used = {p["category_slug"] for p in procedures}
    for slug, _ in THEMES:
        if slug not in used:
            print("Empty theme: %s" % slug)
            problems += 1

    current["version"] = checks.CHECKED
    current["themes"] = checks.themes_json()
    current["profiles"] = checks.profiles_json()
    current["procedures"] = procedures
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(current, f, ensure_ascii=False, indent=2)
        f.write("\n")
    checks.write_doc(procedures, DOC)
    modes = {}
    for p in procedures:
        modes[p["mode"]] = modes.get(p["mode"], 0) + 1
    print("%d démarches: %s" % (len(procedures), ", ".join("%s %d" % kv for kv in sorted(modes.items()))))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
