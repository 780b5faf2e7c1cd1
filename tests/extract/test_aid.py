"""Aid: items and categories, quantities and units, money in ISO 4217, the aggregate-value convention."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from service.extract.aid import currency_choices, find_money
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


def test_aid_generic_words_beside_specific_items_are_no_items(run: Callable[..., Extraction]) -> None:
    text = "Japan provided emergency relief goods (200 tents and 1,000 sleeping mats) to Nepal."
    assert [(a.item, a.quantity) for a in _aid(run, text)] == [("tents", 200), ("sleeping mats", 1000)]


def test_aid_a_vague_aid_noun_given_is_an_item_but_not_one_named_before(run: Callable[..., Extraction]) -> None:
    (timely,) = _aid(run, "Beijing returned the favour by providing timely assistance to Guinea.")
    assert (timely.item, timely.category, timely.value) == ("timely assistance", "other", None)
    assert _aid(run, "The assistance was delivered to Guinea.") == []


def test_aid_an_amount_in_an_aid_noun_is_one_item(run: Callable[..., Extraction]) -> None:
    (package,) = _aid(run, "Australia will provide a $5 million package of humanitarian assistance to Indonesia.")
    assert (package.item, package.category) == ("humanitarian assistance", "funds")
    assert package.value is not None and package.value.amount == 5_000_000
    (loans,) = _aid(run, "The EU provided 180 million euros of loans to Albania.")
    assert (loans.item, loans.value) == ("loans", Money(180_000_000, "EUR"))


def test_aid_a_part_named_inside_a_total_is_no_second_value(run: Callable[..., Extraction]) -> None:
    (total,) = _aid(run, "Team Europe has provided €2.2 billion, including €1 billion from the EU budget, to COVAX.")
    assert total.value == Money(2_200_000_000, "EUR")


def test_aid_an_abbreviation_in_brackets_is_no_second_item(run: Callable[..., Extraction]) -> None:
    text = "Staff delivered 600 sets of Personal Protective Equipment (PPE) to the hospital in Tashkent."
    assert [(a.item, a.quantity) for a in _aid(run, text)] == [("Personal Protective Equipment", 600)]


def test_aid_quantity_before_participles_and_number_words_in_plural(run: Callable[..., Extraction]) -> None:
    text = "The EU donated 5 fully equipped ambulances and six hundreds sets of gloves to Albania."
    assert [(a.item, a.quantity) for a in _aid(run, text)] == [("ambulances", 5), ("gloves", 600)]


@pytest.mark.parametrize(
    ("text", "amount", "code", "approximate"),
    [
        ("AU$3.5 million", 3_500_000, "AUD", False),
        ("A$ 2 million", 2_000_000, "AUD", False),
        ("NZ$1.5 million", 1_500_000, "NZD", False),
        ("US$ 5 million", 5_000_000, "USD", False),
        ("US $5 million", 5_000_000, "USD", False),
        ("700 million MNT", 700_000_000, "MNT", False),
        ("nearly $100 million", 100_000_000, "USD", True),
        ("more than US$ 4 million", 4_000_000, "USD", True),
        ("€3 billion", 3_000_000_000, "EUR", False),
        ("Rs 5 crore", 50_000_000, "INR", False),
        ("Rs. 10 crore", 100_000_000, "INR", False),
        ("2 lakh rupees", 200_000, "INR", False),
        ("₹5 crore", 50_000_000, "INR", False),
        ("Tk 5 crore", 50_000_000, "BDT", False),
        ("SGD 1 million", 1_000_000, "SGD", False),
    ],
)
def test_aid_money_in_more_currencies_and_scales(text: str, amount: float, code: str, approximate: bool) -> None:
    (found,) = find_money(text)
    assert (found[2], found[3]) == (Money(amount, code), approximate)
    assert found[0] == 0 and found[1] == len(text)


def test_aid_a_shared_sign_means_the_currency_the_text_or_its_publisher_names() -> None:
    # the text's own unambiguous form decides: "AU$" in the headline, "$350,000" in the body
    text = "AU$3.5 million for Tonga. Australia released $350,000 in equipment."
    assert [m[2].currency for m in find_money(text)] == ["AUD", "AUD"]
    assert [m[2].currency for m in find_money("Japan gave 2 billion yen, or ¥2 billion.")] == ["JPY", "JPY"]
    # both dollars written out: the publisher decides, else the default
    both = "US$ 5 million and AU$ 4 million; a further $3 million"
    assert find_money(both)[-1][2].currency == "USD"
    choices = currency_choices("Australia's $80 million contribution", "Australian Minister for Foreign Affairs")
    assert find_money("Australia's $80 million contribution", choices)[0][2] == Money(80_000_000, "AUD")
    assert currency_choices("$5 million", "U.S. Embassy in Tajikistan")["$"] == "USD"
    assert currency_choices("Rs 5 crore", "Embassy of Pakistan")["rs"] == "PKR"


def test_aid_the_publisher_of_a_document_decides_its_dollars(run: Callable[..., Extraction]) -> None:
    text = "Australia provided $155,000 to Samoa."
    (event,) = run(text, source="Australian High Commission Nuku'alofa").events
    assert event.aid[0].value == Money(155_000, "AUD")
    (event,) = run(text, source="USAID").events
    assert event.aid[0].value == Money(155_000, "USD")


@pytest.mark.parametrize(
    ("text", "item", "quantity", "unit"),
    [
        ("The United States is donating 5.5 million Pfizer vaccine doses to CARICOM.", "vaccine doses", 5.5e6, "doses"),
        ("Japan donated 1.5 million doses of AstraZeneca vaccine to Vietnam.", "AstraZeneca vaccine", 1.5e6, "doses"),
        ("The United States donated 500,000 doses of Pfizer to Laos.", "doses", 500_000, "doses"),
        ("China donated 500,000 doses of the Sinopharm vaccine to Laos.", "vaccine", 500_000, "doses"),
        ("India gifted 2 lakh doses of Covishield to Nepal.", "Covishield", 200_000, "doses"),
        ("Russia gave 20,000 doses of the Russian Sputnik V vaccine to Kyrgyzstan.", "vaccine", 20_000, "doses"),
        ("Australia delivered 20,000 Australian-manufactured vaccines to Timor-Leste.", "vaccines", 20_000, None),
        ("China donated 1.5 million doses to Laos.", "doses", 1.5e6, "doses"),
    ],
)
def test_aid_doses_of_vaccine(run: Callable[..., Extraction], text: str, item: str, quantity: float, unit: str) -> None:
    (found,) = _aid(run, text)
    assert (found.item, found.category, found.quantity, found.unit) == (item, "vaccines", quantity, unit)


def test_aid_approximate_money_and_conversions(run: Callable[..., Extraction]) -> None:
    (grant,) = _aid(run, "President Biden announced nearly $100 million in new humanitarian assistance for Lebanon.")
    assert (grant.category, grant.value, grant.approximate) == ("funds", Money(100_000_000, "USD"), True)
    (grant,) = _aid(run, "The United States provided an additional $250,000 (700 million MNT) to Mongolia.")
    assert grant.value == Money(250_000, "USD")
    (grant,) = _aid(run, "India provided Rs 5 crore to Nepal.")
    assert grant.value == Money(50_000_000, "INR")


def test_aid_support_is_an_item_as_a_noun_not_as_a_verb(run: Callable[..., Extraction]) -> None:
    assert [a.item for a in _aid(run, "The EU has delivered concrete support to Armenia.")] == ["concrete support"]
    assert [a.item for a in _aid(run, "Japan donated 1,000 masks to support the Government of Nepal.")] == ["masks"]


def test_aid_an_amount_before_its_aid_noun_is_its_value(run: Callable[..., Extraction]) -> None:
    (contribution,) = _aid(run, "Australia made an $80 million contribution to the COVAX Facility.")
    assert (contribution.item, contribution.category, contribution.quantity) == ("contribution", "funds", None)
    assert contribution.value is not None and contribution.value.amount == 80_000_000


def test_aid_a_value_over_a_list_without_a_head_names_the_aggregate_by_the_list(
    run: Callable[..., Extraction],
) -> None:
    text = "The EU delivered €3.7 million worth of diagnostic tests and medical equipment to Armenia."
    items = {a.item: a for a in _aid(run, text)}
    assert items["diagnostic tests and medical equipment"].value == Money(3_700_000, "EUR")
    assert items["diagnostic tests"].value is None and items["medical equipment"].value is None


def test_aid_an_umbrella_with_its_kinds_is_kept_and_a_vague_tail_is_not(run: Callable[..., Extraction]) -> None:
    text = "USAID provided relief supplies such as soap and buckets to Vanuatu."
    assert [a.item for a in _aid(run, text)] == ["relief supplies", "soap", "buckets"]
    text = "Japan sent masks, gloves and other supplies to Nepal."
    assert [a.item for a in _aid(run, text)] == ["masks", "gloves"]


def test_aid_a_total_in_passing_is_no_item(run: Callable[..., Extraction]) -> None:
    text = "The United States made an initial pledge of $2 billion and $4 billion total planned to COVAX."
    assert [a.value.amount for a in _aid(run, text) if a.value is not None] == [2_000_000_000]
