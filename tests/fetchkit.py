"""A scriptable HTTP file server on 127.0.0.1 for download tests (sources/, fetch/).

Serves files under ``root`` with ETag / Last-Modified (answering 304 to If-None-Match /
If-Modified-Since), byte ranges (206), extra ``routes`` (path → handler function), and faults
queued per path: ``"503"`` (with Retry-After: 0), ``"drop"`` (half the body, then the
connection closes), ``"hang"`` (never answers), ``"403"``, ``"404"``. Every request is logged.
"""
from __future__ import annotations

import hashlib
import http.server
import threading
from collections import defaultdict
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit


@dataclass
class Request:
    path: str
    query: str
    headers: dict[str, str]
    status: int = 0


class _Handler(http.server.BaseHTTPRequestHandler):
    server: "_Server"

    def log_message(self, *args) -> None:
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None, *,
              length: bool = True) -> None:
        self.record.status = status
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        owner: FileServer = self.server.owner
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        self.record = Request(path, parts.query, {k.lower(): v for k, v in self.headers.items()})
        with owner.lock:
            owner.log.append(self.record)
            fault = owner.faults[path].pop(0) if owner.faults.get(path) else None
        if fault == "hang":
            owner.stopping.wait(30)
            self.close_connection = True
            return
        if fault in ("503", "403", "404"):
            self._send(int(fault), b"fault", {"Retry-After": "0"} if fault == "503" else None)
            return
        if path in owner.routes:
            status, headers, body = owner.routes[path](self.record)
            self._send(status, body, headers)
            return
        file = (owner.root / path.lstrip("/")) if owner.root else None
        if file is None or not file.is_file() or not file.resolve().is_relative_to(owner.root.resolve()):
            self._send(404, b"not found")
            return
        data = file.read_bytes()
        headers = {"Content-Type": "application/octet-stream", "Accept-Ranges": "bytes"}
        etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        modified = formatdate(file.stat().st_mtime, usegmt=True)
        if owner.etags:
            headers["ETag"] = etag
        if owner.last_modified:
            headers["Last-Modified"] = modified
        inm, ims = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
        if owner.etags and inm is not None:
            if inm == etag:
                self._send(304, b"", headers, length=False)
                return
        elif owner.last_modified and ims:
            try:
                if int(file.stat().st_mtime) <= parsedate_to_datetime(ims).timestamp():
                    self._send(304, b"", headers, length=False)
                    return
            except (TypeError, ValueError):
                pass
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes=") and rng.endswith("-"):
            start = int(rng[6:-1])
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
            self._send(206, data[start:], headers)
            return
        if fault == "drop":
            self.record.status = 200
            self.send_response(200)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if owner.no_length:
            self._send(200, data, headers, length=False)
            self.close_connection = True
            return
        self._send(200, data, headers)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    owner: "FileServer"


class FileServer:
    """A threaded HTTP server on 127.0.0.1 (see the module docstring)."""

    def __init__(self, root: Path | None = None, *, etags: bool = True, last_modified: bool = True) -> None:
        self.root = root
        self.etags = etags
        self.last_modified = last_modified
        self.no_length = False
        self.routes: dict[str, Callable[[Request], tuple[int, dict, bytes]]] = {}
        self.faults: dict[str, list[str]] = defaultdict(list)
        self.log: list[Request] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.owner = self
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, name: str) -> str:
        return f"{self.base}/{name.lstrip('/')}"

    def requests(self, path: str | None = None) -> list[Request]:
        with self.lock:
            return [r for r in self.log if path is None or r.path == path]

    def statuses(self, path: str) -> list[int]:
        return [r.status for r in self.requests(path)]

    def close(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> "FileServer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
