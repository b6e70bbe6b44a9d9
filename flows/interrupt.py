"""Ctrl-C (SIGINT) and SIGTERM during `cchc run`: the run stops within seconds, says `cchc: interrupted` once,
ends every process it started, publishes nothing, and exits 128 + the signal (130, 143).

On the first signal the crawl processes get SIGTERM at once (flows/children.py), Prefect's log lines are
silenced (the interrupt is said once, here) and Interrupted is raised in the main thread, which unwinds the
flow as a crash. A watchdog ends the process after DEADLINE_S whatever is still running (a transform in a
worker thread cannot be interrupted); a second signal ends it at once.
"""
from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from contextlib import contextmanager

from flows import children

DEADLINE_S = float(os.environ.get("CCHC_INTERRUPT_DEADLINE", "7"))
SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """The run was interrupted by a signal; `code` is the exit code (128 + the signal's number)."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.code = 128 + signum


_state = {"installed": False, "received": None, "said": False}
_said_lock = threading.Lock()


def install() -> None:
    """Handle SIGINT and SIGTERM as interrupts of this run (main thread only)."""
    for sig in SIGNALS:
        signal.signal(sig, _handler)
    _state["installed"] = True


def rearm() -> None:
    """Inside the flow: Prefect's engine puts its own SIGTERM handler in place for the run, which waits for
    the running tasks before it lets go. Ours again, when the CLI installed it (a deployment keeps Prefect's)."""
    if _state["installed"] and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _handler)


def received() -> int | None:
    return _state["received"]


def _handler(signum, frame):
    if _state["received"] is not None:  # a second signal: no more waiting
        _exit_now()
    _state["received"] = signum
    logging.disable(logging.CRITICAL)  # Prefect's "Crash detected!" and the like: said once, by us
    children.close()
    threading.Thread(target=_watchdog, name="cchc-interrupt-watchdog", daemon=True).start()
    raise Interrupted(signum)


def _watchdog() -> None:
    threading.Event().wait(DEADLINE_S)
    _exit_now()


def _exit_now() -> None:
    children.kill_all()
    say()
    os._exit(128 + (_state["received"] or signal.SIGINT))


def say() -> None:
    """The one line of an interrupted run (printed once, whoever gets there first)."""
    with _said_lock:
        if _state["said"]:
            return
        _state["said"] = True
    try:
        print("cchc: interrupted", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def finish(e: KeyboardInterrupt) -> int:
    """The end of an interrupted run: its children ended and waited for, the line, the exit code."""
    if _state["received"] is None:  # a KeyboardInterrupt without our handler (Python's default one)
        _state["received"] = signal.SIGINT
    children.end_all()
    say()
    return getattr(e, "code", 128 + _state["received"])


@contextmanager
def held():
    """Signals wait while the block runs (main thread): a step that must happen whole, or not at all."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)  # a signal that came is handled here, on unblocking


def pending() -> bool:
    """Whether the run is being interrupted (inside held(): whether a signal waits)."""
    return _state["received"] is not None or bool(set(SIGNALS) & signal.sigpending())
