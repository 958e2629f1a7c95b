"""Safe downloads of untrusted URLs: the one HTTP client every download in the product uses.

Each hop is resolved, checked against the SSRF policy and the connection is pinned to the
checked address (the URL's host becomes the IP; Host header and TLS SNI keep the name), so a
second DNS answer cannot redirect the request. Redirects are followed by hand and re-checked.
Sizes, per-file deadlines (which also bound every connect/read wait), retries with backoff
(honouring Retry-After), Range resume and conditional requests (ETag / Last-Modified → 304) apply.
Environment proxies are never used (``trust_env=False``): a proxy would bypass the IP checks.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import urljoin, urlsplit

import httpx

from .policy import Network, Resolver, address_allowed, literal_ip, system_resolver

RETRY_STATUSES = {408, 429, 500, 502, 503, 504}
MAX_REDIRECTS = 5


class FetchError(Exception):
    """A download that failed; ``kind`` says why, ``url`` and ``status`` name the culprit."""

    def __init__(self, kind: str, url: str, reason: str, status: int | None = None,
                 reason_zh: str | None = None) -> None:
        self.kind = kind  # invalid_url | refused | http | too_large | timeout | network
        self.url = url
        self.status = status
        self.reason = reason
        self.reason_zh = reason_zh or reason
        super().__init__(self.describe())

    def describe(self, lang: str = "en") -> str:
        """``<url> (HTTP 403)`` or ``<url> (<reason>)``: what users see after the base message."""
        if self.status is not None:
            return f"{self.url} (HTTP {self.status})"
        return f"{self.url} ({self.reason_zh if lang == 'zh' else self.reason})"


@dataclass(frozen=True)
class FetchLimits:
    """Bounds for one file."""

    max_bytes: int = 500 * 1024 * 1024
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0
    deadline_s: float = 300.0
    retries: int = 3
    backoff_s: float = 0.5
    max_backoff_s: float = 10.0


@dataclass(frozen=True)
class Fetched:
    """A completed download (``not_modified``: the server answered 304 and nothing was written)."""

    url: str
    final_url: str
    path: Path
    size: int
    sha256: str
    content_type: str
    etag: str | None
    last_modified: str | None
    not_modified: bool = False


class _Retry(Exception):
    def __init__(self, error: FetchError, wait_s: float | None = None) -> None:
        self.error = error
        self.wait_s = wait_s


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def _too_large(url: str, limit: int) -> FetchError:
    return FetchError("too_large", url, f"larger than {limit} bytes", reason_zh=f"大于 {limit} 字节")


def _timed_out(url: str, deadline_s: float) -> FetchError:
    return FetchError("timeout", url, f"not finished within {deadline_s:g} s", reason_zh=f"{deadline_s:g} 秒内未完成")


def _network(url: str, what: str, exc: Exception) -> FetchError:
    zh = {"connection failed": "连接失败", "connection dropped": "连接中断"}.get(what, what)
    return FetchError("network", url, f"{what}: {exc}", reason_zh=f"{zh}: {exc}")


class SafeFetcher:
    """Downloads http(s) URLs under the SSRF policy and the given limits."""

    def __init__(
        self,
        allowed_networks: Iterable[Network] = (),
        limits: FetchLimits | None = None,
        resolver: Resolver = system_resolver,
    ) -> None:
        self.allowed = tuple(allowed_networks)
        self.limits = limits or FetchLimits()
        self.resolver = resolver

    # -- policy -----------------------------------------------------------------------------
    def check_url(self, url: str) -> tuple[httpx.URL, str]:
        """Validate scheme and host and resolve it; return the URL pinned to a checked IP.

        IP literals, including the legacy numeric forms (``2130706433``, ``0x7f.1``, ``127.1``),
        are judged as the address they denote without asking any resolver.
        """
        try:
            parts = httpx.URL(url)
        except Exception as exc:  # httpx raises InvalidURL and friends
            raise FetchError("invalid_url", url, f"invalid URL: {exc}", reason_zh=f"无效的URL: {exc}") from exc
        if parts.scheme not in ("http", "https") or not parts.host:
            raise FetchError("invalid_url", url, "only http and https URLs can be fetched",
                             reason_zh="只能下载http和https地址")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        literal = literal_ip(parts.host)
        if literal is not None:
            ips = [str(literal)]
        else:
            try:
                ips = list(self.resolver(parts.host, port))
            except (OSError, UnicodeError) as exc:
                raise FetchError("network", url, f"cannot resolve host {parts.host}",
                                 reason_zh=f"无法解析主机 {parts.host}") from exc
        if not ips:
            raise FetchError("network", url, f"cannot resolve host {parts.host}", reason_zh=f"无法解析主机 {parts.host}")
        for ip in ips:
            if not address_allowed(ip, self.allowed):
                raise FetchError("refused", url, f"address {ip} is not allowed", reason_zh=f"地址 {ip} 不允许访问")
        return parts.copy_with(host=ips[0]), parts.host

    # -- requests ---------------------------------------------------------------------------
    def _client(self) -> httpx.Client:
        lim = self.limits
        timeout = httpx.Timeout(lim.read_timeout_s, connect=lim.connect_timeout_s)
        return httpx.Client(timeout=timeout, trust_env=False, follow_redirects=False)

    def _timeout(self, deadline: float | None) -> httpx.Timeout:
        """Connect/read timeouts, never longer than what is left until ``deadline``."""
        lim = self.limits
        if deadline is None:
            return httpx.Timeout(lim.read_timeout_s, connect=lim.connect_timeout_s)
        left = max(0.05, deadline - time.monotonic())
        return httpx.Timeout(min(lim.read_timeout_s, left), connect=min(lim.connect_timeout_s, left))

    def _open(self, client: httpx.Client, url: str, headers: dict[str, str],
              deadline: float | None = None) -> tuple[httpx.Response, str]:
        """Send a GET, following up to MAX_REDIRECTS checked hops; return the open response."""
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            pinned, host = self.check_url(current)
            orig = httpx.URL(current)
            hdrs = dict(headers)
            hdrs["Host"] = orig.netloc.decode("ascii")
            ext = {"sni_hostname": host} if orig.scheme == "https" else {}
            req = client.build_request("GET", pinned, headers=hdrs, extensions=ext,
                                       timeout=self._timeout(deadline))
            resp = client.send(req, stream=True)
            if resp.status_code in (301, 302, 303, 307, 308) and "location" in resp.headers:
                resp.close()
                current = urljoin(current, resp.headers["location"])
                continue
            return resp, current
        raise FetchError("http", url, f"more than {MAX_REDIRECTS} redirects", reason_zh=f"重定向超过 {MAX_REDIRECTS} 次")

    def download(self, url: str, dest: Path, *, max_bytes: int | None = None,
                 progress: Callable[[int], None] | None = None,
                 validators: dict[str, str | None] | None = None,
                 on_length: Callable[[int], None] | None = None) -> Fetched:
        """Download ``url`` into ``dest`` (resuming with Range after a drop); return its facts.

        ``progress(n)`` is called with each chunk's size (it may raise to stop the download);
        ``on_length(n)`` with the body length a response announces. ``validators``
        (``{"etag": ..., "last_modified": ...}`` of a cached copy) make the first request
        conditional: a 304 answer returns ``Fetched(not_modified=True)`` and writes nothing.
        """
        limit = self.limits.max_bytes if max_bytes is None else max_bytes
        deadline = time.monotonic() + self.limits.deadline_s
        dest.parent.mkdir(parents=True, exist_ok=True)
        part = dest.with_name(dest.name + ".part")
        part.unlink(missing_ok=True)
        state = {"etag": None, "resumable": False, "validators": dict(validators or {})}
        attempt = 0
        with self._client() as client:
            while True:
                try:
                    result = self._attempt(client, url, part, limit, deadline, state, progress, on_length)
                    break
                except _Retry as retry:
                    attempt += 1
                    wait = retry.wait_s
                    if wait is None:
                        wait = min(self.limits.backoff_s * 2 ** (attempt - 1), self.limits.max_backoff_s)
                    out_of_time = time.monotonic() + wait > deadline
                    if attempt > self.limits.retries or out_of_time:
                        part.unlink(missing_ok=True)
                        error = retry.error
                        if error.kind == "timeout" and out_of_time:
                            error = _timed_out(url, self.limits.deadline_s)
                        raise error from None
                    time.sleep(wait)
                except BaseException:
                    part.unlink(missing_ok=True)
                    raise
        if result.get("not_modified"):
            return Fetched(url=url, path=dest, **result)
        part.replace(dest)
        return Fetched(url=url, path=dest, **result)

    def _attempt(self, client, url, part, limit, deadline, state, progress, on_length) -> dict:
        have = part.stat().st_size if part.exists() else 0
        headers = {"Accept-Encoding": "identity"}
        conditional = False
        if have and state["resumable"]:
            headers["Range"] = f"bytes={have}-"
            if state["etag"]:
                headers["If-Range"] = state["etag"]
        elif have:
            part.unlink()
            have = 0
        if not have and state["validators"]:
            if state["validators"].get("etag"):
                headers["If-None-Match"] = state["validators"]["etag"]
                conditional = True
            if state["validators"].get("last_modified"):
                headers["If-Modified-Since"] = state["validators"]["last_modified"]
                conditional = True
        if time.monotonic() >= deadline:
            raise _timed_out(url, self.limits.deadline_s)
        try:
            resp, final_url = self._open(client, url, headers, deadline)
        except httpx.TimeoutException as exc:
            raise _Retry(FetchError("timeout", url, "timed out", reason_zh="超时")) from exc
        except httpx.TransportError as exc:
            raise _Retry(_network(url, "connection failed", exc)) from exc
        try:
            status = resp.status_code
            if status == 304 and conditional:
                return {"final_url": final_url, "size": 0, "sha256": "", "not_modified": True,
                        "content_type": resp.headers.get("content-type", "").split(";")[0].strip(),
                        "etag": resp.headers.get("etag") or state["validators"].get("etag"),
                        "last_modified": resp.headers.get("last-modified") or state["validators"].get("last_modified")}
            if status in RETRY_STATUSES:
                raise _Retry(FetchError("http", url, "server error", status),
                             _retry_after(resp.headers.get("retry-after")))
            if status not in (200, 206):
                raise FetchError("http", url, "unexpected status", status)
            if status == 200 and have:
                part.unlink()
                have = 0
            length = resp.headers.get("content-length")
            if length and length.isdigit() and have + int(length) > limit:
                raise _too_large(url, limit)
            if on_length and length and length.isdigit():
                on_length(int(length))
            state["etag"] = resp.headers.get("etag")
            state["resumable"] = resp.headers.get("accept-ranges", "").lower() == "bytes" or status == 206
            got = have
            try:
                with part.open("ab") as fh:
                    for chunk in resp.iter_bytes():
                        got += len(chunk)
                        if got > limit:
                            raise _too_large(url, limit)
                        if time.monotonic() > deadline:
                            raise _timed_out(url, self.limits.deadline_s)
                        fh.write(chunk)
                        if progress:
                            progress(len(chunk))
            except httpx.TimeoutException as exc:
                raise _Retry(FetchError("timeout", url, "timed out", reason_zh="超时")) from exc
            except httpx.TransportError as exc:
                raise _Retry(_network(url, "connection dropped", exc)) from exc
            if length and length.isdigit() and got - have < int(length):
                raise _Retry(FetchError("network", url, "connection dropped before the end",
                                        reason_zh="连接在文件结束前中断"))
            return {
                "final_url": final_url,
                "size": got,
                "sha256": _sha256(part),
                "content_type": resp.headers.get("content-type", "").split(";")[0].strip(),
                "etag": resp.headers.get("etag"),
                "last_modified": resp.headers.get("last-modified"),
            }
        finally:
            resp.close()

    def get_bytes(self, url: str, *, max_bytes: int = 16 * 1024 * 1024) -> tuple[bytes, str]:
        """Fetch a small document (JSON) into memory; return (body, content type)."""
        deadline = time.monotonic() + self.limits.deadline_s
        with self._client() as client:
            try:
                resp, _ = self._open(client, url, {"Accept-Encoding": "identity"}, deadline)
            except httpx.TimeoutException as exc:
                if time.monotonic() >= deadline:
                    raise _timed_out(url, self.limits.deadline_s) from exc
                raise FetchError("timeout", url, "timed out", reason_zh="超时") from exc
            except httpx.TransportError as exc:
                raise _network(url, "connection failed", exc) from exc
            try:
                if resp.status_code != 200:
                    raise FetchError("http", url, "unexpected status", resp.status_code)
                buf = bytearray()
                try:
                    for chunk in resp.iter_bytes():
                        buf += chunk
                        if len(buf) > max_bytes:
                            raise _too_large(url, max_bytes)
                        if time.monotonic() > deadline:
                            raise _timed_out(url, self.limits.deadline_s)
                except httpx.TimeoutException as exc:
                    raise FetchError("timeout", url, "timed out", reason_zh="超时") from exc
                except httpx.TransportError as exc:
                    raise _network(url, "connection dropped", exc) from exc
                return bytes(buf), resp.headers.get("content-type", "")
            finally:
                resp.close()


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def url_host(url: str) -> str:
    """The host part of a URL, for messages."""
    return urlsplit(url).hostname or ""
