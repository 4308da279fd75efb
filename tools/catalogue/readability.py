"""Kandel–Moles readability (Flesch adapted to French), as tests/test-reach.c computes it.

score = 207 - 1.015 * (words / sentences) - 73.6 * (syllables / words)
Syllables are groups of vowels (a e i o u y, accented or not); a final mute "e" (or "es")
after a consonant is not counted, but every word has at least one syllable.
"""
import re
import unicodedata

VOWELS = set("aeiouy")


def fold(text):
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def words_of(sentence):
    return [w for w in re.split(r"[^0-9a-z]+", fold(sentence)) if w]


def syllables(word):
    if word.isdigit():
        return 1
    groups = 0
    previous = False
    for c in word:
        vowel = c in VOWELS
        if vowel and not previous:
            groups += 1
        previous = vowel
    for ending in ("es", "e"):
        if word.endswith(ending) and len(word) > len(ending) and word[-len(ending) - 1] not in VOWELS and groups > 1:
            groups -= 1
            break
    return max(groups, 1)


def sentences_of(text):
    parts = re.split(r"(?<=[.!?])\s+", text.strip())
    return [p for p in parts if words_of(p)]


def score(text):
    sentences = sentences_of(text)
    words = [w for s in sentences for w in words_of(s)]
    if not words:
        return 100.0, 0, 0
    n_syl = sum(syllables(w) for w in words)
    longest = max(len(words_of(s)) for s in sentences)
    value = 207 - 1.015 * (len(words) / len(sentences)) - 73.6 * (n_syl / len(words))
    return value, longest, len(sentences)
