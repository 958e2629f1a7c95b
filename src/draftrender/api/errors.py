"""Exception handlers: every failure leaves as the contract's envelope, never a traceback."""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import ServiceError
from .envelope import error_response, language

log = logging.getLogger("draftrender.api")


UNION_MEMBERS = {"str", "int", "float", "bool", "list", "dict", "none"}


def _field_path(loc: tuple) -> str:
    """Dotted field path without pydantic's ``body`` prefix and union-member names."""
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        parts = parts[1:]
    parts = [p for p in parts if p.split("[")[0].lower() not in UNION_MEMBERS]
    return ".".join(parts) or "body"


def _validation_detail(exc: RequestValidationError) -> str:
    """``field.path: message`` per field, one union's alternatives merged with "or"."""
    by_path: dict[str, list[str]] = {}
    for err in exc.errors():
        msg = err.get("msg", "invalid")
        path = _field_path(tuple(err.get("loc", ())))
        if err.get("type") == "json_invalid":
            msg, path = "request body is not valid JSON", "body"
        msgs = by_path.setdefault(path, [])
        if msg not in msgs:
            msgs.append(msg)
    return "; ".join(f"{path}: {' or '.join(msgs)}" for path, msgs in by_path.items())


def install_error_handlers(app: FastAPI) -> None:
    """Map ServiceError, validation errors, HTTP errors and anything else onto the envelope."""

    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError) -> JSONResponse:
        return error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(request, ServiceError(1001, _validation_detail(exc)))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        lang = language(request)
        base = {404: ("接口不存在", "Not found"), 405: ("请求方法不允许", "Method not allowed"),
                413: ("请求体过大", "Request body too large")}.get(exc.status_code, ("HTTP错误", "HTTP error"))
        text = base[1] if lang == "en" else base[0]
        text = f"{text}: {request.method} {request.url.path}"
        body = {"code": exc.status_code, "message": text, "detail": text,
                "error": {"code": f"HTTP_{exc.status_code}", "message": text, "details": str(exc.detail)}}
        return JSONResponse(body, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(request, ServiceError(9998, type(exc).__name__, type(exc).__name__))
