"""Which draft a draft_url names, and under which key (cheap: no network, no file reads).

Forms (contract.md, gen_video):
1. ``.../get_draft?draft_id=<id>`` on any host or prefix: our own draft when we have it; on our
   own host but unknown → 草稿不存在; on another host → that capcut-mate server's draft.
3. a ``drafId`` / ``draft_id`` / ``draft_url`` parameter, in the query or in the fragment
   (``https://ts.fyshark.com/#/cozeToJianyin?drafId=https://.../x.json``), whose value is an
   http(s) URL → that inner URL, identified in turn.
4. a path ending in ``.json`` → a draft JSON.
5. a path ending in ``.zip`` → a zipped draft folder.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from ..drafts.ids import is_draft_id
from ..errors import ServiceError
from ..settings import Settings

DRAFT_PARAMS = ("drafId", "draft_id", "draft_url", "draftId", "draftUrl")
DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_NESTING = 3


@dataclass(frozen=True)
class DraftRef:
    """What a draft_url names.

    ``kind``: "own" | "capcut_mate" | "json_url" | "zip_url". ``url``: what to fetch ("" for
    own; for a wrapped URL, the inner one). ``key``: identity for "one task per draft":
    ``own:<id>``, else the normalised URL that is fetched.
    """

    kind: str
    url: str
    draft_id: str | None
    key: str


def _invalid(zh: str, en: str) -> ServiceError:
    return ServiceError("DRAFT_URL_INVALID", zh, en)


def _params(text: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(text, keep_blank_values=True)
    except ValueError:
        return []


def _fragment_params(fragment: str) -> list[tuple[str, str]]:
    """Parameters of a fragment: ``/route?a=1&b=2`` or ``a=1&b=2``."""
    if "?" in fragment:
        return _params(fragment.split("?", 1)[1])
    return _params(fragment) if "=" in fragment else []


def _is_http(value: str) -> bool:
    value = value.strip()
    if not value.lower().startswith(("http://", "https://")):
        value = unquote(value)
    parts = urlsplit(value.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _inner_url(value: str) -> str:
    value = value.strip()
    return value if value.lower().startswith(("http://", "https://")) else unquote(value).strip()


def _netloc(scheme: str, host: str, port: int | None, userinfo: str = "") -> str:
    host = host.lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    return f"{userinfo}@{host}" if userinfo else host


def normalise_url(url: str) -> str:
    """Lower-case scheme and host, default port dropped, trailing slash dropped, query sorted,
    fragment dropped unless it carries a draft parameter."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    userinfo = parts.netloc.rsplit("@", 1)[0] if "@" in parts.netloc else ""
    netloc = _netloc(scheme, parts.hostname or "", port, userinfo)
    path = parts.path.rstrip("/")
    query = urlencode(sorted(_params(parts.query)))
    fragment = parts.fragment
    if not any(name in DRAFT_PARAMS for name, _ in _fragment_params(fragment)):
        fragment = ""
    return urlunsplit((scheme, netloc, path, query, fragment))


def _same_host(parts, base_url: str) -> bool:
    base = urlsplit(base_url)
    try:
        ours = _netloc(base.scheme.lower(), base.hostname or "", base.port)
        theirs = _netloc(parts.scheme.lower(), parts.hostname or "", parts.port)
    except ValueError:
        return False
    return bool(base.hostname) and ours == theirs


def identify(draft_url: str, settings: Settings, own_exists: Callable[[str], bool]) -> DraftRef:
    """The DraftRef a draft_url names; ServiceError for a missing, malformed or unknown one."""
    if not isinstance(draft_url, str) or not draft_url.strip():
        raise ServiceError("DRAFT_URL_REQUIRED")
    return _identify(draft_url.strip(), settings, own_exists, 0)


def _identify(url: str, settings: Settings, own_exists: Callable[[str], bool], depth: int) -> DraftRef:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 — raises ValueError for a bad port
    except ValueError:
        raise _invalid(f"无法解析的URL: {url}", f"unparsable URL: {url}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise _invalid(f"只支持http/https地址: {url}", f"only http/https URLs are accepted: {url}")
    query = _params(parts.query)
    fragment = _fragment_params(parts.fragment)
    path = unquote(parts.path).rstrip("/")
    lower_path = path.lower()

    # (1) a draft id: our own draft first, whatever host or prefix the URL carries
    ids = [v.strip() for k, v in query + fragment if k == "draft_id" and is_draft_id(v.strip())]
    draft_id = ids[0] if ids else None
    if draft_id and own_exists(draft_id):
        return DraftRef("own", "", draft_id, f"own:{draft_id}")

    # (3) a wrapped draft URL in the query or the fragment
    for name, value in query + fragment:
        if name in DRAFT_PARAMS and _is_http(value):
            if depth >= MAX_NESTING:
                raise _invalid(f"草稿URL嵌套过深: {url}", f"draft URL nested too deeply: {url}")
            return _identify(_inner_url(value), settings, own_exists, depth + 1)

    if draft_id and (lower_path.endswith("/get_draft") or lower_path == "get_draft"):
        if _same_host(parts, settings.base_url):
            raise ServiceError("DRAFT_NOT_FOUND", draft_id)
        return DraftRef("capcut_mate", url, draft_id, normalise_url(url))
    # (4) / (5) a draft JSON or a zipped draft folder
    if lower_path.endswith(".json"):
        return DraftRef("json_url", url, draft_id, normalise_url(url))
    if lower_path.endswith(".zip"):
        return DraftRef("zip_url", url, draft_id, normalise_url(url))
    if draft_id and _same_host(parts, settings.base_url):
        raise ServiceError("DRAFT_NOT_FOUND", draft_id)
    raise _invalid(f"无法从URL识别草稿: {url}", f"no draft can be identified in: {url}")
