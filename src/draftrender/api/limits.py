"""Request body limit: a huge body gets a 413 in the envelope, never buffered whole."""
from __future__ import annotations

from starlette.requests import Request

from ..errors import ServiceError
from .envelope import error_response


class BodyLimit:
    """Pure ASGI middleware: checks Content-Length up front and counts streamed chunks."""

    def __init__(self, app, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    def _too_large(self) -> ServiceError:
        return ServiceError(1001, f"请求体超过 {self.max_bytes} 字节", f"request body over {self.max_bytes} bytes",
                            status=413)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            response = error_response(Request(scope), self._too_large())  # the caller's language
            return await response(scope, receive, send)
        seen = 0

        async def limited_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise self._too_large()
            return message

        return await self.app(scope, limited_receive, send)
