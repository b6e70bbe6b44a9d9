"""`cchc --version`, and help text, a shown default and an example for every option and command."""
from __future__ import annotations

import argparse
import subprocess
from importlib.metadata import version

from flows.cli import _parser
from flows.schema import SCHEMA_VERSION
from tests.release_fixture import CCHC


def test_version():
    r = subprocess.run([str(CCHC), "--version"], capture_output=True, text=True, timeout=60)
    assert (r.returncode, r.stdout, r.stderr) == (0, f"cchc {version('cchc')} (data schema {SCHEMA_VERSION})\n", "")


def _commands() -> dict[str, argparse.ArgumentParser]:
    sub = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def test_every_option_has_help_and_shows_its_default():
    missing = []
    for name, parser in _commands().items():
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            label = f"{name} {'/'.join(action.option_strings) or action.dest}"
            if not action.help:
                missing.append(f"{label}: no help")
            elif action.option_strings and not isinstance(action, argparse._StoreTrueAction) \
                    and "default" not in action.help:
                missing.append(f"{label}: default not shown")
    assert missing == []


def test_every_command_has_an_example():
    for name, parser in _commands().items():
        assert parser.epilog and parser.epilog.startswith("examples:\n  cchc " + name), name
        help_text = parser.format_help()
        assert "examples:\n  cchc " + name in help_text  # kept as written (RawDescriptionHelpFormatter)
