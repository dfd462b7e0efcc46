"""The near-duplicate index (``paragraph_bands``, migrations 0012 and 0013): one row per paragraph, 32-bit band
keys as stored by ``etl.dedup.near_duplicates``, and rows written before 0012 converted to the same keys."""

from __future__ import annotations

import zlib
from itertools import pairwise
from pathlib import Path

import psycopg2.extensions
from datasketch import MinHash

from etl.config import DedupSettings
from etl.dedup.near_duplicates import MINHASH_SEED, BandHasher, hasher_for, link_near_duplicates
from etl.dedup.normalise import paragraph_key
from etl.warehouse.connection import connect
from etl.warehouse.migrate import migrate
from etl.warehouse.queries import MIGRATIONS_DIR
from tests.factories import migrations_before, throwaway_database

TEXTS = (
    "Die Delegation aus Karamay besuchte am Dienstag den High-Tech Park in Minsk und besprach die Zusammenarbeit.",
    "The council met on Tuesday to discuss the new budget for schools, roads and the library in the old town.",
)
SETTINGS = DedupSettings()


def _store_paragraphs(cur: psycopg2.extensions.cursor, texts: dict[bytes, str]) -> None:
    cur.execute(
        "insert into paragraphs (paragraph_key, text, first_seen_at) "
        "select k, t, now() from unnest(%s::bytea[], %s::text[]) as u (k, t)",
        (list(texts), list(texts.values())),
    )


def _folded(key: int) -> int:
    """A 64-bit key's high and low halves XORed, as a signed 32-bit integer (migration 0013)."""
    unsigned = key & 2**64 - 1
    half = (unsigned ^ unsigned >> 32) & 2**32 - 1
    return half - 2**32 if half >= 2**31 else half


def test_band_keys_are_the_band_hashes_with_the_band_number_in_the_top_byte_folded_to_32_bits() -> None:
    hasher = BandHasher(permutations=64, bands=16)
    hashes, keys = hasher.band_hashes(TEXTS[0]), hasher.band_keys(TEXTS[0])
    assert keys == [_folded(h ^ band << 56) for band, h in enumerate(hashes)]
    assert all(-(2**31) <= key < 2**31 for key in keys)
    assert hasher.band_keys(TEXTS[0], min_chars=10_000) == []


def test_a_batch_of_texts_gets_the_keys_each_text_gets_alone() -> None:
    hasher = BandHasher()
    texts = [
        *TEXTS,
        "zu kurz",
        "Выставка пройдет в Минске с 15 мая, сообщили организаторы.",
        "東京で会議 開かれた 今日",
    ]
    assert hasher.band_keys_of(texts, min_chars=20) == [hasher.band_keys(text, min_chars=20) for text in texts]
    assert hasher.band_keys_of(texts, min_chars=20)[2] == []
    assert hasher.band_keys_of([]) == []


def test_a_signature_is_datasketchs_minhash_of_the_word_bigrams() -> None:
    hasher = BandHasher()
    for loose in ("die straße über münchen führt", "выставка пройдет в минске", "東京で会議 開かれた", "einwort"):
        words = loose.split()
        bigrams = [f"{x} {y}".encode() for x, y in pairwise(words)] or [loose.encode()]
        reference = MinHash(num_perm=hasher.permutations, seed=MINHASH_SEED, hashfunc=zlib.crc32)
        reference.update_batch(bigrams)
        assert hasher.signature(loose).tolist() == reference.hashvalues.tolist()


def test_a_paragraph_is_one_row_of_its_band_keys(database_url: str, clean_database: str) -> None:
    texts = {paragraph_key(text): text for text in TEXTS}
    conn = connect(clean_database)
    try:
        with conn, conn.cursor() as cur:
            _store_paragraphs(cur, texts)
        link_near_duplicates(conn, SETTINGS, texts.items())
        link_near_duplicates(conn, SETTINGS, texts.items())
        with conn, conn.cursor() as cur:
            cur.execute("select paragraph_key, band_keys from paragraph_bands order by paragraph_key")
            rows = [(bytes(key), keys) for key, keys in cur.fetchall()]
    finally:
        conn.close()
    hasher = hasher_for(SETTINGS)
    assert rows == sorted((key, hasher.band_keys(text)) for key, text in texts.items())


def test_migrations_0012_and_0013_convert_band_rows_to_the_keys_the_step_writes(
    server_url: str, tmp_path: Path
) -> None:
    before = migrations_before(tmp_path, "0012")
    hasher = hasher_for(SETTINGS)
    texts = {paragraph_key(text): text for text in TEXTS}
    with throwaway_database(server_url, "newsetl_test", migrated=False) as url:
        conn = connect(url)
        try:
            migrate(conn, before)
            with conn, conn.cursor() as cur:
                _store_paragraphs(cur, texts)
                for key, text in texts.items():
                    cur.execute("insert into paragraph_lsh (paragraph_key, checked_at) values (%s, now())", (key,))
                    for band, band_hash in enumerate(hasher.band_hashes(text)):
                        cur.execute(
                            "insert into paragraph_bands (band, band_hash, paragraph_key) values (%s, %s, %s)",
                            (band, band_hash, key),
                        )
            migrate(conn, MIGRATIONS_DIR)
            with conn, conn.cursor() as cur:
                cur.execute("select paragraph_key, band_keys from paragraph_bands order by paragraph_key")
                rows = [(bytes(key), keys) for key, keys in cur.fetchall()]
        finally:
            conn.close()
    assert rows == sorted((key, hasher.band_keys(text)) for key, text in texts.items())


def test_migration_0015_keeps_only_pending_paragraphs_with_band_keys(server_url: str, tmp_path: Path) -> None:
    before = migrations_before(tmp_path, "0015")
    checked, pending, short = TEXTS[0], TEXTS[1], "Foto: dpa"
    texts = {paragraph_key(text): text for text in (checked, pending, short)}
    with throwaway_database(server_url, "newsetl_test", migrated=False) as url:
        conn = connect(url)
        try:
            migrate(conn, before)
            with conn, conn.cursor() as cur:
                _store_paragraphs(cur, texts)
                cur.execute(
                    "insert into paragraph_lsh (paragraph_key, checked_at) values (%s, now()), (%s, null), (%s, null)",
                    (paragraph_key(checked), paragraph_key(pending), paragraph_key(short)),
                )
                for text in (checked, pending):
                    cur.execute(
                        "insert into paragraph_bands (paragraph_key, band_keys) values (%s, %s)",
                        (paragraph_key(text), BandHasher().band_keys(text)),
                    )
            migrate(conn, MIGRATIONS_DIR)
            with conn, conn.cursor() as cur:
                cur.execute("select to_regclass('paragraph_lsh') is null")
                assert cur.fetchone()[0]
                cur.execute("select paragraph_key from paragraph_lsh_pending")
                assert [bytes(row[0]) for row in cur] == [paragraph_key(pending)]
            assert link_near_duplicates(conn, SETTINGS, texts.items()) == 0
            with conn, conn.cursor() as cur:
                cur.execute("select count(*) from paragraph_lsh_pending")
                assert cur.fetchone()[0] == 0
                cur.execute("select paragraph_key from paragraph_bands order by paragraph_key")
                assert [bytes(row[0]) for row in cur] == sorted(paragraph_key(text) for text in (checked, pending))
        finally:
            conn.close()
