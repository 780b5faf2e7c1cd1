"""Quantities: digits with separators, number words, scales, lakh, approximation markers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.extract.quantities import approximate_before, find_quantities, parse_number, parse_quantity


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,100", 1100),
        ("1 100", 1100),
        ("5 000", 5000),
        ("100,000", 100000),
        ("3 million", 3_000_000),
        ("1.5 million", 1_500_000),
        ("3.5m", 3_500_000),
        ("2bn", 2_000_000_000),
        ("two million", 2_000_000),
        ("one million", 1_000_000),
        ("twenty-four", 24),
        ("a dozen", 12),
        ("1.5 lakh", 150_000),
        ("10 lakh", 1_000_000),
    ],
)
def test_quantities_parse_quantity_reads_separators_words_and_scales(text: str, value: float) -> None:
    assert parse_quantity(text) == value


@pytest.mark.parametrize("marker", ["more than", "over", "nearly", "about", "some", "almost", "approximately"])
def test_quantities_markers_make_a_quantity_approximate(marker: str) -> None:
    (found,) = find_quantities(f"{marker} 1,100 copies")
    assert found.value == 1100 and found.approximate and found.start == 0


@pytest.mark.parametrize("text", ["COVID-19", "24-hour hotline", "92% of employees", "the G20", "abc5"])
def test_quantities_are_not_read_inside_words_percentages_or_compounds(text: str) -> None:
    assert find_quantities(text) == []


def test_quantities_parse_number_returns_none_for_words_that_are_not_numbers() -> None:
    assert parse_number("masks") is None
    assert parse_number("") is None
    assert parse_quantity("3 million yuan") is None  # a quantity with more after it is not a bare quantity


@given(st.text(max_size=60))
def test_quantities_never_raise(text: str) -> None:
    for found in find_quantities(text):
        assert 0 <= found.start < found.end <= len(text)
    parse_quantity(text)
    parse_number(text)


@given(st.integers(min_value=0, max_value=10**12))
def test_quantities_separated_digits_round_trip(n: int) -> None:
    assert parse_quantity(f"{n:,}") == n
    assert parse_quantity(str(n)) == n
    assert parse_quantity(f"{n:,}".replace(",", " ")) == n


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5.5 million", 5_500_000),
        ("500,000", 500_000),
        ("2 lakh", 200_000),
        ("10 crore", 100_000_000),
        ("1.5 crore", 15_000_000),
        ("3 billion", 3_000_000_000),
        ("700 million", 700_000_000),
        ("0.5 million", 500_000),
    ],
)
def test_quantities_decimal_millions_lakh_and_crore(text: str, value: float) -> None:
    assert parse_quantity(text) == value


def test_quantities_a_marker_before_a_currency_sign_is_found_by_offset() -> None:
    text = "nearly $100 million"
    assert approximate_before(text, text.index("$")) == 0
    assert approximate_before("a total of $5", 11) is None
    assert approximate_before("more than 20", 10) == 0
