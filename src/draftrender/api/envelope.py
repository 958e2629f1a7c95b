"""The contract's response envelope, success and error, in the caller's language."""
from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from ..errors import ServiceError

SUCCESS = {"zh": "成功", "en": "Success"}


def language(request: Request) -> str:
    """capcut-mate's rule: the first Accept-Language tag's primary subtag ``en`` → English."""
    header = request.headers.get("accept-language", "")
    first = header.split(",")[0].strip().split(";")[0].strip().lower()
    if first:
        return "en" if first.split("-")[0] == "en" else "zh"
    return getattr(request.app.state.settings, "default_language", "zh")


def ok(request: Request, **fields: Any) -> dict:
    """A success body: ``code 0``, a localized ``message`` (unless given), then the fields."""
    body: dict[str, Any] = {"code": 0, "message": SUCCESS[language(request)]}
    body.update(fields)
    return body


def error_body(err: ServiceError, lang: str) -> dict:
    """``{code, message, detail, error{code, message, details}}`` — readable by every client."""
    text = err.text(lang)
    return {
        "code": err.code,
        "message": text,
        "detail": text,
        "error": {
            "code": err.kind.symbol,
            "message": err.base(lang),
            "details": err.detail_text(lang) or "",
        },
    }


def error_response(request: Request, err: ServiceError) -> JSONResponse:
    return JSONResponse(error_body(err, language(request)), status_code=err.status)
