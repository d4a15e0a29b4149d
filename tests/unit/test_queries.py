"""Question rules shared by the edges."""

import sys

import pytest

from rag.errors import InvalidQuery
from rag.search.queries import _ALNUM, make_queries
from rag.settings import Settings


def test_a_letter_or_digit_is_what_str_isalnum_says_for_every_code_point():
    differ = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isalnum() != bool(_ALNUM.search(c))]
    assert differ == []


@pytest.mark.parametrize("question", ["?!", "___", "…", "  - "])
def test_a_question_without_letter_or_digit_is_refused(question):
    with pytest.raises(InvalidQuery, match="no letter or digit"):
        make_queries(Settings(), [question], None, None)


@pytest.mark.parametrize("question", ["é?", "_x_", "٣", "²", "日本"])
def test_one_letter_or_digit_is_enough(question):
    assert make_queries(Settings(), [question], None, None)[0].question == question
