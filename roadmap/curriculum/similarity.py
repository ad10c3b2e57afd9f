"""How alike two pieces of curriculum text are, for the linter's duplicate and overlap rules.

Two measures, both in [0, 1], pure and dependency-free:

- ``question_similarity``: the standard library's ``difflib.SequenceMatcher`` ratio over the
  *words* of a question's prompt and answer, in order. Two questions that ask the same thing
  in slightly different words score high; questions that only share a template ("What is the
  difference between … and …?") score low, because their answers differ.
- ``summary_similarity``: the cosine between TF-IDF weighted word counts of two topics'
  summaries, with the IDF taken over every summary in the file, so that words every topic
  uses ("model", "data") count little and a summary copied from another scores near 1.

A linter needs only these two numbers, so no NLP library is pulled in for them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from difflib import SequenceMatcher

_WORD = re.compile(r"\w+")
_CONTENT_WORD = re.compile(r"[a-z][a-z0-9-]+")
# Words too common to say what a summary is about.
_STOP_WORDS = frozenset(
    """a an the of to in on for and or is are be by with what which why how when does do it its this that
    as at from than into you your can not no if would should was were has have had more most less only any all
    per so such between over under about after before other same our use used using their they them there each
    whose also one two its these those both while where then""".split()
)


def words(text: str) -> list[str]:
    """The lower-cased words of ``text``, in order.

    >>> words("What is θ ← θ − η∇L(θ)?")
    ['what', 'is', 'θ', 'θ', 'η', 'l', 'θ']
    """
    return _WORD.findall(text.lower())


def question_similarity(first: list[str], second: list[str], *, at_least: float = 0.0) -> float:
    """Similarity of two questions' words (prompt then answer), 0 when below ``at_least``.

    ``at_least`` lets the caller skip the exact computation for pairs whose cheap upper
    bounds already fall short, which keeps comparing every pair of ~500 questions fast.

    >>> a = words("What happens when the learning rate is far too large? The steps overshoot and diverge.")
    >>> b = words("What happens if the learning rate is much too large? The updates overshoot and diverge.")
    >>> round(question_similarity(a, b), 2)
    0.8
    >>> question_similarity(a, words("Which norm is the largest coordinate difference? L-infinity."), at_least=0.5)
    0.0
    """
    matcher = SequenceMatcher(None, first, second, autojunk=False)
    if matcher.real_quick_ratio() < at_least or matcher.quick_ratio() < at_least:
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= at_least else 0.0


def _stem(word: str) -> str:
    for suffix in ("ing", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> Counter:
    """Counts of the crudely stemmed content words of ``text`` (stop words dropped).

    >>> sorted(content_words("Training models, the trained model and its training").items())
    [('model', 2), ('train', 3)]
    """
    return Counter(_stem(w) for w in _CONTENT_WORD.findall(text.lower()) if w not in _STOP_WORDS)


def tfidf_vectors(texts: Mapping[str, str]) -> dict[str, dict[str, float]]:
    """TF-IDF vectors of several texts by name, with smoothed IDF: ln((1 + n) / (1 + df)) + 1.

    The smoothing keeps a word shared by every text above zero, so two identical summaries
    in a two-topic file still score 1.

    >>> vectors = tfidf_vectors({"a": "gradient descent", "b": "gradient boosting"})
    >>> vectors["a"]["gradient"] < vectors["a"]["descent"]
    True
    """
    counts = {name: content_words(text) for name, text in texts.items()}
    document_frequency = Counter(word for count in counts.values() for word in count)
    n = len(counts)
    idf = {word: math.log((1 + n) / (1 + df)) + 1 for word, df in document_frequency.items()}
    return {name: {word: tf * idf[word] for word, tf in count.items()} for name, count in counts.items()}


def cosine(first: Mapping[str, float], second: Mapping[str, float]) -> float:
    """Cosine of the angle between two sparse vectors; 0 when either is empty.

    >>> cosine({"a": 1.0}, {"a": 2.0}), cosine({"a": 1.0}, {"b": 1.0}), cosine({}, {"a": 1.0})
    (1.0, 0.0, 0.0)
    """
    dot = sum(value * second[word] for word, value in first.items() if word in second)
    norm = math.sqrt(sum(v * v for v in first.values()) * sum(v * v for v in second.values()))
    return dot / norm if norm else 0.0


def similar_pairs(
    vectors: Mapping[str, Mapping[str, float]], names: Iterable[str], *, threshold: float
) -> list[tuple[str, str, float]]:
    """Every pair of ``names`` (in the given order) whose vectors' cosine reaches ``threshold``.

    >>> similar_pairs({"a": {"x": 1.0}, "b": {"x": 1.0}, "c": {"y": 1.0}}, "abc", threshold=0.5)
    [('a', 'b', 1.0)]
    """
    names = list(names)
    pairs = []
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            score = cosine(vectors[first], vectors[second])
            if score >= threshold:
                pairs.append((first, second, score))
    return pairs
