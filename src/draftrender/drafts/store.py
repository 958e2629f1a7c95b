"""Drafts on disk: one folder per draft, atomic saves, a cross-process lock per draft.

Unlike capcut-mate (an in-memory cache of 100 drafts), every draft on disk stays editable,
and an edit either writes a complete new version or nothing at all.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import filelock

from ..errors import ServiceError, draft_not_found
from .doc import DraftDoc
from .ids import is_draft_id, new_draft_id
from .template import STATIC_FILES, new_draft_content, new_meta_info

CONTENT = "draft_content.json"
INFO = "draft_info.json"
META = "draft_meta_info.json"
ORIGINS = "draftrender_origins.json"
LOCK = ".draft.lock"  # dot-files (lock, temp files) are never listed


def atomic_write_json(path: Path, data: object) -> None:
    """Write JSON to a temp file in the same folder, fsync it, then rename over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class EditSession:
    """One edit of one draft: the document, staged asset files and material origins."""

    draft_id: str
    folder: Path
    doc: DraftDoc
    origins: dict
    _staged: list[tuple[Path, Path]] = field(default_factory=list)

    def stage_asset(self, src: Path, kind: str, filename: str) -> Path:
        """Reserve ``assets/<kind>/<filename>`` for ``src``; the move happens on commit."""
        dest = self.folder / "assets" / kind / filename
        self._staged.append((src, dest))
        return dest

    def record_origin(self, material_id: str, url: str, dest: Path, **extra: object) -> None:
        """Remember where a material came from, next to its local copy's relative path."""
        self.origins.setdefault("materials", {})[material_id] = {
            "url": url,
            "file": dest.relative_to(self.folder).as_posix(),
            **extra,
        }

    def _move_staged(self) -> None:
        for src, dest in self._staged:
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(src), dest)


class DraftStore:
    """The folder of drafts: create, load, edit under lock, list files."""

    def __init__(self, root: Path, lock_timeout_s: float = 30.0) -> None:
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.lock_timeout_s = lock_timeout_s

    def folder(self, draft_id: str) -> Path:
        if not is_draft_id(draft_id):
            raise ServiceError(2001, f"draft_id={draft_id!r}")
        return self.root / draft_id

    def exists(self, draft_id: str) -> bool:
        return is_draft_id(draft_id) and (self.root / draft_id / CONTENT).is_file()

    def create(self, width: int, height: int, fps: int = 30) -> str:
        """Make a new draft folder with an empty draft; return its id."""
        for _ in range(5):
            draft_id = new_draft_id()
            folder = self.root / draft_id
            try:
                folder.mkdir(parents=True)
                break
            except FileExistsError:
                continue
        else:  # pragma: no cover - five uuid collisions in one second
            raise ServiceError(2002, "could not allocate a draft id")
        content = new_draft_content(width, height, fps)
        for name, data in STATIC_FILES.items():
            atomic_write_json(folder / name, data)
        atomic_write_json(folder / "template.tmp", new_draft_content(0, 0, fps))
        atomic_write_json(folder / META, new_meta_info(draft_id, folder.as_posix(), self.root.as_posix()))
        atomic_write_json(folder / ORIGINS, {"draft_id": draft_id, "materials": {}})
        atomic_write_json(folder / INFO, content)
        atomic_write_json(folder / CONTENT, content)
        return draft_id

    def load(self, draft_id: str) -> DraftDoc:
        """Read a draft (no lock: saves are atomic renames, so a read sees a whole version)."""
        folder = self.folder(draft_id)
        path = folder / CONTENT
        if not path.is_file():
            raise draft_not_found(draft_id)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ServiceError("DRAFT_CONTENT_INVALID", f"{CONTENT}: {exc}") from exc
        return DraftDoc(data)

    def _load_origins(self, folder: Path) -> dict:
        try:
            return json.loads((folder / ORIGINS).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {"materials": {}}

    @contextmanager
    def lock(self, draft_id: str) -> Iterator[Path]:
        """Hold the draft's cross-process lock (filelock on ``.draft.lock``)."""
        folder = self.folder(draft_id)
        if not (folder / CONTENT).is_file():
            raise draft_not_found(draft_id)
        lock = filelock.FileLock(str(folder / LOCK), timeout=self.lock_timeout_s)
        try:
            lock.acquire()
        except filelock.Timeout as exc:
            raise ServiceError(2042, draft_id) from exc
        try:
            yield folder
        finally:
            lock.release()

    @contextmanager
    def edit(self, draft_id: str) -> Iterator[EditSession]:
        """Lock, load, let the caller mutate, then save atomically; on error save nothing."""
        with self.lock(draft_id) as folder:
            doc = self.load(draft_id)
            session = EditSession(draft_id, folder, doc, self._load_origins(folder))
            yield session
            doc.finish()
            session._move_staged()
            atomic_write_json(folder / ORIGINS, session.origins)
            atomic_write_json(folder / INFO, doc.data)
            atomic_write_json(folder / CONTENT, doc.data)
            self._touch_meta(folder, doc)

    def _touch_meta(self, folder: Path, doc: DraftDoc) -> None:
        meta_path = folder / META
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        meta["tm_duration"] = doc.data.get("duration", 0)
        atomic_write_json(meta_path, meta)

    def files(self, draft_id: str) -> list[str]:
        """Relative paths of every file of the draft, sorted (what get_draft lists)."""
        folder = self.folder(draft_id)
        if not (folder / CONTENT).is_file():
            raise draft_not_found(draft_id)
        out = []
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                out.append(path.relative_to(folder).as_posix())
        return out

    def origins(self, draft_id: str) -> dict:
        return self._load_origins(self.folder(draft_id))
