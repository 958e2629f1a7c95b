"""Font resolution for the text rasteriser: JianYing font ids/names → loaded FreeType fonts.

The default face is Noto Sans CJK SC (face 2 of the variable ``NotoSansCJK-VF.otf.ttc`` shipped by
the ``manimgx_fonts_cjk`` package). Its weight axis defaults to Thin, so every load sets the
weight explicitly (400 regular, 700 bold). Other fonts are found by family name among installed
font files; anything else falls back to the default and is recorded in ``unresolved``.
"""
from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

import manimgx_fonts_cjk

DEFAULT_PATH = str(Path(manimgx_fonts_cjk.__file__).with_name("NotoSansCJK-VF.otf.ttc"))
DEFAULT_INDEX = 2  # faces: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK
REGULAR, BOLD = 400, 700
SYSTEM_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")
FONT_EXTS = (".ttf", ".otf", ".ttc", ".otc")
# Names that mean "the default font" (JianYing's default is a Source Han / Noto Sans CJK cut).
DEFAULT_ALIASES = {"notosanscjksc", "notosanscjk", "notosanssc", "sourcehansans", "sourcehansanssc",
                   "sourcehansanscn", "思源黑体", "默认", "默认字体", "系统", "系统字体", "default", "system"}
_REGULAR_STYLES = ("regular", "book", "normal", "roman", "medium", "")


def norm_name(name: str) -> str:
    """Family-name key: lower case without spaces, hyphens or underscores."""
    return re.sub(r"[\s_\-]+", "", name).lower()


@dataclass(frozen=True)
class FontFace:
    """A font file face plus how to make it bold (variable weight, or synthetic emboldening)."""

    path: str
    index: int = 0
    weight: int | None = None  # set on variable fonts with a weight axis
    synthetic_bold: bool = False


@dataclass(frozen=True)
class _Entry:
    path: str
    index: int
    family: str
    style: str
    has_weight_axis: bool


class FontResolver:
    """Resolves style font ids to faces and caches loaded fonts per (file, face, size, weight)."""

    def __init__(self, extra_dirs: list[str] | None = None):
        self.extra_dirs = [str(d) for d in (extra_dirs or [])]
        self.unresolved: set[str] = set()
        self._fonts: dict[tuple, ImageFont.FreeTypeFont] = {}
        self._faces: dict[tuple[str, bool], FontFace] = {}
        self._advances: dict[tuple[int, str], float] = {}
        self._index: dict[str, list[_Entry]] | None = None
        self._lock = threading.RLock()

    # -- resolution ------------------------------------------------------------------------
    def default_face(self, bold: bool) -> FontFace:
        """Noto Sans CJK SC at the regular or bold weight."""
        return FontFace(DEFAULT_PATH, DEFAULT_INDEX, BOLD if bold else REGULAR)

    def resolve(self, font_id: str, bold: bool) -> FontFace:
        """The face for a style's font id or family name ("" → default; unknown → default, noted)."""
        key = (font_id or "", bool(bold))
        with self._lock:
            face = self._faces.get(key)
            if face is None:
                face = self._lookup(key[0].strip(), key[1])
                if face is None:
                    self.unresolved.add(key[0])
                    face = self.default_face(bold)
                self._faces[key] = face
            return face

    def _lookup(self, font_id: str, bold: bool) -> FontFace | None:
        if not font_id or norm_name(font_id) in DEFAULT_ALIASES:
            return self.default_face(bold)
        if os.path.isfile(font_id) and font_id.lower().endswith(FONT_EXTS):
            return self._face_for(_probe(font_id, 0), bold)
        entries = self._installed().get(norm_name(font_id))
        if not entries:
            return None
        family = entries[0].family
        same = [e for e in self._installed().get(norm_name(family), []) if e.family == family] or entries
        return self._face_for(_pick_style(same, bold), bold)

    @staticmethod
    def _face_for(entry: _Entry | None, bold: bool) -> FontFace | None:
        if entry is None:
            return None
        if entry.has_weight_axis:
            return FontFace(entry.path, entry.index, BOLD if bold else REGULAR)
        is_bold = "bold" in entry.style.lower() or "black" in entry.style.lower()
        return FontFace(entry.path, entry.index, None, synthetic_bold=bold and not is_bold)

    def _installed(self) -> dict[str, list[_Entry]]:
        """Index of installed fonts by family, full name and file stem (built on first need)."""
        if self._index is None:
            index: dict[str, list[_Entry]] = {}
            for path in _font_files(self.extra_dirs + list(SYSTEM_DIRS)):
                for entry in _faces_in(path):
                    keys = {norm_name(entry.family), norm_name(entry.family + entry.style),
                            norm_name(Path(path).stem)}
                    for k in keys:
                        index.setdefault(k, []).append(entry)
            self._index = index
        return self._index

    # -- loading ---------------------------------------------------------------------------
    def font(self, face: FontFace, size_px: float) -> ImageFont.FreeTypeFont:
        """The loaded font for ``face`` at ``size_px`` pixels per em (cached)."""
        size = max(1.0, round(float(size_px), 2))
        key = (face.path, face.index, size, face.weight)
        with self._lock:
            font = self._fonts.get(key)
            if font is None:
                font = ImageFont.truetype(face.path, size, index=face.index)
                if face.weight is not None:
                    _set_weight(font, face.weight)
                self._fonts[key] = font
            return font

    def advance(self, font: ImageFont.FreeTypeFont, ch: str) -> float:
        """Horizontal advance of one character (cached per font object)."""
        key = (id(font), ch)
        adv = self._advances.get(key)
        if adv is None:
            adv = float(font.getlength(ch))
            self._advances[key] = adv
        return adv


def _set_weight(font: ImageFont.FreeTypeFont, weight: int) -> None:
    """Set the weight axis of a variable font, other axes at their defaults."""
    try:
        axes = font.get_variation_axes()
    except (OSError, AttributeError):
        return
    values = []
    for axis in axes:
        if _axis_name(axis) == "weight":
            values.append(min(axis["maximum"], max(axis["minimum"], weight)))
        else:
            values.append(axis["default"])
    if values:
        font.set_variation_by_axes(values)


def _axis_name(axis: dict) -> str:
    name = axis.get("name", b"")
    return (name.decode("latin-1") if isinstance(name, bytes) else str(name)).lower()


def _font_files(dirs: list[str]):
    seen = set()
    for d in dirs:
        if not os.path.isdir(d):
            continue
        for root, _, files in os.walk(d):
            for name in sorted(files):
                path = os.path.join(root, name)
                if name.lower().endswith(FONT_EXTS) and path not in seen:
                    seen.add(path)
                    yield path


def _probe(path: str, index: int) -> _Entry | None:
    try:
        font = ImageFont.truetype(path, 12, index=index)
    except OSError:
        return None
    family, style = font.getname()
    try:
        axes = font.get_variation_axes()
    except (OSError, AttributeError):
        axes = []
    weight = any(_axis_name(a) == "weight" for a in axes)
    return _Entry(path, index, family or "", style or "", weight)


def _faces_in(path: str) -> list[_Entry]:
    """Every face of a font file (collections hold several)."""
    out = []
    limit = 64 if path.lower().endswith((".ttc", ".otc")) else 1
    for i in range(limit):
        entry = _probe(path, i)
        if entry is None:
            break
        out.append(entry)
    return out


def _pick_style(entries: list[_Entry], bold: bool) -> _Entry:
    """The face of a family best matching the weight (upright preferred)."""
    def rank(e: _Entry) -> tuple[int, int]:
        style = e.style.lower()
        slanted = int("italic" in style or "oblique" in style)
        if e.has_weight_axis:
            return slanted, 0
        if bold:
            return slanted, 0 if "bold" in style else 1
        return slanted, 0 if style in _REGULAR_STYLES else (2 if "bold" in style else 1)
    return min(entries, key=rank)
