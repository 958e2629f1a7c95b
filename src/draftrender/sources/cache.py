"""Downloaded files kept between renders, revalidated with the server (ETag / Last-Modified).

Layout under ``data_dir/cache``: ``blobs/<sha256>`` (content, immutable under its name) and
``meta/<sha256 of the URL>.json`` (``url, etag, last_modified, sha256, size``), each written
to a temp name and renamed, so processes sharing the data dir never see half a file. Files
are hard-linked into work folders (copied across file systems). The oldest blobs (by last
use) go when the cache outgrows its size bound.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from ..fetch import Fetched


@dataclass(frozen=True)
class CacheHit:
    """A cached copy of a URL and the validators to revalidate it with."""

    blob: Path
    size: int
    etag: str | None
    last_modified: str | None

    @property
    def validators(self) -> dict[str, str | None]:
        return {"etag": self.etag, "last_modified": self.last_modified}


def place(src: Path, dest: Path) -> None:
    """Put ``src``'s content at ``dest``: a hard link when possible, else a copy."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:8]}")
    try:
        os.link(src, tmp)
    except OSError:
        shutil.copyfile(src, tmp)
    os.replace(tmp, dest)


class ContentCache:
    """URL → file cache; every method is safe to call from threads and processes at once."""

    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.blobs = root / "blobs"
        self.meta = root / "meta"

    def _meta_path(self, url: str) -> Path:
        return self.meta / (hashlib.sha256(url.encode("utf-8")).hexdigest() + ".json")

    def lookup(self, url: str, *, require_etag: bool = False) -> CacheHit | None:
        """The cached copy of ``url`` if its blob is still there."""
        try:
            meta = json.loads(self._meta_path(url).read_text("utf-8"))
            blob = self.blobs / meta["sha256"]
            size = blob.stat().st_size
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if meta.get("url") != url or size != meta.get("size"):
            return None
        if not (meta.get("etag") or meta.get("last_modified")) or (require_etag and not meta.get("etag")):
            return None
        return CacheHit(blob, size, meta.get("etag"), meta.get("last_modified"))

    def use(self, hit: CacheHit, dest: Path) -> bool:
        """Place a (revalidated) cached copy at ``dest``; False if it vanished meanwhile."""
        try:
            place(hit.blob, dest)
            os.utime(hit.blob)
        except OSError:
            return False
        return True

    def store(self, url: str, fetched: Fetched) -> None:
        """Keep a fresh download if the server gave a validator to revalidate it with later."""
        if not (fetched.etag or fetched.last_modified) or not fetched.sha256:
            return
        try:
            self.blobs.mkdir(parents=True, exist_ok=True)
            self.meta.mkdir(parents=True, exist_ok=True)
            blob = self.blobs / fetched.sha256
            if not blob.exists():
                place(fetched.path, blob)
            meta = {"url": url, "etag": fetched.etag, "last_modified": fetched.last_modified,
                    "sha256": fetched.sha256, "size": fetched.size}
            target = self._meta_path(url)
            tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}")
            tmp.write_text(json.dumps(meta), "utf-8")
            os.replace(tmp, target)
        except OSError:
            pass  # a cache that cannot be written only costs a download next time

    def prune(self) -> None:
        """Drop the least recently used blobs until the cache fits its bound."""
        try:
            entries = [(p.stat().st_mtime, p.stat().st_size, p) for p in self.blobs.iterdir() if p.is_file()]
        except OSError:
            return
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            try:
                path.unlink()
                total -= size
            except OSError:
                pass
