"""The worker pool ``draftrender serve`` runs beside the API: a supervised child process.

A child process (not threads in the API process) so a crashing or memory-hungry render never
takes the API down; it is restarted if it dies, and stopped with the API.
"""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading

from ..settings import Settings

log = logging.getLogger("draftrender.jobs")


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that gives a child process the same settings."""
    env = dict(os.environ)
    for name, value in settings.model_dump().items():
        if value is None:
            continue
        env[f"DRAFTRENDER_{name.upper()}"] = str(value)
    return env


class EmbeddedWorkers:
    def __init__(self, settings: Settings, concurrency: int) -> None:
        self.settings, self.concurrency = settings, concurrency
        self.proc: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._supervise, name="worker-supervisor", daemon=True)

    def _spawn(self) -> subprocess.Popen:
        cmd = [sys.executable, "-m", "draftrender.cli.main", "worker", "--concurrency", str(self.concurrency),
               "--parent-pid", str(os.getpid())]
        return subprocess.Popen(cmd, env=settings_env(self.settings), start_new_session=True)

    def start(self) -> "EmbeddedWorkers":
        self.proc = self._spawn()
        self._thread.start()
        return self

    def _supervise(self) -> None:
        while not self._stopping.wait(1.0):
            if self.proc is not None and self.proc.poll() is not None:
                log.warning("render workers exited (code %s); restarting", self.proc.returncode)
                self.proc = self._spawn()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
