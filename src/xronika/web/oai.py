"""OAI-PMH 2.0 at /oai: how libraries and national archives harvest the archive.

All six verbs, over GET and POST, with oai_dc records, sets by section and by language,
selective harvesting on the last change (`from`/`until`, day or second granularity),
resumption tokens, and deleted records (tombstones, see `store.harvest`). Failures are
answered in the protocol's own form, an <error code="..."> in an HTTP 200 document.

A resumption token carries the position reached (stamp and id of the last record sent)
and the request's own arguments, with a checksum. Its contents are checked again when it
comes back, so a changed token can at most ask for what a plain request could ask.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, unquote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from xronika.archive import Archive
from xronika.store import harvest
from xronika.web import oai_dc
from xronika.web.xmldoc import child, respond, text

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
PAGE_SIZE = 100
MAX_BODY_BYTES = 64 * 1024
PREFIX = "oai_dc"
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_SECOND = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")

# Arguments each verb takes: (required, optional); a resumptionToken stands alone.
VERBS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "Identify": (frozenset(), frozenset()),
    "ListMetadataFormats": (frozenset(), frozenset({"identifier"})),
    "ListSets": (frozenset(), frozenset()),
    "GetRecord": (frozenset({"identifier", "metadataPrefix"}), frozenset()),
    "ListIdentifiers": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set"})),
    "ListRecords": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set"})),
}
RESUMABLE = frozenset({"ListIdentifiers", "ListRecords", "ListSets"})


class OaiError(Exception):
    """A protocol error: its code is one of OAI-PMH's own."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Listing:
    """What a list request asks for, whether it came as arguments or as a token."""

    verb: str
    selective: harvest.Selective
    set_spec: str | None
    after: tuple[str, str] | None = None
    cursor: int = 0

    def token(self, after: tuple[str, str], cursor: int) -> str:
        state = {
            "verb": self.verb,
            "set": self.set_spec,
            "from": self.selective.stamp_from,
            "until": self.selective.stamp_until,
            "after": list(after),
            "cursor": cursor,
        }
        payload = base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")
        return f"{payload}.{_checksum(payload)}"


def _checksum(payload: str) -> str:
    return hashlib.blake2b(payload.encode(), key=b"xronika-oai", digest_size=8).hexdigest()


# -- reading a request ----------------------------------------------------------------


def arguments(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """The request's arguments; the verb is checked first, then the rest (badArgument)."""
    verbs = [value for name, value in pairs if name == "verb"]
    if len(verbs) != 1 or verbs[0] not in VERBS:
        raise OaiError("badVerb", "the verb is missing, repeated or not an OAI-PMH verb")
    found: dict[str, str] = {}
    for name, value in pairs:
        if name in found:
            raise OaiError("badArgument", f"the argument {name} is repeated")
        found[name] = value
    verb = found.pop("verb")
    required, optional = VERBS[verb]
    if "resumptionToken" in found and verb in RESUMABLE:
        if len(found) > 1:
            raise OaiError("badArgument", "a resumptionToken must be the only argument")
        return {"verb": verb, **found}
    unknown = set(found) - required - optional
    if unknown:
        raise OaiError("badArgument", f"{verb} does not take {', '.join(sorted(unknown))}")
    missing = required - set(found)
    if missing:
        raise OaiError("badArgument", f"{verb} needs {', '.join(sorted(missing))}")
    empty = [name for name, value in found.items() if not value]
    if empty:
        raise OaiError("badArgument", f"{', '.join(sorted(empty))} may not be empty")
    return {"verb": verb, **found}


def _stamp(value: str, *, end: bool) -> tuple[str, str]:
    """A from/until value as a store stamp and its granularity ("day" or "second")."""
    try:
        if _DAY.fullmatch(value):
            moment = datetime.fromisoformat(value).replace(tzinfo=UTC)
            if end:
                moment += timedelta(days=1, seconds=-1)
            return moment.isoformat(), "day"
        if _SECOND.fullmatch(value):
            return datetime.fromisoformat(value[:-1]).replace(tzinfo=UTC).isoformat(), "second"
    except ValueError:
        pass
    raise OaiError("badArgument", f"{value!r} is not YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ")


def listing(verb: str, args: dict[str, str]) -> Listing:
    """A list request's arguments as a Listing (metadataPrefix already checked)."""
    stamp_from = stamp_until = None
    granularities = set()
    if "from" in args:
        stamp_from, grain = _stamp(args["from"], end=False)
        granularities.add(grain)
    if "until" in args:
        stamp_until, grain = _stamp(args["until"], end=True)
        granularities.add(grain)
    if len(granularities) > 1:
        raise OaiError("badArgument", "from and until must have the same granularity")
    if stamp_from and stamp_until and stamp_from > stamp_until:
        raise OaiError("badArgument", "from is later than until")
    return _with_set(verb, args.get("set"), stamp_from, stamp_until)


def _with_set(
    verb: str, spec: str | None, stamp_from: str | None, stamp_until: str | None
) -> Listing:
    facet = value = None
    if spec is not None:
        parsed = oai_dc.parse_set(spec)
        if parsed is None:
            raise OaiError("noRecordsMatch", f"there is no set {spec!r}")
        facet, value = parsed
    return Listing(verb, harvest.Selective(facet, value, stamp_from, stamp_until), spec)


def resume(verb: str, token: str) -> Listing:
    """A resumption token back as the Listing it continues."""
    bad = OaiError("badResumptionToken", "the resumptionToken is not valid or has expired")
    payload, _, checksum = token.partition(".")
    if not payload or checksum != _checksum(payload):
        raise bad
    try:
        state = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        stamps = [state["from"], state["until"], *state["after"]]
        after = (str(state["after"][0]), str(state["after"][1]))
        cursor = state["cursor"]
        valid = (
            state["verb"] == verb
            and isinstance(cursor, int)
            and cursor >= 0
            and len(state["after"]) == 2
            and all(s is None or isinstance(s, str) for s in stamps)
            and all(s is None or datetime.fromisoformat(s) for s in stamps[:3])
        )
        spec = state["set"]
        if not valid or not (spec is None or isinstance(spec, str)):
            raise bad
        base = _with_set(verb, spec, state["from"], state["until"])
    except (ValueError, KeyError, TypeError, IndexError, OaiError):
        raise bad from None
    return Listing(verb, base.selective, spec, after, cursor)


# -- answering ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Context:
    """What every answer needs: the archive, this server's addresses and the request."""

    archive: Archive
    base_url: str  # this endpoint, as harvesters call it
    site: str  # the archive's root, for links to articles
    host: str  # the repository part of OAI identifiers


def _article_id(context: Context, value: str) -> str:
    prefix = f"oai:{context.host}:"
    if not value.startswith(prefix):
        raise OaiError("idDoesNotExist", f"{value!r} is not an identifier of this repository")
    return unquote(value[len(prefix) :])


def _check_prefix(args: dict[str, str]) -> None:
    if args.get("metadataPrefix", PREFIX) != PREFIX:
        raise OaiError("cannotDisseminateFormat", f"the only metadata format is {PREFIX}")


def identify(context: Context, parent: ET.Element, args: dict[str, str]) -> None:
    element = child(parent, "Identify")
    child(element, "repositoryName", "xronika news archive")
    child(element, "baseURL", context.base_url)
    child(element, "protocolVersion", "2.0")
    child(element, "adminEmail", f"archive@{context.host}")
    earliest = harvest.earliest(context.archive.store)
    stamp = oai_dc.datestamp(earliest) if earliest else "1970-01-01T00:00:00Z"
    child(element, "earliestDatestamp", stamp)
    child(element, "deletedRecord", "persistent")
    child(element, "granularity", "YYYY-MM-DDThh:mm:ssZ")


def list_metadata_formats(context: Context, parent: ET.Element, args: dict[str, str]) -> None:
    if "identifier" in args:
        article_id = _article_id(context, args["identifier"])
        if harvest.record(context.archive.store, article_id) is None:
            raise OaiError("idDoesNotExist", f"no record {args['identifier']!r}")
    element = child(parent, "ListMetadataFormats")
    form = child(element, "metadataFormat")
    child(form, "metadataPrefix", PREFIX)
    child(form, "schema", oai_dc.OAI_DC_SCHEMA)
    child(form, "metadataNamespace", oai_dc.OAI_DC)


def list_sets(context: Context, parent: ET.Element, args: dict[str, str]) -> None:
    if "resumptionToken" in args:
        raise OaiError("badResumptionToken", "ListSets is answered in one response")
    element = child(parent, "ListSets")
    for facet in oai_dc.FACETS:
        item = child(element, "set")
        child(item, "setSpec", facet)
        child(item, "setName", f"by {facet}")
        for value, _ in harvest.set_values(context.archive.store, facet):
            item = child(element, "set")
            child(item, "setSpec", oai_dc.set_spec(facet, value))
            child(item, "setName", f"{facet}: {value}")


def get_record(context: Context, parent: ET.Element, args: dict[str, str]) -> None:
    _check_prefix(args)
    article_id = _article_id(context, args["identifier"])
    record = harvest.record(context.archive.store, article_id)
    if record is None:
        raise OaiError("idDoesNotExist", f"no record {args['identifier']!r}")
    oai_dc.full_record(child(parent, "GetRecord"), record, context.host, context.site)


def list_records(context: Context, parent: ET.Element, args: dict[str, str]) -> None:
    verb = args["verb"]
    if "resumptionToken" in args:
        wanted = resume(verb, args["resumptionToken"])
    else:
        _check_prefix(args)
        wanted = listing(verb, args)
    store = context.archive.store
    full = verb == "ListRecords"
    found = harvest.records(
        store, wanted.selective, wanted.after, PAGE_SIZE + 1, with_articles=full
    )
    if not found:
        if wanted.after is None:
            raise OaiError("noRecordsMatch", "no record matches these arguments")
        raise OaiError("badResumptionToken", "the list this token continues has changed")
    page, more = found[:PAGE_SIZE], len(found) > PAGE_SIZE
    element = child(parent, verb)
    for record in page:
        if full:
            oai_dc.full_record(element, record, context.host, context.site)
        else:
            oai_dc.header(element, record, context.host)
    if more or wanted.after is not None:
        size = harvest.count(store, wanted.selective)
        attrs = {"completeListSize": str(size), "cursor": str(wanted.cursor)}
        token = child(element, "resumptionToken", **attrs)
        if more:
            last = page[-1]
            token.text = wanted.token((last.stamp, last.id), wanted.cursor + len(page))


Verb = Callable[[Context, ET.Element, dict[str, str]], None]
ANSWERS: dict[str, Verb] = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_records,
    "ListRecords": list_records,
}


def answer(context: Context, pairs: list[tuple[str, str]]) -> ET.Element:
    """The whole OAI-PMH response document for one request."""
    root = ET.Element(
        "OAI-PMH",
        {"xmlns": OAI, "xmlns:xsi": oai_dc.XSI, "xsi:schemaLocation": f"{OAI} {OAI_SCHEMA}"},
    )
    child(root, "responseDate", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    request = child(root, "request", context.base_url)
    try:
        args = arguments(pairs)
        for name, value in args.items():
            request.set(name, text(value))
        ANSWERS[args["verb"]](context, root, args)
    except OaiError as error:
        if error.code in ("badVerb", "badArgument"):
            request.attrib.clear()  # the spec: echo no arguments of a request it rejects
        for element in list(root)[2:]:
            root.remove(element)
        child(root, "error", error.message, code=error.code)
    return root


def router(archive: Archive) -> APIRouter:
    oai = APIRouter(tags=["harvesting"])

    @oai.get("/oai", response_class=Response, include_in_schema=False)
    @oai.post("/oai", response_class=Response, include_in_schema=False)
    async def oai_pmh(request: Request) -> Response:
        """OAI-PMH 2.0 (verbs Identify, ListMetadataFormats, ListSets, ListIdentifiers,
        ListRecords, GetRecord); oai_dc records; sets `section:…` and `language:…`."""
        pairs = parse_qsl(request.url.query, keep_blank_values=True)
        if request.method == "POST":
            body = await request.body()
            if len(body) > MAX_BODY_BYTES:
                pairs = [("verb", "")]  # answered as badVerb: nothing sensible to read
            else:
                pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        base = str(request.url.replace(query="", fragment=""))
        site = str(request.base_url).rstrip("/")
        context = Context(archive, base, site, request.url.hostname or "localhost")
        # Store reads run off the event loop (the store's connections are per thread).
        root = await run_in_threadpool(answer, context, pairs)
        return respond(root, "text/xml; charset=utf-8")

    return oai
