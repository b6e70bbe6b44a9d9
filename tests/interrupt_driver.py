"""`cchc` with one stage held, so that a test can signal the run right there.

python -m tests.interrupt_driver STAGE MARKER ARGS...    STAGE: transform | publish

The stage's function touches MARKER, then sleeps (a transform in a worker thread, where no signal can
interrupt it; the publish's DuckDB step in the main thread, after the release folder is in place and before
`published` is switched), then goes on as usual.
"""
import sys
import time
from pathlib import Path


def held(fn, marker: Path):
    def wrapper(*args, **kwargs):
        marker.touch()
        time.sleep(60)
        return fn(*args, **kwargs)
    return wrapper


def hold(module_name: str, name: str, marker: Path) -> None:
    """Replace module_name.name, and every imported module's reference to it."""
    __import__(module_name)
    import flows.run  # noqa: F401 (everything that may hold a reference is imported first)

    original = getattr(sys.modules[module_name], name)
    for module in list(sys.modules.values()):
        if getattr(module, name, None) is original:
            setattr(module, name, held(original, marker))


def main() -> None:
    stage, marker, *args = sys.argv[1:]
    target = {"transform": ("flows.build", "build_site"), "publish": ("flows.duck", "write_duckdb")}[stage]
    hold(*target, Path(marker))
    from flows.cli import entry

    sys.argv = ["cchc", *args]
    entry()


if __name__ == "__main__":
    main()
