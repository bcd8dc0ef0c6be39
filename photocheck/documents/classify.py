"""Which category and slot a document's OCR text suggests, from the profile's keywords."""

from __future__ import annotations

from photocheck.reports import Suggestion
from photocheck.rules.materials import Category, MaterialsSpec


def _normalise(text: str) -> str:
    return "".join(text.split()).casefold()


def _terms(spec: MaterialsSpec) -> dict[str, dict[str, float]]:
    """keyword -> {category id: weight}; a word two categories share credits both."""
    terms: dict[str, dict[str, float]] = {}
    for cat in spec.categories:
        for word, weight in [(w, spec.classification.hint_weight) for w in cat.hint_words] + [
            (w, 1.0) for w in cat.keywords
        ]:
            per_cat = terms.setdefault(_normalise(word), {})
            per_cat[cat.id] = max(per_cat.get(cat.id, 0.0), weight)
    return terms


def _matches(text: str, spec: MaterialsSpec) -> dict[str, list[tuple[str, float]]]:
    """Category id -> matched (word, weight). Longer words claim their characters first, so
    "学籍在线验证报告" is not also counted as the weaker "学籍"."""
    taken = [False] * len(text)
    found: dict[str, list[tuple[str, float]]] = {}
    terms = _terms(spec)
    for word in sorted(terms, key=len, reverse=True):
        start, hit = text.find(word), False
        while start >= 0:
            span = range(start, start + len(word))
            if not any(taken[i] for i in span):
                hit = True
                for i in span:
                    taken[i] = True
            start = text.find(word, start + 1)
        if hit:
            for cat_id, weight in terms[word].items():
                found.setdefault(cat_id, []).append((word, weight))
    return found


def _slot_for(text: str, cat: Category) -> str | None:
    """The slot whose keywords match most often; None on a tie or no match."""
    hits = sorted(
        (
            (sum(_normalise(k) in text for k in s.keywords), s.id)
            for v in cat.variants
            for s in v.slots
        ),
        reverse=True,
    )
    if not hits or hits[0][0] == 0 or (len(hits) > 1 and hits[1][0] == hits[0][0]):
        return None
    return hits[0][1]


def classify(text: str, spec: MaterialsSpec) -> Suggestion:
    """Suggest a category (and slot) for a document from its OCR text."""
    norm = _normalise(text)
    found = _matches(norm, spec)
    scores = sorted(((sum(w for _, w in m), cid) for cid, m in found.items()), reverse=True)
    if not scores:
        return Suggestion("", None, 0.0, "未识别出材料类别")
    best, cat_id = scores[0]
    second = scores[1][0] if len(scores) > 1 else 0.0
    # Strength of the evidence, halved when a rival category scores as much.
    margin = (best - second) / best
    confidence = min(1.0, best / spec.classification.saturation) * (0.5 + 0.5 * margin)
    words = "、".join(w for w, _ in sorted(found[cat_id], key=lambda m: -m[1]))
    return Suggestion(
        cat_id, _slot_for(norm, spec.category(cat_id)), round(confidence, 3), f"识别到：{words}"
    )


