"""``etl.extract.bylines``: author names from bylines, meta values and JSON-LD strings."""

from __future__ import annotations

import pytest

from etl.extract.bylines import clean_name, is_organisation, names_in_byline, unique_names


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("Von: Anna Schmidt, Peter Müller", ["Anna Schmidt", "Peter Müller"]),
        ("Por María López y Juan Pérez", ["María López", "Juan Pérez"]),
        ("di Mario Rossi e Luca Bianchi", ["Mario Rossi", "Luca Bianchi"]),
        ("Oleh Budi Santoso", ["Budi Santoso"]),
        ("Автор: Иван Петров", ["Иван Петров"]),
        ("By JANE DOE | Updated May 15, 2025", ["JANE DOE"]),
        ("Jane Doe, 15 May 2025", ["Jane Doe"]),
        ("By Jane Doe, Staff Writer", ["Jane Doe"]),
        ("Matthew Frankel, CFP", ["Matthew Frankel"]),
        ("Mayank Gupta, CEO of CaseBasix", ["Mayank Gupta"]),
        ("Recipe by PJ Hamel", ["PJ Hamel"]),
        ("Written By", []),
        ("Di Caprio Leonardo", ["Di Caprio Leonardo"]),
        ("https://www.facebook.com/jane.doe", []),
        ("jane@example.com", []),
        ("example.net", []),
    ],
)
def test_names_in_byline(byline: str, names: list[str]) -> None:
    assert names_in_byline(byline) == names


def test_clean_name_refuses_a_sentence() -> None:
    assert clean_name("Jane Doe writes about cities and has covered the council for years") is None


def test_unique_names_keeps_the_first_spelling() -> None:
    assert unique_names(["Jane Doe", "jane  doe", "John Roe"]) == ("Jane Doe", "John Roe")


@pytest.mark.parametrize(
    ("name", "site_names", "organisation"),
    [
        ("Bayside Broadcasting Corporation", (), True),
        ("Example Media GmbH", (), True),
        ("Redaktion Lokales", (), True),
        ("Reuters", (), True),
        ("ТАСС", (), True),
        ("РИА Новости", (), True),
        ("Europa Press", (), True),
        ("Coast Daily", ("Coast Daily",), True),
        ("Coastline Post", ("www.coastlinepost.example",), True),
        ("Mia Tennant", ("Bayside Broadcasting News", "www.bayside-news.example"), False),
        ("Jane Doe", ("Jane Doe's Notebook",), False),
        ("María López", (), False),
    ],
)
def test_is_organisation(name: str, site_names: tuple[str, ...], organisation: bool) -> None:
    assert is_organisation(name, site_names=site_names) is organisation


def test_a_byline_naming_an_agency_names_no_author_unless_asked() -> None:
    assert names_in_byline("By Reuters") == []
    assert names_in_byline("By Reuters", keep_organisations=True) == ["Reuters"]
