"""Parsing of capcut-mate request values: draft URLs, JSON-encoded lists, colours, times."""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..errors import ServiceError
from .ids import is_draft_id


def draft_id_from_url(draft_url: str | None) -> str:
    """The ``draft_id`` query parameter of a draft URL (host and path do not matter)."""
    if not draft_url or not str(draft_url).strip():
        raise ServiceError(2001, "draft_url is empty", "draft_url is empty")
    parts = urlsplit(str(draft_url).strip())
    values = parse_qs(parts.query).get("draft_id") or parse_qs(parts.fragment.split("?")[-1]).get("draft_id")
    if not values or not values[0].strip():
        raise ServiceError(2001, f"draft_url中没有draft_id: {draft_url}", f"no draft_id in draft_url: {draft_url}")
    draft_id = values[0].strip()
    if not is_draft_id(draft_id):
        raise ServiceError(2001, f"draft_id格式无效: {draft_id}", f"malformed draft_id: {draft_id}")
    return draft_id


def json_list(value: Any, *, code: int, field: str) -> list[dict]:
    """A list parameter sent as a JSON string (or, leniently, as a real JSON array) of objects."""
    if isinstance(value, str):
        if not value.strip():
            raise ServiceError(code, f"{field}不能为空", f"{field} is empty")
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ServiceError(code, f"{field}不是有效的JSON: {exc}", f"{field} is not valid JSON: {exc}") from exc
    if not isinstance(value, list):
        raise ServiceError(code, f"{field}必须是数组", f"{field} must be a JSON array")
    if not value:
        raise ServiceError(code, f"{field}不能为空", f"{field} is empty")
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise ServiceError(code, f"{field}第{i}项必须是对象", f"{field} item {i} must be an object")
    return value


def item_error(code: int, field: str, index: int, zh: str, en: str) -> ServiceError:
    """An error about one item of a list parameter, naming it in both languages."""
    return ServiceError(code, f"{field}第{index}项: {zh}", f"{field} item {index}: {en}")


def get_int(item: dict, key: str, *, code: int, field: str, index: int, required: bool = True,
            default: int | None = None, minimum: int | None = None) -> int | None:
    """An integer field of a list item (floats are truncated, as capcut-mate does)."""
    raw = item.get(key)
    if raw is None:
        if required:
            raise item_error(code, field, index, f"缺少{key}", f"missing {key}")
        return default
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        try:
            raw = float(str(raw))
        except ValueError:
            raise item_error(code, field, index, f"{key}必须是数字", f"{key} must be a number") from None
    value = int(raw)
    if minimum is not None and value < minimum:
        raise item_error(code, field, index, f"{key}不能小于{minimum}", f"{key} must be >= {minimum}")
    return value


def get_float(item: dict, key: str, default: float | None = None) -> float | None:
    raw = item.get(key)
    if raw is None or isinstance(raw, bool):
        return default
    try:
        return float(raw)
    except (TypeError, ValueError):
        return default


def hex_to_rgb(value: str | None, default: tuple[float, float, float] = (1.0, 1.0, 1.0)) -> list[float]:
    """``#rrggbb`` (or ``rrggbb``/``#rgb``) to RGB floats 0–1; invalid → ``default``."""
    if not value or not isinstance(value, str):
        return list(default)
    h = value.strip().lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    if len(h) != 6:
        return list(default)
    try:
        return [int(h[i:i + 2], 16) / 255.0 for i in (0, 2, 4)]
    except ValueError:
        return list(default)


def check_http_url(url: Any, *, code: int, field: str, index: int, key: str) -> str:
    """The item's URL, which must be an http(s) URL."""
    if not isinstance(url, str) or not url.strip():
        raise item_error(code, field, index, f"缺少{key}", f"missing {key}")
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")):
        raise item_error(code, field, index, f"{key}必须以http://或https://开头", f"{key} must start with http:// or https://")
    return url


def timed_urls(items: list[dict], *, field: str, url_key: str, code: int, url_code: int | None = None) -> list[str]:
    """Each item's http(s) ``url_key`` and integer ``start`` < ``end`` (µs); the URLs in order.

    ``code`` is the route's "invalid info" code; ``url_code`` overrides it for the URL check."""
    urls = []
    for i, item in enumerate(items):
        urls.append(check_http_url(item.get(url_key), code=url_code or code, field=field, index=i, key=url_key))
        start = get_int(item, "start", code=code, field=field, index=i, minimum=0)
        end = get_int(item, "end", code=code, field=field, index=i)
        if end <= start:
            raise item_error(code, field, i, "end必须大于start", "end must be greater than start")
    return urls
