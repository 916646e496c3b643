"""Building XML documents (Atom, OpenSearch, sitemaps) with ElementTree, never by hand.

ElementTree escapes text and attributes; what it does not do is drop the characters XML
1.0 forbids (most C0 controls, lone surrogates, U+FFFE/U+FFFF), which old articles do
carry. `text()` removes them, so a feed is always well-formed whatever was ingested.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from fastapi.responses import Response

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def text(value: str) -> str:
    return _NOT_XML.sub("", value)


def child(parent: ET.Element, tag: str, value: str | None = None, **attrs: str) -> ET.Element:
    """Append an element with (cleaned) text and attributes."""
    element = ET.SubElement(parent, tag, {k: text(v) for k, v in attrs.items()})
    if value is not None:
        element.text = text(value)
    return element


def timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC, as Atom and sitemaps want it."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def store_time(value: str) -> datetime:
    """A store timestamp (ISO 8601, UTC) as an aware datetime."""
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def document(tag: str, namespace: str) -> ET.Element:
    """A root element declaring `namespace` as the default, so no element needs a prefix."""
    return ET.Element(tag, {"xmlns": namespace})


def respond(root: ET.Element, media_type: str) -> Response:
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type=media_type, headers={"X-Content-Type-Options": "nosniff"})
