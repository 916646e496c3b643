"""API tokens: made and shown once, kept only as a hash, listed without secrets, revoked."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing

from conftest import SAMPLE, Cli
from fastapi.testclient import TestClient

from xronika.archive import Archive
from xronika.store import tokens
from xronika.web import create_app


def store_rows(cli: Cli) -> list[tuple[str, ...]]:
    with closing(sqlite3.connect(cli.folder / "archive.sqlite3")) as raw:
        return [tuple(map(str, row)) for row in raw.execute("SELECT * FROM tokens")]


def test_create_prints_the_secret_once_and_only_its_hash_is_kept(cli: Cli) -> None:
    made = cli("token", "create", "newsroom")
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip()
    assert secret.startswith(tokens.PREFIX) and len(secret) > 40
    assert "not shown again" in made.stderr
    rows = store_rows(cli)
    assert len(rows) == 1
    assert hashlib.sha256(secret.encode()).hexdigest() in rows[0]
    assert not any(secret in value for value in rows[0])
    listed = cli("token", "list")
    assert listed.exit_code == 0 and "newsroom" in listed.stdout
    assert secret not in listed.stdout + listed.stderr
    assert "never used" in listed.stdout and "live" in listed.stdout


def test_list_as_json_names_created_last_used_and_revoked(cli: Cli) -> None:
    cli("token", "create", "a")
    cli("token", "create", "b")
    cli("token", "revoke", "b")
    found = [json.loads(line) for line in cli("token", "list", "--json").stdout.splitlines()]
    assert [t["name"] for t in found] == ["a", "b"]
    assert set(found[0]) == {"name", "created", "last_used", "revoked"}
    assert found[0]["revoked"] is None and found[1]["revoked"] is not None


def test_two_tokens_get_different_secrets_and_names_are_unique(cli: Cli) -> None:
    first = cli("token", "create", "one").stdout.strip()
    second = cli("token", "create", "two").stdout.strip()
    assert first != second
    again = cli("token", "create", "one")
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert first not in again.stdout


def test_a_bad_name_or_an_unknown_token_is_a_clear_error(cli: Cli) -> None:
    bad = cli("token", "create", "../evil")
    assert bad.exit_code == 2 and "not a token name" in bad.stderr
    cli("ingest", str(SAMPLE / "articles.jsonl"))
    unknown = cli("token", "revoke", "nobody")
    assert unknown.exit_code == 1 and "no token named 'nobody'" in unknown.stderr


def test_a_revoked_token_is_refused_at_once_and_use_is_noted(cli: Cli) -> None:
    cli("ingest", str(SAMPLE / "articles.jsonl"))
    secret = cli("token", "create", "desk").stdout.strip()
    archive = Archive.open(cli.folder)
    try:
        client = TestClient(create_app(archive))
        headers = {"Authorization": f"Bearer {secret}"}
        assert client.get("/api/articles/sample-az-001/history", headers=headers).status_code == 200
        assert tokens.listed(archive.store)[0].last_used is not None
        assert cli("token", "revoke", "desk").exit_code == 0
        refused = client.get("/api/articles/sample-az-001/history", headers=headers)
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "unauthorized"
        assert refused.headers["www-authenticate"].startswith("Bearer")
    finally:
        archive.close()
    assert "revoked" in cli("token", "list").stdout
