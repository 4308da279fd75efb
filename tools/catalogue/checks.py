"""What the province's public pages say about the catalogue's themes, profiles and services in
charge (issue 19, point 1), and what they do not say.

The pages were found with the search tool (corpus "pages"; the "docs" corpus holds none of them)
and read on CHECKED. The tool returns the start of a stored page, not the whole page: a listing
of a theme shows its heading and its first démarches only. build.py uses these tables to:

* give each theme its title as the province writes it, with the page it was read on;
* refuse a démarche whose theme differs from the province's listing that names it;
* refuse a service said to be confirmed that differs from the entry's;
* record in each démarche's "checks" what was confirmed, corrected or not found;
* write docs/catalogue-sources.md, the list for reviewers.

Facts carry over from these pages; sentences in the entries are written anew.
"""
from common import *

CHECKED = "2026-12-06"
EARLIER = READ  # the previous session's reading

SANTE_ESPACE = "https://www.province-sud.nc/espace-thematique/sante-social"
CASE_2025 = "https://www.province-sud.nc/wp-content/SudMag/021/6"
CASE_URGENCE = "https://www.province-sud.nc/wp-content/SudMag/004/19"
DCJS_JEUNES = "https://province-sud.nc/element-thematique/publics-specifiques-0"
DCJS_2021 = "https://www.province-sud.nc/wp-content/publications/RapportsActivite/2021/25"
DERES_COMPETENCES = "https://province-sud.nc/page-votre-province/direction-leducation"
DDR_PAGE = "https://www.province-sud.nc/developpement-rural"
RAPPORT_2022 = "https://www.province-sud.nc/wp-content/publications/RapportsActivite/2022/10"
CASE_DEFE = CASE  # the province's older page on the CASE: "service du développement économique" of the DEFE
DEFE_2016 = "https://studylibfr.com/doc/4661133/info-presse-la-defe--direction-de-l-%C3%A9conomie--de-la-forma..."

# Pages whose stored copy was read again on CHECKED: a démarche whose facts come from one of them
# records that day.
READ_AGAIN = {
    CAT_SANTE, CAT_TRANSPORTS, AIDE_MEDICALE_FICHE, APRAH, DEFRICHEMENT, CHASSE, CHASSE_CONSULT, CASE,
    CASE_2023, CASE_INFRA, DDDT_PAGE, KO_WE_KARA_2026, EMPLOI_2024,
    "https://www.province-sud.nc/wp-content/SudMag/021/6",
    "https://www.province-sud.nc/wp-content/SudMag/005",
    "https://www.province-sud.nc/wp-content/SudMag/001",
}

# The province's themes. title: as the province writes it; url and read: where and when it was
# read; None: no page of the province showing this theme's title was found (the title is ours).
THEMES = [
    ("sante-social", "Santé et social", CAT_SANTE, CHECKED,
     "Heading of the listing. The province's theme page writes it \"Santé et Social\" (" + SANTE_ESPACE + ")."),
    ("habitat-logement", "Habitat et logement", None, None,
     "No listing of this theme found; the APRAH sheet (" + APRAH + ") names no theme."),
    ("education", "Éducation", None, None, "No listing of this theme found."),
    ("economie-entreprises", "Économie et entreprises", None, None, "No listing of this theme found."),
    ("developpement-rural", "Développement rural", CAT_RURAL, EARLIER,
     "Heading of the listing, read by the previous session; the stored page did not come up again on "
     + CHECKED + ". The listing's code DEVELOPPEMENT_RURAL agrees."),
    ("environnement", "Environnement", None, None,
     "No listing of this theme found. The province's site has an \"environnement\" section "
     "(" + CHASSE + ")."),
    ("culture-loisirs", "Culture et loisirs", None, None, "No listing of this theme found."),
    ("vie-associative", "Vie associative et sport", None, None, "No listing of this theme found."),
    ("routes-equipements", "Transports et équipements publics", CAT_TRANSPORTS, CHECKED,
     "The stored listing shows its heading cut (\"Transports et...\"); the words after come from the "
     "listing's code TRANSPORTS_ET_EQUIPEMENTS_PUBLICS."),
]

# Profiles: the listings show the filter "Tous les profils" (and "Tous les types d'aide") but
# not the profiles behind it. Their texts name "particuliers", "associations" and "communes" as
# those who may ask (CAT_TRANSPORTS); "entreprises" comes from the CASE pages (CASE, CASE_2025).
PROFILES = [
    ("particuliers", "Particuliers", None, None, "Word used by " + CAT_TRANSPORTS + "; not seen as a filter."),
    ("entreprises", "Entreprises", None, None, "Word used by " + CASE + "; not seen as a filter."),
    ("associations", "Associations", None, None, "Word used by " + CAT_TRANSPORTS + "; not seen as a filter."),
    ("communes", "Communes", None, None, "Word used by " + CAT_TRANSPORTS + "; not seen as a filter."),
]
FILTER_LABELS = [("Tous les profils", CAT_SANTE, CHECKED), ("Tous les types d'aide", CAT_SANTE, CHECKED)]

# The démarches each listing names in its stored start (read on CHECKED). Their theme must be
# the listing's; a démarche named by two listings may have either.
LISTED = {
    CAT_SANTE: ["aide-medicale", "ticket-moderateur-exoneration", "agrement-famille-accueil",
                "contrat-jeune-majeur", "subvention-associations"],
    CAT_TRANSPORTS: ["subvention-associations", "mise-disposition-batiment-provincial", "auditorium-caps-location",
                     "travaux-route-provinciale", "implantation-reseau-route", "location-salle-ko-we-kara",
                     "mariage-coutumier-ko-we-kara"],
}
# Who may ask, where a listing says it of a démarche: the entry's profiles must be these.
PROFILES_SAID = {
    # "met à disposition des particuliers et des associations ... (auditorium du CAPS, site de Ko We Kara...)"
    "auditorium-caps-location": (["particuliers", "associations"], CAT_TRANSPORTS),
    "mise-disposition-batiment-provincial": (["particuliers", "associations"], CAT_TRANSPORTS),
    # "contributions ... à des associations ou des communes"
    "subvention-action-sociale-associations": (["associations", "communes"], CAT_SANTE),
}
# Not changed, with the reason: Ko We Kara's own paragraph lists political, union and
# general-interest events beside the sentence on particuliers and associations, so the form keeps
# its four profiles; the subsidy form (subvention-associations) is the associations' half of a
# dispositif whose communes' half is subvention-communes-fonctionnement.

LISTING_THEME = {CAT_SANTE: "sante-social", CAT_TRANSPORTS: "routes-equipements", CAT_RURAL: "developpement-rural"}

# The service in charge, as the pages say. level "sheet": the démarche's own page or an article
# on that very démarche names the service; "direction": the direction's page describes this field
# of work (the démarche itself is not named). was: the service the catalogue named before.
SERVICES = [
    dict(service=DPASS_AM, url=AIDE_MEDICALE_FICHE, read=CHECKED, level="sheet",
         says="À qui s'adresser : Service de l'aide médicale et des prestations sociales, DPASS, "
              "17 rue Georges Clémenceau, Nouméa; accueil sur rendez-vous au 20 52 52.",
         slugs=["aide-medicale", "aide-medicale-renouvellement", "aide-medicale-changement-situation",
                "carte-aide-medicale-femme-enceinte", "aide-medicale-urgence", "ticket-moderateur-exoneration"],
         was=DPASS),
    dict(service=DPASS, url=SANTE_ESPACE, read=CHECKED, level="direction",
         says="The DPASS and its 14 centres médico-sociaux: aide médicale, social workers' help, family "
              "difficulties (parents and children, violence between partners) through its service of "
              "social action and child protection, public-health care.",
         slugs=["rendez-vous-assistante-sociale", "aide-sociale-urgence", "signalement-enfant-danger",
                "soutien-parentalite", "accueil-femmes-victimes", "conseil-conjugal-familial",
                "vaccination-centre-provincial", "consultation-pmi", "depistage-gratuit",
                "agrement-famille-accueil", "accueil-temporaire-enfant", "contrat-jeune-majeur",
                "acces-dossier-enfance"]),
    dict(service=DAEM, url=DAEM_PAGE, read=CHECKED, level="direction",
         says="The DAEM builds, maintains and repairs the provincial roads and works.",
         slugs=["travaux-route-provinciale", "permission-voirie-acces", "implantation-reseau-route",
                "manifestation-sur-route", "transport-exceptionnel", "demande-renseignement-route"],
         was="Direction de l'équipement de la province Sud"),
    dict(service=DAEM, url=KO_WE_KARA_2026, read=CHECKED, level="sheet",
         says="Bookings of Ko We Kara for 2026: appointments from 4 September 2025 at the DAEM, "
              "Vallée-du-Tir (the 2025 bookings were at CAPS 1, per " + CAT_TRANSPORTS + ").",
         slugs=["location-salle-ko-we-kara", "mariage-coutumier-ko-we-kara"], was=DCJS),
    dict(service=DDDT, url=DDDT_PAGE, read=CHECKED, level="direction",
         says="The DDDT: environment (biodiversity, natural heritage, regulation), agriculture, "
              "forestry, aquaculture and the sea. It took over the former directions of rural "
              "development and of the environment (" + RAPPORT_2022 + "; " + DDR_PAGE + ").",
         slugs="DDDT"),
    dict(service=DAEM, url=DAEM_PAGE, read=CHECKED, level="direction name", status="renamed",
         says="The province's pages of 2024-2025 name its direction of equipment the DAEM (also "
              + KO_WE_KARA_2026 + "); no page says which direction handles these démarches.",
         slugs=["gare-maritime-ile-des-pins", "mise-disposition-batiment-provincial", "subvention-communes-fonctionnement",
                "subvention-equipement-communes", "desserte-maritime-iles", "aerodrome-provincial"],
         was="Direction de l'équipement de la province Sud"),
    dict(service=DL, url=APRAH, read=CHECKED, level="sheet",
         says="À qui s'adresser : Direction du Logement (DL), 12 avenue Paul Doumer, Nouméa.",
         slugs=["aide-habitat"]),
    dict(service=DDET, url=CASE_2025, read=CHECKED, level="direction",
         says="The director of the DDET speaks for the CASE (the province's code of aids to businesses).",
         slugs="CASE", was={"aide-embauche": DEFE_S}),
    dict(service=DDET, url=CASE_2025, read=CHECKED, level="direction",
         says="The page names the direction in full: direction du Développement Économique et du Tourisme.",
         slugs=["agrement-hebergement-touristique", "aide-tourisme-investissement"]),
    dict(service=DDET, url=CASE_URGENCE, read=CHECKED, level="sheet",
         says="The province and its DDET set up the CASE's emergency plans, among them the 2023 plan "
              "for businesses hit by the bans at sea.",
         slugs=["aide-entreprises-urgence", "aide-plan-urgence-mer"]),
    dict(service=DEL, url=EMPLOI_2024, read=CHECKED, level="sheet",
         says="Job seekers register with the DEL; its head is the province's director of employment "
              "and housing (2024). Pages of 2016-2019 (" + DEFE_2016 + ") named the DEFE.",
         slugs=["inscription-demandeur-emploi"], was=DEFE_S),
    dict(service=DCJS, url=DCJS_JEUNES, read=CHECKED, level="direction",
         says="The DCJS runs the Service civique and the JDD for young people.",
         slugs=["service-civique-provincial"]),
    dict(service=DCJS, url=DCJS_2021, read=CHECKED, level="direction",
         says="The DCJS supports the artistic, cultural and heritage partners and players, carries the "
              "province's plan for young people and its sport policy, and holds events with its staff and "
              "equipment.",
         slugs="DCJS"),
    dict(service=DERES_S, url=DERES_COMPETENCES, read=CHECKED, level="direction",
         says="The DERES: school grants and the school map, aids to schooling, school transport, the two "
              "provincial boarding schools, grants and schemes for students from the province (its other "
              "page, " + DERES + ", lists bourses and coupons numériques among its aids).",
         slugs="DERES"),
]

# Facts that disagree between pages, kept for reviewers.
DISAGREEMENTS = [
    "Aide médicale: the listing (" + CAT_SANTE + ") says the holder pays 20 % (10 % in some cases); the "
    "sheet (" + AIDE_MEDICALE_FICHE + ") says 10 %. The catalogue says 10 or 20 %.",
    "Ko We Kara: 2025 bookings at CAPS 1 (" + CAT_TRANSPORTS + "), 2026 bookings at the DAEM, Vallée-du-Tir "
    "(" + KO_WE_KARA_2026 + "). The catalogue follows 2026.",
    "CASE: the province's older page (" + CASE_DEFE + ") sends businesses to the DEFE's economic service; "
    "the 2023-2025 pages name the DDET. The catalogue names the DDET.",
    "Employment: 2016-2019 pages name the DEFE; a 2024 report (" + EMPLOI_2024 + ") names a direction of "
    "employment and housing (DEL). Only the registration of job seekers was moved to the DEL; the other "
    "DEFE démarches are left as they were and marked not confirmed.",
    "Housing: the APRAH sheet (" + APRAH + ") names the Direction du Logement (DL); the same 2024 report "
    "names a direction of employment and housing. The DL is kept.",
]


def _expand(rule, procedures):
    if rule["slugs"] == "DDDT":
        return [p["slug"] for p in procedures if p["service"] == DDDT]
    if rule["slugs"] == "DCJS":
        # Not the lending of buildings, nor the advice to associations: the report does not cover them.
        return [p["slug"] for p in procedures if p["service"] == DCJS and p["slug"] not in (
            "service-civique-provincial", "auditorium-caps-location", "reservation-equipement-sportif",
            "creation-association-conseil", "formation-benevoles")]
    if rule["slugs"] == "DERES":
        return [p["slug"] for p in procedures if p["service"] == DERES_S]
    if rule["slugs"] == "CASE":
        return [p["slug"] for p in procedures
                if "CASE" in p["title"] or "CASE" in p.get("keywords", []) or "CASE" in p["description"]
                or p["slug"] in ("aide-embauche", "aide-creation-entreprise", "aide-entreprises-emeutes",
                                 "appel-a-projets-economie")]
    return rule["slugs"]


def apply(procedures):
    """Checks the procedures against the tables, records "checks" in each; returns the problems."""
    problems = []
    by_slug = {p["slug"]: p for p in procedures}
    listed = {}
    for url, slugs in LISTED.items():
        for slug in slugs:
            listed.setdefault(slug, []).append(url)
    for p in procedures:
        p.pop("checks", None)
        url = p["source"]["url"]
        if url in READ_AGAIN:
            p["source"]["read"] = CHECKED
        if url in LISTING_THEME:
            listed.setdefault(p["slug"], [])
            if url not in listed[p["slug"]]:
                listed[p["slug"]].append(url)
    for slug, urls in listed.items():
        p = by_slug.get(slug)
        if p is None:
            problems.append("checks.py names %s, which is not in the catalogue" % slug)
            continue
        themes = [LISTING_THEME[u] for u in urls]
        if p["category_slug"] not in themes:
            problems.append("%s: theme %s, but the province lists it under %s" % (slug, p["category_slug"], themes))
        seen = [u for u in urls if slug in LISTED.get(u, [])]
        url = (seen or urls)[0]
        # seen: named in the stored start of the listing read on CHECKED; else the listing is the
        # entry's source, as the previous session read it.
        p["checks"] = {"theme": {"url": url, "read": CHECKED if seen else EARLIER, "seen": bool(seen)}}
    for slug, (profiles, url) in PROFILES_SAID.items():
        p = by_slug.get(slug)
        if p is None or sorted(p["profiles"]) != sorted(profiles):
            problems.append("%s: profiles %s, but %s says %s" % (slug, p and p["profiles"], url, profiles))
        else:
            p.setdefault("checks", {})["profiles"] = {"url": url, "read": CHECKED}
    for rule in SERVICES:
        for slug in _expand(rule, procedures):
            p = by_slug.get(slug)
            if p is None:
                problems.append("checks.py names %s, which is not in the catalogue" % slug)
                continue
            if p["service"] != rule["service"]:
                problems.append("%s: service %r, but %s says %r" % (slug, p["service"], rule["url"], rule["service"]))
            was = rule.get("was")
            if isinstance(was, dict):
                was = was.get(slug)
            status = rule.get("status") or ("corrected" if was and was != rule["service"] else "confirmed")
            p.setdefault("checks", {})["service"] = {"status": status, "level": rule["level"],
                                                     "url": rule["url"], "read": rule["read"]}
    for p in procedures:
        p.setdefault("checks", {}).setdefault("service", {"status": "not found"})
    return problems


def themes_json():
    out = []
    for slug, title, url, read, _ in THEMES:
        t = {"slug": slug, "title": title}
        if url:
            t["source"] = {"url": url, "read": read}
        out.append(t)
    return out


def profiles_json():
    return [{"slug": slug, "title": title} for slug, title, _, _, _ in PROFILES]


def write_doc(procedures, path):
    """docs/catalogue-sources.md: what was checked, on which page, and what was not found."""
    rule_of = {}
    for rule in SERVICES:
        for slug in _expand(rule, procedures):
            rule_of[slug] = rule
    n_theme = sum(1 for p in procedures if "theme" in p["checks"])
    counts = {}
    for p in procedures:
        s = p["checks"]["service"]["status"]
        counts[s] = counts.get(s, 0) + 1
    lines = [
        "# Where the catalogue's themes, profiles and services come from",
        "",
        "Generated by `tools/catalogue/build.py` from `tools/catalogue/checks.py`; do not edit by hand.",
        "Pages found with the search tool (corpus `pages`) and read on %s unless a row says otherwise." % CHECKED,
        "The tool returns the start of each stored page, so a theme's listing shows only its first démarches.",
        "",
        "## Themes",
        "",
        "| Slug | Title | Read on the province's page | Note |",
        "|---|---|---|---|",
    ]
    for slug, title, url, read, note in THEMES:
        where = "%s (%s)" % (url, read) if url else "**not found**: the title is ours"
        lines.append("| `%s` | %s | %s | %s |" % (slug, title, where, note))
    lines += [
        "",
        "The province also groups démarches in themes this catalogue does not have (its listings are",
        "filtered by a code such as `SANTE_SOCIAL`); only the three above were seen. The démarches for",
        "families (child welfare, host families, parenting) are listed by the province under *Santé et",
        "social*; the theme *Famille* of the previous catalogue is gone. The province's buildings lent or",
        "rented (Ko We Kara, the CAPS auditorium, equipment) are listed under *Transports et équipements",
        "publics*. The subsidies to associations and communes are in both listings; the catalogue puts",
        "them under *Santé et social*.",
        "",
        "## Profiles",
        "",
        "| Slug | Title | Read on the province's page | Note |",
        "|---|---|---|---|",
    ]
    for slug, title, url, read, note in PROFILES:
        lines.append("| `%s` | %s | **not found** | %s |" % (slug, title, note))
    lines += ["", "Filter labels seen on the listings:", ""]
    for label, url, read in FILTER_LABELS:
        lines.append("* \"%s\" — %s (%s)" % (label, url, read))
    lines += ["", "Démarches whose listing says who may ask (their profiles follow it):", ""]
    for slug, (profiles, url) in PROFILES_SAID.items():
        lines.append("* `%s`: %s — %s (%s)" % (slug, ", ".join(profiles), url, CHECKED))
    lines += [
        "",
        "Not changed: Ko We Kara's own paragraph lists political, union and general-interest events, so",
        "its form keeps its four profiles; the subsidy form for associations is one half of a dispositif",
        "whose communes' half is `subvention-communes-fonctionnement`.",
        "",
        "The kiosk's profile drop-down starts with \"Tout le monde\" (`po/fr.po`, msgid \"Everyone\"); the",
        "province writes \"Tous les profils\".",
        "",
        "## Pages that disagree",
        "",
    ]
    lines += ["* " + d for d in DISAGREEMENTS]
    lines += [
        "",
        "## Démarches",
        "",
        "%d démarches. Theme named by a listing of the province: %d. Service in charge: %s." % (
            len(procedures), n_theme, ", ".join("%s %d" % kv for kv in sorted(counts.items()))),
        "*Listed by*: *seen* when the démarche is named in the stored start of that listing; *its source*",
        "when the listing is the entry's source as the previous session read it (not seen again).",
        "*sheet*: the démarche's own page, or an article on it, names the service; *direction*: the",
        "direction's page describes the field, not the démarche; *renamed*: the direction's current name",
        "replaces a name no current page uses, but no page says it handles the démarche; *not found*: no",
        "stored page names the service for this démarche (the service shown is the previous catalogue's).",
        "",
        "| Démarche | Theme | Listed by | Service | Checked | Facts from (read) |",
        "|---|---|---|---|---|---|",
    ]
    for p in procedures:
        c = p["checks"]
        theme = "—"
        if "theme" in c:
            theme = "%s (%s)" % (c["theme"]["url"].split("thematiques=")[-1],
                                 "seen" if c["theme"]["seen"] else "its source, read " + c["theme"]["read"])
        s = c["service"]
        if s["status"] == "not found":
            checked = "not found"
        else:
            checked = "%s (%s): %s" % (s["status"], s["level"], s["url"])
            was = rule_of[p["slug"]].get("was")
            if isinstance(was, dict):
                was = was.get(p["slug"])
            if was:
                checked += "; was %s" % was
        lines.append("| `%s` | %s | %s | %s | %s | %s (%s) |" % (
            p["slug"], p["category"], theme, p["service"], checked, p["source"]["url"], p["source"]["read"]))
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
