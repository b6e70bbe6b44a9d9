"""`cchc serve` as an attacker and a journalist meet it: caps, no paths, quiet logs, no risky functions."""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.release_fixture import make_release, serving


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    lake = tmp_path_factory.mktemp("lake")
    make_release(lake)
    log = tmp_path_factory.mktemp("log") / "serve.log"
    with serving(lake, log_path=log) as base:
        yield base, log, lake


def _get(url: str, method: str = "GET", data: bytes | None = None):
    req = urllib.request.Request(url, method=method, data=data)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def _sql(base: str, sql: str):
    status, body = _get(base + "/cchc.json?" + urllib.parse.urlencode({"sql": sql}))
    return status, json.loads(body)


def test_huge_cell_refused(server):
    base, _log, _lake = server
    status, body = _get(base + "/cchc.json?" + urllib.parse.urlencode({"sql": "select randomblob(300000000)"}))
    assert status == 400 and len(body) < 5000
    assert "too big" in json.loads(body)["error"]


def test_row_cap(server):
    base, _log, _lake = server
    status, doc = _sql(base, "with recursive c(x) as (select 1 union all select x + 1 from c limit 5000) "
                             "select x from c")
    assert (status, len(doc["rows"]), doc["truncated"]) == (200, 1000, True)


def test_time_limit(server):
    base, _log, _lake = server
    status, doc = _sql(base, "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c")
    assert status == 400 and "took too long" in doc["error"]


@pytest.mark.parametrize("sql", ["select fts3_tokenizer('simple')", "select load_extension('x')",
                                 "select * from pragma_database_list", "select file from pragma_database_list"])
def test_risky_functions_unavailable(server, sql):
    base, _log, _lake = server
    status, doc = _sql(base, sql)
    assert status in (400, 403) and doc["ok"] is False and doc.get("rows", []) == []


def test_no_absolute_paths(server):
    base, _log, lake = server
    for path in ("/-/databases.json", "/-/databases", "/-/settings.json", "/-/metadata.json", "/cchc.json",
                 "/-/plugins.json"):
        status, body = _get(base + path)
        assert status == 200, path
        assert str(lake) not in body.decode() and "/tmp/" not in body.decode(), path
    _status, body = _get(base + "/-/databases.json")
    assert [d["path"] for d in json.loads(body)] == ["cchc.sqlite"]


@pytest.mark.parametrize("path", ["/nope", "/cchc/nope", "/cchc/documents", "/cchc", "/-/nope", "/cchc/documents/x"])
def test_post_is_not_a_server_error(server, path):
    base, _log, _lake = server
    status, _body = _get(base + path, method="POST", data=b"a=1")
    assert status == 405, path


def test_quiet_log_one_line_per_refused_query(server):
    base, log, _lake = server
    before = log.read_text(errors="replace").splitlines()
    queries = ["selec 1", "select nope from documents", "select fts3_tokenizer('simple')",
               "select randomblob(300000000)", "with recursive c(x) as (select 1 union all select x + 1 from c) "
               "select count(*) from c", "delete from documents"]
    for sql in queries:
        status, _doc = _sql(base, sql)
        assert status >= 400, sql
    lines = log.read_text(errors="replace").splitlines()[len(before):]
    assert len(lines) == len(queries), lines
    assert all(ln.startswith("cchc serve: refused") for ln in lines), lines
    assert "Traceback" not in log.read_text(errors="replace")


def test_bind_warning():
    from flows.serve_guard import bind_warning

    assert bind_warning("127.0.0.1") is None and bind_warning("localhost") is None and bind_warning("::1") is None
    assert bind_warning("127.0.0.2") is None
    assert bind_warning("0.0.0.0") == ("cchc serve: warning: listening on 0.0.0.0, not loopback: "
                                       "anyone who can reach this machine can browse the release")
