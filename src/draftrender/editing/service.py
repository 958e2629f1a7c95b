"""The editing service: what the draft routes call. It joins the store, the fetcher and the ops.

Flow of an add_* call: parse and validate the request (no side effects) → download and probe
the materials into a temp folder (outside the lock) → lock the draft, apply the operation,
move the files into the draft's assets and save a new version atomically. Any error before
the save leaves the draft folder exactly as it was.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from ..drafts.doc import DraftDoc
from ..drafts.ids import new_draft_id
from ..drafts.ops.common import MediaRef, OpResult
from ..drafts.parse import draft_id_from_url
from ..drafts.store import DraftStore, EditSession
from ..errors import draft_not_found
from ..fetch import SafeFetcher, fetcher_from_settings
from ..settings import Settings
from .materials import Download, MaterialFetcher


class EditingService:
    """Draft editing for the HTTP API (and any other caller)."""

    def __init__(self, settings: Settings, store: DraftStore | None = None,
                 fetcher: SafeFetcher | None = None) -> None:
        self.settings = settings
        self.store = store or DraftStore(settings.drafts_dir, settings.draft_lock_timeout_s)
        self.fetcher = fetcher or fetcher_from_settings(settings)
        self.materials = MaterialFetcher(self.fetcher, settings.tmp_dir)

    # -- drafts -----------------------------------------------------------------------------
    def draft_url(self, draft_id: str) -> str:
        return self.settings.draft_url(draft_id)

    def existing_draft_id(self, draft_url: str | None) -> str:
        """The draft id in ``draft_url``; 2001 if malformed, 404 if no such draft."""
        draft_id = draft_id_from_url(draft_url)
        if not self.store.exists(draft_id):
            raise draft_not_found(draft_id)
        return draft_id

    def load(self, draft_url: str | None) -> tuple[str, DraftDoc]:
        draft_id = self.existing_draft_id(draft_url)
        return draft_id, self.store.load(draft_id)

    def edit(self, draft_url: str | None, op: Callable[[EditSession], OpResult]) -> tuple[str, OpResult]:
        """Apply ``op`` to the draft under its lock and save; nothing is saved if ``op`` raises."""
        draft_id = self.existing_draft_id(draft_url)
        with self.store.edit(draft_id) as session:
            result = op(session)
        return draft_id, result

    # -- materials --------------------------------------------------------------------------
    @contextmanager
    def downloads(self, urls: list[str], fail_code: int) -> Iterator[dict[str, Download]]:
        with self.materials.fetch(urls, fail_code) as got:
            yield got

    @staticmethod
    def stage(session: EditSession, urls: list[str], got: dict[str, Download]) -> list[MediaRef]:
        """Reserve an asset file for each distinct download; one MediaRef per requested URL."""
        staged: dict[str, MediaRef] = {}
        for url in dict.fromkeys(urls):
            d = got[url]
            dest = session.stage_asset(d.tmp_path, d.folder, d.filename(new_draft_id()))
            staged[url] = MediaRef(url=url, path=dest.as_posix(), kind=d.info.kind, width=d.info.width,
                                   height=d.info.height, duration_us=d.info.duration_us,
                                   has_audio=d.info.has_audio)
        return [staged[u] for u in urls]

    @staticmethod
    def record_origins(session: EditSession, refs: list[MediaRef], got: dict[str, Download]) -> None:
        """Store each new material's source URL (and checksum) next to its local copy."""
        by_path = {r.path: r for r in refs}
        for kind in ("videos", "audios"):
            for m in session.doc.materials(kind):
                ref = by_path.get(m.get("path"))
                if ref is not None and m["id"] not in session.origins.get("materials", {}):
                    f = got[ref.url].fetched
                    session.record_origin(m["id"], ref.url, Path(ref.path), sha256=f.sha256,
                                          size=f.size, content_type=f.content_type)

    def add_media(self, draft_url: str | None, urls: list[str], fail_code: int,
                  apply: Callable[[EditSession, list[MediaRef]], OpResult]) -> tuple[str, OpResult]:
        """Download ``urls``, then apply ``apply(session, refs)`` under the lock and save."""
        self.existing_draft_id(draft_url)
        with self.downloads(urls, fail_code) as got:
            def op(session: EditSession) -> OpResult:
                refs = self.stage(session, urls, got)
                result = apply(session, refs)
                self.record_origins(session, refs, got)
                return result

            return self.edit(draft_url, op)
