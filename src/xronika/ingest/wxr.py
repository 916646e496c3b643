"""WordPress exports (WXR, the .xml file of Tools → Export): one article per published post.

Only items of type `post` with status `publish` become articles; drafts, private and
pending posts, pages and attachments are skipped and counted: an archive holds what was
published. The first category is the section, `post_tag` terms are the tags, the
author's login is mapped to the display name the export lists. The GMT date is used when
WordPress recorded one (drafts carry 0000-00-00), else the local date without a zone.

The XML is parsed without network access and without expanding entities, so an export
cannot make ingest fetch URLs or blow up in memory (billion laughs).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lxml import etree, html  # type: ignore[import-untyped]

from xronika.errors import InvalidRecord, SourceError
from xronika.ingest.records import finalise
from xronika.ingest.skipped import Skipped
from xronika.model import Article, Draft, Provenance

_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
_WP_PREFIX = "http://wordpress.org/export/"
_BLOCKS = (
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figure",
    "figcaption", "pre", "table", "tr", "ul", "ol", "section", "article",
)  # fmt: skip
_NO_DATE = "0000-00-00 00:00:00"

Output = tuple[Article | InvalidRecord, Provenance] | Skipped


def _parser() -> Any:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def _wp_namespace(root: Any) -> str | None:
    for uri in root.nsmap.values():
        # the excerpt namespace shares the prefix: .../export/1.2/excerpt/
        if uri and re.fullmatch(re.escape(_WP_PREFIX) + r"\d+\.\d+/?", uri):
            return str(uri)
    return None


def _text_of(content: str) -> str:
    """Post HTML to plain text, paragraphs kept (WordPress also uses blank lines for them)."""
    if not content.strip():
        return ""
    try:
        tree = html.fragment_fromstring(content, create_parent="div")
    except etree.ParserError:
        return ""
    for element in tree.iter("script", "style", "noscript"):
        element.drop_tree()
    for element in tree.iter("br"):
        element.tail = "\n" + (element.tail or "")
    for element in tree.iter(*_BLOCKS):
        element.tail = "\n\n" + (element.tail or "")
    return str(tree.text_content())


def _published(item: Any, wp: str) -> str | None:
    gmt = (item.findtext(f"{{{wp}}}post_date_gmt") or "").strip()
    if gmt and gmt != _NO_DATE:
        return gmt.replace(" ", "T") + "+00:00"
    local = (item.findtext(f"{{{wp}}}post_date") or "").strip()
    if local and local != _NO_DATE:
        return local.replace(" ", "T")
    return None


def _draft(item: Any, wp: str, authors: dict[str, str], channel: dict[str, str]) -> Draft:
    sections = [
        (c.text or "").strip() for c in item.findall("category") if c.get("domain") == "category"
    ]
    tags = [
        (c.text or "").strip() for c in item.findall("category") if c.get("domain") == "post_tag"
    ]
    creator = (item.findtext(_CREATOR) or "").strip()
    url = (item.findtext("link") or "").strip() or (item.findtext("guid") or "").strip()
    return Draft(
        body=_text_of(item.findtext(_CONTENT) or ""),
        title=(item.findtext("title") or "").strip() or None,
        url=url or None,
        published=_published(item, wp),
        language=channel.get("language"),
        section=next((s for s in sections if s), None),
        source=channel.get("source"),
        tags=[t for t in dict.fromkeys(tags) if t],
        authors=[authors.get(creator, creator)] if creator else [],
    )


def read_export(path: Path, data: bytes) -> list[Output]:
    """Every post of an export: articles, skipped items, and bad posts as `file:line`."""
    origin = str(path)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        line = error.lineno or 1
        raise SourceError(
            f"malformed XML: {error.msg}", where=f"{origin}:{line}", hint="is the export complete?"
        ) from None
    wp = _wp_namespace(root)
    channel_element = root.find("channel")
    if wp is None or channel_element is None:
        raise SourceError(
            "not a WordPress export (no WXR namespace or channel)",
            where=origin,
            hint="export it from WordPress with Tools → Export",
        )
    authors = {
        (a.findtext(f"{{{wp}}}author_login") or "").strip(): (
            a.findtext(f"{{{wp}}}author_display_name") or ""
        ).strip()
        for a in channel_element.findall(f"{{{wp}}}author")
    }
    authors = {login: name for login, name in authors.items() if login and name}
    language = re.match(r"[A-Za-z]{2,3}", channel_element.findtext("language") or "")
    channel = {"source": (channel_element.findtext("title") or "").strip()}
    if language:
        channel["language"] = language.group(0).lower()
    found: list[Output] = []
    for item in channel_element.iter("item"):
        place = Provenance(origin, line=item.sourceline)
        where = str(place)
        kind = (item.findtext(f"{{{wp}}}post_type") or "post").strip()
        status = (item.findtext(f"{{{wp}}}status") or "publish").strip()
        if kind != "post":
            found.append(Skipped(f"a WordPress {kind}, not a post", where))
            continue
        if status != "publish":
            found.append(Skipped(f"a {status} post: only published posts are archived", where))
            continue
        try:
            found.append((finalise(_draft(item, wp, authors, channel), where), place))
        except InvalidRecord as problem:
            found.append((problem, place))
    return found
