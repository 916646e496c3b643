"""Ingest of WARC and ARC files: captured pages become articles, one per URL, newest first.

The small archives here are written by the tests with warcio; the shared samples (real
Heritrix/wget files and warcio's deliberately broken ones) are read when present.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]
from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

from xronika.archive import Archive
from xronika.ingest import ingest
from xronika.ingest.warc import jobs as warc_jobs
from xronika.ingest.workers import SMALL_JOBS
from xronika.store import captures

PAGES = {
    "https://xeber.example.az/iqtisadiyyat/1": (
        "az",
        "Neft qiymətləri yüksəlib",
        "Dünya bazarında neft qiymətləri yüksəlib. Azərbaycan neftinin bir bareli bahalaşıb.",
        "Ekspertlər bildirir ki, qiymətlərin artımı büdcə gəlirlərinə müsbət təsir göstərəcək.",
    ),
    "https://novosti.example.ru/ekonomika/2": (
        "ru",
        "Курс рубля укрепился",
        "Курс рубля укрепился на открытии торгов Московской биржи во вторник утром.",
        "Аналитики связывают рост с высокими ценами на нефть и налоговым периодом.",
    ),
    "https://haber.example.com.tr/ekonomi/3": (
        "tr",
        "İhracat rekor kırdı",
        "Türkiye'nin ihracatı geçen ay rekor kırdı ve ilk kez yüz milyar doları aştı.",
        "Ticaret Bakanlığı açıklamasında özellikle otomotiv sektörünün büyüdüğünü belirtti.",
    ),
}
STORY = "https://news.example.com/world/story"


def page(language: str, title: str, *paragraphs: str) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>{title}</h1>{body}</article><footer>©</footer></body></html>"
    ).encode()


def warc_date(day: str) -> str:
    return datetime.fromisoformat(day).replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Writer:
    """A WARC file written record by record, gzipped per record or plain."""

    def __init__(self, gzip: bool = True):
        self.buffer = io.BytesIO()
        self.writer = WARCWriter(self.buffer, gzip=gzip)

    def response(
        self,
        url: str,
        payload: bytes,
        day: str = "2024-02-01T10:00:00",
        content_type: str = "text/html; charset=utf-8",
        status: str = "200 OK",
    ) -> None:
        headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        record = self.writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(payload),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": warc_date(day)},
        )
        self.writer.write_record(record)

    def revisit(self, url: str, day: str) -> None:
        record = self.writer.create_revisit_record(
            url,
            digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            refers_to_uri=url,
            refers_to_date=warc_date("2024-01-01"),
            warc_headers_dict={"WARC-Date": warc_date(day)},
        )
        self.writer.write_record(record)

    def save(self, path: Path) -> Path:
        path.write_bytes(self.buffer.getvalue())
        return path


def story(version: str) -> bytes:
    return page(
        "en",
        "Floods close the coastal road",
        f"Heavy rain flooded the coastal road on Tuesday, the police said ({version}).",
        "Drivers were told to use the mountain pass until the water goes down again.",
    )


@pytest.fixture
def archive() -> Any:
    archive = Archive.temporary()
    yield archive
    archive.close()


def run(archive: Archive, *paths: Path) -> tuple[Any, list[str]]:
    problems: list[str] = []
    report = ingest(archive, [str(p) for p in paths], problem=lambda e: problems.append(str(e)))
    return report, problems


def articles(archive: Archive) -> dict[str, Any]:
    return {s.article.url: s.article for s in archive.store.iter_articles()}


def mixed_warc(path: Path) -> Path:
    warc = Writer()
    for url, (language, title, *paragraphs) in PAGES.items():
        warc.response(url, page(language, title, *paragraphs))
    # Out of time order on purpose: the newest capture is written first.
    warc.response(STORY, story("update"), day="2024-03-05T08:00:00")
    warc.response(STORY, story("first report"), day="2024-03-01T08:00:00")
    warc.revisit(STORY, "2024-03-09T08:00:00")
    warc.response("https://news.example.com/logo.png", b"\x89PNG\r\n", content_type="image/png")
    warc.response("https://news.example.com/gone", b"<html>gone</html>", status="404 Not Found")
    return warc.save(path)


def test_html_responses_become_articles_in_their_languages(archive: Archive, tmp_path: Path):
    report, problems = run(archive, mixed_warc(tmp_path / "crawl.warc.gz"))
    assert problems == [] and report.failed == 0
    found = articles(archive)
    for url, (language, title, first, _) in PAGES.items():
        assert found[url].language == language
        assert found[url].title == title
        assert found[url].body.startswith(first)
    assert "Home" not in found[STORY].body


def test_non_html_records_are_skipped_not_failed(archive: Archive, tmp_path: Path):
    report, _ = run(archive, mixed_warc(tmp_path / "crawl.warc.gz"))
    assert report.added == 4 and report.failed == 0
    assert report.skipped == 2  # the image and the 404
    assert "https://news.example.com/logo.png" not in articles(archive)
    assert report.summary().endswith("skipped 2")


def test_repeated_captures_keep_the_newest_content_and_every_date(archive: Archive, tmp_path: Path):
    run(archive, mixed_warc(tmp_path / "crawl.warc.gz"))
    article = articles(archive)[STORY]
    assert "(update)" in article.body and "first report" not in article.body
    timemap = captures.timemap(archive.store, STORY)
    assert [(c.captured, c.kind) for c in timemap] == [
        ("2024-03-01T08:00:00Z", "response"),
        ("2024-03-05T08:00:00Z", "response"),
        ("2024-03-09T08:00:00Z", "revisit"),
    ]
    assert {c.article for c in timemap} == {article.id}  # the revisit belongs to it too
    assert all(c.origin.endswith("crawl.warc.gz") and c.offset is not None for c in timemap)


def test_an_older_archive_ingested_later_does_not_replace_newer_content(
    archive: Archive, tmp_path: Path
):
    newer, older = Writer(), Writer(gzip=False)
    newer.response(STORY, story("update"), day="2024-03-05T08:00:00")
    older.response(STORY, story("first report"), day="2024-03-01T08:00:00")
    run(archive, newer.save(tmp_path / "new.warc.gz"))
    report, _ = run(archive, older.save(tmp_path / "old.warc"))
    assert report.added == 0 and report.updated == 0
    assert "(update)" in articles(archive)[STORY].body
    assert len(captures.of_article(archive.store, articles(archive)[STORY].id)) == 2


def test_ingesting_the_same_archive_twice_changes_nothing(archive: Archive, tmp_path: Path):
    path = mixed_warc(tmp_path / "crawl.warc.gz")
    run(archive, path)
    report, _ = run(archive, path)
    # Five captures with content, four articles: the older capture of STORY is unchanged too.
    assert (report.added, report.updated, report.unchanged) == (0, 0, 5)
    assert len(captures.timemap(archive.store, STORY)) == 3


def record_spans(data: bytes) -> list[tuple[int, int]]:
    records = ArchiveIterator(io.BytesIO(data))
    spans = []
    for _ in records:
        spans.append((records.get_record_offset(), records.get_record_length()))
    return spans


def test_a_truncated_gzip_member_is_reported_and_the_rest_is_read(archive: Archive, tmp_path: Path):
    warc = Writer()
    urls = list(PAGES)
    for url in urls:
        language, title, *paragraphs = PAGES[url]
        warc.response(url, page(language, title, *paragraphs))
    data = warc.buffer.getvalue()
    (start, length), _ = record_spans(data)[1], record_spans(data)[2]
    damaged = data[: start + length // 2] + data[start + length :]
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(damaged)
    report, problems = run(archive, path)
    assert report.failed == 1 and problems[0].startswith(f"{path}@{start}: "), problems
    found = articles(archive)
    assert urls[0] in found and urls[2] in found and urls[1] not in found


def test_garbage_between_plain_records_costs_only_the_damaged_record(
    archive: Archive, tmp_path: Path
):
    warc = Writer(gzip=False)
    for url, (language, title, *paragraphs) in PAGES.items():
        warc.response(url, page(language, title, *paragraphs))
    data = warc.buffer.getvalue()
    spans = record_spans(data)
    start = spans[1][0]
    # The second record's header is overwritten: warcio cannot parse it at all.
    damaged = data[:start] + b"GARBAGE\r\n" + data[start + 9 :]
    path = tmp_path / "garbage.warc"
    path.write_bytes(damaged)
    report, problems = run(archive, path)
    assert report.failed >= 1 and any(f"{path}@{start}" in p for p in problems)
    found = articles(archive)
    assert set(PAGES) - {list(PAGES)[1]} <= set(found)


def test_bad_data_after_good_loses_nothing_already_stored(archive: Archive, tmp_path: Path):
    run(archive, mixed_warc(tmp_path / "crawl.warc.gz"))
    before = {s.article.id: s.content_hash for s in archive.store.iter_articles()}
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(b"\x1f\x8b\x08\x00" + b"\x00" * 40)
    report, problems = run(archive, broken)
    assert report.failed >= 1 and problems and str(broken) in problems[0]
    assert {s.article.id: s.content_hash for s in archive.store.iter_articles()} == before


def test_the_cli_reports_a_warc_with_its_summary(cli: Any, tmp_path: Path):
    result = cli("ingest", str(mixed_warc(tmp_path / "crawl.warc.gz")))
    assert result.exit_code == 0
    # The older capture of STORY counts as unchanged: its content is not what is kept.
    assert "added 4, updated 0, unchanged 1, failed 0, skipped 2" in result.stderr


# -- the shared samples ------------------------------------------------------------------

SAMPLE_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz", ".bad")


def sample_files(data_folder: Path) -> list[Path]:
    folder = data_folder / "warc"
    if not folder.is_dir():
        pytest.skip(f"no WARC samples in {folder}")
    return sorted(p for p in folder.rglob("*") if p.name.endswith(SAMPLE_SUFFIXES))


def test_every_shared_sample_ingests_without_a_traceback(data_folder: Path, tmp_path: Path):
    files = sample_files(data_folder)
    assert len(files) >= 20
    for path in files:
        archive = Archive.temporary()
        try:
            _, problems = run(archive, path)
        finally:
            archive.close()
        for problem in problems:
            assert problem.startswith(str(path)), problem
            assert "Traceback" not in problem


@pytest.mark.parametrize(
    ("name", "offset"),
    [
        ("example-trunc.warc", 2560),
        ("example-wrong-chunks.warc.gz", 516),
        ("example-bad-non-chunked.warc.gz", 0),
    ],
)
def test_damaged_samples_report_file_at_offset(
    data_folder: Path, archive: Archive, name: str, offset: int
):
    path = data_folder / "warc" / "warcio-test-data" / "test" / "data" / name
    if not path.exists():
        pytest.skip(f"{path} is absent")
    _, problems = run(archive, path)
    assert any(p.startswith(f"{path}@{offset}: ") for p in problems), problems


def test_a_non_chunked_gzip_still_yields_its_page_and_revisit(data_folder: Path, archive: Archive):
    path = data_folder / "warc" / "warcio-test-data" / "test" / "data"
    path = path / "example-bad-non-chunked.warc.gz"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    report, _ = run(archive, path)
    assert report.added == 1
    [article] = archive.store.iter_articles()
    assert article.article.url == "http://example.com/"
    assert len(captures.timemap(archive.store, "http://example.com/")) == 2


def test_arc_and_warc_of_the_same_crawl_agree(data_folder: Path):
    folder = data_folder / "warc" / "ukwa-webarchive-test-suite" / "small-arcs-and-warcs"
    names = [f"IAH-20080430204825-00000-blackbook-truncated.{s}" for s in ("arc", "warc.gz")]
    if not all((folder / n).exists() for n in names):
        pytest.skip("the ukwa samples are absent")
    urls = []
    for name in names:
        archive = Archive.temporary()
        run(archive, folder / name)
        urls.append(sorted(articles(archive)))
        archive.close()
    assert urls[0] == urls[1] and urls[0]


# -- one worker or two -------------------------------------------------------------------


def long_warc(path: Path) -> Path:
    """Enough pages for the worker pool, a story captured thrice across jobs, a cut record."""
    warc = Writer()
    for n in range(48):
        if n == 5:
            warc.response(STORY, story("update"), day="2024-03-05T08:00:00")
        if n == 30:
            warc.response(STORY, story("first report"), day="2024-03-01T08:00:00")
            warc.response("https://news.example.com/logo.png", b"\x89PNG", content_type="image/png")
        if n == 40:
            warc.revisit(STORY, "2024-03-09T08:00:00")
        title = f"Xəbər nömrə {n}: yeni körpü açılıb"
        warc.response(
            f"https://xeber.example.az/xeber/{n}",
            page("az", title, f"Şəhərdə yeni körpü açılıb, nömrə {n}.", "Sakinlər sevinir."),
        )
    data = warc.buffer.getvalue()
    start, length = record_spans(data)[20]
    path.write_bytes(data[: start + length // 2] + data[start + length :])
    return path


def what_ingest_left(
    paths: list[Path], workers: int, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, list[str], dict[str, tuple[str, str]], list[tuple[Any, ...]]]:
    monkeypatch.setenv("XRONIKA_WORKERS", str(workers))
    monkeypatch.setenv("XRONIKA_INGEST_BATCH", "7")  # newest-wins across many batches
    archive = Archive.temporary()
    try:
        report, problems = run(archive, *paths)
        stored = {
            s.article.id: (s.content_hash, str(s.provenance)) for s in archive.store.iter_articles()
        }
        rows = archive.store.connection.execute(
            "SELECT url, captured, kind, article, origin, origin_offset FROM captures "
            "ORDER BY url, captured"
        ).fetchall()
        return report.summary(), problems, stored, [tuple(row) for row in rows]
    finally:
        archive.close()


def test_two_workers_leave_exactly_what_one_leaves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = long_warc(tmp_path / "long.warc.gz")
    assert len(list(warc_jobs(path))) > SMALL_JOBS  # so the pool is used
    one = what_ingest_left([path], 1, monkeypatch)
    two = what_ingest_left([path], 2, monkeypatch)
    assert two == one
    summary, problems, stored, rows = two
    assert summary == "added 48, updated 0, unchanged 1, failed 1, skipped 1"
    assert len(problems) == 1 and problems[0].startswith(f"{path}@")
    assert all(provenance.startswith(f"{path}@") for _, provenance in stored.values())
    assert [(row[1], row[2]) for row in rows if row[0] == STORY] == [
        ("2024-03-01T08:00:00Z", "response"),
        ("2024-03-05T08:00:00Z", "response"),
        ("2024-03-09T08:00:00Z", "revisit"),
    ]
