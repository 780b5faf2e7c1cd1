"""Aid: items and categories, quantities and units, money in ISO 4217, the aggregate-value convention."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from service.extract.aid import find_money
from service.model import Aid, Extraction, Money


def _aid(run: Callable[..., Extraction], text: str) -> list[Aid]:
    events = [e for e in run(text).events if e.type in ("aid_delivery", "aid_pledge")]
    assert len(events) == 1, [e.trigger for e in run(text).events]
    return list(events[0].aid)


@pytest.mark.parametrize(
    ("text", "amount", "code"),
    [
        ("worth more than 3 million yuan", 3_000_000, "CNY"),
        ("RMB 2 million", 2_000_000, "CNY"),
        ("RMB5 million", 5_000_000, "CNY"),
        ("US$2 million", 2_000_000, "USD"),
        ("USD 5 million", 5_000_000, "USD"),
        ("2 million US dollars", 2_000_000, "USD"),
        ("$1.5 billion", 1_500_000_000, "USD"),
        ("€3.5 million", 3_500_000, "EUR"),
        ("EUR 500,000", 500_000, "EUR"),
        ("3.9 billion yen", 3_900_000_000, "JPY"),
        ("15 million rubles", 15_000_000, "RUB"),
        ("₹ 25 million", 25_000_000, "INR"),
        ("KRW 1.1 billion", 1_100_000_000, "KRW"),
        ("5 million Swiss francs", 5_000_000, "CHF"),
        ("£10,000", 10_000, "GBP"),
    ],
)
def test_aid_money_is_normalised_to_iso_4217(text: str, amount: float, code: str) -> None:
    (found,) = find_money(text)
    assert found[2] == Money(amount, code)


def test_aid_money_needs_a_currency() -> None:
    assert find_money("1,000 masks and 20 ventilators") == []
    assert find_money("the team won 3 games") == []


def test_aid_items_quantities_units_and_approximation(run: Callable[..., Extraction]) -> None:
    text = (
        "Donations to Beijing included more than 100,000 masks, 5,000 protective gowns, 10,000 pairs of gloves, "
        "and 40 thermal imagers."
    )
    items = {a.item: a for a in _aid(run, text)}
    assert items["masks"] == Aid("masks", "masks", 100000, None, None, approximate=True)
    assert (items["protective gowns"].category, items["protective gowns"].quantity) == ("protective_clothing", 5000)
    assert (items["gloves"].quantity, items["gloves"].unit, items["gloves"].approximate) == (10000, "pairs", False)
    assert (items["thermal imagers"].category, items["thermal imagers"].quantity) == ("thermal_imagers", 40)


def test_aid_value_over_several_items_goes_on_the_aggregate_item(run: Callable[..., Extraction]) -> None:
    text = (
        "To date, NIA has provided virus detection reagents, protective clothing, medical masks and other "
        "materials worth more than 3 million yuan in total."
    )
    items = {a.item: a for a in _aid(run, text)}
    assert items["materials"].value == Money(3_000_000, "CNY") and items["materials"].approximate
    assert items["materials"].quantity is None
    assert items["virus detection reagents"].category == "test_kits" and items["virus detection reagents"].value is None
    assert items["medical masks"].category == "masks"


def test_aid_units_before_of_and_words_for_numbers(run: Callable[..., Extraction]) -> None:
    text = "NIA has given away more than 1,100 copies of safety and prevention guide and a dozen ventilators."
    items = {a.item: a for a in _aid(run, text)}
    guide = items["safety and prevention guide"]
    assert (guide.quantity, guide.unit, guide.approximate, guide.category) == (1100, "copies", True, "guides_training")
    assert items["ventilators"].quantity == 12


def test_aid_doses_of_a_named_vaccine_and_lakh(run: Callable[..., Extraction]) -> None:
    (vaccine,) = _aid(run, "China donated 300,000 doses of Sinopharm vaccine to Mongolia.")
    assert (vaccine.item, vaccine.quantity, vaccine.unit, vaccine.category) == (
        "Sinopharm vaccine",
        300000,
        "doses",
        "vaccines",
    )
    (doses,) = _aid(run, "India gifted 1.5 lakh doses to Bhutan.")
    assert (doses.item, doses.quantity, doses.category) == ("doses", 150000, "vaccines")


def test_aid_money_alone_is_a_funds_item_and_conversions_are_ignored(run: Callable[..., Extraction]) -> None:
    (grant,) = _aid(
        run,
        "Japan decided to extend Emergency Grant Aid of 2 million US dollars (approximately 220 million yen) to Nepal.",
    )
    assert (grant.item, grant.category, grant.value) == ("Emergency Grant Aid", "funds", Money(2_000_000, "USD"))
    (cash,) = _aid(run, "Japan contributed US$ 1.2 million to Nepal.")
    assert (cash.item, cash.category, cash.value) == ("funds", "funds", Money(1_200_000, "USD"))


def test_aid_value_after_a_single_item_and_its_listed_parts(run: Callable[..., Extraction]) -> None:
    text = "KOICA handed over medical equipment worth KRW 1.1 billion, including 30 ventilators, to Mongolia."
    items = {a.item: a for a in _aid(run, text)}
    assert items["medical equipment"].value == Money(1_100_000_000, "KRW")
    assert items["ventilators"].quantity == 30


def test_aid_generic_words_beside_specific_items_and_bare_aid_are_no_items(run: Callable[..., Extraction]) -> None:
    text = "Japan provided emergency relief goods (200 tents and 1,000 sleeping mats) to Nepal."
    assert [(a.item, a.quantity) for a in _aid(run, text)] == [("tents", 200), ("sleeping mats", 1000)]
    assert _aid(run, "Beijing returned the favour by providing timely assistance to Guinea.") == []
