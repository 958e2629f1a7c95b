"""Text materials and their ``content`` (capcut-mate.md §4.6): styles, colours, stroke, shadow,
fonts, 花字 and keyword highlighting.

``content`` is a JSON *string* ``{"styles": [...], "text": ...}``. Every style covers a range
of the text. JianYing counts those ranges in UTF-16 code units (it is a C++/JS-style string
index), so a character outside the BMP (most emoji) counts 2; all ranges written here are
converted to UTF-16 units, which equal Python ``str`` indices whenever the text has no such
character. capcut-mate wrote the base range as the UTF-16 *byte* length (2 × characters,
§8); we write the real length.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from . import builders as b
from . import catalogue
from .catalogue import Entry
from .ids import new_id
from .parse import hex_to_rgb

# JianYing's default stroke (UI width 40) in content units: 40 / 100 × 0.2.
STROKE_WIDTH = 0.08
WHITE = (1.0, 1.0, 1.0)
ORANGE = "#ff7100"  # capcut-mate's default keyword colour
ORANGE_RGB = tuple(hex_to_rgb(ORANGE))
_HEX_RE = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


@dataclass(frozen=True)
class ShadowSpec:
    """A text shadow in API units (diffuse and distance 0–100, angle in degrees)."""

    alpha: float = 1.0
    color: str = "#000000"
    diffuse: float = 15.0
    distance: float = 5.0
    angle: float = -45.0

    def to_json(self) -> dict:
        """The ``shadows[]`` entry; JianYing stores diffuse as UI value / 100 / 6."""
        return {
            "diffuse": float(self.diffuse) / 100.0 / 6, "alpha": float(self.alpha),
            "distance": float(self.distance),
            "content": {"solid": {"color": hex_to_rgb(self.color, (0.0, 0.0, 0.0))}},
            "angle": float(self.angle),
        }


# What has_shadow / keyword_has_shadow mean when no shadow_info is given (capcut-mate.md §1.2).
DEFAULT_SHADOW = ShadowSpec(alpha=0.9)


@dataclass(frozen=True)
class Look:
    """How a run of characters is drawn (colour as RGB floats 0–1, size in JianYing units)."""

    color: tuple[float, float, float] = WHITE
    size: float = 15
    bold: bool = False
    italic: bool = False
    underline: bool = False
    border: tuple[float, float, float] | None = None
    shadow: ShadowSpec | None = None
    font: dict | None = None


def is_color(value) -> bool:
    """True for ``#rrggbb`` / ``#rgb`` (with or without ``#``)."""
    return isinstance(value, str) and bool(_HEX_RE.match(value.strip()))


def color(value, default: tuple[float, float, float], warnings: list[str], where: str) -> tuple[float, float, float]:
    """A hex colour as RGB floats; a bad value gives ``default`` and a warning (never silent)."""
    if value is None:
        return default
    if not is_color(value):
        warnings.append(f"{where}: invalid colour {value!r}, using #{''.join(f'{round(c * 255):02x}' for c in default)}")
        return default
    return tuple(hex_to_rgb(value.strip()))  # type: ignore[return-value]


# -- fonts ------------------------------------------------------------------------------------
def _norm(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name).lower()


def find_font(name: str | None) -> Entry | None:
    """A font by display name: exact, then ignoring case/space/underscore, then a unique substring."""
    if not name or not str(name).strip():
        return None
    name = str(name).strip()
    entry = catalogue.find("font", name, loose=True)
    if entry is not None:
        return entry
    key = _norm(name)
    hits = [e for e in catalogue.entries("font") if key and key in _norm(e.name)]
    return hits[0] if len(hits) == 1 else None


def font_json(entry: Entry) -> dict:
    """A style's ``font``: JianYing resolves it by ``id`` (``path`` is a placeholder, as in
    capcut-mate). The catalogue has no font resource ids, so ``name`` is kept too: it is what
    our renderer (and a reader of the draft) can go by."""
    return {"id": entry.resource_id, "path": "D:", "name": entry.name}


# -- ranges -----------------------------------------------------------------------------------
def utf16_offsets(text: str) -> list[int]:
    """``offsets[i]`` = UTF-16 code-unit index of character ``i`` (len(text) + 1 entries)."""
    offsets = [0]
    for ch in text:
        offsets.append(offsets[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return offsets


def keyword_ranges(text: str, keywords: str | None) -> tuple[list[tuple[int, int]], list[str]]:
    """Non-overlapping ``[start, end)`` character ranges of ``|``-separated keywords, longer
    keywords first (so 顶级思维 beats 思维), sorted by position; plus the keywords absent from the text."""
    terms = sorted(dict.fromkeys(k.strip() for k in (keywords or "").split("|") if k.strip()),
                   key=len, reverse=True)
    used = [False] * len(text)
    ranges, missing = [], []
    for term in terms:
        pos = text.find(term)
        if pos == -1:
            missing.append(term)
        while pos != -1:
            end = pos + len(term)
            if not any(used[pos:end]):  # inside a longer keyword's run: that one wins
                ranges.append((pos, end))
                used[pos:end] = [True] * (end - pos)
            pos = text.find(term, end)
    return sorted(ranges), missing


# -- styles -----------------------------------------------------------------------------------
def _fill(rgb) -> dict:
    return {"alpha": 1.0, "content": {"render_type": "solid", "solid": {"alpha": 1.0, "color": list(rgb)}}}


def _stroke(rgb) -> dict:
    return {"content": {"solid": {"alpha": 1.0, "color": list(rgb)}}, "width": STROKE_WIDTH}


def style(start: int, end: int, look: Look, *, strokes_key: bool = True,
          shadows: list[dict] | None = None) -> dict:
    """One ``styles[]`` entry for ``[start, end)`` (already in UTF-16 units).

    ``strokes_key`` writes ``strokes: []`` when there is no border (capcut-mate's base and
    partition styles do; its keyword overlays omit the key). ``shadows`` is written as given
    (None: no key)."""
    out = {"fill": _fill(look.color), "range": [int(start), int(end)], "size": look.size,
           "bold": bool(look.bold), "italic": bool(look.italic), "underline": bool(look.underline)}
    if look.border is not None:
        out["strokes"] = [_stroke(look.border)]
    elif strokes_key:
        out["strokes"] = []
    if shadows is not None:
        out["shadows"] = shadows
    if look.font is not None:
        out["font"] = dict(look.font)
    return out


def build_styles(text: str, body: Look, *, keyword: Look | None = None, keywords: str | None = None,
                 partitioned: bool = False, effect_id: str | None = None) -> tuple[list[dict], list[str]]:
    """The styles of one text, and the keywords that were not found in it.

    Default layout (capcut-mate's): one base style over the whole text carrying the body
    shadow, then one overlay style per keyword occurrence. ``partitioned`` (keyword_has_shadow)
    writes non-overlapping normal/keyword/normal… partitions instead, each with its own
    ``shadows`` list, so JianYing does not spread the keyword shadow over the whole text."""
    u16 = utf16_offsets(text)
    ranges, missing = keyword_ranges(text, keywords) if keyword is not None else ([], [])
    if partitioned and keyword is not None:
        styles = _partitions(text, ranges, body, keyword, u16)
    else:
        base_shadows = [body.shadow.to_json()] if body.shadow else None
        styles = [style(0, u16[-1], body, shadows=base_shadows)]
        if keyword is not None:
            styles += [style(u16[s], u16[e], keyword, strokes_key=False) for s, e in ranges]
    if effect_id:
        styles[0]["effectStyle"] = {"id": effect_id, "path": "C:"}
    return styles, missing


def _partitions(text: str, ranges: list[tuple[int, int]], body: Look, keyword: Look, u16: list[int]) -> list[dict]:
    normal_shadows = [body.shadow.to_json()] if body.shadow else []
    keyword_shadows = [keyword.shadow.to_json()] if keyword.shadow else []
    out, cursor = [], 0
    for s, e in ranges:
        if cursor < s:
            out.append(style(u16[cursor], u16[s], body, shadows=list(normal_shadows)))
        out.append(style(u16[s], u16[e], keyword, shadows=list(keyword_shadows)))
        cursor = e
    if cursor < len(text) or not out:
        out.append(style(u16[cursor], u16[-1], body, shadows=list(normal_shadows)))
    return out


def check_flag(styles: list[dict]) -> int:
    """JianYing's feature bits: 7 base, +8 stroke, +32 shadow (from what the styles use)."""
    flag = 7
    if any(s.get("strokes") for s in styles):
        flag |= 8
    if any(s.get("shadows") for s in styles):
        flag |= 32
    return flag


# -- materials and segments ---------------------------------------------------------------------
def text_material(text: str, *, styles: list[dict] | None = None, color: str | tuple = "#ffffff",
                  font_size: float = 15, bold: bool = False, italic: bool = False,
                  underline: bool = False, border_color: str | None = None, alignment: int = 1,
                  vertical: bool = False, alpha: float = 1.0, letter_spacing: float = 0,
                  line_spacing: float = 0, auto_wrap: bool = False) -> dict:
    """A ``materials.texts[]`` entry. Without ``styles`` one style covers the whole text.

    ``auto_wrap`` gives type "subtitle" (add_captions), else "text" (easy_create_material).
    Spacing values are API values: truncated to int, letter × 0.05, line 0.02 + × 0.05."""
    if styles is None:
        rgb = hex_to_rgb(color) if isinstance(color, str) else tuple(color)
        border = hex_to_rgb(border_color, (0.0, 0.0, 0.0)) if border_color else None
        look = Look(tuple(rgb), font_size, bold, italic, underline, tuple(border) if border else None)
        styles, _ = build_styles(text, look)
    content = json.dumps({"styles": styles, "text": text}, ensure_ascii=False)
    return {
        "id": new_id(), "content": content, "typesetting": 1 if vertical else 0,
        "alignment": int(alignment), "letter_spacing": int(letter_spacing or 0) * 0.05,
        "line_spacing": 0.02 + int(line_spacing or 0) * 0.05, "line_feed": 1,
        "line_max_width": 0.82, "force_apply_line_max_width": False,
        "check_flag": check_flag(styles), "type": "subtitle" if auto_wrap else "text",
        "global_alpha": float(alpha),
    }


def text_segment(material_id: str, start: int, duration: int, *, render_index: int,
                 extra_refs: list[str], clip_: dict | None = None) -> dict:
    """A text track segment (no source range; ``extra_refs`` starts with its speed id)."""
    return b.segment(material_id, b.timerange(start, duration), render_index=render_index,
                     source=None, extra_refs=extra_refs, clip_=clip_ or b.clip())


def plain_text(text: str, *, start: int, duration: int, render_index: int, color: str = "#ffffff",
               font_size: float = 15, x: float = 0.0, y: float = 0.0,
               auto_wrap: bool = False) -> tuple[dict, dict, dict]:
    """One centred single-style text: ``(text material, segment, speed material)``.

    ``x``/``y`` are half-canvas units (already divided by the canvas size). Add the material
    to ``texts``, the speed to ``speeds`` and the segment to a text track."""
    material = text_material(text, color=color, font_size=font_size, alignment=1, auto_wrap=auto_wrap)
    speed = b.speed_material(1.0)
    seg = text_segment(material["id"], start, duration, render_index=render_index,
                       extra_refs=[speed["id"]], clip_=b.clip(x=x, y=y))
    return material, seg, speed


def text_effect_material(effect_id: str) -> dict:
    """A 花字 entry of ``materials.effects`` (JianYing uses the id as resource id too)."""
    return {"apply_target_type": 0, "effect_id": effect_id, "id": new_id(), "resource_id": effect_id,
            "type": "text_effect", "value": 1.0, "source_platform": 1}


# -- add_text_style -----------------------------------------------------------------------------
def text_style_string(text: str, keyword: str, *, font_size: float = 12, keyword_color: str = ORANGE,
                      keyword_font_size: float = 15) -> tuple[str, list[str]]:
    """add_text_style: ``{"text", "styles"}`` as compact JSON, plus warnings.

    Styles partition the text: normal runs white at ``font_size``, keyword runs in
    ``keyword_color`` at ``keyword_font_size`` with ``useLetterColor``; every style has an
    empty ``font``."""
    warnings: list[str] = []
    rgb = list(color(keyword_color, ORANGE_RGB, warnings, "keyword_color"))
    ranges, missing = keyword_ranges(text, keyword)
    warnings += [f"keyword {k!r} does not occur in text" for k in missing]
    u16 = utf16_offsets(text)

    def run(s: int, e: int, size: float, fill: list[float], letter: bool) -> dict:
        out = {"fill": {"content": {"solid": {"color": fill}}}, "range": [u16[s], u16[e]],
               "size": size, "font": {"id": "", "path": ""}}
        if letter:
            out["useLetterColor"] = True
        return out

    styles, cursor = [], 0
    for s, e in ranges:
        if cursor < s:
            styles.append(run(cursor, s, font_size, list(WHITE), False))
        styles.append(run(s, e, keyword_font_size, rgb, True))
        cursor = e
    if cursor < len(text):
        styles.append(run(cursor, len(text), font_size, list(WHITE), False))
    body = {"text": text, "styles": styles}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")), warnings

