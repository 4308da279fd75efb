"""Shared helpers and sources for the catalogue entries (tools/catalogue/entries_*.py).

Each entry is written anew in plain French from the facts of a public page of the province (or,
where said, of its partners); `src` is that page and READ the day it was read. Where the
province's own sheet for a démarche was not found, the source is the province's listing of the
theme that names the démarche, or the page of the service in charge, and the details (documents,
delays) follow the province's similar démarches.
"""

READ = "2026-12-05"

# Pages of the province's public catalogue and site, found with the search tool (corpus "pages").
CAT_SANTE = "https://province-sud.nc/catweb/app/demarches?thematiques=SANTE_SOCIAL"
CAT_TRANSPORTS = "https://province-sud.nc/catweb/app/demarches?thematiques=TRANSPORTS_ET_EQUIPEMENTS_PUBLICS"
CAT_RURAL = "https://province-sud.nc/catweb/app/demarches?thematiques=DEVELOPPEMENT_RURAL"
AIDE_MEDICALE = "https://www.province-sud.nc/catweb/app/demarches/aide-medicale"
CHASSE = "https://www.province-sud.nc/environnement/chasse-et-peche/chasse/"
CHASSE_CONSULT = "https://consultations.province-sud.nc/chasse/"
DEFRICHEMENT = "https://www.province-sud.nc/demarches/autorisation-de-defrichement"
APRAH = "https://www.province-sud.nc/demarches/aide-provinciale-a-la-renovation-et-a-l-amelioration-de-l-habitat-aprah"
CASE_FORMATION = "https://www.province-sud.nc/demarches/case-2020-aide-a-la-formation"
CASE = "http://province-sud.nc/content/comment-faire-pour-b%C3%A9n%C3%A9ficier-du-case-%C3%A9conomie-g%C3%A9n%C3%A9rale-ou-%C3%A9conomie-verte"
CASE_2023 = "https://www.sudmag.nc/2023/02/02/le-code-des-aides-pour-le-soutien-de-leconomie-en-province-sud-case-ameliore-pour-renforcer-le-soutien-aux-entreprises/"
CASE_INFRA = "https://mesaidespubliques.infogreffe.fr/aides/aide-infrastructures-primaires-case"
CASE_EQUIPEMENT = "https://www.fonds-publics.fr/aides/aide-a-l-equipement-case"
DERES = "https://province-sud.nc/page-votre-province/direction-leducation-reussite-deres"
BOURSES_EN_LIGNE = "https://sudmag.nc/2022/01/25/laccompagnement-pour-les-demandes-de-bourses-scolaires-en-ligne-se-poursuit"
RENTREE_2025 = "https://noumeapost.nc/2025/02/11/lactu-en-3-mardi-11-fevrier-2025/"
LOGEMENT_SOCIAL = "https://paita.nc/mes-demarches/logement/demander-logement-social/"
MAISON_HABITAT = "http://www.jeunes.nc/content/la-maison-de-lhabitat-0"
SOCIAL_2025 = "https://www.province-sud.nc/wp-content/SudMag/024/17"
SUD_PRO = "https://voixducaillou.nc/2025/04/24/sud-pro-un-milliard-pour-les-patentes"
CULTURE_ASSOS = "https://www.sudmag.nc/2020/08/04/plus-de-170-associations-artistiques-et-culturelles-soutenues-par-la-province-sud/"
DEFE = "https://sudmag.nc/2019/01/31/entreprenariat-pour-tous-inciter-les-demandeurs-demploi-a-se-lancer/"

# Pages read on 2026-12-06 to check themes and services (see checks.py, which says what each shows).
AIDE_MEDICALE_FICHE = "https://www.province-sud.nc/demarches/aide-medicale"
DDDT_PAGE = "https://province-sud.nc/votre-province/directions/dddt"
DAEM_PAGE = "https://www.province-sud.nc/amenagement-des-territoires/travaux-chantiers-et-equipements-publics/chantiers-en-province-sud/"
KO_WE_KARA_2026 = "https://ladepeche.nc/2025/08/31/reservations-2026-du-ko-we-kara-mode-demploi-officiel"
EMPLOI_2024 = "https://sk-admin.rrb.nc/article/des-demandeurs-demploi-toujours-plus-nombreux-pour-tres-peu-doffres"

# The province's page to open online, by theme, when a démarche's source is not the province's.
CATWEB = "https://province-sud.nc/catweb/app/demarches"
ONLINE_PAGE = {
    "sante-social": CAT_SANTE, "habitat-logement": CAT_SANTE,
    "routes-equipements": CAT_TRANSPORTS, "developpement-rural": CAT_RURAL,
    "environnement": CAT_RURAL, "education": DERES, "economie-entreprises": CASE_FORMATION,
    "culture-loisirs": CATWEB, "vie-associative": CATWEB,
}

# Places (from the same pages).
CAPS1 = "Centre administratif de la province Sud (CAPS 1), 6 route des Artifices, Nouméa"
DL_PLACE = "Direction du logement, 12 avenue Paul Doumer, Nouméa"
DPASS_PLACE = "Centre médico-social de votre commune, ou la DPASS au CAPS 1, 6 route des Artifices, Nouméa"
DEFE_PLACE = "Direction de l'économie, de la formation et de l'emploi, à Ducos (Nouméa)"
AIDE_MEDICALE_PLACE = "Service de l'aide médicale de la DPASS, 17 rue Georges Clémenceau, Nouméa. Sur rendez-vous au 20 52 52."
KO_WE_KARA_PLACE = "Direction de l'aménagement, de l'équipement et des moyens (DAEM), Vallée-du-Tir, Nouméa. Sur rendez-vous de 15 minutes."
DEL_PLACE = "Direction de l'emploi et du logement (DEL) de la province Sud. Appelez-la pour savoir où aller."

# Services in charge.
DPASS = "Direction provinciale de l'action sanitaire et sociale (DPASS)"
DPASS_AM = "Service de l'aide médicale et des prestations sociales, Direction provinciale de l'action sanitaire et sociale (DPASS)"
DL = "Direction du logement (DL)"
DERES_S = "Direction de l'éducation et de la réussite (DERES)"
DDET = "Direction du développement économique et du tourisme (DDET)"
DEFE_S = "Direction de l'économie, de la formation et de l'emploi (DEFE)"
DEL = "Direction de l'emploi et du logement (DEL)"
DDDT = "Direction du développement durable des territoires (DDDT)"
DCJS = "Direction de la culture, de la jeunesse et des sports (DCJS)"
DAEM = "Direction de l'aménagement, de l'équipement et des moyens (DAEM)"

PART = ["particuliers"]
ENT = ["entreprises"]
ASSO = ["associations"]
COMM = ["communes"]
ALL = ["particuliers", "entreprises", "associations", "communes"]


def is_province_page(url):
    """A page of the province's site (not its magazine, nor a consultation)."""
    return "province-sud.nc" in url and "/wp-content/" not in url and "consultations." not in url


def entry(slug, title, theme, profiles, mode, summary, who, docs, service, fees, delay, keywords,
          src, where=None, motif=None, url=None, read=READ):
    """One démarche done online or with an agent (no form at the kiosk)."""
    assert mode in ("online", "agent"), slug
    e = {
        "slug": slug, "title": title, "theme": theme, "profiles": profiles, "mode": mode,
        "description": summary, "eligibility": who, "bring": docs, "service": service,
        "fees": fees, "delay": delay, "keywords": keywords,
        "source": {"url": src, "read": read},
    }
    if mode == "online":
        # The QR code opens the province's own page: the source when it is one, else the
        # province's page for the theme.
        e["online_url"] = url or (src if is_province_page(src) else ONLINE_PAGE[theme])
    else:
        e["where"] = where
        e["motif"] = motif
    return e
