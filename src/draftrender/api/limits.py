"""Request body limit: a huge body gets a 413 in the envelope, never buffered whole."""
from __future__ import annotations

import json

from ..errors import ServiceError
from .envelope import error_body


class BodyLimit:
    """Pure ASGI middleware: checks Content-Length up front and counts streamed chunks."""

    def __init__(self, app, max_bytes: int, default_language: str = "zh") -> None:
        self.app, self.max_bytes, self.default_language = app, max_bytes, default_language

    def _error(self, scope) -> tuple[bytes, int]:
        headers = dict(scope.get("headers") or [])
        first = headers.get(b"accept-language", b"").decode("latin-1").split(",")[0].strip().lower()
        lang = "en" if first.startswith("en") else ("zh" if first else self.default_language)
        err = ServiceError(1001, f"请求体超过 {self.max_bytes} 字节", f"request body over {self.max_bytes} bytes",
                           status=413)
        return json.dumps(error_body(err, lang), ensure_ascii=False).encode(), err.status

    async def _reject(self, scope, send) -> None:
        body, status = self._error(scope)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            return await self._reject(scope, send)
        seen = 0

        async def limited_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise ServiceError(1001, f"请求体超过 {self.max_bytes} 字节",
                                       f"request body over {self.max_bytes} bytes", status=413)
            return message

        return await self.app(scope, limited_receive, send)
