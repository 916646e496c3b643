"""HTML pages in legacy encodings: Russian, Turkish and Azerbaijani text comes out right.

Every page here is written by the test and encoded by it, with and without a declaration,
so the decision order (BOM, UTF-8, HTTP header, meta charset, detection) is exercised.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from xronika.archive import Archive
from xronika.ingest import ingest
from xronika.ingest.encoding import decode_page, encoding_of

RU = (
    "Правительство объявило о новых мерах поддержки экономики",
    "Министр финансов заявил, что бюджет будет исполнен полностью, а инфляция "
    "снизится к концу года. Ёлки на площади установят в декабре.",
)
TR = (
    "İstanbul'da ihracat rekor kırdı",
    "Türkiye'nin ihracatı geçen ay rekor kırdı; çalışanların ücretleri artırıldı ve "
    "işsizlik oranı düştü. Öğrenciler için yeni burslar açıklandı.",
)
# Azerbaijani without ə, which no legacy Latin code page has: what old az sites could write.
AZ_LEGACY = (
    "Quba rayonunda yeni körpü tikilib",
    "Körpünün uzunluğu iyirmi metrdir. Yağış yağdığı üçün iş bir ay dayanıb, indi isə "
    "sürücülər yolu rahat keçir. Sakinlər şadlığını gizlətmir.".replace("ə", "e"),
)
AZ = (
    "Gəncədə yeni məktəb açılıb",
    "Gəncə şəhərində min şagird üçün yeni məktəb binası istifadəyə verilib. "
    "Təhsil naziri açılış mərasimində iştirak edib və müəllimləri təbrik edib.",
)


def page(title: str, text: str, meta: str = "") -> str:
    return (
        f"<html><head>{meta}<title>{title}</title></head><body>"
        f"<article><h1>{title}</h1><p>{text}</p><p>{text}</p></article></body></html>"
    )


def ingested(tmp_path: Path, name: str, data: bytes) -> tuple[str, str]:
    path = tmp_path / name
    path.write_bytes(data)
    archive = Archive.temporary()
    try:
        report = ingest(archive, [str(path)])
        assert report.failed == 0, report
        [stored] = archive.store.iter_articles()
        return stored.article.title, stored.article.body
    finally:
        archive.close()


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        (RU, "cp1251"),
        (RU, "koi8-r"),
        (TR, "windows-1254"),
        (TR, "iso-8859-9"),
        (AZ_LEGACY, "windows-1254"),
        (AZ_LEGACY, "iso-8859-9"),
    ],
)
@pytest.mark.parametrize("declared", ["meta charset", "http-equiv", "nothing"])
def test_legacy_pages_decode_with_or_without_a_declaration(
    tmp_path: Path, text: tuple[str, str], codec: str, declared: str
) -> None:
    meta = {
        "meta charset": f'<meta charset="{codec}">',
        "http-equiv": f'<meta http-equiv="Content-Type" content="text/html; charset={codec}">',
        "nothing": "",
    }[declared]
    title, body = ingested(tmp_path, "page.html", page(*text, meta=meta).encode(codec))
    assert title == text[0]
    assert body.startswith(text[1])


def test_a_utf16_page_with_a_bom_keeps_every_azerbaijani_letter(tmp_path: Path) -> None:
    title, body = ingested(tmp_path, "az.html", page(*AZ).encode("utf-16"))
    assert title == AZ[0] and body.startswith(AZ[1])


def test_a_utf8_page_wrongly_labelled_as_cp1251_stays_utf8(tmp_path: Path) -> None:
    data = page(*AZ, meta='<meta charset="windows-1251">').encode("utf-8")
    title, body = ingested(tmp_path, "az.html", data)
    assert title == AZ[0] and "ə" in body


def test_a_utf8_label_on_cp1251_bytes_is_not_believed() -> None:
    data = page(*RU, meta='<meta charset="utf-8">').encode("cp1251")
    assert encoding_of(data) == "cp1251"
    assert RU[1] in decode_page(data)


def test_the_http_header_wins_over_the_page_when_they_disagree() -> None:
    data = page(*RU, meta='<meta charset="iso-8859-1">').encode("koi8-r")
    assert encoding_of(data, "text/html; charset=KOI8-R") == "koi8_r"


def test_an_unknown_label_falls_back_to_detection() -> None:
    data = page(*TR, meta='<meta charset="x-no-such-charset">').encode("cp1254")
    assert TR[1] in decode_page(data)
