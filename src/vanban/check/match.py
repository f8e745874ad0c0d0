"""Match a plan's items to the entries of a criteria catalogue.

Evidence, strongest first:

* the texts — keys from :func:`vanban.check.textkey.text_key` compared with rapidfuzz's
  token-set ratio and a syllable F1 (so a short restatement can still match a long indicator);
* the criterion the item sits under — its section heading or criterion cell, compared with the
  catalogue's criterion names (seed 000 writes "Tiêu chí số 7" where it means 5: names win);
* the plan's own numbering ("2.3"), as a small bonus only: plans number wrongly (seed 000's
  "2." for 2.2) or locally (seed 001's "1., 2." inside each criterion).

Items and indicators are paired greedily, best score first, one item per indicator; items left
over may join an indicator that already has one. Pairs under ``STRONG`` are flagged for review.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process

from vanban.catalogue import Catalogue, Criterion
from vanban.check.textkey import syllable_bounds, syllables, text_key
from vanban.model import CriterionMatch, Item, PlanRecord, Section

STRONG = 62.0  # a pair this good is coverage
WEAK = 48.0  # a pair this good is worth showing for review
LOOSE = 78.0  # a duty outside the plan's numbering covers what it restates (as coverage.MENTION)
_CRIT_NO = re.compile(r"^\W*(?:tiêu chí\s*(?:số)?\s*)?(\d{1,2})\b", re.I)


@dataclass(frozen=True)
class Target:
    """What an item can cover: an indicator, or a criterion whose indicators are not known."""

    id: str
    criterion: str
    texts: tuple[str, ...]
    is_indicator: bool = True


def targets(cat: Catalogue) -> list[Target]:
    out: list[Target] = []
    for c in cat.criteria:
        if c.indicators:
            out += [Target(i.id, c.id, (i.text, *i.examples[:2])) for i in c.indicators]
        else:
            out.append(Target(c.id, c.id, (c.name, *c.examples[:2]), is_indicator=False))
    return out


_EXPLICIT = re.compile(
    r"(?:tiêu chí|chỉ tiêu|nội dung)\s*(?:số\s*)?(\d{1,2}(?:\.\d{1,2})?)((?:\s*(?:,|và)\s*\d{1,2}\.\d{1,2})*)", re.I
)


def explicit_ids(text: str) -> list[str]:
    """Indicator or criterion ids a text names outright: 'Tiêu chí 14.2 và 14.3' → ['14.2', '14.3']."""
    out: list[str] = []
    for m in _EXPLICIT.finditer(text):
        out.append(m.group(1))
        out += re.findall(r"\d{1,2}\.\d{1,2}", m.group(2))
    return out


@dataclass(frozen=True)
class Pair:
    item: int  # index into record.items
    indicator: str
    score: float
    method: str


def text_score(a: str, b: str) -> float:
    """0–100 similarity of two texts' keys: the mean of token-set ratio and syllable F1."""
    ka, kb = text_key(a), text_key(b)
    if not ka or not kb:
        return 0.0
    sa, sb = syllables(ka), syllables(kb)
    common = len(sa & sb)
    f1 = 0.0 if not common else 2 * common / (len(sa) + len(sb))
    return 0.5 * fuzz.token_set_ratio(ka, kb) + 50.0 * f1


class TextIndex:
    """Fixed texts keyed once, scored against many queries at a time with exactly
    :func:`text_score`'s formula: rapidfuzz's ``cdist`` computes the token-set ratios in C, and
    an inverted index of syllables counts the common syllables of every pair at once."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.keys = [text_key(t) for t in texts]
        syls = [syllables(k) for k in self.keys]
        self.sizes = np.array([len(s) for s in syls], dtype=np.float64)
        self.empty = np.array([not k for k in self.keys])
        postings: dict[str, list[int]] = {}
        for j, syl in enumerate(syls):
            for x in syl:
                postings.setdefault(x, []).append(j)
        self.postings = {x: np.array(js, dtype=np.intp) for x, js in postings.items()}
        # Token-set ratios computed so far, per query key (NaN: not yet): plans of one office
        # repeat their tasks, and a task is scored once per process.
        self._ratios: dict[str, NDArray[np.float64]] = {}

    RATIO_CACHE = 4096  # query keys kept (about 1 KB each for a catalogue of 150 texts)

    def ratios(self, key: str, cols: NDArray[np.intp]) -> NDArray[np.float64]:
        """rapidfuzz's token-set ratio of ``key`` with the texts ``cols``."""
        row = self._ratios.get(key)
        if row is None:
            if len(self._ratios) >= self.RATIO_CACHE:
                del self._ratios[next(iter(self._ratios))]  # the oldest
            row = self._ratios[key] = np.full(len(self.keys), np.nan)
        todo = cols[np.isnan(row[cols])]
        if len(todo):
            some = [self.keys[j] for j in todo]
            row[todo] = process.cdist([key], some, scorer=fuzz.token_set_ratio, dtype=np.float64)[0]
        return row[cols]

    def f1(self, key: str) -> NDArray[np.float64]:
        """The syllable F1 of ``key`` with every text (the second half of :func:`text_score`)."""
        if not key:
            return np.zeros(len(self.keys))
        sq = syllables(key)
        return self._f1(sq, len(sq))

    def _f1(self, syls: frozenset[str], size: int) -> NDArray[np.float64]:
        """``2 · common / (size + text size)`` per text, ``common`` the syllables of ``syls`` it
        shares (0 where none)."""
        n = len(self.keys)
        hits = [self.postings[x] for x in syls if x in self.postings]
        if not hits:
            return np.zeros(n)
        common = np.bincount(np.concatenate(hits), minlength=n).astype(np.float64)
        return np.divide(2 * common, size + self.sizes, out=np.zeros(n), where=common > 0)

    def bounds(self, f1: NDArray[np.float64]) -> NDArray[np.float64]:
        """The most :func:`text_score` can give each text, whatever the token-set ratio: the ratio
        is at most 100, so the score at most ``50 + 50 · F1``."""
        return np.where(self.empty, 0.0, 50.0 + 50.0 * f1)

    def rough_bounds(self, text: str) -> NDArray[np.float64]:
        """:meth:`bounds` for ``text`` before it is keyed, from :func:`syllable_bounds`: at least
        as high as the bounds of its key."""
        every, least = syllable_bounds(text)
        return self.bounds(np.minimum(self._f1(every, least), 1.0))

    def scores(
        self, texts: Sequence[str], columns: Sequence[int] | None = None, floor: float = 0.0
    ) -> NDArray[np.float64]:
        """``out[i, j] == text_score(texts[i], self_texts[j])`` for the ``j`` in ``columns`` (all
        when None) whose score can reach ``floor``; other entries are 0."""
        out = np.zeros((len(texts), len(self.keys)), dtype=np.float64)
        cols = np.arange(len(self.keys)) if columns is None else np.asarray(columns, dtype=np.intp)
        for i, text in enumerate(texts):
            if not len(cols) or (floor > 0 and not (self.rough_bounds(text)[cols] >= floor).any()):
                continue  # cannot reach the floor anywhere: not even worth segmenting
            key = text_key(text)
            if not key:
                continue
            f1 = self.f1(key)
            idx = cols[self.bounds(f1)[cols] >= floor] if floor > 0 else cols
            if len(idx):
                out[i, idx] = 0.5 * self.ratios(key, idx) + 50.0 * f1[idx]
        out[:, self.empty] = 0.0
        return out


class TargetIndex:
    """A catalogue's targets with all their texts in one :class:`TextIndex`."""

    def __init__(self, all_targets: tuple[Target, ...]) -> None:
        self.targets = all_targets
        texts = [x for t in all_targets for x in t.texts]
        self.text_index = TextIndex(texts)
        sizes = [len(t.texts) for t in all_targets]
        self.starts = np.cumsum([0, *sizes[:-1]]).astype(np.intp)

    def text_columns(self, k: int) -> range:
        """The columns of target ``k``'s texts in :attr:`text_index`."""
        return range(self.starts[k], self.starts[k] + len(self.targets[k].texts))

    def scores(self, texts: Sequence[str], wanted: Sequence[int] | None = None) -> NDArray[np.float64]:
        """``out[i, k]``: the best score of ``texts[i]`` against any text of target ``k``, for the
        targets in ``wanted`` (all when None; others 0)."""
        if not len(texts) or not self.targets:
            return np.zeros((len(texts), len(self.targets)))
        cols = None if wanted is None else [j for k in wanted for j in self.text_columns(k)]
        return np.maximum.reduceat(self.text_index.scores(texts, cols), self.starts, axis=1)

    def first_text_scores(self, texts: Sequence[str], wanted: Sequence[int], floor: float = 0.0) -> NDArray[np.float64]:
        """``out[i, n]``: the score of ``texts[i]`` against the own text (no examples) of target
        ``wanted[n]``, when it can reach ``floor`` (else 0)."""
        cols = [int(self.starts[k]) for k in wanted]
        return self.text_index.scores(texts, cols, floor)[:, cols]


@lru_cache(maxsize=16)
def _target_index(all_targets: tuple[Target, ...]) -> TargetIndex:
    return TargetIndex(all_targets)


def target_index(cat: Catalogue) -> TargetIndex:
    """The (cached) scoring index of ``cat``'s targets."""
    return _target_index(tuple(targets(cat)))


def _criterion_of(
    item: Item, sections: dict[tuple[str, ...], Section], cat: Catalogue
) -> tuple[Criterion | None, float]:
    """The catalogue criterion an item sits under, and how sure (0–100)."""
    heads: list[str] = []
    if item.section:
        sec = sections.get(item.section)
        heads.append(sec.title if sec else item.section[-1])
        for i in range(len(item.section) - 1, 0, -1):
            parent = sections.get(item.section[:i])
            if parent:
                heads.append(parent.title)
    best: tuple[Criterion | None, float] = (None, 0.0)
    for head in heads[:3]:
        for c, s in _heading_scores(head, cat):
            if s > best[1]:
                best = (c, s)
        if best[1] >= 85:
            return best
    if 45 <= best[1] < 70:
        # A number helps only a heading that is about a criterion at all ("4. An ninh trật tự
        # đô thị."); "1. Công chức Văn hóa - Xã hội" numbers an office, not criterion 1.
        m = _CRIT_NO.match(heads[0]) if heads else None
        if m and any(c.id == m.group(1) for c in cat.criteria):
            return cat.criterion(m.group(1)), 60.0
    return best


def _heading_scores(head: str, cat: Catalogue) -> list[tuple[Criterion, float]]:
    """How well a section heading names each criterion of ``cat`` (cached per heading: the
    items of one section share it)."""
    scores = _heading_scores_cached(head, tuple((c.id, c.name) for c in cat.criteria))
    return [(c, s) for c, s in zip(cat.criteria, scores, strict=True)] if scores else []


@lru_cache(maxsize=4096)
def _heading_scores_cached(head: str, criteria: tuple[tuple[str, str], ...]) -> tuple[float, ...]:
    name = _CRIT_NO.sub("", head).strip(" :.")
    if not name:
        return ()
    number = _CRIT_NO.match(head)
    a = text_key(name)
    out: list[float] = []
    for cid, cname in criteria:
        b = text_key(cname)
        # Set ratio alone calls "Chất lượng môi trường sống" a perfect "Môi trường" (a subset);
        # the sort ratio penalises the extra words, and the heading's own number breaks ties.
        s = 0.5 * fuzz.token_set_ratio(a, b) + 0.5 * fuzz.token_sort_ratio(a, b)
        if number and number.group(1) == cid:
            s = min(100.0, s + 15)
        out.append(s)
    return tuple(out)


def _bonus(t: Target, crit: Criterion | None, label: str, named: set[str]) -> tuple[float, str]:
    """What the context adds to a text score (see the module docstring), and the method name."""
    bonus, method = 0.0, "text"
    if crit is not None and t.criterion == crit.id:
        bonus += 6.0
        method += "+criterion"
    if label and label == t.id and "." in label:
        bonus += 15.0  # the full code written out ("18.1.") names the indicator
        method += "+numbering"
    elif label and (label == t.id or (crit and f"{crit.id}.{label}" == t.id)):
        bonus += 8.0
        method += "+numbering"
    if t.id in named:
        bonus += 20.0
        method += "+named"
    return bonus, method


def score_pairs(record: PlanRecord, cat: Catalogue) -> list[Pair]:
    """Every item scored against the catalogue entries that compete for it; pairs of at least
    ``WEAK``, in item then catalogue order."""
    sections = {s.path: s for s in record.sections}
    pairs: list[Pair] = []
    index = target_index(cat)
    criteria: dict[tuple[str, ...], tuple[Criterion | None, float]] = {}  # items of a section share it
    for i, item in enumerate(record.items):
        if item.section not in criteria:
            criteria[item.section] = _criterion_of(item, sections, cat)
        crit, sure = criteria[item.section]
        label = (item.label or "").strip(".")
        head = sections[item.section].title if item.section in sections else " ".join(item.section)
        named = set(explicit_ids(f"{head} {item.text[:200]}"))
        competing = [
            k
            for k, t in enumerate(index.targets)
            # The item's criterion is known: only its entries (and those it names) compete.
            if crit is None or sure < 70 or t.criterion == crit.id or t.id in named
        ]
        text_scores = index.scores([item.text], competing)[0]
        for k in competing:
            t = index.targets[k]
            bonus, method = _bonus(t, crit, label, named)
            s = float(text_scores[k]) + bonus
            if s >= WEAK:
                pairs.append(Pair(i, t.id, min(s, 100.0), method))
    return pairs


def assign(pairs: list[Pair], loose: frozenset[int] = frozenset()) -> dict[int, Pair]:
    """Best pairs first, one item per indicator; leftover items may share an indicator. The items in
    ``loose`` need :data:`LOOSE` to cover an indicator."""
    chosen: dict[int, Pair] = {}
    taken: set[str] = set()
    ordered = sorted(pairs, key=lambda p: (-p.score, p.item))
    for p in ordered:
        if p.item not in chosen and p.indicator not in taken and p.score >= (LOOSE if p.item in loose else STRONG):
            chosen[p.item] = p
            taken.add(p.indicator)
    for p in ordered:
        if p.item not in chosen:
            chosen[p.item] = p
    return chosen


def match_record(record: PlanRecord, cat: Catalogue) -> PlanRecord:
    """The record with ``items[].criterion/indicator/match`` filled from the catalogue."""
    # A duty outside the plan's own numbering (no label, under no numbered criterion: the steering
    # committee's, a commune's) has only its words to go by: it covers an indicator when it restates
    # it, as a body sentence must.
    loose = frozenset(
        i for i, it in enumerate(record.items) if not it.label and not any(re.search(r"\d", s) for s in it.section)
    )
    chosen = assign(score_pairs(record, cat), loose)
    indicator_ids = {t.id for t in targets(cat) if t.is_indicator}
    items = list(record.items)
    for i, p in chosen.items():
        items[i] = items[i].model_copy(
            update={
                "criterion": p.indicator.split(".")[0],
                "indicator": p.indicator if p.indicator in indicator_ids else None,
                "match": CriterionMatch(
                    catalogue=cat.id,
                    criterion=p.indicator.split(".")[0],
                    indicator=p.indicator if p.indicator in indicator_ids else None,
                    score=round(p.score, 1),
                    method=p.method,
                    review=p.score < (LOOSE if i in loose else STRONG),
                ),
            }
        )
    return record.model_copy(update={"items": tuple(items)})


def rank_indicators(text: str, cat: Catalogue) -> list[tuple[str, float]]:
    """Every indicator of ``cat`` scored against one sentence, best first (no context used)."""
    index = target_index(cat)
    row = index.scores([text])[0]
    scored = [(t.id, float(row[k])) for k, t in enumerate(index.targets) if t.is_indicator]
    return sorted(scored, key=lambda p: -p[1])


def rank_criteria(text: str, cat: Catalogue) -> list[tuple[str, float]]:
    """Every criterion scored against one sentence by its name and examples, best first."""
    scored = [(c.id, max(text_score(text, t) for t in (c.name, *c.examples[:2]))) for c in cat.criteria]
    return sorted(scored, key=lambda p: -p[1])
