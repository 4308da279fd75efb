"""A model of kiosk_procedure_match() and kiosk_catalogue_search(), to tune keywords before the
real check (tests/test-reach.c, /reach/search runs the app's own search)."""
import json
import re
import unicodedata

STOP = set("a ai aider au aux avec besoin c ce cette chez comment d dans de des devant du en est et faire il j je l la le les m ma me mes moi mon ne nos notre on ou pas par payer peut plus pour qu que quoi sa sais se ses son sur trouver un une utiliser veux voudrais vos votre vous y".split())


def fold(t):
    t = unicodedata.normalize("NFKD", t or "")
    return "".join(c for c in t if not unicodedata.combining(c)).lower()


def find(hay, w):
    for m in re.finditer(re.escape(w), hay):
        i = m.start()
        if i == 0 or not hay[i - 1].isalnum():
            j = i + len(w)
            return True, not (j < len(hay) and hay[j].isalnum())
    return False, False


def match(p, q):
    title = fold(p["title"])
    kw = fold(" ".join(p.get("keywords", [])))
    rest = kw + "\n" + fold((p.get("category") or "") + " " + (p.get("description") or ""))
    words = [w for w in re.split(r"[ \t'\-,.;:?!/()\"]+", fold(q)) if w]
    only_stop = all(w in STOP for w in words)
    score = 1
    n_words = n_found = 0
    for w in words:
        if not only_stop and w in STOP:
            continue
        n_words += 1
        forms = [w]
        if len(w) > 3 and w.endswith("aux"):
            forms.append(w[:-3] + "al")
        elif len(w) > 3 and w[-1] in "sx":
            forms.append(w[:-1])
        best = 0
        for f in forms:
            ok, whole = find(title, f)
            if ok:
                best = max(best, 10 + (2 if whole else 0))
                continue
            m = re.search(r"(?:^|(?<=[^0-9a-z]))" + re.escape(f), rest)
            if m:
                j = m.end()
                whole = not (j < len(rest) and rest[j].isalnum())
                best = max(best, (5 + (1 if whole else 0)) if m.start() < len(kw) + 1 else 1)
        n_found += best > 0
        score += best
    if n_found == n_words:
        return 1000 + score if n_words else score
    if n_found == 0 or n_found * 2 < n_words:
        return 0
    return score


def search(procs, q):
    hits = [(match(p, q), i, p["slug"]) for i, p in enumerate(procs)]
    hits = [h for h in hits if h[0] > 0]
    hits.sort(key=lambda h: (-h[0], h[1]))
    return [h[2] for h in hits]


if __name__ == "__main__":
    import sys
    procs = json.load(open("resources/catalogue.json"))["procedures"]
    first = top3 = n = 0
    for line in open("tests/reach/queries.tsv", encoding="utf-8"):
        if not line.strip() or line.startswith("#"):
            continue
        q, slug = line.rstrip("\n").split("\t")[:2]
        r = search(procs, q)
        n += 1
        if r[:1] == [slug]:
            first += 1
        elif slug in r[:3]:
            top3 += 1
            print("2-3\t%s\t%s\t%s" % (q, slug, r[:3]))
        else:
            print("MISS\t%s\t%s\t%s" % (q, slug, r[:3]))
    print("queries=%d first=%d (%.1f %%) top3=%d" % (n, first, 100.0 * first / n, first + top3))
