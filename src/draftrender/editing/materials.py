"""Edit-time materials: download (safely, in parallel), probe, and clean up on failure."""
from __future__ import annotations

import mimetypes
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from ..errors import ServiceError
from ..fetch import Fetched, FetchError, SafeFetcher
from ..media import MediaInfo, ProbeError, probe

MEDIA_SUFFIXES = {".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi", ".flv", ".ts", ".gif", ".png",
                  ".jpg", ".jpeg", ".webp", ".bmp", ".mp3", ".m4a", ".aac", ".wav", ".ogg", ".flac",
                  ".opus"}
FORMAT_SUFFIX = {"png_pipe": ".png", "jpeg_pipe": ".jpg", "webp_pipe": ".webp", "bmp_pipe": ".bmp",
                 "gif": ".gif", "mp3": ".mp3", "wav": ".wav", "ogg": ".ogg", "flac": ".flac"}
FOLDER = {"video": "videos", "photo": "images", "audio": "audios"}
PARALLEL_DOWNLOADS = 4


@dataclass(frozen=True)
class Download:
    """One fetched and probed URL, waiting in the temp folder."""

    url: str
    tmp_path: Path
    fetched: Fetched
    info: MediaInfo

    @property
    def folder(self) -> str:
        return FOLDER[self.info.kind]

    def filename(self, stem: str) -> str:
        return stem + _suffix(self)


def _suffix(d: Download) -> str:
    suffix = Path(urlsplit(d.url).path).suffix.lower()
    if suffix in MEDIA_SUFFIXES:
        return suffix
    guessed = mimetypes.guess_extension(d.fetched.content_type or "") or ""
    if guessed.lower() in MEDIA_SUFFIXES:
        return guessed.lower()
    first = d.info.format_name.split(",")[0]
    if first in FORMAT_SUFFIX:
        return FORMAT_SUFFIX[first]
    return ".mp4" if d.info.kind == "video" else ""


def fetch_error(exc: FetchError) -> ServiceError:
    """2004 for oversize files, otherwise 2005 naming the URL and HTTP status."""
    if exc.kind == "too_large":
        return ServiceError(2004, exc.describe())
    return ServiceError(2005, exc.describe())


class MaterialFetcher:
    """Fetches a call's material URLs into ``tmp_dir`` and probes them."""

    def __init__(self, fetcher: SafeFetcher, tmp_dir: Path) -> None:
        self.fetcher = fetcher
        self.tmp_dir = tmp_dir

    def _one(self, url: str, workdir: Path, fail_code: int) -> Download:
        dest = workdir / uuid.uuid4().hex
        try:
            fetched = self.fetcher.download(url, dest)
        except FetchError as exc:
            raise fetch_error(exc) from exc
        try:
            info = probe(dest)
        except ProbeError as exc:
            raise ServiceError(fail_code, f"素材不是可识别的媒体文件: {url} ({exc})",
                               f"material is not a readable media file: {url} ({exc})") from exc
        return Download(url, dest, fetched, info)

    @contextmanager
    def fetch(self, urls: list[str], fail_code: int) -> Iterator[dict[str, Download]]:
        """Download each distinct URL once; the temp files are removed when the block exits."""
        workdir = self.tmp_dir / f"dl-{uuid.uuid4().hex}"
        workdir.mkdir(parents=True, exist_ok=True)
        try:
            distinct = list(dict.fromkeys(urls))
            with ThreadPoolExecutor(max_workers=min(PARALLEL_DOWNLOADS, len(distinct) or 1)) as pool:
                futures = {u: pool.submit(self._one, u, workdir, fail_code) for u in distinct}
                results = {u: f.result() for u, f in futures.items()}
            yield results
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def probe_url(self, url: str, fail_code: int) -> MediaInfo:
        """Download ``url`` to a temp file, probe it, delete it (get_audio_duration & co)."""
        with self.fetch([url], fail_code) as got:
            return got[url].info
