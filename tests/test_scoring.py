"""The fast scoring paths give exactly what :func:`text_score`, pair by pair, gives."""

from __future__ import annotations

import unicodedata
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import ROOT, corpus_files, load

from vanban.catalogue import load_catalogue
from vanban.check.match import target_index, text_score
from vanban.check.textkey import (
    StoredKeys,
    fingerprint,
    fold,
    segmented_key,
    stored_keys,
    syllable_bounds,
    syllables,
    text_key,
)
from vanban.datafiles import load_data


@cache
def corpus_sentences() -> list[str]:
    texts: set[str] = set()
    for rel in corpus_files():
        texts.update(b.text for b in load(rel)[0].blocks)
    return sorted(texts)


def test_syllable_bounds_hold_for_every_corpus_block() -> None:
    texts = corpus_sentences()
    assert len(texts) > 1000
    for text in texts:
        got = syllables(text_key(text))
        every, least = syllable_bounds(text)
        assert got <= every, text
        assert len(got) >= least, text


def test_syllable_bounds_follow_the_tokenizer() -> None:
    # underthesea normalises 'qui' to 'quy' (a stop syllable here) and splits '100%'.
    every, least = syllable_bounds("Thực hiện đúng qui định, đạt 100% hộ gia đình")
    assert syllables(text_key("Thực hiện đúng qui định, đạt 100% hộ gia đình")) <= every
    assert "qui" not in every and "%" in every and "100" in every
    assert least == len({"dung", "ho", "gia", "%"})  # "dinh" is a stop syllable ("quy định")


@pytest.mark.parametrize("cat_id", ["dtvm-2022", "ntm-2022"])
def test_index_scores_equal_text_score(cat_id: str) -> None:
    index = target_index(load_catalogue(cat_id))
    texts = [t for t in corpus_sentences() if len(t) > 20][::40]
    matrix = index.text_index.scores(texts)
    all_texts = [x for t in index.targets for x in t.texts]
    for i, text in enumerate(texts):
        for j, other in enumerate(all_texts):
            assert matrix[i, j] == text_score(text, other)


def test_a_floor_skips_only_what_cannot_reach_it() -> None:
    index = target_index(load_catalogue("dtvm-2022"))
    texts = [t for t in corpus_sentences() if len(t) >= 25][::15]
    cols = [int(index.starts[k]) for k in range(0, len(index.targets), 3)]
    floor = 60.0
    matrix = index.text_index.scores(texts, cols, floor)
    all_texts = [x for t in index.targets for x in t.texts]
    reached = 0
    for i, text in enumerate(texts):
        for j in cols:
            exact = text_score(text, all_texts[j])
            if exact >= floor:
                reached += 1
                assert matrix[i, j] == exact
            else:
                assert matrix[i, j] in (0.0, exact)
    assert reached > 0  # the floor is low enough for the test to mean something


def _fold_reference(text: str) -> str:
    d = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in d if not unicodedata.combining(c))


@settings(max_examples=500, database=None, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x2FFF)) | st.text(alphabet="ẠạẤấỒồỮữỹĐđ\u0300\u0301\u034f\u20d0 "))
def test_fold_equals_the_reference(text: str) -> None:
    assert fold(text) == _fold_reference(text)


def test_stored_catalogue_keys_are_complete_and_fresh() -> None:
    """``data/catalogue_keys.yaml`` holds the key of every catalogue text, as segmentation gives
    it now; if this fails, run ``scripts/make_catalogue_keys.py``."""
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    from make_catalogue_keys import catalogue_texts

    stored = load_data("catalogue_keys.yaml", StoredKeys)
    assert stored.fingerprint == fingerprint()
    texts = catalogue_texts()
    assert set(stored.keys) == set(texts)
    for text in texts:
        assert stored.keys[text] == segmented_key(text), text
    assert stored_keys() == stored.keys  # in use


def test_stale_stored_keys_are_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    import vanban.check.textkey as tk

    stored_keys.cache_clear()
    monkeypatch.setattr(tk, "fingerprint", lambda: "another")
    try:
        assert stored_keys() == {}
    finally:
        stored_keys.cache_clear()
