"""Passages of one section that the dense side scores alike come in reading order (`fusion.reading_order`): the
run of them keeps its scores, in turn; any other candidate keeps its place."""

from __future__ import annotations

from rag.passage import Chunk
from rag.search.fusion import OPENING_TIE, Fused, reading_order


def _passages() -> list[Chunk]:
    # rows 0-1: one entry cut in two; 2: another section of the same page; 3: another page
    return [Chunk("", "faq", "FAQ", "faq.md", "Windows 10 ?", None, 0, 40, "the opening, longer than its remainder"),
            Chunk("", "faq", "FAQ", "faq.md", "Windows 10 ?", None, 41, 50, "remainder"),
            Chunk("", "faq", "FAQ", "faq.md", "Linux ?", None, 21, 30, "other section"),
            Chunk("", "other", "Other", "other.md", "Windows 10 ?", None, 0, 10, "other page")]


def _fused(row: int, score: float, dense: float) -> Fused:
    return Fused(row, score, dense, 1.0, None, None)


def test_the_remainder_ahead_of_its_opening_by_a_hair_comes_after_it_with_the_scores_in_turn():
    ranking = [_fused(1, 1.0, 0.918), _fused(0, 0.998, 0.918), _fused(3, 0.5, 0.9)]
    assert [(f.row, f.score) for f in reading_order(ranking, _passages())] == [(0, 1.0), (1, 0.998), (3, 0.5)]


def test_other_sections_pages_dense_scores_and_wide_gaps_keep_their_order():
    passages = _passages()
    for ranking in ([_fused(2, 1.0, 0.918), _fused(0, 0.999, 0.918)],  # another section of the page
                    [_fused(3, 1.0, 0.918), _fused(0, 0.999, 0.918)],  # another page
                    [_fused(1, 1.0, 0.918), _fused(0, 0.999, 0.917)],  # the dense side tells them apart
                    [_fused(1, 1.0, 0.918), _fused(0, 1.0 - OPENING_TIE, 0.918)]):  # BM25 by more than a hair
        assert list(reading_order(ranking, passages)) == ranking


def test_it_reads_no_more_of_the_ranking_than_the_question_takes():
    read = []

    def lazily():
        for f in [_fused(0, 1.0, 0.9), _fused(2, 0.8, 0.7), _fused(3, 0.5, 0.6)]:
            read.append(f.row)
            yield f

    first = next(reading_order(lazily(), _passages()))
    assert first.row == 0 and read == [0, 2]  # the first candidate, and the one that ends its run


def test_a_later_passage_longer_than_the_opening_that_bm25_prefers_keeps_its_place():
    # BM25 favours the shorter passage: the longer one it puts first, even by a hair, holds more of the question's
    # words (a long section's passage on the decoder, for "que faire du décodeur ?"), not merely fewer others
    passages = _passages()
    passages[1] = Chunk("", "faq", "FAQ", "faq.md", "Windows 10 ?", None, 41, 120, "a later passage, " * 5)
    ranking = [_fused(1, 1.0, 0.918), _fused(0, 0.998, 0.918), _fused(3, 0.5, 0.9)]
    assert list(reading_order(ranking, passages)) == ranking
