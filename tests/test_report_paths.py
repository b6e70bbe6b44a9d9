"""The run report (JSON and HTML, in runs/ and in the release) names files relative to the lake, never by an
absolute local path: a published release is read on other machines."""
import json
import os
import re

from .conftest import ROOT, WORLD


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def absolute(text: str, lake) -> list[str]:
    """The absolute local paths in text (a relative path such as ../../x/y holds /x/y, preceded by '..')."""
    roots = {str(p) for p in (lake, lake.resolve(), WORLD, WORLD.resolve(), ROOT, ROOT.parent.resolve())}
    return [r for r in roots if re.search(r"(?<![.\w])" + re.escape(r), text)]


def test_run_report_paths_are_relative_to_the_lake(world_lake):
    reports = [world_lake / "published" / "run_report.json", *(world_lake / "runs").glob("*/run_report.json")]
    assert len(reports) == 2
    for path in reports:
        text = path.read_text(encoding="utf-8")
        assert not absolute(text, world_lake), path
        report = json.loads(text)
        assert not [s for s in strings(report) if s.startswith("/")], path
        assert report["sites_file"] == os.path.relpath(WORLD.resolve() / "sites.toml", world_lake.resolve())
        assert report["replay"] == [os.path.relpath(WORLD.resolve() / "warc", world_lake.resolve())]
    html = (world_lake / "published" / "run_report.html").read_text(encoding="utf-8")
    assert not absolute(html, world_lake)
