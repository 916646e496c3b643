"""The character encoding of an HTML page, settled before extraction.

Pages reach ingest as bytes (files, WARC records). Old Azerbaijani, Russian and Turkish sites
still serve windows-1251, koi8-r, windows-1254 or iso-8859-9, often with a wrong or missing
declaration. We decide once, in this order: a byte-order mark; text that is valid UTF-8 with
non-ASCII letters (legacy bytes almost never are); the HTTP Content-Type charset; the page's
`<meta charset>` or http-equiv; detection with charset_normalizer, checked against the
letters our languages use. The page is then handed to the extractor as UTF-8, so the
extractor never has to guess again.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""",
    re.IGNORECASE,
)
_HEADER = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_SNIFF = 4096
# Browsers read these labels as the Windows code page that extends them (WHATWG Encoding);
# pages labelled latin1 or latin5 are in practice written with the Windows one.
_AS_BROWSERS_DO = {
    "latin_1": "cp1252",
    "ascii": "cp1252",
    "iso8859_9": "cp1254",
}
_CYRILLIC = ("cp1251", "koi8_r", "koi8_u", "iso8859_5", "cp866", "mac_cyrillic")
# Single-byte Latin code pages differ in a few slots: Turkish ş/ğ/ı/İ in cp1254 are
# Icelandic þ/ð/ý/Ý in cp1252 and something else again in iso8859_10. We pick the one
# whose letters belong to the languages we serve.
_LATIN_CANDIDATES = ("cp1254", "cp1252", "iso8859_2")
_OUR_LETTERS = frozenset(
    "çÇşŞğĞıİöÖüÜəƏâÂîÎûÛäÄéÉèÈêÊëËàÀáÁíÍóÓúÚñÑœŒßáãõÃÕ—–«»“”„‘’…•·№°€£§©®\u00a0"
)


def _codec(label: str) -> str | None:
    """Python's codec name for a charset label, or None when no codec has that name."""
    try:
        info = codecs.lookup(label.strip().strip("\"'"))
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None  # "base64" and friends are codecs, but not charsets
    name = info.name.replace("-", "_")
    return _AS_BROWSERS_DO.get(name, name)


def _plausibility(text: str) -> int:
    """How much a decoding reads like az/ru/tr/en text: good letters minus odd ones."""
    score = 0
    for char in text:
        if char < "\x80":
            continue
        if char in _OUR_LETTERS or "\u0400" <= char <= "\u04ff":
            score += 1
        else:
            score -= 1
    return score


def _detected(data: bytes) -> str:
    best = charset_normalizer.from_bytes(data).best()
    guess = _codec(best.encoding) if best is not None else None
    if guess in _CYRILLIC:
        return guess or "cp1251"
    candidates = [c for c in (guess, *_LATIN_CANDIDATES) if c]
    return max(
        candidates,
        key=lambda name: _plausibility(data.decode(name, errors="replace")),
    )


def _is_utf8_text(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def encoding_of(data: bytes, declared: str | None = None) -> str:
    """The codec to read a page with; `declared` is the HTTP header's Content-Type."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    if not data.isascii() and _is_utf8_text(data):
        return "utf_8"
    if declared:
        found = _HEADER.search(declared)
        codec = _codec(found.group(1)) if found else None
        if codec and codec != "utf_8":
            return codec
    meta = _META.search(data[:_SNIFF])
    if meta:
        codec = _codec(meta.group(1).decode("ascii", "replace"))
        if codec and codec not in ("utf_8", "utf_16", "utf_32"):
            return codec  # a UTF-8 label on bytes that are not UTF-8 is wrong: detect
    if data.isascii():
        return "utf_8"
    return _detected(data)


def decode_page(data: bytes, declared: str | None = None) -> str:
    """A page's text; bytes its codec cannot read become U+FFFD, never an error."""
    name = encoding_of(data, declared)
    text = data.decode(name, errors="replace")
    return text[1:] if text.startswith("\ufeff") else text


def as_utf8(data: bytes, declared: str | None = None) -> bytes:
    """A page re-encoded as UTF-8, its charset declarations rewritten to match."""
    name = encoding_of(data, declared)
    if name == "utf_8" and not data.startswith(codecs.BOM_UTF8):
        return data
    text = decode_page(data, declared)
    # The extractor would otherwise believe the old declaration and decode twice.
    text = (
        re.sub(
            r"""(<meta[^>]+?charset\s*=\s*["']?\s*)[A-Za-z0-9._:-]+""",
            r"\1utf-8",
            text[:_SNIFF],
            flags=re.IGNORECASE,
        )
        + text[_SNIFF:]
    )
    return text.encode("utf-8")
