"""Text materials (``materials.texts[]``) → TextSpec.

Style ``range``s in a text's ``content`` count UTF-16 code units (JianYing is a C++/JS-style
string index): a character outside the BMP (most emoji) counts 2. They are converted here to
Python ``str`` indices, and clamped to the text: capcut-mate wrote the base range's end as 2 ×
the character count.
"""
from __future__ import annotations

import json
from bisect import bisect_left, bisect_right

from ..errors import ServiceError
from .model import Shadow, TextSpec, TextStyle


def _rgb(value, default=(1.0, 1.0, 1.0)) -> tuple[float, float, float]:
    if isinstance(value, (list, tuple)) and len(value) >= 3:
        try:
            return tuple(min(1.0, max(0.0, float(c))) for c in value[:3])  # type: ignore[return-value]
        except (TypeError, ValueError):
            return default
    return default


def _solid(node: dict | None) -> tuple[tuple[float, float, float], float] | None:
    if not isinstance(node, dict):
        return None
    content = node.get("content") or {}
    solid = content.get("solid") or {}
    if "color" not in solid:
        return None
    alpha = float(node.get("alpha", 1.0)) * float(solid.get("alpha", 1.0))
    return _rgb(solid["color"]), alpha


def utf16_offsets(text: str) -> list[int]:
    """``offsets[i]`` = UTF-16 code-unit index of character ``i`` (len(text) + 1 entries)."""
    offsets = [0]
    for ch in text:
        offsets.append(offsets[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return offsets


def char_range(raw_range, offsets: list[int]) -> tuple[int, int]:
    """A style's UTF-16 ``[start, end)`` as Python indices, clamped to the text.

    A bound inside a surrogate pair takes the whole character (start rounds down, end up);
    a missing or malformed range covers the whole text.
    """
    n = len(offsets) - 1
    try:
        start, end = (int(v) for v in list(raw_range)[:2])
    except (TypeError, ValueError):
        return 0, n
    start = min(n, max(0, bisect_right(offsets, max(0, start)) - 1))
    end = min(n, bisect_left(offsets, max(0, end)))
    return start, max(start, end)


def _style(raw: dict, offsets: list[int]) -> TextStyle:
    start, end = char_range(raw.get("range") or [0, offsets[-1]], offsets)
    fill = _solid(raw.get("fill")) or ((1.0, 1.0, 1.0), 1.0)
    stroke_color, stroke_width = None, 0.0
    strokes = raw.get("strokes") or []
    if strokes and isinstance(strokes[0], dict):
        solid = _solid(strokes[0])
        if solid:
            stroke_color, stroke_width = solid[0], float(strokes[0].get("width", 0.0) or 0.0)
    shadow = None
    shadows = raw.get("shadows") or []
    if shadows and isinstance(shadows[0], dict):
        sh = shadows[0]
        color = _rgb(((sh.get("content") or {}).get("solid") or {}).get("color"), (0.0, 0.0, 0.0))
        shadow = Shadow(color, float(sh.get("alpha", 1.0)), float(sh.get("angle", -45.0)),
                        float(sh.get("distance", 5.0)), float(sh.get("diffuse", 0.0)))
    font = raw.get("font") or {}
    return TextStyle(
        start=start, end=end, size=float(raw.get("size", 15) or 15),
        color=fill[0], alpha=fill[1], bold=bool(raw.get("bold")), italic=bool(raw.get("italic")),
        underline=bool(raw.get("underline")), stroke_color=stroke_color, stroke_width=stroke_width,
        shadow=shadow, font_id=str(font.get("id") or font.get("name") or "") if isinstance(font, dict) else "",
    )


def text_spec(material: dict, segment_id: str) -> TextSpec:
    """Parse a text material's ``content`` JSON string and layout fields."""
    raw = material.get("content") or ""
    try:
        content = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError as exc:
        raise ServiceError("DRAFT_CONTENT_INVALID", f"文字素材内容不是有效的JSON (片段 {segment_id})",
                           f"text material content is not valid JSON (segment {segment_id})") from exc
    if not isinstance(content, dict):
        content = {"text": str(raw), "styles": []}
    text = str(content.get("text", ""))
    offsets = utf16_offsets(text)
    styles = tuple(_style(s, offsets) for s in content.get("styles") or [] if isinstance(s, dict))
    if not styles:
        styles = (TextStyle(0, len(text), float(material.get("font_size", 15) or 15)),)
    alignment = int(material.get("alignment", 1) or 0)
    return TextSpec(
        text=text,
        styles=styles,
        alignment=alignment if alignment in (0, 1, 2) else 1,
        vertical=int(material.get("typesetting", 0) or 0) == 1,
        letter_spacing=float(material.get("letter_spacing", 0.0) or 0.0),
        line_spacing=float(material.get("line_spacing", 0.02) or 0.0),
        line_max_width=float(material.get("line_max_width", 0.82) or 0.82),
        auto_wrap=material.get("type") == "subtitle" or bool(material.get("force_apply_line_max_width")),
        global_alpha=float(material.get("global_alpha", 1.0) if material.get("global_alpha") is not None else 1.0),
    )
