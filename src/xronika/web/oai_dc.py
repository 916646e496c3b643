"""OAI-PMH records: headers, set names and an article in simple Dublin Core (oai_dc).

setSpecs may only hold `A-Za-z0-9-_.!~*'()` between colons, while sections are named in
any script ("Xəbər", "Политика"), so a set value keeps those characters as they are and
writes every other byte of its UTF-8 form as `~XX` (and `~` itself as `~7E`): readable
for Latin names, reversible for all. The human name is in the set's setName.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from urllib.parse import quote

from xronika.model import Article
from xronika.store.harvest import Record
from xronika.web.xmldoc import child

OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
FACETS = ("section", "language")
DESCRIPTION_CHARS = 400

_KEPT = re.compile(r"[A-Za-z0-9\-_.!*'()]")
_ENCODED = re.compile(r"(?:[A-Za-z0-9\-_.!*'()]|~[0-9A-F]{2})+")


def set_value(value: str) -> str:
    """A section or language as a setSpec part (see the module docstring)."""
    return "".join(
        char if _KEPT.fullmatch(char) else "".join(f"~{byte:02X}" for byte in char.encode())
        for char in value
    )


def set_spec(facet: str, value: str) -> str:
    return f"{facet}:{set_value(value)}"


def parse_set(spec: str) -> tuple[str, str | None] | None:
    """A setSpec as (facet, value); value None for the whole facet; None when not ours."""
    facet, colon, encoded = spec.partition(":")
    if facet not in FACETS:
        return None
    if not colon:
        return facet, None
    if not _ENCODED.fullmatch(encoded):
        return None
    raw = bytearray()
    index = 0
    while index < len(encoded):
        if encoded[index] == "~":
            raw.append(int(encoded[index + 1 : index + 3], 16))
            index += 3
        else:
            raw.extend(encoded[index].encode())
            index += 1
    try:
        return facet, raw.decode()
    except UnicodeDecodeError:
        return None


def datestamp(stamp: str) -> str:
    """A store time (ISO 8601 UTC) as OAI-PMH's YYYY-MM-DDThh:mm:ssZ."""
    moment = datetime.fromisoformat(stamp)
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def identifier(host: str, article_id: str) -> str:
    return f"oai:{host}:{quote(article_id, safe='')}"


def header(parent: ET.Element, record: Record, host: str) -> ET.Element:
    attrs = {"status": "deleted"} if record.deleted else {}
    element = child(parent, "header", **attrs)
    child(element, "identifier", identifier(host, record.id))
    child(element, "datestamp", datestamp(record.stamp))
    if record.section:
        child(element, "setSpec", set_spec("section", record.section))
    if record.language:
        child(element, "setSpec", set_spec("language", record.language))
    return element


def full_record(parent: ET.Element, record: Record, host: str, site: str) -> None:
    """A <record>: the header, and Dublin Core unless the record is deleted."""
    element = child(parent, "record")
    header(element, record, host)
    if not record.deleted and record.stored is not None:
        metadata = child(element, "metadata")
        dublin_core(metadata, record.stored.article, site)


def _description(body: str) -> str:
    if len(body) <= DESCRIPTION_CHARS:
        return body
    cut = body[:DESCRIPTION_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:") + " …"


def dublin_core(parent: ET.Element, article: Article, site: str) -> None:
    """The article as oai_dc: our copy's address and the original's are both identifiers."""
    dc = ET.SubElement(
        parent,
        "oai_dc:dc",
        {
            "xmlns:oai_dc": OAI_DC,
            "xmlns:dc": DC,
            "xmlns:xsi": XSI,
            "xsi:schemaLocation": f"{OAI_DC} {OAI_DC_SCHEMA}",
        },
    )
    child(dc, "dc:title", article.title)
    for author in article.authors:
        child(dc, "dc:creator", author)
    for subject in (article.section, *article.tags):
        if subject:
            child(dc, "dc:subject", subject)
    child(dc, "dc:description", _description(article.body))
    if article.published:
        child(dc, "dc:date", article.published)
    if article.language:
        child(dc, "dc:language", article.language)
    if article.source:
        child(dc, "dc:source", article.source)
    child(dc, "dc:identifier", f"{site}/articles/{quote(article.id, safe='')}")
    if article.url:
        child(dc, "dc:identifier", article.url)
