"""DraftDoc: editing helpers over a draft_content.json dict.

The dict is kept as read so that fields we do not model survive a load/save round trip
(JianYing and capcut-mate write many keys the renderer never needs).
"""
from __future__ import annotations

from typing import Iterator

from ..errors import ServiceError
from .template import MATERIAL_LISTS


class DraftDoc:
    """A draft's JSON plus the queries and mutations the editing routes need."""

    def __init__(self, data: dict) -> None:
        if not isinstance(data, dict) or not isinstance(data.get("tracks"), list):
            raise ServiceError("DRAFT_CONTENT_INVALID", "draft_content.json has no tracks list")
        self.data = data
        mats = data.setdefault("materials", {})
        for name in MATERIAL_LISTS:
            mats.setdefault(name, [])

    # -- canvas -----------------------------------------------------------------------------
    @property
    def width(self) -> int:
        return int(self.data.get("canvas_config", {}).get("width") or 1920)

    @property
    def height(self) -> int:
        return int(self.data.get("canvas_config", {}).get("height") or 1080)

    # -- tracks -----------------------------------------------------------------------------
    @property
    def tracks(self) -> list[dict]:
        return self.data["tracks"]

    @staticmethod
    def track_index(track: dict) -> int:
        """A track's layer index: its segments' render_index (0 when empty)."""
        return max((int(s.get("render_index", 0) or 0) for s in track.get("segments", [])), default=0)

    def next_render_index(self) -> int:
        """capcut-mate's rule: new ordered tracks stack above every existing one."""
        return max((self.track_index(t) for t in self.tracks), default=0) + 1

    def add_track(self, track: dict) -> dict:
        self.tracks.append(track)
        return track

    def sort_tracks(self) -> None:
        """Keep tracks ascending by render index, as capcut-mate writes them (stable)."""
        self.tracks.sort(key=self.track_index)

    def segments(self) -> Iterator[tuple[dict, dict]]:
        """Every (track, segment) pair."""
        for track in self.tracks:
            for seg in track.get("segments", []):
                yield track, seg

    def find_segment(self, segment_id: str) -> tuple[dict, dict] | None:
        for track, seg in self.segments():
            if seg.get("id") == segment_id:
                return track, seg
        return None

    # -- materials --------------------------------------------------------------------------
    def materials(self, kind: str) -> list[dict]:
        return self.data["materials"].setdefault(kind, [])

    def add_material(self, kind: str, material: dict) -> dict:
        self.materials(kind).append(material)
        return material

    def find_material(self, material_id: str) -> tuple[str, dict] | None:
        for kind, items in self.data["materials"].items():
            if isinstance(items, list):
                for m in items:
                    if isinstance(m, dict) and m.get("id") == material_id:
                        return kind, m
        return None

    def material_ids(self, kind: str, types: tuple[str, ...]) -> list[str]:
        return [m["id"] for m in self.materials(kind) if m.get("type") in types]

    # -- time -------------------------------------------------------------------------------
    def update_duration(self) -> int:
        """Set and return ``duration`` = end of the last segment (µs)."""
        end = 0
        for _, seg in self.segments():
            tr = seg.get("target_timerange") or {}
            end = max(end, int(tr.get("start", 0)) + int(tr.get("duration", 0)))
        self.data["duration"] = end
        return end

    def finish(self) -> None:
        """Bring derived fields up to date before a save."""
        self.sort_tracks()
        self.update_duration()


def overlaps(segments: list[dict], start: int, end: int) -> dict | None:
    """The first segment whose target range intersects [start, end), if any."""
    for seg in segments:
        tr = seg["target_timerange"]
        s, e = tr["start"], tr["start"] + tr["duration"]
        if start < e and s < end:
            return seg
    return None
