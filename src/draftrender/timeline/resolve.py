"""Find a material's file on this machine, whatever path the draft recorded.

Drafts carry the path of the machine that wrote them: capcut-mate's Docker layout
(``/app/output/draft/<id>/assets/...``), a Windows JianYing folder, our own data dir, a
path relative to the draft, or an http(s) URL (downloaded elsewhere, then mapped here).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

DRAFT_ID_SEGMENT = re.compile(r"^[0-9A-Za-z_-]{12,40}$")


@dataclass
class PathResolver:
    """Maps recorded material paths onto local files.

    ``draft_dir``: the folder holding draft_content.json. ``path_map``: exact recorded path (or
    URL) → local path, and recorded prefix → local prefix, tried first.
    """

    draft_dir: Path
    path_map: dict[str, str] = field(default_factory=dict)
    draft_id: str | None = None

    def resolve(self, recorded: str) -> Path | None:
        """The local file for ``recorded``, or None if nothing on disk matches."""
        if not recorded:
            return None
        if recorded in self.path_map:
            return self._existing(Path(self.path_map[recorded]))
        for prefix, local in self.path_map.items():
            if prefix and recorded.startswith(prefix):
                hit = self._existing(Path(local) / recorded[len(prefix):].lstrip("/\\"))
                if hit:
                    return hit
        if recorded.startswith(("http://", "https://")):
            return None
        direct = Path(recorded)
        if direct.is_absolute() and direct.is_file():
            return direct
        parts = self._parts(recorded)
        if not direct.is_absolute():
            hit = self._existing(self.draft_dir.joinpath(*parts))
            if hit:
                return hit
        return self._by_draft_folder(parts)

    @staticmethod
    def _parts(recorded: str) -> tuple[str, ...]:
        """Path components of a POSIX or Windows path (drive letter dropped)."""
        text = re.sub(r"^[A-Za-z]:", "", recorded.replace("\\", "/"))
        return tuple(p for p in text.split("/") if p and p != ".")

    def _by_draft_folder(self, parts: tuple[str, ...]) -> Path | None:
        """Take the part after the draft's own folder name (or after any id-like folder)."""
        names = [self.draft_id or self.draft_dir.name]
        for i, part in enumerate(parts):
            if part in names:
                hit = self._existing(self.draft_dir.joinpath(*parts[i + 1:]))
                if hit:
                    return hit
        for i, part in enumerate(parts):
            if DRAFT_ID_SEGMENT.match(part) and i + 1 < len(parts):
                hit = self._existing(self.draft_dir.joinpath(*parts[i + 1:]))
                if hit:
                    return hit
        if "assets" in parts:
            i = parts.index("assets")
            return self._existing(self.draft_dir.joinpath(*parts[i:]))
        return None

    @staticmethod
    def _existing(path: Path) -> Path | None:
        return path if path.is_file() else None
