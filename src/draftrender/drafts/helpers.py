"""Pure logic of capcut-mate's helper routes (capcut-mate.md §1.4): timelines, the ``*_infos``
builders and the str/list converters.

The ``*_infos`` builders return the lists that the routes serialise into compact JSON strings,
ready to pass unchanged to add_audios / add_images / add_captions / add_effects / add_filters /
add_keyframes / add_videos. Differences from capcut-mate, all reported in ``warnings``:

* Lists of different lengths are cut to the shorter one (as capcut-mate does), but the dropped
  items are named instead of only logged.
* Names (animations, transitions, effects, filters) unknown to the catalogue are kept in the
  output (the add_* route decides) and reported.
* Timelines must have 0 ≤ start < end (1001) — the add_* routes would refuse them anyway.
"""
from __future__ import annotations

import json
import math
import random
from typing import Any, Callable, Iterable

from ..errors import ServiceError
from . import catalogue
from .ops.keyframes import PROPERTIES
from .parse import item_error

RANDOM_SEED = 42  # capcut-mate's fixed seed: the same request always gives the same split
MAX_PIECES = 10_000  # more pieces than any edit needs; keeps one request from eating memory
POSITION_X, POSITION_Y = "KFTypePositionX", "KFTypePositionY"


def dumps(value: Any) -> str:
    """Compact JSON with CJK kept readable (what the ``infos`` strings carry)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# -- timelines ---------------------------------------------------------------------------------
def split_timeline(duration: int, num: int, start: int, kind: int) -> tuple[list[dict], list[dict], list[str]]:
    """``num`` consecutive pieces of [start, start+duration): 0 even, 1 random (seeded)."""
    whole = [{"start": start, "end": start + duration}]
    if num <= 0:
        return [], whole, [f"num is {num}: no timelines produced"]
    if num > MAX_PIECES:
        raise ServiceError(1001, f"num不能大于{MAX_PIECES}", f"num must be at most {MAX_PIECES}")
    if num > duration:
        raise ServiceError(1001, f"num ({num}) 不能大于duration ({duration})，否则片段长度为0",
                           f"num ({num}) must not exceed duration ({duration} µs): pieces would be empty")
    if kind == 0:
        step = duration // num
        cuts = [start + i * step for i in range(1, num)]
    else:
        # Distinct interior cut points, so no piece is empty (capcut-mate's randint draws could
        # repeat or hit the ends and produce zero-length timelines that add_* then refuse).
        rng = random.Random(RANDOM_SEED)
        cuts = sorted(rng.sample(range(start + 1, start + duration), num - 1))
    points = [start, *cuts, start + duration]
    return [{"start": a, "end": b} for a, b in zip(points, points[1:])], whole, []


def consecutive_timelines(durations: list[int]) -> tuple[list[dict], list[dict]]:
    """Back-to-back ranges, one per duration, from 0; plus the whole range."""
    out, cursor = [], 0
    for d in durations:
        out.append({"start": cursor, "end": cursor + d})
        cursor += d
    return out, [{"start": 0, "end": cursor}]


def check_timelines(timelines: list[dict]) -> None:
    """Every timeline needs 0 ≤ start < end (1001 naming the item)."""
    for i, t in enumerate(timelines):
        if t["start"] < 0:
            raise item_error(1001, "timelines", i, "start不能为负数", "start must be >= 0")
        if t["end"] <= t["start"]:
            raise item_error(1001, "timelines", i, "end必须大于start", "end must be greater than start")


def paired(field: str, values: list, timelines: list[dict], warnings: list[str]) -> list[tuple[Any, dict]]:
    """Zip ``values`` with ``timelines``, cut to the shorter list; the cut is reported."""
    n = min(len(values), len(timelines))
    if len(values) != len(timelines):
        longer, extra = (field, len(values) - n) if len(values) > n else ("timelines", len(timelines) - n)
        warnings.append(f"{field} has {len(values)} items and timelines {len(timelines)}: "
                        f"the last {extra} item(s) of {longer} were ignored")
    return list(zip(values[:n], timelines[:n]))


# -- names ---------------------------------------------------------------------------------------
def split_names(value: str | None) -> list[str]:
    """``"a|b|c"`` → ``["a", "b", "c"]`` (blanks dropped); None → []."""
    if not value:
        return []
    return [part.strip() for part in str(value).split("|") if part.strip()]


def pick(names: list[str], index: int) -> str | None:
    """The ``index``-th name, the last one reused when the list is shorter (capcut-mate's rule)."""
    if not names:
        return None
    return names[index] if index < len(names) else names[-1]


def check_names(names: Iterable[str], kinds: tuple[str, ...], where: str, warnings: list[str]) -> None:
    """Report names that none of the catalogue ``kinds`` knows."""
    for name in dict.fromkeys(names):
        if not any(catalogue.find(k, name, loose=True) for k in kinds):
            warnings.append(f"{where}: {name!r} is not in the catalogue; the add_* route will ignore it")


def _put_named(info: dict, key: str, names: list[str], index: int, duration: int | None) -> None:
    """Set ``key`` (and ``key_duration`` when given) from a ``|`` list, if there is a name."""
    name = pick(names, index)
    if name is None:
        return
    info[key] = name
    if duration is not None:
        info[f"{key}_duration"] = duration


def _anim_lists(spec: dict[str, str | None], kinds: dict[str, tuple[str, ...]],
                warnings: list[str]) -> dict[str, list[str]]:
    lists = {key: split_names(value) for key, value in spec.items()}
    for key, names in lists.items():
        check_names(names, kinds[key], key, warnings)
    return lists


# -- *_infos -----------------------------------------------------------------------------------
def audio_infos(urls: list[str], timelines: list[dict], *, audio_effect: str | None,
                volume: float | None, warnings: list[str]) -> list[dict]:
    """Items for add_audios: {audio_url, start, end, audio_effect?, volume?}."""
    out = []
    for url, t in paired("mp3_urls", urls, timelines, warnings):
        info: dict[str, Any] = {"audio_url": url, "start": t["start"], "end": t["end"]}
        if audio_effect:
            info["audio_effect"] = audio_effect
        if volume is not None:
            info["volume"] = volume
        out.append(info)
    return out


IMAGE_KINDS = {"in_animation": ("video_in",), "out_animation": ("video_out",),
               "loop_animation": ("video_group",), "transition": ("transition",)}
TEXT_KINDS = {"in_animation": ("text_in",), "out_animation": ("text_out",),
              "loop_animation": ("text_loop",), "transition": ("transition",)}


def image_infos(urls: list[str], timelines: list[dict], *, width: int | None, height: int | None,
                names: dict[str, str | None], durations: dict[str, int | None],
                warnings: list[str]) -> list[dict]:
    """Items for add_images; ``names`` maps in/out/loop_animation and transition to ``|`` lists."""
    lists = _anim_lists(names, IMAGE_KINDS, warnings)
    out = []
    for i, (url, t) in enumerate(paired("imgs", urls, timelines, warnings)):
        info: dict[str, Any] = {"image_url": url, "start": t["start"], "end": t["end"]}
        if height:
            info["height"] = height
        if width:
            info["width"] = width
        for key in ("in_animation", "out_animation", "loop_animation", "transition"):
            _put_named(info, key, lists[key], i, durations.get(key))
        out.append(info)
    return out


CAPTION_STYLE_KEYS = ("keyword_color", "keyword_border_color", "keyword_font", "keyword_font_size",
                      "keyword_has_shadow", "keyword_shadow_info", "font_size")


def caption_infos(texts: list[str], timelines: list[dict], *, keywords: list[str] | None,
                  style: dict[str, Any], names: dict[str, str | None],
                  durations: dict[str, int | None], warnings: list[str]) -> list[dict]:
    """Items for add_captions: {start, end, text, keyword?, keyword_* / font_size, animations}."""
    lists = _anim_lists(names, TEXT_KINDS, warnings)
    pairs = paired("texts", texts, timelines, warnings)
    if keywords and len(keywords) > len(pairs):
        warnings.append(f"keywords has {len(keywords)} items for {len(pairs)} captions: the extra ones were ignored")
    out = []
    for i, (text, t) in enumerate(pairs):
        info: dict[str, Any] = {"start": t["start"], "end": t["end"], "text": text}
        if keywords:
            info["keyword"] = keywords[i] if i < len(keywords) else ""
        for key in CAPTION_STYLE_KEYS:
            if style.get(key) is not None:
                info[key] = style[key]
        for key in ("in_animation", "loop_animation", "out_animation", "transition"):
            _put_named(info, key, lists[key], i, durations.get(key))
        out.append(info)
    return out


def effect_infos(effects: list[str], timelines: list[dict], warnings: list[str]) -> list[dict]:
    """Items for add_effects: {effect_title, start, end}."""
    check_names(effects, ("scene_effect", "character_effect"), "effects", warnings)
    return [{"effect_title": name, "start": t["start"], "end": t["end"]}
            for name, t in paired("effects", effects, timelines, warnings)]


def filter_infos(filters: list[str], timelines: list[dict], intensities: list[float] | None,
                 warnings: list[str]) -> list[dict]:
    """Items for add_filters: {filter_title, start, end, intensity} (0–100, default 100)."""
    check_names(filters, ("filter",), "filters", warnings)
    pairs = paired("filters", filters, timelines, warnings)
    given = list(intensities or [])
    if intensities is not None and len(given) != len(pairs):
        warnings.append(f"intensities has {len(given)} items for {len(pairs)} filters: "
                        "missing ones are 100, extra ones ignored")
    out = []
    for i, (name, t) in enumerate(pairs):
        value = float(given[i]) if i < len(given) else 100.0
        clamped = min(100.0, max(0.0, value))
        if clamped != value:
            warnings.append(f"intensities[{i}]: {value:g} clamped to {clamped:g} (0-100)")
        out.append({"filter_title": name, "start": t["start"], "end": t["end"], "intensity": clamped})
    return out


def video_infos(urls: list[str], timelines: list[dict], *, width: int | None, height: int | None,
                extras: dict[str, Any], warnings: list[str]) -> list[dict]:
    """Items for add_videos: {video_url, start, end, duration, width?, height?, mask?, transition?,
    transition_duration?, volume?}."""
    if extras.get("transition"):
        check_names([extras["transition"]], ("transition",), "transition", warnings)
    out = []
    for url, t in paired("video_urls", urls, timelines, warnings):
        info: dict[str, Any] = {"video_url": url, "start": t["start"], "end": t["end"],
                                "duration": t["end"] - t["start"]}
        if width:
            info["width"] = width
        if height:
            info["height"] = height
        for key in ("mask", "transition", "transition_duration", "volume"):
            if extras.get(key) is not None and extras.get(key) != "":
                info[key] = extras[key]
        out.append(info)
    return out


# -- keyframes ------------------------------------------------------------------------------------
def _numbers(text: str, field: str, convert: Callable[[str], float]) -> list[float]:
    parts = [p.strip() for p in str(text).split("|")]
    if not parts or any(not p for p in parts):
        raise ServiceError(2013, f"{field}格式无效，应为用|分隔的数字: {text!r}",
                           f"{field} must be numbers separated by '|': {text!r}")
    try:
        numbers = [convert(p) for p in parts]
    except ValueError:
        raise ServiceError(2013, f"{field}包含非数字: {text!r}", f"{field} contains a non-number: {text!r}") from None
    if not all(math.isfinite(n) for n in numbers):
        raise ServiceError(2013, f"{field}包含非有限数字: {text!r}", f"{field} contains a non-finite number: {text!r}")
    return numbers


def normalize_value(ctype: str, value: float, width: int | None, height: int | None) -> float:
    """Positions given with a canvas size are pixels, stored as value / width (or height)."""
    if ctype == POSITION_X and width:
        return value / width
    if ctype == POSITION_Y and height:
        return value / height
    return value


def keyframes_infos(ctype: str, offsets: str, values: str, segments: list[dict], *,
                    width: int | None, height: int | None) -> list[dict]:
    """Items for add_keyframes, per segment × offset: offsets are % of the segment's length,
    turned into µs from the segment's start. Any bad input → 2013 (never 9998)."""
    ctype = ctype.strip()
    if ctype not in PROPERTIES:
        raise ServiceError(2013, f"不支持的关键帧类型: {ctype}",
                           f"unsupported ctype {ctype!r}; one of {', '.join(PROPERTIES)}")
    pcts = _numbers(offsets, "offsets", float)
    vals = _numbers(values, "values", float)
    if len(pcts) != len(vals):
        raise ServiceError(2013, f"offsets有{len(pcts)}个，values有{len(vals)}个，数量必须一致",
                           f"offsets has {len(pcts)} entries but values has {len(vals)}; they must match")
    for p in pcts:
        if not 0 <= p <= 100:
            raise ServiceError(2013, f"offsets必须在0到100之间（片段长度的百分比）: {p:g}",
                               f"offsets must be 0-100 (percent of the segment): {p:g}")
    low, high = PROPERTIES[ctype]
    normalized = [normalize_value(ctype, v, width, height) for v in vals]
    for raw, v in zip(vals, normalized):
        if (low is not None and v < low) or (high is not None and v > high):
            rng = f"{low if low is not None else '-∞'}..{high if high is not None else '∞'}"
            raise ServiceError(2013, f"{ctype}的值必须在{rng}之间: {raw:g}", f"{ctype} value must be in {rng}: {raw:g}")
    out = []
    for i, seg in enumerate(segments):
        if not str(seg["id"]).strip():
            raise item_error(2013, "segment_infos", i, "缺少id", "missing id")
        length = seg["end"] - seg["start"]
        if length <= 0:
            raise item_error(2013, "segment_infos", i, "end必须大于start", "end must be greater than start")
        for p, v in zip(pcts, normalized):
            out.append({"offset": int(p / 100.0 * length), "property": ctype,
                        "segment_id": seg["id"], "value": v})
    return out


# -- converters ----------------------------------------------------------------------------------
def str_list_to_objs(values: list[str]) -> list[dict]:
    """``["a", "b"]`` → ``[{"output": "a"}, {"output": "b"}]``."""
    return [{"output": v} for v in values]


def objs_to_str_list(objs: list[dict]) -> list[str]:
    """``[{"output": "a"}]`` → ``["a"]``."""
    return [o.get("output", "") for o in objs]
