"""The command line: each command opens the archive, makes one library call, and turns
errors into one clear line on stderr (exit 1; 2 for usage errors). No tracebacks.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from xronika import settings
from xronika.archive import Archive
from xronika.errors import NotFound, UsageError, XronikaError

F = TypeVar("F", bound=Callable[..., Any])
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


class Context:
    def __init__(self, data: str | None):
        self.folder = settings.data_folder(data)
        self._archive: Archive | None = None

    def archive(self, *, create: bool = False) -> Archive:
        if self._archive is None:
            if not create and not (self.folder / "archive.sqlite3").exists():
                raise UsageError(
                    f"no archive in {self.folder}",
                    hint="ingest something first, or pass --data DIR",
                )
            self._archive = Archive.open(self.folder)
        return self._archive


def fail(error: XronikaError) -> None:
    err.print(f"[red]error:[/red] {Text(str(error)).markup}")
    raise SystemExit(2 if isinstance(error, UsageError) else 1)


@contextmanager
def reported() -> Iterator[None]:
    try:
        yield
    except XronikaError as error:
        fail(error)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--data",
    metavar="DIR",
    help="data folder (default: $XRONIKA_DATA, else ./archive)",
)
@click.version_option(package_name="xronika")
@click.pass_context
def main(ctx: click.Context, data: str | None) -> None:
    """xronika: a news archive you can search in Azerbaijani, Russian, Turkish and English.

    Example: xronika --data ./archive search "20 Yanvar"
    """
    ctx.obj = Context(data)


def _progress() -> Progress | None:
    if not sys.stderr.isatty():
        return None
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


@main.command()
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="CSV column for an article field (repeatable), or a JSON file of them",
)
@click.option("--crawl", is_flag=True, help="follow links from each URL, within its site")
@click.option("--depth", type=click.IntRange(0), default=2, show_default=True, help="links deep")
@click.option(
    "--max-pages",
    type=click.IntRange(1),
    default=1000,
    show_default=True,
    help="most pages fetched for one source",
)
@click.option(
    "--delay",
    type=click.FloatRange(0),
    default=1.0,
    show_default=True,
    help="seconds between two requests to one host",
)
@click.option(
    "--timeout", type=click.FloatRange(0.1), default=20.0, show_default=True, help="seconds"
)
@click.option(
    "--max-bytes",
    type=click.IntRange(1024),
    default=10 * 1024 * 1024,
    show_default=True,
    help="largest response accepted (after decompression)",
)
@click.option(
    "--since",
    metavar="DATE",
    help="skip feed and sitemap items, and crawled pages, dated before DATE",
)
@click.option(
    "--log",
    "log_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="append a JSONL line to FILE after each durable commit (what is stored so far)",
)
@click.pass_obj
def ingest(
    ctx: Context,
    sources: tuple[str, ...],
    maps: tuple[str, ...],
    crawl: bool,
    depth: int,
    max_pages: int,
    delay: float,
    timeout: float,
    max_bytes: int,
    since: str | None,
    log_path: Path | None,
) -> None:
    """Ingest files, directories (walked recursively), globs and URLs.

    Reads JSONL or JSON in the article format, HTML pages (in any encoding), plain text and
    Markdown (with optional YAML front matter), CSV/TSV with a header row, WARC/ARC web
    archives and WordPress exports. A URL is fetched: an article page, or an RSS/Atom feed
    or sitemap whose pages are fetched in turn (local feed and sitemap files too); with
    --crawl, its site is followed politely (robots.txt, --delay per host, --depth,
    --max-pages; section fronts and tag pages are skipped). Ends with: added N, updated N,
    unchanged N, failed N (and skipped N for records that are not articles).

    Example: xronika ingest articles.jsonl pages/ https://news.example/sitemap.xml --since 2024-01-01
    """
    from xronika.ingest import ingest as run
    from xronika.ingest.fetch import FetchPolicy
    from xronika.ingest.log import IngestLog
    from xronika.ingest.tables import parse_map
    from xronika.ingest.web import WebOptions
    from xronika.model import parse_published

    with reported():
        mapping = parse_map(maps)
        try:
            since_at = parse_published(since).instant if since else None
        except ValueError as error:
            raise UsageError(f"--since: {error}", hint="write it as YYYY-MM-DD") from None
        options = WebOptions(
            crawl=crawl,
            depth=depth,
            max_pages=max_pages,
            since=since_at,
            policy=FetchPolicy(delay=delay, timeout=timeout, max_bytes=max_bytes),
        )
        log = IngestLog(log_path) if log_path else None
        archive = ctx.archive(create=True)
        progress = _progress()
        committed = log.stored if log else None

        def problem(error: XronikaError) -> None:
            (progress.console if progress else err).print(Text(str(error)))
            if log:
                log.failed(error)

        if progress is None:
            report = run(
                archive,
                sources,
                problem=problem,
                committed=committed,
                mapping=mapping,
                web_options=options,
            )
        else:
            with progress:
                reading = progress.add_task("reading", total=None)
                indexing = progress.add_task("indexing", total=None)
                report = run(
                    archive,
                    sources,
                    problem=problem,
                    advance=lambda n: progress.advance(reading, n),
                    sync_advance=lambda n: progress.advance(indexing, n),
                    committed=committed,
                    mapping=mapping,
                    web_options=options,
                )
        if log:
            log.done(report)
            log.close()
        click.echo(report.summary(), err=True)
        if report.unreadable:
            raise SystemExit(1)


def _print_hits(result: dict[str, Any]) -> None:
    total = result["total"]
    note = " (no article has every word: closest matches)" if result["partial"] else ""
    out.print(f"{total} articles{note}, {result['took_ms']} ms")
    if result["suggestion"]:
        out.print(f"did you mean: [bold]{Text(result['suggestion']).markup}[/bold]")
    for number, hit in enumerate(result["hits"], (result["page"] - 1) * result["per_page"] + 1):
        meta = " · ".join(
            str(v) for v in (hit["published"], hit["language"], hit["source"], hit["id"]) if v
        )
        out.print(Text(f"{number}. ", style="dim") + Text(hit["title"], style="bold"))
        out.print(Text("   " + meta, style="dim"))
        out.print(Text("   ") + marked(hit["snippet"]))


def marked(snippet: str) -> Text:
    """A snippet's <mark> tags as terminal highlighting."""
    import html as html_lib

    text = Text()
    for index, part in enumerate(re.split(r"</?mark>", snippet)):
        text.append(html_lib.unescape(part), style="bold yellow" if index % 2 else "")
    return text


@main.command()
@click.argument("query", required=False, default="")
@click.option("--lang", "languages", multiple=True, help="only this language (repeatable)")
@click.option("--section", "sections", multiple=True, help="only this section (repeatable)")
@click.option("--source", "sources", multiple=True, help="only this source (repeatable)")
@click.option("--from", "date_from", metavar="DATE", help="published on or after YYYY[-MM[-DD]]")
@click.option("--to", "date_to", metavar="DATE", help="published on or before YYYY[-MM[-DD]]")
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance")
@click.option("--limit", type=int, default=10, show_default=True)
@click.option("--offset", type=int, default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="print the result object as JSON")
@click.option(
    "--queries",
    type=click.Path(dir_okay=False, path_type=Path),
    help="answer every line of FILE as a query, one JSON object per line",
)
@click.pass_obj
def search(
    ctx: Context,
    query: str,
    languages: tuple[str, ...],
    sections: tuple[str, ...],
    sources: tuple[str, ...],
    date_from: str | None,
    date_to: str | None,
    sort: str,
    limit: int,
    offset: int,
    as_json: bool,
    queries: Path | None,
) -> None:
    """Search the archive.

    All words must match; "exact phrases", -excluded words, OR, word* prefixes and the
    filters lang:, section:, source:, tag:, year: work inside the query.

    Example: xronika search "şəhid" --lang az --from 1990 --to 1995 --sort newest
    """
    from xronika.search import SearchRequest
    from xronika.search import search as run

    with reported():
        archive = ctx.archive()

        def one(text: str) -> dict[str, Any]:
            request = SearchRequest(
                query=text, languages=languages, sections=sections, sources=sources,
                date_from=date_from, date_to=date_to, sort=sort, limit=limit, offset=offset,
            )  # fmt: skip
            return run(archive, request).to_json()

        if queries is not None:
            try:
                lines = queries.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as error:
                raise UsageError(
                    f"cannot read the queries file: {error}", where=str(queries)
                ) from None
            for line in lines:
                if line.strip():
                    click.echo(json.dumps(one(line.strip()), ensure_ascii=False))
            return
        if not query:
            raise UsageError("give a QUERY, or --queries FILE")
        result = one(query)
        if as_json:
            click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            _print_hits(result)


@main.command()
@click.argument("article_id")
@click.option("--json", "as_json", is_flag=True, help="print the article as JSON")
@click.pass_obj
def show(ctx: Context, article_id: str, as_json: bool) -> None:
    """Show one article.

    Example: xronika show sample-az-001 --json
    """
    from xronika.store.duplicates import standing

    with reported():
        archive = ctx.archive()
        stored = archive.store.get(article_id)
        if stored is None:
            raise NotFound(
                f"no article with id {article_id!r}", hint="find ids with `xronika search`"
            )
        article = stored.article
        group = standing(archive.store, article.id, stored.copy_of)
        if as_json:
            click.echo(json.dumps({**article.to_json(), **group}, ensure_ascii=False, indent=2))
            return
        out.print(Text(article.title, style="bold"))
        meta = [article.published, article.language, article.section, article.source]
        out.print(Text(" · ".join(v for v in meta if v), style="dim"))
        if article.authors:
            out.print(Text(", ".join(article.authors), style="dim"))
        if article.url:
            out.print(Text(article.url, style="dim"))
        if stored.hidden is not None:
            out.print(Text(f"hidden: {stored.hidden}", style="bold red"))
        if stored.embargo_until is not None:
            out.print(Text(f"embargoed until {stored.embargo_until}", style="bold red"))
        if "copy_of" in group:
            out.print(Text(f"copy of {group['copy_of']}", style="dim"))
        if "copies" in group:
            listed = ", ".join(copy["id"] for copy in group["copies"])
            out.print(Text(f"copies: {listed}", style="dim"))
        out.print()
        out.print(Text(article.body))


@main.command()
@click.argument("article_id")
@click.option("--reason", help="why (kept in the audit log)")
@click.pass_obj
def delete(ctx: Context, article_id: str, reason: str | None) -> None:
    """Delete one article from the store and the index (`hide` can be undone; this cannot).

    Example: xronika delete sample-az-001 --reason "a duplicate of sample-az-002"
    """
    from xronika.store import curation

    with reported():
        archive = ctx.archive()
        with archive.writing():
            if not curation.remove(archive.store, article_id, curation.cli_editor(), reason):
                raise NotFound(f"no article with id {article_id!r}")
            archive.sync()
        click.echo(f"deleted {article_id}", err=True)


def _curate(ctx: Context, article_id: str, fields: dict[str, Any], reason: str | None) -> None:
    """Apply an editor's change as the CLI user, logged; the index follows at once."""
    from xronika.store import curation

    archive = ctx.archive()
    edit = curation.read_edit(fields)
    with archive.writing():
        curation.apply(archive.store, article_id, edit, curation.cli_editor(), reason)
        archive.sync()


@main.command()
@click.argument("article_id")
@click.option("--reason", required=True, help="why (kept in the audit log)")
@click.pass_obj
def hide(ctx: Context, article_id: str, reason: str) -> None:
    """Take an article out of public view (a takedown); `unhide` shows it again.

    Hidden articles leave search, feeds, sitemaps, the date pages, export and the harvest.

    Example: xronika hide sample-az-001 --reason "court order 12/2025"
    """
    with reported():
        _curate(ctx, article_id, {"hidden": reason}, reason)
        click.echo(f"hidden {article_id}", err=True)


@main.command()
@click.argument("article_id")
@click.option("--reason", help="why (kept in the audit log)")
@click.pass_obj
def unhide(ctx: Context, article_id: str, reason: str | None) -> None:
    """Show a hidden article again.

    Example: xronika unhide sample-az-001 --reason "order lifted"
    """
    with reported():
        _curate(ctx, article_id, {"hidden": None}, reason)
        click.echo(f"shown {article_id}", err=True)


@main.command()
@click.argument("article_id")
@click.argument("until", required=False)
@click.option("--lift", is_flag=True, help="end the embargo now")
@click.option("--reason", help="why (kept in the audit log)")
@click.pass_obj
def embargo(
    ctx: Context, article_id: str, until: str | None, lift: bool, reason: str | None
) -> None:
    """Keep an article out of public view until UNTIL (ISO 8601; UTC unless an offset is
    given); it appears by itself once that passes.

    Example: xronika embargo sample-az-001 2030-01-31T09:00:00+04:00
    """
    with reported():
        if lift == (until is not None):
            raise UsageError("give UNTIL, or --lift to end the embargo", where="until")
        _curate(ctx, article_id, {"embargo_until": until}, reason)
        click.echo(f"embargoed {article_id}" if until else f"released {article_id}", err=True)


@main.command()
@click.argument("article_id")
@click.option("--title", help="the headline")
@click.option("--date", "published", metavar="DATE", help='ISO 8601 date ("" removes it)')
@click.option("--section", help='the section ("" removes it)')
@click.option("--author", "authors", multiple=True, help='an author (repeatable; "" clears)')
@click.option("--tag", "tags", multiple=True, help='a tag (repeatable; "" clears)')
@click.option("--reason", help="why (kept in the audit log)")
@click.pass_obj
def edit(
    ctx: Context,
    article_id: str,
    title: str | None,
    published: str | None,
    section: str | None,
    authors: tuple[str, ...],
    tags: tuple[str, ...],
    reason: str | None,
) -> None:
    """Correct an article's title, date, section, authors or tags (what is not given stays).

    Example: xronika edit sample-az-001 --date 1990-01-20 --tag "20 Yanvar" --reason typo
    """
    given = {"title": title, "published": published, "section": section}
    fields: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
    fields.update({k: list(v) for k, v in (("authors", authors), ("tags", tags)) if v})
    with reported():
        if not fields:
            raise UsageError("nothing to change", hint="give --title, --date, --section, ...")
        _curate(ctx, article_id, fields, reason)
        click.echo(f"edited {article_id}", err=True)


@main.command()
@click.argument("copy_id")
@click.argument("into_id")
@click.option("--reason", help="why (kept in the audit log)")
@click.pass_obj
def merge(ctx: Context, copy_id: str, into_id: str, reason: str | None) -> None:
    """Make COPY_ID a copy of INTO_ID's story (its original's, when INTO_ID is a copy):
    out of search and the lists, shown beside its original. `split` undoes it.

    Example: xronika merge sample-az-002 sample-az-001 --reason "the same report"
    """
    from xronika.store import curation

    with reported():
        archive = ctx.archive()
        with archive.writing():
            stored = curation.merge(archive.store, copy_id, into_id, curation.cli_editor(), reason)
            archive.sync()
        click.echo(f"merged {copy_id}: a copy of {stored.copy_of}", err=True)


@main.command()
@click.argument("article_id")
@click.option("--reason", help="why (kept in the audit log)")
@click.pass_obj
def split(ctx: Context, article_id: str, reason: str | None) -> None:
    """Make a copy an original again, one that automatic grouping leaves alone from now on.

    Example: xronika split sample-az-002 --reason "another day's report"
    """
    from xronika.store import curation

    with reported():
        archive = ctx.archive()
        with archive.writing():
            curation.split(archive.store, article_id, curation.cli_editor(), reason)
            archive.sync()
        click.echo(f"split {article_id}: an original again", err=True)


@main.command()
@click.argument("article_id")
@click.option("--json", "as_json", is_flag=True, help="print the log as JSON lines")
@click.pass_obj
def history(ctx: Context, article_id: str, as_json: bool) -> None:
    """Every change made to an article, oldest first: who, when, what, why.

    Example: xronika history sample-az-001
    """
    from xronika.store import curation

    with reported():
        archive = ctx.archive()
        entries = curation.history(archive.store, article_id)
        if not entries and archive.store.get(article_id) is None:
            raise NotFound(f"no article with id {article_id!r}")
        for entry in entries:
            if as_json:
                click.echo(json.dumps(entry.to_json(), ensure_ascii=False))
                continue
            why = f" ({entry.reason})" if entry.reason else ""
            out.print(Text(f"{entry.at}  {entry.who}  {entry.action}{why}"))
            for field, (before, after) in entry.changes.items():
                out.print(Text(f"    {field}: {before!r} → {after!r}", style="dim"))


@main.group()
def token() -> None:
    """API tokens: who may write through the API and sign in to the editor pages."""


@token.command("create")
@click.argument("name")
@click.pass_obj
def token_create(ctx: Context, name: str) -> None:
    """Make a token and print its secret: the only time it is shown (only a hash is kept).

    Example: xronika token create newsroom
    """
    from xronika.store import tokens

    with reported():
        secret = tokens.create(ctx.archive(create=True).store, name)
        click.echo(secret)
        click.echo(
            f"token {name!r} created; keep the secret above, it is not shown again", err=True
        )


@token.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def token_list(ctx: Context, as_json: bool) -> None:
    """The tokens: name, created, last used, revoked (never their secrets).

    Example: xronika token list
    """
    from xronika.store import tokens

    with reported():
        for found in tokens.listed(ctx.archive().store):
            if as_json:
                click.echo(json.dumps(found.to_json()))
                continue
            state = f"revoked {found.revoked}" if found.revoked else "live"
            used = found.last_used or "never used"
            out.print(Text(f"{found.name}  created {found.created}  {used}  {state}"))


@token.command("revoke")
@click.argument("name")
@click.pass_obj
def token_revoke(ctx: Context, name: str) -> None:
    """Revoke a token: its next request is refused, its editor sessions end.

    Example: xronika token revoke newsroom
    """
    from xronika.store import tokens

    with reported():
        tokens.revoke(ctx.archive().store, name)
        click.echo(f"revoked {name}", err=True)


@main.command()
@click.option("--all", "everything", is_flag=True, help="hidden and embargoed articles too")
@click.pass_obj
def export(ctx: Context, everything: bool) -> None:
    """Write every public article as JSONL on stdout (the format ingest reads).

    With --all, hidden and embargoed articles too; their curation is not in the format,
    so an archive ingesting that export shows them.

    Example: xronika export > archive.jsonl
    """
    from xronika.store.public import public_articles

    with reported():
        store = ctx.archive().store
        articles = store.iter_articles() if everything else public_articles(store)
        for stored in articles:
            sys.stdout.write(json.dumps(stored.article.to_json(), ensure_ascii=False) + "\n")


@main.command()
@click.pass_obj
def reindex(ctx: Context) -> None:
    """Rebuild the search index from the store.

    Example: xronika reindex
    """
    with reported():
        count = ctx.archive().reindex()
        click.echo(f"indexed {count} articles", err=True)


@main.command()
@click.option("--repair", is_flag=True, help="bring the index back in step with the store")
@click.pass_obj
def check(ctx: Context, repair: bool) -> None:
    """Compare the store and the index; exit 1 when they disagree.

    Example: xronika check
    """
    with reported():
        archive = ctx.archive()
        report = archive.check()
        click.echo(
            f"store {report.store_count}, index {report.index_count}, missing "
            f"{len(report.missing)}, extra {len(report.extra)}, stale {len(report.stale)}, "
            f"pending {report.pending}, integrity {report.integrity}"
        )
        if report.clean:
            return
        if repair:
            archive.reindex()
            again = archive.check()
            click.echo(f"repaired: {'clean' if again.clean else 'still disagreeing'}")
            if again.clean:
                return
        raise SystemExit(1)


@main.command()
@click.argument("destination", metavar="DEST", type=click.Path(path_type=Path))
@click.pass_obj
def backup(ctx: Context, destination: Path) -> None:
    """Write a consistent snapshot of the archive to DEST, a new or empty folder.

    Safe while the archive is served and written to. The index is not copied: restore
    rebuilds it from the store.

    Example: xronika backup /backups/archive-2025-11-25
    """
    from xronika.backup import create

    with reported():
        manifest = create(ctx.archive().store, destination)
        click.echo(f"backed up {manifest.articles} articles to {destination}", err=True)


@main.command()
@click.argument("source", metavar="SRC", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="replace the archive already in the data folder")
@click.pass_obj
def restore(ctx: Context, source: Path, force: bool) -> None:
    """Bring back a backup made by `xronika backup` into the data folder, rebuilding the index.

    The manifest, checksum and SQLite integrity are checked first, and the archive is built
    beside the data folder and swapped in at the end: a failed restore changes nothing.

    Example: xronika --data ./archive restore /backups/archive-2025-11-25
    """
    from xronika.backup import restore as run

    with reported():
        manifest = run(source, ctx.folder, force=force)
        click.echo(f"restored {manifest.articles} articles into {ctx.folder}", err=True)


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def stats(ctx: Context, as_json: bool) -> None:
    """Counts by language, year and source, and sizes on disk.

    Example: xronika stats --json
    """
    with reported():
        archive = ctx.archive()
        store = archive.store
        found: dict[str, Any] = {
            "articles": store.count(),
            "by_language": dict(store.counts_by("language")),
            "by_year": dict(store.counts_by("year")),
            "by_source": dict(store.counts_by("source")),
            **archive.sizes(),
        }
        if as_json:
            click.echo(json.dumps(found, ensure_ascii=False, indent=2))
            return
        out.print(f"articles: {found['articles']}")
        for name in ("by_language", "by_year", "by_source"):
            parts = ", ".join(f"{k or 'unknown'} {v}" for k, v in found[name].items())
            out.print(f"{name.replace('_', ' ')}: {parts}")
        for name in ("store_bytes", "index_bytes"):
            if name in found:
                out.print(f"{name.replace('_', ' ')}: {found[name]:,}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, type=int, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(1),
    default=None,
    help="server processes (default: $XRONIKA_SERVE_WORKERS, else 2)",
)
@click.pass_obj
def serve(ctx: Context, host: str, port: int, workers: int | None) -> None:
    """Serve the reading room, the JSON API and the feeds.

    Example: xronika serve --port 8000 --workers 2
    """
    import os

    import uvicorn

    from xronika.web import create_app

    with reported():
        # Opened here first, so that migrations and any index rebuild happen once,
        # before server processes start reading the folder.
        archive = ctx.archive(create=True)
        count = workers or settings.get_int("serve_workers")
        if count == 1:
            uvicorn.run(create_app(archive), host=host, port=port, log_level="info")
            return
        archive.close()
        os.environ["XRONIKA_DATA"] = str(ctx.folder.resolve())
        uvicorn.run(
            "xronika.web.app:app_from_environment",
            factory=True,
            workers=count,
            host=host,
            port=port,
            log_level="info",
        )
