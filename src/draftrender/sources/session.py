"""One materialize call's downloads: limits, parallelism, progress, cancellation, cache, errors."""
from __future__ import annotations

import threading
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import ServiceError
from ..fetch import Fetched, FetchError, SafeFetcher, fetcher_from_settings
from ..settings import Settings
from .cache import ContentCache

DOCUMENT_MAX_BYTES = 64 * 1024 * 1024  # a draft JSON or a get_draft reply


class Cancelled(Exception):
    """``should_stop()`` asked materialize to stop (not an error: the task was cancelled or lost)."""


class _Aborted(Exception):
    """Another download of the same task failed; this one stops quietly."""


def make_fetcher(settings: Settings) -> SafeFetcher:
    """The SafeFetcher for render-time downloads, from the download settings."""
    return fetcher_from_settings(settings)


def material_error(exc: FetchError) -> ServiceError:
    """A material that could not be fetched: 2004 when too large, else 2005 naming URL and cause."""
    if exc.kind == "too_large":
        return ServiceError("FILE_SIZE_LIMIT", exc.describe("zh"), exc.describe("en"))
    return ServiceError("DOWNLOAD_FAILED", exc.describe("zh"), exc.describe("en"))


def document_error(exc: FetchError, what_zh: str = "草稿", what_en: str = "draft") -> ServiceError:
    """The draft document itself (get_draft reply, draft JSON, zip) could not be fetched."""
    if exc.kind == "http" and exc.status in (400, 404, 410):
        return ServiceError("DRAFT_NOT_FOUND", f"{what_zh} {exc.describe('zh')}", f"{what_en} {exc.describe('en')}")
    if exc.kind in ("refused", "invalid_url"):
        return ServiceError("DRAFT_URL_INVALID", exc.describe("zh"), exc.describe("en"))
    if exc.kind == "too_large":
        return ServiceError("FILE_SIZE_LIMIT", f"{what_zh} {exc.describe('zh')}", f"{what_en} {exc.describe('en')}")
    return ServiceError("DOWNLOAD_FAILED", f"{what_zh} {exc.describe('zh')}", f"{what_en} {exc.describe('en')}")


@dataclass(frozen=True)
class Item:
    """One file to fetch. ``strict``: a failure fails the task; else a 404/410 is skipped."""

    url: str
    dest: Path
    strict: bool = True


class Session:
    """Fetches the files of one task: per-file and per-task byte limits, bounded parallelism,
    progress(done, total) in bytes, should_stop() between chunks and files, the content cache."""

    def __init__(self, settings: Settings, fetcher: SafeFetcher | None = None,
                 progress: Callable[[int, int], None] | None = None,
                 should_stop: Callable[[], bool] | None = None) -> None:
        self.settings = settings
        self.fetcher = fetcher or make_fetcher(settings)
        self.progress = progress
        self.should_stop = should_stop
        self.cache = ContentCache(settings.cache_dir, settings.source_cache_max_bytes) \
            if settings.source_cache_max_bytes > 0 else None
        self.max_task_bytes = settings.source_max_bytes
        self.lock = threading.Lock()
        self.stop_lock = threading.Lock()
        self.aborted = threading.Event()
        self.done = 0        # bytes in place (downloaded or taken from the cache)
        self.total = 0       # bytes known to be coming
        self.downloaded = 0  # bytes that came over the network

    # -- progress, limits, stop -------------------------------------------------------------
    def check(self) -> None:
        """Raise if this task must stop (cancelled, or another download failed)."""
        if self.aborted.is_set():
            raise _Aborted()
        if self.should_stop is not None:
            with self.stop_lock:  # the caller's should_stop need not be thread-safe
                stop = self.should_stop()
            if stop:
                self.aborted.set()
                raise Cancelled()

    def _report(self) -> None:
        if self.progress is not None:
            self.total = max(self.total, self.done)
            self.progress(self.done, self.total)

    def _over_budget(self, extra: int) -> None:
        if self.downloaded + extra > self.max_task_bytes:
            raise ServiceError("FILE_SIZE_LIMIT", f"草稿的文件总大小超过 {self.max_task_bytes} 字节",
                               f"the draft's files add up to more than {self.max_task_bytes} bytes")

    def _chunk(self, n: int) -> None:
        with self.lock:
            self._over_budget(n)
            self.downloaded += n
            self.done += n
            self._report()
        self.check()

    def _length(self, n: int) -> None:
        with self.lock:
            self._over_budget(n)
            self.total += n
            self._report()

    def _cached(self, n: int) -> None:
        with self.lock:
            self.done += n
            self.total += n
            self._report()

    # -- fetching ---------------------------------------------------------------------------
    def fetch(self, url: str, dest: Path, *, cache: bool = True, require_etag: bool = False,
              max_bytes: int | None = None) -> Fetched:
        """Download one file (revalidating a cached copy); FetchError on failure."""
        self.check()
        hit = self.cache.lookup(url, require_etag=require_etag) if cache and self.cache else None
        fetched = self.fetcher.download(url, dest, max_bytes=max_bytes, progress=self._chunk,
                                        validators=hit.validators if hit else None, on_length=self._length)
        if fetched.not_modified and hit is not None:
            if self.cache.use(hit, dest):
                self._cached(hit.size)
                return Fetched(url=url, final_url=fetched.final_url, path=dest, size=hit.size, sha256=hit.blob.name,
                               content_type=fetched.content_type, etag=hit.etag, last_modified=hit.last_modified,
                               not_modified=True)
            fetched = self.fetcher.download(url, dest, max_bytes=max_bytes, progress=self._chunk,
                                            on_length=self._length)
        if cache and self.cache:
            self.cache.store(url, fetched)
        return fetched

    def document(self, url: str, dest: Path, what_zh: str = "草稿", what_en: str = "draft", *,
                 cache: bool = True, max_bytes: int = DOCUMENT_MAX_BYTES) -> Fetched:
        """Fetch the draft document itself; errors say which draft URL failed and why.

        Cached only with an ETag: a Last-Modified date has 1 s granularity, and a draft is
        often edited and rendered within the same second."""
        try:
            return self.fetch(url, dest, cache=cache, require_etag=True, max_bytes=max_bytes)
        except FetchError as exc:
            raise document_error(exc, what_zh, what_en) from exc

    def fetch_all(self, items: list[Item]) -> dict[Path, Path | None]:
        """Fetch every item (at most ``source_parallel_downloads`` at once); dest → path, or None
        for a skipped lenient one. The first failure stops the others and is raised."""
        distinct = list({item.dest: item for item in items}.values())
        if len(distinct) > self.settings.source_max_files:
            raise ServiceError("DRAFT_CONTENT_INVALID", f"草稿引用的文件过多 ({len(distinct)} > {self.settings.source_max_files})",
                               f"the draft names too many files ({len(distinct)} > {self.settings.source_max_files})")
        results: dict[Path, Path | None] = {}
        if not distinct:
            return results

        def one(item: Item) -> Path | None:
            try:
                return self.fetch(item.url, item.dest).path
            except FetchError as exc:
                if not item.strict and exc.kind == "http" and exc.status in (404, 410):
                    return None
                raise material_error(exc) from exc

        workers = max(1, min(self.settings.source_parallel_downloads, len(distinct)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="source-dl") as pool:
            futures = {pool.submit(one, item): item for item in distinct}
            done, pending = wait(futures, return_when=FIRST_EXCEPTION)
            if any(f.exception() is not None for f in done):
                self.aborted.set()
                for f in pending:
                    f.cancel()
                wait(futures)
            errors = [f.exception() for f in futures if not f.cancelled() and f.exception() is not None]
            errors = [e for e in errors if not isinstance(e, _Aborted)]
            if errors:
                cancelled = [e for e in errors if isinstance(e, Cancelled)]
                raise (cancelled or errors)[0]
            for f, item in futures.items():
                results[item.dest] = f.result()
        return results
