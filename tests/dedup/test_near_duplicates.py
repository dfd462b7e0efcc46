"""``etl.dedup.near_duplicates``: typo, punctuation and wrapping differences are linked; numbers, names, dates not."""

from __future__ import annotations

import threading

import psycopg2
import pytest

from etl.config import DedupSettings
from etl.dedup.near_duplicates import BandHasher, link_near_duplicates, loose_form, near_duplicate, protected_tokens
from etl.dedup.normalise import paragraph_key
from etl.dedup.within_article import dedup_article
from etl.warehouse.connection import connect
from etl.warehouse.load import load_batch
from tests.factories import SOURCE, make_article, start_run

BASE = (
    "Die Delegation aus Karamay besuchte am Dienstag den High-Tech Park in Minsk und besprach die weitere "
    "Zusammenarbeit im Bereich der Informationstechnologien mit 12 Unternehmen aus der Region."
)
SETTINGS = DedupSettings()


@pytest.mark.parametrize(
    ("kind", "other"),
    [
        ("typo fix", BASE.replace("besprach", "bespach")),
        ("punctuation", BASE.replace(" und besprach", ", und besprach").replace("Region.", "Region!")),
        ("re-wrapped line", BASE.replace("weitere Zusammenarbeit", "weitere Zusam-\nmenarbeit")),
        ("case of a common word", BASE.replace("besuchte am", "besuchte Am").replace("Am Dienstag", "am Dienstag")),
    ],
)
def test_small_edits_are_near_duplicates(kind: str, other: str) -> None:
    similarity = near_duplicate(BASE, other, SETTINGS.near_duplicate_min_similarity)
    assert similarity is not None, kind
    assert SETTINGS.near_duplicate_min_similarity <= similarity <= 1


@pytest.mark.parametrize(
    ("kind", "other"),
    [
        ("number", BASE.replace("12 Unternehmen", "13 Unternehmen")),
        ("name", BASE.replace("Karamay", "Urumqi")),
        ("place", BASE.replace("Minsk", "Brest")),
        ("weekday", BASE.replace("Dienstag", "Mittwoch")),
        ("decimal", BASE.replace("12 Unternehmen", "1,2 Unternehmen")),
    ],
)
def test_a_different_number_name_or_date_is_never_a_near_duplicate(kind: str, other: str) -> None:
    assert near_duplicate(BASE, other, SETTINGS.near_duplicate_min_similarity) is None, kind


def test_lowercase_month_names_are_protected() -> None:
    one = "Выставка пройдет в Минске с 15 мая, сообщили организаторы проекта и представители министерства."
    assert near_duplicate(one, one.replace("мая", "июня"), 0.5) is None
    assert "мая" in protected_tokens(one)


def test_loose_form_folds_case_punctuation_and_line_break_hyphens_only() -> None:
    assert loose_form("  Hello,\u00a0WORLD!  3.5 ") == "hello world 3 5"
    assert loose_form("Zusam-\nmenarbeit, Nord-Süd") == "zusammenarbeit nord süd"


def test_band_hashes_are_pinned_and_equal_for_equal_loose_forms() -> None:
    hasher = BandHasher(permutations=64, bands=16)
    bands = hasher.band_hashes(BASE)
    assert len(bands) == 16
    assert bands == BandHasher(permutations=64, bands=16).band_hashes(BASE.replace(",", ";"))
    assert all(-(2**63) <= b < 2**63 for b in bands)


def test_paragraphs_whose_numbers_differ_share_no_band() -> None:
    hasher = BandHasher()
    assert not set(hasher.band_hashes(BASE)) & set(hasher.band_hashes(BASE.replace("12", "13")))
    assert set(hasher.band_hashes(BASE)) & set(hasher.band_hashes(BASE.replace("besprach", "bespach")))


def near_links(conn: psycopg2.extensions.connection) -> set[tuple[bytes, bytes]]:
    with conn.cursor() as cur:
        cur.execute("select paragraph_key, similar_key from paragraph_near_duplicates")
        return {(bytes(a), bytes(b)) for a, b in cur}


def pair(a: str, b: str) -> tuple[bytes, bytes]:
    return tuple(sorted((paragraph_key(a), paragraph_key(b))))  # type: ignore[return-value]


def test_a_near_duplicate_pair_is_linked_and_a_numbers_differ_pair_is_not(db: psycopg2.extensions.connection) -> None:
    run_id = start_run(db)
    typo = BASE.replace("besprach", "bespach")
    numbers = BASE.replace("12 Unternehmen", "13 Unternehmen")
    articles = [
        dedup_article(make_article("http://example.test/1", (BASE,))),
        dedup_article(make_article("http://example.test/2", (typo,))),
        dedup_article(make_article("http://example.test/3", (numbers,))),
    ]
    load_batch(db, run_id, SOURCE.name, articles, [])
    paragraphs = [(p.key, p.text) for a in articles for p in a.paragraphs]
    assert link_near_duplicates(db, SETTINGS, paragraphs) == 1
    links = near_links(db)
    assert pair(BASE, typo) in links
    assert pair(BASE, numbers) not in links
    assert pair(typo, numbers) not in links


def test_linking_again_changes_nothing_and_text_is_not_rewritten(db: psycopg2.extensions.connection) -> None:
    run_id = start_run(db)
    typo = BASE.replace("besprach", "bespach")
    articles = [dedup_article(make_article(f"http://example.test/{i}", (t,))) for i, t in enumerate((BASE, typo))]
    load_batch(db, run_id, SOURCE.name, articles, [])
    paragraphs = [(p.key, p.text) for a in articles for p in a.paragraphs]
    link_near_duplicates(db, SETTINGS, paragraphs)
    before = near_links(db)
    assert link_near_duplicates(db, SETTINGS, paragraphs) == 0
    assert near_links(db) == before == {pair(BASE, typo)}
    with db.cursor() as cur:
        cur.execute("select text from paragraphs order by text")
        assert [row[0] for row in cur] == sorted((BASE, typo))


def test_two_workers_indexing_near_duplicates_at_once_still_link_them(
    db: psycopg2.extensions.connection, clean_database: str
) -> None:
    run_id = start_run(db)
    typo = BASE.replace("besprach", "bespach")
    articles = [dedup_article(make_article(f"http://example.test/{i}", (t,))) for i, t in enumerate((BASE, typo))]
    load_batch(db, run_id, SOURCE.name, articles, [])
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def index(text: str) -> None:
        conn = connect(clean_database)
        try:
            barrier.wait()
            link_near_duplicates(conn, SETTINGS, [(paragraph_key(text), text)])
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=index, args=(text,)) for text in (BASE, typo)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert near_links(db) == {pair(BASE, typo)}


def test_band_hashes_are_pinned_across_processes_and_versions() -> None:
    """Stored band hashes must stay comparable: a change here needs an emptied ``paragraph_bands``."""
    bands = BandHasher().band_hashes("Die Delegation aus Karamay besuchte den High-Tech Park.")
    assert bands[:2] == [3628855086559185629, 8682480805983498506]


def test_a_paragraph_left_pending_by_a_crashed_step_is_verified_by_the_next_batch_carrying_it(
    db: psycopg2.extensions.connection,
) -> None:
    run_id = start_run(db)
    typo = BASE.replace("besprach", "bespach")
    articles = [dedup_article(make_article(f"http://example.test/{i}", (t,))) for i, t in enumerate((BASE, typo))]
    load_batch(db, run_id, SOURCE.name, articles, [])
    link_near_duplicates(db, SETTINGS, [(paragraph_key(BASE), BASE)])
    hasher = BandHasher()
    with db, db.cursor() as cur:  # what a step that crashed after its first transaction leaves
        cur.execute(
            "insert into paragraph_bands (paragraph_key, band_keys) values (%s, %s)",
            (paragraph_key(typo), hasher.band_keys(typo, SETTINGS.near_duplicate_min_chars)),
        )
        cur.execute("insert into paragraph_lsh_pending (paragraph_key) values (%s)", (paragraph_key(typo),))
    assert near_links(db) == set()
    assert link_near_duplicates(db, SETTINGS, [(paragraph_key(typo), typo), (paragraph_key(BASE), BASE)]) == 1
    assert near_links(db) == {pair(BASE, typo)}
    with db, db.cursor() as cur:
        cur.execute("select count(*) from paragraph_lsh_pending")
        assert cur.fetchone()[0] == 0
        cur.execute("select count(*) from paragraph_bands")
        assert cur.fetchone()[0] == 2
    assert link_near_duplicates(db, SETTINGS, [(paragraph_key(typo), typo), (paragraph_key(BASE), BASE)]) == 0


def test_a_paragraph_too_short_to_index_leaves_no_row(db: psycopg2.extensions.connection) -> None:
    short = "Foto: dpa"
    assert len(loose_form(short)) < SETTINGS.near_duplicate_min_chars
    run_id = start_run(db)
    articles = [dedup_article(make_article("http://example.test/0", (BASE, short)))]
    load_batch(db, run_id, SOURCE.name, articles, [])
    for _ in range(2):
        assert link_near_duplicates(db, SETTINGS, [(p.key, p.text) for p in articles[0].paragraphs]) == 0
        with db, db.cursor() as cur:
            cur.execute(
                "select paragraph_key from paragraph_bands union all select paragraph_key from paragraph_lsh_pending"
            )
            assert [bytes(row[0]) for row in cur] == [paragraph_key(BASE)]
