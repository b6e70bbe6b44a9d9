"""The processes a run starts, each in a process group (session) of its own, so that the run ends them all.

A child in a session of its own gets neither the terminal's Ctrl-C nor a signal sent to the run's group: the
run decides when it ends (end_all, at an interrupt; its group, so whatever it started ends too). On Linux a
child is also killed by the kernel when the thread that started it is gone (PR_SET_PDEATHSIG), so that not
even a run killed with SIGKILL leaves crawls or servers behind.

Crawl processes are `workers` (ended at once on an interrupt); a `service` (Prefect's temporary API server)
is ended last, by whoever started it, because the run still reports to it while it stops.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import threading
import time

GRACE_S = 3.0  # what a crawl gets to close its files after SIGTERM, before SIGKILL

_lock = threading.RLock()  # re-entered by a signal handler that interrupts a spawn in the main thread
_workers: dict[int, subprocess.Popen] = {}
_services: dict[int, subprocess.Popen] = {}
_closed = False


class Closing(RuntimeError):
    """The run is being interrupted: no new child is started."""


def _death_signal(sig: int):
    """A preexec_fn that asks the kernel for `sig` when the parent thread dies (Linux), else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def preexec():  # in the child, between fork and exec: one system call, no Python-level locks
        prctl(1, sig)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before the call: nobody would end this child
            os._exit(1)
    return preexec


def spawn(cmd: list[str], *, service: bool = False, **popen_kwargs) -> subprocess.Popen:
    """subprocess.Popen in a new session, registered to be ended with the run."""
    with _lock:
        if _closed and not service:
            raise Closing("the run is being interrupted")
        proc = subprocess.Popen(cmd, start_new_session=True,
                                preexec_fn=_death_signal(signal.SIGTERM if service else signal.SIGKILL),
                                **popen_kwargs)
        (_services if service else _workers)[proc.pid] = proc
    return proc


def closing() -> bool:
    """Whether the run is being interrupted (no new child, the running ones are being ended)."""
    return _closed


def forget(proc: subprocess.Popen) -> None:
    with _lock:
        _workers.pop(proc.pid, None)
        _services.pop(proc.pid, None)


def run(cmd: list[str], timeout: float | None = None, **popen_kwargs) -> subprocess.CompletedProcess:
    """Like subprocess.run(cmd, capture_output=True, text=True, timeout=...), the child in its own group;
    on timeout its whole group is ended and TimeoutExpired raised."""
    proc = spawn(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen_kwargs)
    try:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            end([proc])
            proc.communicate()
            raise
    finally:
        forget(proc)
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def end(procs: list[subprocess.Popen], grace: float = GRACE_S) -> None:
    """SIGTERM to each child's group, SIGKILL to what is left after `grace` seconds; waits for the children."""
    for p in procs:
        _signal_group(p, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for p in procs:
        try:
            p.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    for p in procs:
        _signal_group(p, signal.SIGKILL)  # the leader, or what it started and left behind
        try:
            p.wait(timeout=2)
        except subprocess.TimeoutExpired:
            pass


def close(grace: float = GRACE_S) -> None:
    """No new worker from now on; SIGTERM to the running ones at once, SIGKILL to their groups after `grace`
    seconds (from a thread: this is called from a signal handler, and whoever waits for them goes on)."""
    global _closed
    with _lock:
        _closed = True
        procs = list(_workers.values())
    for p in procs:
        _signal_group(p, signal.SIGTERM)

    def escalate():
        time.sleep(grace)
        for p in procs:
            _signal_group(p, signal.SIGKILL)
    threading.Thread(target=escalate, name="cchc-end-children", daemon=True).start()


def end_all(grace: float = GRACE_S) -> None:
    """End every child, workers and services, and whatever else descends from this process (Dask's worker
    processes), and wait for them."""
    close(grace)
    with _lock:
        procs = [*_workers.values(), *_services.values()]
    end(procs, grace)
    rest = descendants()
    for pid in rest:
        _kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while rest and time.monotonic() < deadline:
        time.sleep(0.05)
        rest = [pid for pid in rest if _alive(pid)]
    for pid in rest:
        _kill(pid, signal.SIGKILL)


def kill_all() -> None:
    """SIGKILL to every child's group and every descendant, without waiting (the last resort)."""
    with _lock:
        procs = [*_workers.values(), *_services.values()]
    for p in procs:
        _signal_group(p, signal.SIGKILL)
    for pid in descendants():
        _kill(pid, signal.SIGKILL)


def descendants(root: int | None = None) -> list[int]:
    """The live processes descending from root (default: this one), from /proc (Linux; elsewhere none)."""
    root = os.getpid() if root is None else root
    parents: dict[int, list[int]] = {}
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return []
    for e in entries:
        try:
            with open(f"/proc/{e}/stat", "rb") as fh:
                stat = fh.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if stat[0] != b"Z":  # a zombie has ended; its parent reaps it
            parents.setdefault(int(stat[1]), []).append(int(e))
    out, todo = [], [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return False


def _kill(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
