"""Pieces shared by the editing operations."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..doc import DraftDoc, overlaps
from ..ids import new_draft_id
from ..template import empty_track


@dataclass(frozen=True)
class MediaRef:
    """A downloaded, probed material: where its local copy will live and what it is."""

    url: str
    path: str
    kind: str  # video | photo | audio
    width: int
    height: int
    duration_us: int
    has_audio: bool = False


@dataclass
class OpResult:
    """What an operation hands back to the route: response fields plus warnings."""

    fields: dict
    warnings: list[str] = field(default_factory=list)


def new_track(doc: DraftDoc, track_type: str, prefix: str) -> dict:
    """A new track named like capcut-mate's (``<prefix>_<22-char id>``), added to the draft."""
    return doc.add_track(empty_track(track_type, f"{prefix}_{new_draft_id()}"))


def segment_info(seg: dict) -> dict:
    """``{id, start, end}`` from the segment's real target range."""
    tr = seg["target_timerange"]
    return {"id": seg["id"], "start": tr["start"], "end": tr["start"] + tr["duration"]}


def place(track: dict, seg: dict) -> dict | None:
    """Append ``seg`` to ``track`` unless it overlaps; return the clashing segment if it does."""
    tr = seg["target_timerange"]
    clash = overlaps(track["segments"], tr["start"], tr["start"] + tr["duration"])
    if clash is None:
        track["segments"].append(seg)
        track["segments"].sort(key=lambda s: s["target_timerange"]["start"])
    return clash


def pixels_to_half_canvas(value: float, size: int) -> float:
    """capcut-mate's transform conversion: API "pixels" / canvas size (see capcut-mate.md §4.4)."""
    return float(value) / float(size) if size else 0.0
