"""A Prefect API for one `cchc run`, started before anything else is imported.

Without PREFECT_API_URL, Prefect starts a temporary API server the moment the flow is called and
waits for it (about 4 s here), after the run has already spent 1.5 s importing. This starts the
same server (the command Prefect itself uses for its ephemeral mode, prefect 3.8) as the first
thing `cchc run` does, so both happen at once, and points the flow at it. With
PREFECT_API_URL set (a long-lived `prefect server start`, as for a scheduled deployment) nothing
is started and a run costs less still.
"""
from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from flows import children, interrupt
from flows.errors import UserError

STARTUP_TIMEOUT_S = float(os.environ.get("CCHC_PREFECT_STARTUP_TIMEOUT", "60"))
PORT_IN_USE_EXIT = 3  # uvicorn's exit code when the port was taken between our check and its bind


class EarlyApi:
    """The server process, its URL, and the file that keeps its output."""

    def __init__(self):
        self.process: subprocess.Popen | None = None
        self.url = ""
        # The `cchc` program exits right after the run: the server may end its shutdown (~0.2 s) on its own.
        self.wait_on_stop = True
        self._spawn()
        atexit.register(self.stop)

    def _spawn(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/api"
        env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
               "PREFECT__SERVER_FINAL": "1"}
        # Its output goes to a file, not our stdout/stderr: whoever reads ours sees their end when we end.
        self.log = tempfile.TemporaryFile()
        # A session of its own (flows/children.py): Ctrl-C in the terminal reaches the run, not the server, which
        # must answer until the run has reported its end; the run stops it last.
        self.process = children.spawn(
            [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "error", "--lifespan", "on"],
            service=True, env=env, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code == PORT_IN_USE_EXIT:
                self._spawn()
                continue
            if code is not None:
                raise UserError(f"the temporary Prefect API server exited with code {code} before it was ready"
                                + self._last_words())
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        self.stop()
        raise UserError(f"the temporary Prefect API server did not answer within {timeout:.0f} s")

    def _last_words(self) -> str:
        self.log.seek(0)
        lines = [ln for ln in self.log.read().decode("utf-8", "replace").splitlines() if ln.strip()]
        return f": {lines[-1].strip()[:300]}" if lines else ""

    def stop(self) -> None:
        proc, self.process = self.process, None
        if proc is None:
            return
        proc.terminate()
        if not self.wait_on_stop:
            return
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        children.forget(proc)


def start_early() -> EarlyApi | None:
    """Start the API server now, unless Prefect already has an API (PREFECT_API_URL) or may not start one."""
    if os.environ.get("PREFECT_API_URL") or _api_in_prefect_config():
        return None
    if os.environ.get("PREFECT_SERVER_EPHEMERAL_ENABLED", "").lower() in ("0", "false"):
        return None
    return EarlyApi()


def _api_in_prefect_config() -> bool:
    """Whether Prefect's own configuration may name an API: the active profile, or a settings file here.
    Read without importing Prefect (that is what start_early saves); when in doubt, Prefect decides."""
    home = Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()
    profiles = Path(os.environ.get("PREFECT_PROFILES_PATH") or home / "profiles.toml").expanduser()
    try:
        doc = tomllib.loads(profiles.read_text(encoding="utf-8")) if profiles.exists() else {}
    except (OSError, tomllib.TOMLDecodeError):
        return True
    active = os.environ.get("PREFECT_PROFILE") or doc.get("active", "ephemeral")
    if doc.get("profiles", {}).get(active, {}).get("PREFECT_API_URL"):
        return True
    return any("API_URL" in _text(Path(name)) or "[api]" in _text(Path(name)) for name in ("prefect.toml", ".env"))


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
    except OSError:
        return ""


@contextmanager
def using(api: EarlyApi | None):
    """Point Prefect at the early server while the flow runs, then stop it.

    Prefect reads its settings from the environment once, at import: the URL goes in as a temporary
    setting for this process, and in the environment for the processes it starts (Dask workers).
    """
    if api is None:
        yield
        return
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    try:
        _preload()
        api.wait_ready()
        os.environ["PREFECT_API_URL"] = api.url
        # Heartbeats let a long-lived server notice a crashed run; this server ends with the run. Their
        # thread also sleeps in 1 s steps, which delays the end of every flow run by up to a second.
        with temporary_settings(updates={PREFECT_API_URL: api.url, PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            yield
    finally:
        if interrupt.received() is None:  # interrupted: nothing more to tell the server, stop it now
            _drain_prefect_workers()
        if os.environ.get("PREFECT_API_URL") == api.url:
            del os.environ["PREFECT_API_URL"]
        api.stop()


def _preload() -> None:
    """What Prefect imports when a flow is called (0.3 s), imported while its server is still starting."""
    import prefect.flow_engine  # noqa: F401
    import prefect.task_engine  # noqa: F401
    import prefect.utilities.visualization  # noqa: F401


def _drain_prefect_workers() -> None:
    """Send Prefect's queued logs and events while the server still listens (they would fail at exit)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        worker.drain_all(timeout=5, at_exit=False)
