"""The web layer's one number parser: what a hand-edited address or form can hold."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crowd.web.params import integer, integers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12", 12), (" 7 ", 7), ("-3", -3), ("+4", 4), (5, 5), ("0", 0), (str(2**63 - 1), 2**63 - 1)],
)
def test_whole_numbers_are_read(raw, expected):
    assert integer(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [None, "", "  ", "abc", "1.5", "1e3", "١٢", "12abc", str(2**63), "-" + str(2**63 + 1), "0x10", "--1"],
)
def test_anything_else_gives_the_default(raw):
    assert integer(raw) is None
    assert integer(raw, 20) == 20


def test_integers_keeps_only_the_numbers():
    assert integers(["3", "x", "", "4", "99999999999999999999"]) == [3, 4]


@given(st.text(max_size=30))
def test_any_text_is_a_number_a_database_can_hold_or_the_default(text):
    value = integer(text, default=-1)
    assert value == -1 or -(2**63) <= value <= 2**63 - 1
