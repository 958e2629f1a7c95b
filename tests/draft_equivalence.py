"""Compare two drafts by what the renderer and JianYing need, ignoring ids, paths and timestamps."""
from __future__ import annotations

import json
import re

ID_KEYS = {"id", "material_id", "local_material_id", "music_id", "path", "material_name", "name_path"}
TIME_TOLERANCE_US = 50_000  # media probed by PyAV vs MediaInfo (MP3 padding) may differ slightly


def _strip(obj):
    if isinstance(obj, dict):
        return {k: _strip(v) for k, v in obj.items() if k not in ID_KEYS and k != "extra_material_refs"}
    if isinstance(obj, list):
        return [_strip(v) for v in obj]
    return obj


def _material_index(draft: dict) -> dict[str, tuple[str, dict]]:
    index = {}
    for kind, items in draft["materials"].items():
        for m in items or []:
            if isinstance(m, dict) and "id" in m:
                index[m["id"]] = (kind, m)
    return index


def _material_view(kind: str, m: dict) -> dict:
    view = _strip(m)
    if kind == "texts":
        content = json.loads(m["content"])
        # capcut-mate ends the base style at the UTF-16LE *byte* length (2 x characters);
        # we write code-unit ranges. Both cover the whole text, so compare clamped ranges.
        units = len(content.get("text", "").encode("utf-16-le")) // 2
        for style in content.get("styles", []):
            if "range" in style:
                style["range"] = [min(v, units) for v in style["range"]]
        view["content"] = content
    if kind == "audios":
        view.pop("name", None)
    return {"kind": kind, **view}


UNIT_SPEED = {"kind": "speed 1"}


def _ref_view(kind: str, m: dict) -> dict:
    """A ref's comparable view; a plain speed-1 material equals a dangling ref.

    capcut-mate refers text segments to a speed material it never writes; JianYing reads the
    missing material as speed 1, which is what we write explicitly.
    """
    if kind == "speeds" and m.get("speed") == 1.0 and not m.get("curve_speed") and not m.get("mode"):
        return UNIT_SPEED
    return _material_view(kind, m)


def _segment_view(seg: dict, mats: dict) -> dict:
    view = _strip(seg)
    main = mats.get(seg["material_id"])
    view["material"] = _material_view(*main) if main else None
    refs = []
    for ref in seg.get("extra_material_refs", []):
        if ref in mats:
            refs.append(_ref_view(*mats[ref]))
        else:
            refs.append(UNIT_SPEED)
    view["refs"] = sorted(refs, key=lambda r: json.dumps(r, sort_keys=True, ensure_ascii=False))
    return view


def _track_view(track: dict, mats: dict) -> dict:
    return {
        "type": track["type"],
        "name": re.sub(r"_\w{20,}$", "", track["name"]),
        "attribute": track.get("attribute", 0),
        "segments": [_segment_view(s, mats) for s in track.get("segments", [])],
    }


def draft_view(draft: dict) -> dict:
    """The comparable part of a draft."""
    mats = _material_index(draft)
    return {
        "canvas_config": draft["canvas_config"],
        "fps": draft["fps"],
        "duration": draft["duration"],
        "tracks": [_track_view(t, mats) for t in draft["tracks"]],
    }


def differences(a, b, path: str = "") -> list[str]:
    """Human-readable differences between two views (numbers: µs tolerance for times)."""
    out: list[str] = []
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                out.append(f"{path}.{key}: only in {'second' if key not in a else 'first'}")
            else:
                out += differences(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: length {len(a)} != {len(b)}")
        for i, (x, y) in enumerate(zip(a, b)):
            out += differences(x, y, f"{path}[{i}]")
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        tol = TIME_TOLERANCE_US if abs(a) >= 100_000 or abs(b) >= 100_000 else 1e-6
        if abs(a - b) > tol:
            out.append(f"{path}: {a!r} != {b!r}")
    elif a != b:
        out.append(f"{path}: {a!r} != {b!r}")
    return out
