"""Render options of a task (from gen_video's request), stored as JSON on the task row."""
from __future__ import annotations

from dataclasses import asdict, dataclass

QUALITY_CRF = {"low": 30, "medium": 23, "high": 18}


@dataclass(frozen=True)
class TaskOptions:
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    quality: str = "medium"
    crf: int | None = None
    preset: str = "veryfast"
    preview: bool = False
    start_s: float | None = None
    end_s: float | None = None
    poster: bool = True
    format: str = "mp4"

    @property
    def effective_crf(self) -> int:
        return self.crf if self.crf is not None else QUALITY_CRF.get(self.quality, 23)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "TaskOptions":
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)
