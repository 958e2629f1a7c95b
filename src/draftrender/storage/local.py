"""Outputs on the service's own disk, served by its /files route (Range, HEAD)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..settings import Settings


class LocalStorage:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.root = settings.outputs_dir

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"bad storage key {key!r}")
        return path

    def publish(self, local: Path, key: str, content_type: str) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        shutil.copyfile(local, tmp)  # a copy, then a rename: readers never see half a file
        os.replace(tmp, target)

    def url(self, key: str) -> str:
        return self.settings.file_url(f"outputs/{key}")

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()
