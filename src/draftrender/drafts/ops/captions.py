"""add_captions: one new text track per call, one text material + segment per caption.

Shapes follow capcut-mate.md §4.6 (text materials, styles) and §4.7 (text animations); the
track is ``caption_track_<id>`` stacked on top (§4.3). Every caption is checked before the
draft is touched (2018), and a caption overlapping another one of the same call fails the whole
call (2019), so nothing is saved.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from ...errors import ServiceError
from .. import builders as b
from .. import catalogue
from .. import text as t
from ..doc import DraftDoc
from ..parse import get_float, get_int, item_error
from .common import OpResult, new_track, pixels_to_half_canvas, place, segment_info

FIELD = "captions"
DEFAULT_ANIMATION_US = 500_000

# API alignment → (material ``alignment``, vertical typesetting). See ``alignment_of``.
ALIGNMENTS = {0: (0, False), 1: (1, False), 2: (2, False), 3: (1, True), 4: (0, True), 5: (2, True)}

# (animation type, catalogue kind, request key); in and out come first because the loop is
# placed between them.
ANIMATION_SPECS = (("in", "text_in", "in_animation"), ("out", "text_out", "out_animation"),
                   ("loop", "text_loop", "loop_animation"))

SHADOW_LIMITS = {"shadow_alpha": (0.0, 1.0), "shadow_diffuse": (0.0, 100.0),
                 "shadow_distance": (0.0, 100.0), "shadow_angle": (-180.0, 180.0)}


def alignment_of(value: int) -> tuple[int, bool]:
    """API ``alignment`` → (material ``alignment``, vertical).

    0/1/2: horizontal text aligned left/centre/right. 3/4/5: vertical text (``typesetting`` 1)
    — 3 centred, 4 aligned to the start of each column (``alignment`` 0, the top), 5 to its end
    (``alignment`` 2, the bottom); JianYing applies the same 0/1/2 field along the column.
    This is capcut-mate's mapping, kept so its clients get the same drafts."""
    return ALIGNMENTS.get(int(value), (1, False))


@dataclass(frozen=True)
class CaptionStyle:
    """The call-wide fields of add_captions (one caption may override font_size/text_effect)."""

    text_color: str = "#ffffff"
    border_color: str | None = None
    alignment: int = 1
    alpha: float = 1.0
    font: str | None = None
    font_size: float = 15
    letter_spacing: float | None = None
    line_spacing: float | None = None
    scale_x: float = 1.0
    scale_y: float = 1.0
    transform_x: float = 0.0
    transform_y: float = 0.0
    style_text: bool = False
    underline: bool = False
    italic: bool = False
    bold: bool = False
    has_shadow: bool = False
    shadow_info: dict | None = None
    text_effect: str | None = None


@dataclass
class Caption:
    """One validated caption item."""

    start: int
    end: int
    text: str
    keyword: str | None = None
    keyword_color: str | None = None
    keyword_border_color: str | None = None
    keyword_font: str | None = None
    keyword_font_size: object = None
    keyword_has_shadow: bool = False
    keyword_shadow: t.ShadowSpec | None = None
    font_size: float | None = None
    text_effect: str | None = None
    animations: dict = field(default_factory=dict)  # key → (name, duration µs or None)


# -- parsing ----------------------------------------------------------------------------------
def shadow_spec(info: dict, *, code: int, where: str) -> t.ShadowSpec:
    """A shadow_info object (API units, range-checked) as a ShadowSpec; bad values → ``code``."""
    values = {}
    for key, (low, high) in SHADOW_LIMITS.items():
        raw = info.get(key)
        if raw is None:
            continue
        number = get_float(info, key)
        if number is None or not low <= number <= high:
            raise ServiceError(code, f"{where}.{key}必须是{low:g}到{high:g}之间的数字",
                               f"{where}.{key} must be a number from {low:g} to {high:g}")
        values[key[len("shadow_"):]] = number
    colour = info.get("shadow_color")
    if colour is not None and not t.is_color(colour):
        raise ServiceError(code, f"{where}.shadow_color不是有效的颜色: {colour}",
                           f"{where}.shadow_color is not a valid colour: {colour}")
    return t.ShadowSpec(color=str(colour or "#000000").strip(), **values)


def _optional_positive(item: dict, key: str, index: int) -> float | None:
    """An optional number > 0 (None, "" and 0 mean "not given"); anything else → 2018."""
    raw = item.get(key)
    if raw is None or raw == "" or raw == 0:
        return None
    number = get_float(item, key)
    if number is None or number < 0:
        raise item_error(2018, FIELD, index, f"{key}必须是正数", f"{key} must be a positive number")
    return number


def _optional_str(item: dict, key: str, index: int) -> str | None:
    raw = item.get(key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise item_error(2018, FIELD, index, f"{key}必须是字符串", f"{key} must be a string")
    return str(raw).strip()


def parse_caption(item: dict, index: int) -> Caption:
    """Validate one caption (2018): start ≥ 0, end > start, non-blank text, sane optional fields."""
    start = get_int(item, "start", code=2018, field=FIELD, index=index, minimum=0)
    end = get_int(item, "end", code=2018, field=FIELD, index=index)
    if end <= start:
        raise item_error(2018, FIELD, index, "end必须大于start", "end must be greater than start")
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        raise item_error(2018, FIELD, index, "text不能为空", "text is missing or blank")
    shadow = item.get("keyword_shadow_info")
    if shadow is not None and not isinstance(shadow, dict):
        raise item_error(2018, FIELD, index, "keyword_shadow_info必须是对象", "keyword_shadow_info must be an object")
    font_size = _optional_positive(item, "font_size", index)
    anims = {}
    for _, _, key in ANIMATION_SPECS:
        name = _optional_str(item, key, index)
        duration = _optional_positive(item, f"{key}_duration", index)
        if name:
            anims[key] = (name, int(duration) if duration else None)
    return Caption(
        start=start, end=end, text=text, keyword=_optional_str(item, "keyword", index),
        keyword_color=_optional_str(item, "keyword_color", index),
        keyword_border_color=_optional_str(item, "keyword_border_color", index),
        keyword_font=_optional_str(item, "keyword_font", index),
        keyword_font_size=item.get("keyword_font_size"),
        keyword_has_shadow=bool(item.get("keyword_has_shadow")),
        keyword_shadow=shadow_spec(shadow, code=2018, where=f"{FIELD}[{index}].keyword_shadow_info") if shadow else None,
        font_size=font_size, text_effect=_optional_str(item, "text_effect", index), animations=anims,
    )


def parse_captions(items: list[dict]) -> list[Caption]:
    """Validate every caption before any edit (2018)."""
    return [parse_caption(item, i) for i, item in enumerate(items)]


# -- building ---------------------------------------------------------------------------------
def text_animations(cap: Caption, seg_dur: int, warnings: list[str], where: str) -> list[dict]:
    """in/out/loop text animations by display name (§4.7): durations clipped to the segment;
    the loop starts when the intro ends and lasts one cycle, capped by the room before the outro."""
    anims, in_end, out_dur = [], 0, 0
    for anim_type, kind, key in ANIMATION_SPECS:
        if key not in cap.animations:
            continue
        name, asked = cap.animations[key]
        entry = catalogue.find(kind, name, loose=True)
        if entry is None:
            warnings.append(f"{where}.{key}: unknown text animation {name!r} ignored")
            continue
        duration = min(asked or entry.default_duration_us or DEFAULT_ANIMATION_US, seg_dur)
        if asked and asked > seg_dur:
            warnings.append(f"{where}.{key}_duration: {asked} µs is longer than the caption; clipped to {seg_dur}")
        if anim_type == "in":
            start, in_end = 0, duration
        elif anim_type == "out":
            start, out_dur = seg_dur - duration, duration
        else:
            start = in_end
            duration = max(1, min(duration, max(1, seg_dur - in_end - out_dur)))
        anims.append(b.animation(entry, anim_type, start, duration, text=True))
    return anims


def _text_effect(value: str | None, warnings: list[str], where: str) -> str | None:
    """A 花字 id: the catalogue has no 花字 list, so only numeric ids are accepted."""
    if not value:
        return None
    if value.isdigit():
        return value
    warnings.append(f"{where}.text_effect: unknown text effect {value!r} ignored (give its numeric effect id)")
    return None


@dataclass(frozen=True)
class _Context:
    """What every caption of the call shares."""

    style: CaptionStyle
    body: t.Look
    alignment: int
    vertical: bool
    clip: dict  # keyword arguments of builders.clip (each segment gets its own dict)


def _context(style: CaptionStyle, doc: DraftDoc, warnings: list[str]) -> _Context:
    font = None
    if style.font and str(style.font).strip():
        entry = t.find_font(style.font)
        if entry is None:
            warnings.append(f"font: unknown font {style.font!r}, the default font is used")
        else:
            font = t.font_json(entry)
    border = t.color(style.border_color, (0.0, 0.0, 0.0), warnings, "border_color") if style.border_color else None
    shadow = None
    if style.has_shadow:
        shadow = shadow_spec(style.shadow_info, code=1001, where="shadow_info") if style.shadow_info else t.DEFAULT_SHADOW
    body = t.Look(t.color(style.text_color, t.WHITE, warnings, "text_color"), style.font_size, style.bold,
                  style.italic, style.underline, border, shadow, font)
    if style.style_text:
        warnings.append("style_text: has no effect (accepted for compatibility)")
    alignment, vertical = alignment_of(style.alignment)
    clip = dict(scale_x=style.scale_x, scale_y=style.scale_y,
                x=pixels_to_half_canvas(style.transform_x, doc.width),
                y=pixels_to_half_canvas(style.transform_y, doc.height))
    return _Context(style, body, alignment, vertical, clip)


def _keyword_look(cap: Caption, body: t.Look, partitioned: bool, warnings: list[str], where: str) -> t.Look:
    font = body.font
    if cap.keyword_font:
        entry = t.find_font(cap.keyword_font)
        if entry is None:
            warnings.append(f"{where}.keyword_font: unknown font {cap.keyword_font!r}, the caption's font is used")
        else:
            font = t.font_json(entry)
    size = body.size
    raw = cap.keyword_font_size
    if raw is not None and raw != "":
        if isinstance(raw, bool) or not isinstance(raw, (int, float)) or raw <= 0:
            warnings.append(f"{where}.keyword_font_size: invalid value {raw!r}, the caption's size is used")
        else:
            size = raw
    border = body.border
    if cap.keyword_border_color:
        border = t.color(cap.keyword_border_color, (0.0, 0.0, 0.0), warnings, f"{where}.keyword_border_color")
    shadow = (cap.keyword_shadow or t.DEFAULT_SHADOW) if partitioned else None
    colour = t.color(cap.keyword_color or t.ORANGE, t.ORANGE_RGB, warnings, f"{where}.keyword_color")
    return t.Look(colour, size, body.bold, body.italic, body.underline, border, shadow, font)


def _caption_parts(cap: Caption, ctx: _Context, index: int, warnings: list[str],
                   where: str) -> tuple[dict, list[tuple[str, dict]]]:
    """The segment of one caption and the materials it needs, as (kind, material) pairs."""
    body = ctx.body if cap.font_size is None else replace(ctx.body, size=float(cap.font_size))
    effect_id = _text_effect(cap.text_effect or ctx.style.text_effect, warnings, where)
    if effect_id:
        # A 花字 carries its own colours, stroke and shadow (capcut-mate resets these too).
        if ctx.style.text_color.lower() not in ("#ffffff", "#fff") or ctx.style.border_color or ctx.style.has_shadow:
            warnings.append("text_effect: the text effect replaces text_color, border_color and shadows")
        body = replace(body, color=t.WHITE, border=None, shadow=None)
    keyword = None
    partitioned = cap.keyword_has_shadow and not effect_id
    if cap.keyword:
        keyword = _keyword_look(cap, body, partitioned, warnings, where)
    styles, missing = t.build_styles(cap.text, body, keyword=keyword, keywords=cap.keyword,
                                     partitioned=partitioned, effect_id=effect_id)
    warnings += [f"{where}.keyword: {k!r} does not occur in the text" for k in missing]
    s = ctx.style
    material = t.text_material(cap.text, styles=styles, alignment=ctx.alignment, vertical=ctx.vertical,
                               alpha=s.alpha, letter_spacing=s.letter_spacing or 0,
                               line_spacing=s.line_spacing or 0, auto_wrap=True)
    speed = b.speed_material(1.0)
    mats = [("texts", material), ("speeds", speed)]
    if effect_id:
        mats.append(("effects", t.text_effect_material(effect_id)))
    anims = text_animations(cap, cap.end - cap.start, warnings, where)
    if anims:
        mats.append(("material_animations", b.animation_container(anims)))
    refs = [m["id"] for kind, m in mats if kind != "texts"]
    seg = t.text_segment(material["id"], cap.start, cap.end - cap.start, render_index=index,
                         extra_refs=refs, clip_=b.clip(**ctx.clip))
    return seg, mats


def add_captions(doc: DraftDoc, captions: list[Caption], style: CaptionStyle) -> OpResult:
    """Place every caption on a new text track on top; 2019 if two captions overlap."""
    warnings: list[str] = []
    ctx = _context(style, doc, warnings)
    track = new_track(doc, "text", "caption_track")
    index = doc.next_render_index()
    segs, text_ids = [], []
    for i, cap in enumerate(captions):
        seg, mats = _caption_parts(cap, ctx, index, warnings, f"{FIELD}[{i}]")
        clash = place(track, seg)
        if clash is not None:
            raise ServiceError(2019, f"第{i}条字幕与同轨道的字幕时间重叠", f"caption {i} overlaps another caption of this call")
        for kind, material in mats:
            doc.add_material(kind, material)
        segs.append(seg)
        text_ids.append(seg["material_id"])
    return OpResult({
        "track_id": track["id"], "text_ids": text_ids, "segment_ids": [s["id"] for s in segs],
        "segment_infos": [segment_info(s) for s in segs],
    }, list(dict.fromkeys(warnings)))
