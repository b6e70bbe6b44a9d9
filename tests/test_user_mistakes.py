"""User mistakes: one line on stderr naming what is wrong, a non-zero exit, never a traceback."""
import os
import re
import shutil
import socket
import subprocess

import pytest

from flows.cli import _parser

from .conftest import CCHC, ROOT, WORLD, run_cchc
from .release_fixture import make_release

ONE_LINE = re.compile(r"^cchc( [a-z]+)?: \S")


def one_line(p: subprocess.CompletedProcess, code: int | None = None) -> str:
    """The process failed with one line of stderr, `cchc[ <command>]: ...`; returns that line."""
    err = p.stderr.strip()
    assert "Traceback" not in p.stderr, p.stderr[-2000:]
    assert p.returncode != 0 if code is None else p.returncode == code, (p.returncode, p.stderr[-2000:])
    assert len(err.splitlines()) == 1, p.stderr[-2000:]
    assert ONE_LINE.match(err), err
    return err


def world(*extra: str) -> list[str]:
    if not WORLD.exists():
        pytest.skip("../shared/world/small is not beside the checkout")
    return ["--sites", str(WORLD / "sites.toml"), "--replay", str(WORLD / "warc"), *extra]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_no_command_is_one_line():
    assert "command" in one_line(run_cchc(), 2).lower()


def test_port_out_of_range_is_one_line(tmp_path):
    make_release(tmp_path / "lake")
    line = one_line(run_cchc("serve", "--lake", str(tmp_path / "lake"), "--port", "99999"), 2)
    assert line == "cchc serve: argument --port: 99999 is not a port number (1-65535)"


def test_unknown_host_is_not_a_port_in_use(tmp_path):
    make_release(tmp_path / "lake")
    line = one_line(run_cchc("serve", "--lake", str(tmp_path / "lake"), "--host", "no.such.host",
                             "--port", str(free_port())), 2)
    assert line.startswith("cchc serve: cannot serve on host 'no.such.host': ") and "in use" not in line


def test_port_in_use_is_still_said(tmp_path):
    make_release(tmp_path / "lake")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        line = one_line(run_cchc("serve", "--lake", str(tmp_path / "lake"), "--port", str(port)), 2)
    assert line == f"cchc serve: port {port} on 127.0.0.1 is in use: pass --port"


@pytest.mark.parametrize("option", ["--workers", "--max-pages"])
def test_counts_below_one_are_one_line(tmp_path, option):
    line = one_line(run_cchc("run", *world(option, "0"), "--lake", str(tmp_path / "lake")), 2)
    assert line == f"cchc run: argument {option}: must be a whole number of at least 1, got '0'"
    assert not (tmp_path / "lake").exists()


def test_empty_registry_is_one_line(tmp_path):
    sites = tmp_path / "sites.toml"
    sites.write_text("# no sites yet\n", encoding="utf-8")
    line = one_line(run_cchc("run", "--sites", str(sites), "--lake", str(tmp_path / "lake")), 2)
    assert line == "cchc run: sites.toml: no sites: the registry needs at least one [[site]] table"
    assert not (tmp_path / "lake" / "published").exists()


def test_replay_folder_without_warc_is_one_line(tmp_path):
    empty = tmp_path / "archives"
    empty.mkdir()
    (empty / "notes.txt").write_text("nothing here", encoding="utf-8")
    line = one_line(run_cchc("run", "--sites", str(WORLD / "sites.toml"), "--replay", str(empty),
                             "--lake", str(tmp_path / "lake")), 2)
    assert line == f"cchc run: replay: no WARC or WACZ file in {empty}"
    assert not (tmp_path / "lake" / "published").exists()


@pytest.mark.parametrize("name,content", [("site.warc.gz", b"<html>not an archive</html>"),
                                          ("site.warc", b"<html>not an archive</html>"),
                                          ("site.wacz", b"PK but not a zip"),
                                          ("site.warc.gz", b"")])
def test_a_file_that_is_no_warc_is_one_line(tmp_path, name, content):
    if not WORLD.exists():
        pytest.skip("../shared/world/small is not beside the checkout")
    archives = tmp_path / "archives"
    shutil.copytree(WORLD / "warc", archives)
    (archives / name).write_bytes(content)
    line = one_line(run_cchc("run", "--sites", str(WORLD / "sites.toml"), "--replay", str(archives),
                             "--lake", str(tmp_path / "lake")), 2)
    assert line.startswith(f"cchc run: replay: {archives / name} is not a ")
    assert not (tmp_path / "lake" / "published").exists()


def test_a_named_file_that_is_no_warc_is_one_line(tmp_path):
    f = tmp_path / "sites.toml.bak"
    f.write_text("[[site]]\n", encoding="utf-8")
    line = one_line(run_cchc("run", "--sites", str(WORLD / "sites.toml"), "--replay", str(f),
                             "--lake", str(tmp_path / "lake")), 2)
    assert line == f"cchc run: replay: {f} is not a WARC file (it does not start with a WARC record)"


@pytest.mark.parametrize("args,expected", [
    (["run", "--sites", "{tmp}/missing.toml"], "cchc run: no site registry at {tmp}/missing.toml"),
    (["run", "--replay", "{tmp}/missing.warc.gz"], "cchc run: replay archive not found: {tmp}/missing.warc.gz"),
    (["report", "--lake", "{tmp}/missing"], "cchc report: no published release under {tmp}/missing: run `cchc run` first"),
])
def test_missing_files_are_one_line(tmp_path, args, expected):
    if "--replay" in args:
        args = ["run", "--sites", str(WORLD / "sites.toml"), *args[1:]]
    line = one_line(run_cchc(*[a.format(tmp=tmp_path) for a in args]), 2)
    assert line == expected.format(tmp=tmp_path)


def test_a_lake_that_is_a_file_is_one_line(tmp_path):
    f = tmp_path / "lake"
    f.write_text("a file", encoding="utf-8")
    line = one_line(run_cchc("run", *world(), "--lake", str(f)), 2)
    assert line == f"cchc run: cannot write to the lake {f}: not a folder"


# --- a lake the user cannot write -------------------------------------------------------------------------


@pytest.fixture
def read_only_lake(tmp_path):
    """A published lake cchc cannot write. Root writes through any file mode, so as root the lake is a
    read-only bind mount in a mount namespace of the test's cchc (unshare); as a user, its folders are 0555."""
    lake = tmp_path / "lake"
    make_release(lake)
    if os.geteuid() == 0:
        if shutil.which("unshare") is None or subprocess.run(["unshare", "-rm", "true"]).returncode != 0:
            pytest.skip("root without user namespaces: no way to make a lake read-only")
        wrap = ["unshare", "-rm", "sh", "-c", 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"',
                str(lake)]
    else:
        wrap = []
        for p in [lake, *lake.rglob("*")]:
            if p.is_dir() and not p.is_symlink():
                os.chmod(p, 0o555)
    yield lake, wrap
    for p in [lake, *lake.rglob("*")]:
        if p.is_dir() and not p.is_symlink():
            os.chmod(p, 0o755)


def run_wrapped(wrap: list[str], *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CCHC_NO_PROGRESS": "1"}
    return subprocess.run([*wrap, *CCHC, *args], capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)


def test_run_on_a_read_only_lake_is_one_line(read_only_lake):
    lake, wrap = read_only_lake
    before = os.readlink(lake / "published")
    line = one_line(run_wrapped(wrap, "run", *world(), "--lake", str(lake)), 2)
    assert re.match(f"cchc run: cannot write to the lake {lake}: (Permission denied|Read-only file system)", line)
    assert os.readlink(lake / "published") == before


def test_report_on_a_read_only_lake_is_one_line(read_only_lake):
    lake, wrap = read_only_lake
    line = one_line(run_wrapped(wrap, "report", "--lake", str(lake)), 2)
    assert re.match(f"cchc report: {lake}/report: (Permission denied|Read-only file system)", line)
    assert not (lake / "report").exists()


# --- help ------------------------------------------------------------------------------------------------


def commands() -> list[str]:
    sub = next(a for a in _parser()._actions if a.dest == "command")
    return sorted(sub.choices)


@pytest.mark.parametrize("command", [None, *commands()])
def test_every_help_is_clean(command):
    p = run_cchc(*([command] if command else []), "--help")
    assert (p.returncode, p.stderr) == (0, "")
    assert p.stdout.startswith(f"usage: cchc{' ' + command if command else ''} ")
