#!/usr/bin/env python3
"""Writes tests/bench/catalogue-queries.txt: 1,000 searches a citizen might type at the kiosk,
one per line, drawn (seed 2026) from the words bench-catalogue's generator uses, with and without
accents, in capitals or not, one to three words, a few misspelt. bench-catalogue types each one a
keystroke at a time. Run from the repository root: python3 tests/bench/make-catalogue-queries.py"""
import random
import unicodedata

WORDS = ["aide", "allocation", "bourse", "subvention", "demande", "inscription", "autorisation",
         "déclaration", "renouvellement", "carte", "prime", "prêt", "agrément", "réservation",
         "certificat", "attestation", "médicale", "scolaire", "logement", "transport", "handicap",
         "vieillesse", "entreprise", "association", "agricole", "pêche", "culture", "sport",
         "jeunesse", "formation", "emploi", "environnement", "tourisme", "santé", "famille",
         "enfance", "route", "eau", "forêt", "artisanat", "commerce", "numérique", "énergie",
         "patrimoine", "musique", "théâtre", "nouméa", "dumbéa", "païta", "mont-dore", "bourail",
         "la foa", "thio", "yaté", "île des pins", "cantine", "internat", "études", "étudiant",
         "retraite", "minimum", "rentrée", "urgence", "cyclone", "sécheresse", "bateau", "élevage",
         "apprentissage", "bénévole", "salle", "camping", "parc", "travaux", "permis", "chasse"]


def strip_accents(text):
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if unicodedata.category(c) != "Mn")


def main():
    rng = random.Random(2026)
    lines = []
    for _ in range(1000):
        words = [rng.choice(WORDS) for _ in range(rng.choice([1, 1, 1, 2, 2, 3]))]
        query = " ".join(words)
        roll = rng.random()
        if roll < 0.5:
            query = strip_accents(query)
        elif roll < 0.6:
            query = query.upper()
        if rng.random() < 0.05 and len(query) > 4:
            i = rng.randrange(1, len(query) - 1)
            query = query[:i] + query[i + 1] + query[i] + query[i + 2:]
        lines.append(query)
    with open("tests/bench/catalogue-queries.txt", "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
