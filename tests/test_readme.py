"""The README's worked questions and loading examples, executed against a release of the demo archive."""
import re
from pathlib import Path

import pytest

from .conftest import ROOT, run_cchc

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def demo_lake(tmp_path_factory) -> Path:
    lake = tmp_path_factory.mktemp("demo") / "lake"
    p = run_cchc("run", "--sites", "data/demo/sites.toml", "--replay", "data/demo/demo.warc.gz", "--lake", str(lake))
    assert p.returncode == 0, p.stderr[-2000:]
    return lake


def worked_questions() -> list[tuple[str, str]]:
    return re.findall(r"```sql\n(.*?)```\n```text\n(.*?)```", README, re.S)


def test_readme_has_five_worked_questions():
    assert len(worked_questions()) == 5


@pytest.mark.parametrize("i", range(5))
def test_worked_question_output_is_what_the_readme_says(demo_lake, i):
    sql, expected = worked_questions()[i]
    p = run_cchc("query", " ".join(sql.split()), "--format", "csv", "--lake", str(demo_lake))
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == expected.strip()


def test_loading_examples_run(demo_lake, capsys):
    blocks = re.findall(r"```python\n(.*?)```", README, re.S)
    assert len(blocks) == 3
    for code in blocks:
        exec(compile(code.replace("data/lake", str(demo_lake)), "README", "exec"), {})
    out = capsys.readouterr().out
    assert "[5 rows x 4 columns]" in out
    assert re.search(r"^\d+ double$", out, re.M)
    assert "('par_index', " in out


def test_frictionless_validates_the_demo_release(demo_lake):
    from flows.schema import TABLES
    from tests.conftest import frictionless_validate

    report = frictionless_validate(demo_lake)
    assert report.count("VALID") == len(TABLES) and "INVALID" not in report
