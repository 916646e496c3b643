"""Near-duplicates: one story from several sources, or captured twice, is shown once."""

from __future__ import annotations

import collections
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli, write_jsonl
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from xronika.analysis.shingles import SIGNATURE_SIZE, jaccard, shingles, signature
from xronika.archive import Archive
from xronika.errors import NotFound, UsageError
from xronika.ingest import ingest
from xronika.ingest.records import draft_from_record, finalise
from xronika.model import Article
from xronika.search import SearchRequest, search
from xronika.store import Store
from xronika.store.duplicates import merge
from xronika.web import create_app

Make = Callable[[list[dict[str, Any]]], Archive]
ENGLISH = {"Accept-Language": "en"}

STORY = (
    "The city council approved a new budget for the public libraries on Monday evening, "
    "after a long debate about the cost of repairing old buildings and the wages of the "
    "librarians who keep them open.\n\n"
    "Council members said the money would pay for longer opening hours, new books in "
    "several languages and a reading room for children in every district of the city. "
    "The mayor called the vote a good day for readers of all ages.\n\n"
    "The first of the new reading rooms is expected to open in the autumn, in a former "
    "bank building near the central market, the head of the library service said."
)
AZ_STORY = (
    "Bakıda İçərişəhərdə yerləşən qədim hamamın bərpası başa çatıb. İşlər iki il davam edib "
    "və binanın divarları, günbəzləri və su kəmərləri əvvəlki görkəminə qaytarılıb.\n\n"
    "Bərpaçıların sözlərinə görə, hamam gələn aydan muzey kimi ziyarətçilərin üzünə açılacaq. "
    "Burada şəhərin köhnə hamam mədəniyyətindən bəhs edən sərgi də nümayiş olunacaq."
)
# The same text typed in Cyrillic script, in capitals, by another source.
AZ_CYRILLIC = (
    "БАКЫДА ИЧӘРИШӘҺӘРДӘ ЈЕРЛӘШӘН ГӘДИМ ҺАМАМЫН БӘРПАСЫ БАША ЧАТЫБ. ИШЛӘР ИКИ ИЛ ДАВАМ ЕДИБ "
    "ВӘ БИНАНЫН ДИВАРЛАРЫ, ҜҮНБӘЗЛӘРИ ВӘ СУ КӘМӘРЛӘРИ ӘВВӘЛКИ ҜӨРКӘМИНӘ ГАЈТАРЫЛЫБ.\n\n"
    "БӘРПАЧЫЛАРЫН СӨЗЛӘРИНӘ ҜӨРӘ, ҺАМАМ ҜӘЛӘН АЈДАН МУЗЕЈ КИМИ ЗИЈАРӘТЧИЛӘРИН ҮЗҮНӘ АЧЫЛАҸАГ. "
    "БУРАДА ШӘҺӘРИН КӨҺНӘ ҺАМАМ МӘДӘНИЈЈӘТИНДӘН БӘҺС ЕДӘН СӘРҜИ ДӘ НҮМАЈИШ ОЛУНАҸАГ."
)
BOILERPLATE = (
    "About us: The Riverside Courier is an independent newspaper published every morning "
    "since 1921. Subscribe to our newsletter to get the day's headlines in your inbox, and "
    "follow us on social media for breaking news, photos and videos from the whole region. "
    "Letters to the editor are welcome at our office on Market Street."
)


def record(id: str, body: str, **fields: Any) -> dict[str, Any]:
    return {"id": id, "title": fields.pop("title", "Libraries get a new budget"), "body": body,
            "language": "en", "published": "2024-03-04T09:00:00+00:00", **fields}  # fmt: skip


def republished() -> list[dict[str, Any]]:
    """One story from three sources, with trivial differences, and an unrelated story."""
    herald = (
        "By Jane Roe, Herald staff\n\n"
        + "  ".join(STORY.upper().split(" "))
        + "\n\nRead more: libraries in the region"
    )
    panda = (
        "A panda was born at the city zoo on Sunday, the first in forty years. "
        "Keepers said mother and cub were doing well."
    )
    return [
        record("courier-1", STORY, source="Courier", url="https://courier.example/libraries"),
        record(
            "herald-7",
            herald,
            title="LIBRARIES GET A NEW BUDGET",
            source="Herald",
            published="2024-03-04T15:30:00+00:00",
            url="https://herald.example/news/libraries",
        ),
        record(
            "wire-3",
            STORY.replace("Monday evening", "Monday"),
            source="Wire",
            published="2024-03-05T08:00:00+00:00",
        ),
        record("zoo-1", panda, title="A panda is born", source="Courier"),
    ]


def copy_of(archive: Archive, article_id: str) -> str | None:
    stored = archive.store.get(article_id)
    assert stored is not None
    return stored.copy_of


def groups(store: Store) -> dict[str, set[str]]:
    """Every original that has copies, with them."""
    found: dict[str, set[str]] = collections.defaultdict(set)
    for stored in store.iter_articles():
        if stored.copy_of:
            found[stored.copy_of].add(stored.article.id)
    return dict(found)


def assert_flat(store: Store) -> None:
    """Every copy points at an article that exists and is no copy itself."""
    for stored in store.iter_articles():
        if stored.copy_of:
            original = store.get(stored.copy_of)
            assert original is not None and original.copy_of is None, stored.article.id


# -- recognising copies ---------------------------------------------------------------


def test_one_story_from_several_sources_is_one_group(make_archive: Make) -> None:
    archive = make_archive(republished())
    assert groups(archive.store) == {"courier-1": {"herald-7", "wire-3"}}
    assert copy_of(archive, "zoo-1") is None
    assert archive.check().clean


def test_case_script_and_special_letters_do_not_tell_copies_apart(make_archive: Make) -> None:
    archive = make_archive([
        {"id": "az-latn", "title": "Qədim hamam bərpa olunub", "body": AZ_STORY, "language": "az",
         "published": "2024-05-01"},
        {"id": "az-cyrl", "title": "ГӘДИМ ҺАМАМ БӘРПА ОЛУНУБ", "body": AZ_CYRILLIC,
         "language": "az", "published": "2024-05-02"},
        {"id": "az-plain", "title": "Qedim hamam berpa olunub",
         "body": AZ_STORY.replace("ə", "e").replace("ş", "s").replace("ı", "i"),
         "language": "az", "published": "2024-05-02"},
    ])  # fmt: skip
    assert groups(archive.store) == {"az-latn": {"az-cyrl", "az-plain"}}


def test_two_captures_of_one_story_at_different_urls_are_grouped(make_archive: Make) -> None:
    page = "https://courier.example/2024/03/04/libraries"
    archive = make_archive([
        {"url": page, "title": "Libraries get a new budget", "body": STORY, "language": "en"},
        {"url": page + "?utm_source=feed&utm_medium=rss", "title": "Libraries get a new budget",
         "body": STORY + "\n\nShare this article", "language": "en"},
    ])  # fmt: skip
    ids = [s.article.id for s in archive.store.iter_articles()]
    assert len(ids) == 2
    assert groups(archive.store) == {ids[0]: {ids[1]}}


def test_stories_sharing_a_boilerplate_paragraph_stay_apart(make_archive: Make) -> None:
    archive = make_archive([
        record("fire", "A fire broke out in a bakery on Elm Street early on Tuesday. Nobody "
               "was hurt, and firefighters had the flames under control within an hour.\n\n"
               + BOILERPLATE, title="Bakery fire"),
        record("bridge", "The old footbridge over the river will close for repairs in June, "
               "the council said, and a ferry will carry walkers across until August.\n\n"
               + BOILERPLATE, title="Footbridge to close"),
    ])  # fmt: skip
    assert groups(archive.store) == {}


def test_different_languages_and_translations_are_never_copies(make_archive: Make) -> None:
    archive = make_archive([
        record("en-1", STORY),
        record("tr-1", STORY, language="tr"),
        {"id": "az-latn", "title": "Qədim hamam", "body": AZ_STORY, "language": "az",
         "group": "grp:hamam"},
        {"id": "az-cyrl", "title": "Гәдим һамам", "body": AZ_CYRILLIC, "language": "az",
         "script": "Cyrl", "group": "grp:hamam"},
    ])  # fmt: skip
    assert groups(archive.store) == {}


def test_the_same_template_on_another_day_is_another_report(make_archive: Make) -> None:
    archive = make_archive(
        [
            record("day-1", STORY, published="2024-03-04"),
            record("day-9", STORY, published="2024-03-13"),
        ]
    )
    assert groups(archive.store) == {}


# -- the original, and how groups change ------------------------------------------------


def test_an_earlier_copy_that_arrives_later_becomes_the_original(
    make_archive: Make, tmp_path: Path
) -> None:
    courier, herald, wire, _ = republished()
    archive = make_archive([courier, wire])
    assert groups(archive.store) == {"courier-1": {"wire-3"}}
    earlier = {**herald, "published": "2024-03-03"}
    ingest(archive, [str(write_jsonl(tmp_path / "more.jsonl", [earlier]))])
    assert groups(archive.store) == {"herald-7": {"courier-1", "wire-3"}}
    assert_flat(archive.store)
    assert archive.check().clean


def test_undated_articles_come_after_dated_ones(make_archive: Make) -> None:
    undated = {k: v for k, v in record("undated", STORY).items() if k != "published"}
    archive = make_archive([undated, record("dated", STORY)])
    assert groups(archive.store) == {"dated": {"undated"}}


def test_deleting_the_original_promotes_a_copy(make_archive: Make) -> None:
    archive = make_archive(republished())
    with archive.writing():
        assert archive.store.delete("courier-1")
        archive.sync()
    assert groups(archive.store) == {"herald-7": {"wire-3"}}
    found = search(archive, SearchRequest(query="libraries budget"))
    assert [h["id"] for h in found.hits] == ["herald-7"]
    assert [c["id"] for c in found.hits[0]["copies"]] == ["wire-3"]
    assert archive.check().clean


def test_reingesting_is_idempotent_and_order_does_not_matter(
    make_archive: Make, tmp_path: Path
) -> None:
    records = republished()
    archive = make_archive(records)
    before = groups(archive.store)
    again = ingest(archive, [str(write_jsonl(tmp_path / "again.jsonl", records))])
    assert again.unchanged == len(records) and groups(archive.store) == before
    reverse = make_archive(list(reversed(records)))
    assert groups(reverse.store) == before


def test_a_changed_text_is_placed_again(make_archive: Make, tmp_path: Path) -> None:
    records = republished()
    archive = make_archive(records)
    changed = {**records[2], "body": "The wire service withdrew this story."}
    ingest(archive, [str(write_jsonl(tmp_path / "changed.jsonl", [changed]))])
    assert groups(archive.store) == {"courier-1": {"herald-7"}}
    # The original's own text changes: its copies find their group again on their own.
    rewritten = {**records[0], "body": "The council postponed the vote on the budget."}
    ingest(archive, [str(write_jsonl(tmp_path / "rewritten.jsonl", [rewritten]))])
    assert groups(archive.store) == {}
    ingest(archive, [str(write_jsonl(tmp_path / "back.jsonl", records))])
    assert groups(archive.store) == {"courier-1": {"herald-7", "wire-3"}}
    assert archive.check().clean


def test_merge_by_hand(make_archive: Make) -> None:
    archive = make_archive(republished())
    merge(archive.store, "zoo-1", "wire-3")
    assert groups(archive.store) == {"courier-1": {"herald-7", "wire-3", "zoo-1"}}
    # Naming the original as a copy of one of its copies makes that one the original.
    merge(archive.store, "courier-1", "herald-7")
    assert groups(archive.store) == {"herald-7": {"courier-1", "wire-3", "zoo-1"}}
    assert_flat(archive.store)
    with pytest.raises(NotFound):
        merge(archive.store, "nothing-here", "zoo-1")
    with pytest.raises(UsageError):
        merge(archive.store, "zoo-1", "zoo-1")
    with archive.writing():
        archive.sync()
    assert archive.check().clean
    found = search(archive, SearchRequest(query="panda"))
    assert [h["id"] for h in found.hits] == []  # a copy now: found through its original only


def test_articles_stored_before_detection_are_grouped_on_opening(
    make_archive: Make, tmp_path: Path
) -> None:
    archive = make_archive(republished())
    folder = archive.folder
    assert folder is not None
    with archive.store.transaction() as connection:  # as a store migrated from before
        connection.execute("UPDATE articles SET copy_of = NULL")
        connection.execute("DELETE FROM duplicate_bands")
        connection.execute("DELETE FROM duplicate_sketches")
        connection.execute("INSERT INTO meta (name, value) VALUES ('duplicates_owed', '1')")
    archive.close()
    reopened = Archive.open(folder)
    try:
        assert groups(reopened.store) == {"courier-1": {"herald-7", "wire-3"}}
        assert reopened.check().clean
    finally:
        reopened.close()


# -- shown once -----------------------------------------------------------------------


def test_search_shows_the_story_once_with_its_copies(make_archive: Make) -> None:
    archive = make_archive(republished())
    found = search(archive, SearchRequest(query="libraries budget"))
    assert found.total == 1 and [h["id"] for h in found.hits] == ["courier-1"]
    copies = found.to_json()["hits"][0]["copies"]
    assert [(c["id"], c["source"]) for c in copies] == [("herald-7", "Herald"), ("wire-3", "Wire")]
    assert copies[0] == {
        "id": "herald-7",
        "url": "https://herald.example/news/libraries",
        "source": "Herald",
        "title": "LIBRARIES GET A NEW BUDGET",
        "published": "2024-03-04T15:30:00+00:00",
    }
    panda = search(archive, SearchRequest(query="panda")).to_json()
    assert panda["hits"][0]["copies"] == []
    sources = search(archive, SearchRequest(query="")).facets["source"]
    assert {b["value"]: b["count"] for b in sources} == {"Courier": 2}


def test_cli_search_json_carries_copies_and_check_is_clean(cli: Cli, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "story.jsonl", republished())
    assert cli("ingest", str(source)).exit_code == 0
    result = cli.json("search", "libraries", "--json")
    assert result["total"] == 1
    assert [c["id"] for c in result["hits"][0]["copies"]] == ["herald-7", "wire-3"]
    assert cli("check").exit_code == 0


def test_the_api_resolves_a_copy_and_names_its_original(make_archive: Make) -> None:
    client = TestClient(create_app(make_archive(republished())))
    copy = client.get("/api/articles/herald-7").json()
    assert copy["copy_of"] == "courier-1" and "copies" not in copy
    original = client.get("/api/articles/courier-1").json()
    assert "copy_of" not in original
    assert [c["id"] for c in original["copies"]] == ["herald-7", "wire-3"]
    hits = client.get("/api/search", params={"q": "libraries"}).json()["hits"]
    assert [h["id"] for h in hits] == ["courier-1"] and len(hits[0]["copies"]) == 2


def test_the_reading_room_shows_the_story_once_and_lists_its_copies(make_archive: Make) -> None:
    client = TestClient(create_app(make_archive(republished())), headers=ENGLISH)
    results = client.get("/search", params={"q": "libraries budget"}).text
    assert results.count('class="hit"') == 1
    assert 'href="/articles/courier-1"' in results
    assert "Also published by" in results
    assert 'href="/articles/herald-7">Herald</a>' in results
    original = client.get("/articles/courier-1").text
    assert 'id="copies-heading">Also published by' in original
    assert 'href="/articles/wire-3">Wire</a>' in original
    copy = client.get("/articles/wire-3").text
    assert '<link rel="canonical" href="/articles/courier-1">' in copy
    assert "This story was first published as" in copy
    assert 'href="/articles/courier-1"' in copy and "Libraries get a new budget</a>" in copy


def test_day_pages_feeds_and_sitemaps_list_the_story_once(make_archive: Make) -> None:
    client = TestClient(create_app(make_archive(republished())), headers=ENGLISH)
    day = client.get("/api/archive/2024/03/04").json()
    assert [a["id"] for a in day["articles"]] == ["courier-1", "zoo-1"] and day["total"] == 2
    assert client.get("/api/archive/2024/03/05").json()["total"] == 0
    month = client.get("/api/archive/2024/03").json()
    assert month["total"] == 2
    assert "herald-7" not in client.get("/archive/2024/03/04").text
    feed = ET.fromstring(client.get("/feeds/latest.atom").content)
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    titles = sorted(e.findtext("{http://www.w3.org/2005/Atom}title") or "" for e in entries)
    assert titles == ["A panda is born", "Libraries get a new budget"]
    on_this_day = client.get("/api/on-this-day/03-04").json()
    assert [a["id"] for a in on_this_day["articles"]] == ["courier-1", "zoo-1"]
    sitemap = client.get("/sitemap.xml").text
    assert "/articles/courier-1<" in sitemap and "/articles/herald-7<" not in sitemap


# -- properties -----------------------------------------------------------------------

WORDS = st.lists(st.text("abcdefghijklm", min_size=1, max_size=8), min_size=1, max_size=120)


def agreement(a: str, b: str) -> float:
    """The Jaccard similarity two texts' signatures estimate: the share of equal positions."""
    first, second = signature(shingles(a, "en")), signature(shingles(b, "en"))
    return sum(x == y for x, y in zip(first, second, strict=True)) / SIGNATURE_SIZE


@given(WORDS)
def test_minhash_of_identical_texts_agrees_everywhere(words: list[str]) -> None:
    text = " ".join(words)
    assert agreement(text, text.upper()) == 1.0
    assert jaccard(shingles(text, "en"), shingles(text, "en")) == 1.0


@given(WORDS, st.lists(st.text("nopqrstuvwxyz", min_size=1, max_size=8), min_size=1, max_size=120))
def test_minhash_of_disjoint_texts_agrees_almost_nowhere(one: list[str], other: list[str]) -> None:
    assert agreement(" ".join(one), " ".join(other)) <= 0.05


VARIANTS = [STORY, STORY + "\n\nRead more", "By Jane Roe\n\n" + STORY, AZ_STORY, BOILERPLATE]
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("write"), st.integers(0, 5), st.integers(0, 4), st.integers(1, 6)),
        st.tuples(st.just("delete"), st.integers(0, 5)),
        st.tuples(st.just("merge"), st.integers(0, 5), st.integers(0, 5)),
    ),
    max_size=25,
)


@given(OPERATIONS)
def test_groups_never_chain(operations: list[tuple[Any, ...]]) -> None:
    store = Store(None)
    for operation in operations:
        name, first, *rest = operation
        if name == "write":
            variant, day = rest
            article = Article(id=f"a{first}", title="A story", body=VARIANTS[variant],
                              language="en", published=f"2024-03-0{day}")  # fmt: skip
            store.write([(article, None)])
        elif name == "delete":
            store.delete(f"a{first}")
        elif store.get(f"a{first}") and store.get(f"a{rest[0]}") and first != rest[0]:
            merge(store, f"a{first}", f"a{rest[0]}")
        assert_flat(store)


# -- the shared corpus ----------------------------------------------------------------


def test_the_shared_corpus_groups_its_duplicates(data_folder: Path, tmp_path: Path) -> None:
    store = Store(tmp_path / "corpus.sqlite3")
    batch: list[tuple[Article, None]] = []
    for path in sorted((data_folder / "corpus").glob("*.jsonl")):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            where = f"{path.name}:{number}"
            batch.append((finalise(draft_from_record(json.loads(line), where), where), None))
            if len(batch) == 2000:
                store.write(batch)
                batch = []
    store.write(batch)
    found = groups(store)
    assert_flat(store)
    for original, copies in found.items():
        languages = set()
        for member in (original, *copies):
            stored = store.get(member)
            assert stored is not None
            languages.add(stored.article.language)
        assert len(languages) == 1, original

    def group_of(article_id: str) -> str:
        stored = store.get(article_id)
        assert stored is not None
        return stored.copy_of or article_id

    # Wire stories sent twice are one story; the same report on other days is not.
    assert group_of("reuters-3065") == "reuters-3019"
    assert group_of("ttc3600-teknoloji-0267") == "ttc3600-teknoloji-0023"
    assert group_of("reuters-522") != group_of("reuters-7769")
    assert group_of("reuters-3315") != group_of("reuters-15855")
    assert 200 <= len(found) <= 400, len(found)
