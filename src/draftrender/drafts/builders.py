"""Constructors for segments and materials in the exact shape capcut-mate writes (§4.4–§4.8)."""
from __future__ import annotations

from .catalogue import Entry
from .ids import new_id

FULL_CROP = {
    "upper_left_x": 0.0, "upper_left_y": 0.0, "upper_right_x": 1.0, "upper_right_y": 0.0,
    "lower_left_x": 0.0, "lower_left_y": 1.0, "lower_right_x": 1.0, "lower_right_y": 1.0,
}

SEGMENT_FLAGS = {
    "enable_adjust": True, "enable_color_correct_adjust": False, "enable_color_curves": True,
    "enable_color_match_adjust": False, "enable_color_wheels": True, "enable_lut": True,
    "enable_smart_color_adjust": False, "last_nonzero_volume": 1.0, "reverse": False,
    "track_attribute": 0, "track_render_index": 0, "visible": True,
}


def timerange(start: int, duration: int) -> dict:
    return {"start": int(start), "duration": int(duration)}


def clip(*, alpha: float = 1.0, scale_x: float = 1.0, scale_y: float = 1.0,
         x: float = 0.0, y: float = 0.0, rotation: float = 0.0) -> dict:
    """A visual segment's clip: alpha, flip, rotation (deg, clockwise), scale, half-canvas transform."""
    return {
        "alpha": float(alpha), "flip": {"horizontal": False, "vertical": False},
        "rotation": float(rotation), "scale": {"x": float(scale_x), "y": float(scale_y)},
        "transform": {"x": float(x), "y": float(y)},
    }


def speed_material(speed: float = 1.0) -> dict:
    return {"curve_speed": None, "id": new_id(), "mode": 0, "speed": float(speed), "type": "speed"}


def segment(material_id: str, target: dict, *, render_index: int, source: dict | None,
            speed: float = 1.0, volume: float = 1.0, extra_refs: list[str] | None = None,
            clip_: dict | None = None, media: bool = True, hdr: bool = False) -> dict:
    """A track segment. ``media`` adds the media fields; ``clip_`` makes it visual."""
    seg = dict(SEGMENT_FLAGS)
    seg.update({
        "id": new_id(), "material_id": material_id, "target_timerange": target,
        "common_keyframes": [], "keyframe_refs": [],
    })
    if media:
        seg.update({
            "source_timerange": source, "speed": float(speed), "volume": float(volume),
            "extra_material_refs": list(extra_refs or []), "is_tone_modify": False,
        })
    if clip_ is not None:
        seg["clip"] = clip_
        seg["uniform_scale"] = {"on": True, "value": 1.0}
        if hdr:
            seg["hdr_settings"] = {"intensity": 1.0, "mode": 1, "nits": 1000}
    elif media:
        seg["clip"] = None
        seg["hdr_settings"] = None
    seg["render_index"] = render_index
    return seg


def video_material(path: str, *, kind: str, width: int, height: int, duration: int) -> dict:
    """An entry of ``materials.videos`` (``kind`` is "video" or "photo")."""
    mid = new_id()
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return {
        "audio_fade": None, "category_id": "", "category_name": "local", "check_flag": 63487,
        "crop": dict(FULL_CROP), "crop_ratio": "free", "crop_scale": 1.0, "duration": int(duration),
        "height": int(height), "id": mid, "local_material_id": "", "material_id": mid,
        "material_name": name, "media_path": "", "path": path, "type": kind, "width": int(width),
    }


def audio_material(path: str, *, duration: int) -> dict:
    """An entry of ``materials.audios``."""
    mid = new_id()
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return {
        "app_id": 0, "category_id": "", "category_name": "local", "check_flag": 3,
        "copyright_limit_type": "none", "duration": int(duration), "effect_id": "",
        "formula_id": "", "id": mid, "local_material_id": mid, "music_id": mid, "name": name,
        "path": path, "source_platform": 0, "type": "extract_music", "wave_points": [],
    }


def transition_material(entry: Entry, duration: int) -> dict:
    return {
        "category_id": "", "category_name": "", "duration": int(duration),
        "effect_id": entry.effect_id, "id": new_id(), "is_overlap": entry.is_overlap,
        "name": entry.name, "platform": "all", "resource_id": entry.resource_id, "type": "transition",
    }


def animation(entry: Entry, anim_type: str, start: int, duration: int, *, text: bool) -> dict:
    """One animation inside a ``material_animations`` container (video or text panel)."""
    return {
        "anim_adjust_params": None, "platform": "all",
        "panel": "" if text else "video", "material_type": "sticker" if text else "video",
        "name": entry.name, "id": entry.effect_id, "type": anim_type,
        "resource_id": entry.resource_id, "start": int(start), "duration": int(duration),
    }


def animation_container(animations: list[dict]) -> dict:
    return {"id": new_id(), "type": "sticker_animation", "multi_language_current": "none",
            "animations": animations}
