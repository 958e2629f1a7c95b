"""Start the real service and workers as separate processes for end-to-end and crash tests."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

LOOPBACK = "127.0.0.0/8,::1/128"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def service_env(data_dir: Path, port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRAFTRENDER_")}
    env.update({
        "DRAFTRENDER_DATA_DIR": str(data_dir), "DRAFTRENDER_PORT": str(port), "DRAFTRENDER_HOST": "127.0.0.1",
        "DRAFTRENDER_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}", "DRAFTRENDER_ALLOW_NETWORKS": LOOPBACK,
        "DRAFTRENDER_LEASE_S": "2", "DRAFTRENDER_DOWNLOAD_RETRIES": "1",
    })
    env.update({f"DRAFTRENDER_{k.upper()}": str(v) for k, v in extra.items()})
    return env


class Proc:
    """A child process in its own session, so kill -9 takes its whole process group."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self._out = open(log, "ab")
        self.popen = subprocess.Popen([sys.executable, "-m", "draftrender.cli.main", *args], env=env,
                                      stdout=self._out, stderr=subprocess.STDOUT, start_new_session=True)

    def kill9(self) -> None:
        os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(10)

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.kill9()
        self._out.close()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def start_service(data_dir: Path, port: int, log: Path, **extra: str) -> Proc:
    proc = Proc(["serve"], service_env(data_dir, port, **extra), log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1, trust_env=False).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.popen.poll() is not None:
            raise AssertionError(f"service exited: {proc.tail()}")
        time.sleep(0.2)
    proc.stop()
    raise AssertionError(f"service did not start: {proc.tail()}")


def start_worker(data_dir: Path, log: Path, **extra: str) -> Proc:
    return Proc(["worker", "--concurrency", "1"], service_env(data_dir, 0, **extra), log)
