"""Text layout: a TextSpec's characters → styled runs placed in the text box.

Horizontal text is laid out in lines (explicit "\\n", plus auto wrap at ``line_max_width`` of the
canvas width), runs of one line share a baseline; vertical text in columns, right to left. All
measurements come from font metrics (advances cached per font), nothing is drawn here.
Coordinates are pixels in the text box, origin top-left, y down.
"""
from __future__ import annotations

from dataclasses import dataclass

from PIL import ImageFont

from ...timeline.model import TextSpec, TextStyle
from .fonts import FontResolver

EM_PER_SIZE_PER_WIDTH = 0.00625  # JianYing calibration: em px = size × canvas width × 0.00625
SYNTHETIC_BOLD_EM = 0.025  # dilation for fonts with no bold face or weight axis
CJK_FIRST = 0x2E80  # from CJK radicals on, a line may break between any two characters
# Closing punctuation never starts a wrapped line (it takes the previous character along).
NO_LINE_START = set("，。、；：！？）》」』】〕〉”’…,.;:!?)]}%")


@dataclass(frozen=True)
class Face:
    """A style with its pixel size and loaded font."""

    style: TextStyle
    em: float
    font: ImageFont.FreeTypeFont
    ascent: float
    descent: float
    bold_px: float  # synthetic emboldening; 0 when the font has a real bold


@dataclass(frozen=True)
class Run:
    """Characters of one style drawn together."""

    text: str
    style: int  # index into Layout.faces
    x: float  # horizontal: pen x at the run start; vertical: column centre
    y: float  # horizontal: baseline; vertical: top of the character cell
    width: float  # advance, trailing letter spacing excluded (vertical: the cell height)
    offsets: tuple[float, ...] | None = None  # per-character pen offsets (letter spacing)
    vertical: bool = False


@dataclass(frozen=True)
class Layout:
    """Every run placed in the text box, plus the box size."""

    runs: tuple[Run, ...]
    faces: tuple[Face, ...]
    width: float  # the text box
    height: float


def em_px(size: float, canvas_width: int) -> float:
    """Pixels per em of a JianYing font size on a canvas ``canvas_width`` wide."""
    return max(1.0, float(size) * canvas_width * EM_PER_SIZE_PER_WIDTH)


def text_faces(spec: TextSpec, canvas_width: int, fonts: FontResolver) -> tuple[Face, ...]:
    """One Face per style (a default size-15 style when the spec has none)."""
    styles = spec.styles or (TextStyle(0, len(spec.text), 15.0),)
    faces = []
    for st in styles:
        em = em_px(st.size, canvas_width)
        choice = fonts.resolve(st.font_id, st.bold)
        font = fonts.font(choice, em)
        ascent, descent = font.getmetrics()
        bold = SYNTHETIC_BOLD_EM * em if choice.synthetic_bold else 0.0
        faces.append(Face(st, em, font, float(ascent), float(descent), bold))
    return tuple(faces)


def char_styles(spec: TextSpec, n_styles: int) -> list[int]:
    """Style index per character: later styles override earlier ones; uncovered → style 0."""
    owner = [0] * len(spec.text)
    for k, st in enumerate(spec.styles[:n_styles]):
        for i in range(max(0, st.start), min(len(owner), st.end)):
            owner[i] = k
    return owner


def layout_text(spec: TextSpec, canvas_width: int, canvas_height: int, fonts: FontResolver) -> Layout:
    """Place every character of ``spec`` (see the module docstring)."""
    faces = text_faces(spec, canvas_width, fonts)
    text = spec.text.replace("\t", " ")
    owner = char_styles(spec, len(faces))
    if spec.vertical:
        limit = spec.line_max_width * canvas_height if spec.auto_wrap else 0.0
        return _vertical(spec, text, owner, faces, limit)
    limit = spec.line_max_width * canvas_width if spec.auto_wrap else 0.0
    return _horizontal(spec, text, owner, faces, fonts, limit)


def _paragraphs(text: str, owner: list[int]) -> list[tuple[list[int], int]]:
    """Character indices per explicit line, with the style an empty line takes its height from."""
    out, cur, hint = [], [], owner[0] if owner else 0
    for i, ch in enumerate(text):
        if ch == "\n":
            out.append((cur, owner[cur[-1]] if cur else owner[i]))
            cur = []
        elif ch >= " ":  # other control characters (\r...) draw nothing
            cur.append(i)
    out.append((cur, owner[cur[-1]] if cur else (owner[-1] if owner else hint)))
    return out


def _is_word_char(ch: str) -> bool:
    return ch != " " and ord(ch) < CJK_FIRST


def wrap(indices: list[int], text: str, adv: list[float], limit: float) -> list[list[int]]:
    """Greedy wrap at ``limit``: CJK breaks anywhere, Latin words at spaces when possible."""
    if limit <= 0:
        return [indices]
    lines: list[list[int]] = []
    line: list[int] = []
    width = trail = 0.0  # trail: width of trailing spaces (they may hang past the limit)
    for i in indices:
        ch = text[i]
        if line and ch != " " and width - trail + adv[i] > limit:
            cut = _break_at(line, text, ch)
            lines.append(_rstrip(line[:cut], text))
            line = _lstrip(line[cut:], text)
            width = sum(adv[j] for j in line)
            trail = 0.0
        if ch == " " and not line and lines:
            continue  # a wrapped line does not start with a space
        line.append(i)
        width += adv[i]
        trail = trail + adv[i] if ch == " " else 0.0
    lines.append(_rstrip(line, text))
    return lines


def _break_at(line: list[int], text: str, nxt: str) -> int:
    """Where to cut ``line`` when the character ``nxt`` no longer fits."""
    last = text[line[-1]]
    if _is_word_char(nxt) and _is_word_char(last):
        for p in range(len(line) - 1, 0, -1):
            if text[line[p]] == " ":
                return p + 1
        return len(line)  # one long word: break inside it
    if nxt in NO_LINE_START and len(line) > 1:
        return len(line) - 1
    return len(line)


def _rstrip(line: list[int], text: str) -> list[int]:
    end = len(line)
    while end > 0 and text[line[end - 1]] == " ":
        end -= 1
    return line[:end]


def _lstrip(line: list[int], text: str) -> list[int]:
    start = 0
    while start < len(line) and text[line[start]] == " ":
        start += 1
    return line[start:]


def _split_runs(indices: list[int], owner: list[int]) -> list[tuple[int, list[int]]]:
    runs: list[tuple[int, list[int]]] = []
    for i in indices:
        if runs and runs[-1][0] == owner[i]:
            runs[-1][1].append(i)
        else:
            runs.append((owner[i], [i]))
    return runs


def _align(alignment: int, box: float, size: float) -> float:
    return {0: 0.0, 2: box - size}.get(alignment, (box - size) / 2.0)


def _horizontal(spec: TextSpec, text: str, owner: list[int], faces: tuple[Face, ...],
                fonts: FontResolver, limit: float) -> Layout:
    ls = spec.letter_spacing
    adv = [0.0] * len(text)
    for i, ch in enumerate(text):
        if ch >= " ":  # control characters (\n, \r...) take no room
            face = faces[owner[i]]
            adv[i] = max(0.0, fonts.advance(face.font, ch) + ls * face.em)  # never step backwards
    lines = []  # (runs [(style, indices, width)], width, ascent, descent, em)
    for indices, hint in _paragraphs(text, owner):
        for part in wrap(indices, text, adv, limit):
            runs = []
            for k, idx in _split_runs(part, owner):
                s = "".join(text[i] for i in idx)
                w = faces[k].font.getlength(s) if ls == 0 else sum(adv[i] for i in idx)
                runs.append((k, idx, float(w)))
            used = [faces[k] for k, _, _ in runs] or [faces[hint]]
            width = sum(w for _, _, w in runs) - (ls * faces[owner[part[-1]]].em if part else 0.0)
            lines.append((runs, width, max(f.ascent for f in used), max(f.descent for f in used),
                          max(f.em for f in used)))
    box_w = max(0.0, max(line[1] for line in lines))
    placed, top = [], 0.0
    for n, (runs, width, asc, desc, em) in enumerate(lines):
        x, base = _align(spec.alignment, box_w, width), top + asc
        for k, idx, w in runs:
            offsets = None
            if ls != 0:
                pos, offsets = 0.0, []
                for i in idx:
                    offsets.append(pos)
                    pos += adv[i]
                offsets = tuple(offsets)
            s = "".join(text[i] for i in idx)
            placed.append(Run(s, k, x, base, w - (ls * faces[k].em if ls else 0.0), offsets))
            x += w
        if n < len(lines) - 1:
            top += max(0.0, asc + desc + spec.line_spacing * em)
        else:
            top += asc + desc
    return Layout(tuple(placed), faces, box_w, top)


def _vertical(spec: TextSpec, text: str, owner: list[int], faces: tuple[Face, ...], limit: float) -> Layout:
    ls = spec.letter_spacing
    adv = [max(0.0, faces[owner[i]].em * (1.0 + ls)) for i in range(len(text))]
    cols = []  # (indices, width, height, em)
    for indices, hint in _paragraphs(text, owner):
        for part in wrap(indices, text, adv, limit):
            used = [faces[owner[i]] for i in part] or [faces[hint]]
            height = sum(adv[i] for i in part) - (ls * faces[owner[part[-1]]].em if part else 0.0)
            cols.append((part, max(f.ascent + f.descent for f in used), height, max(f.em for f in used)))
    gaps = [max(-c[1], spec.line_spacing * c[3]) for c in cols[:-1]] + [0.0]
    box_w = sum(c[1] for c in cols) + sum(gaps)
    box_h = max(0.0, max(c[2] for c in cols))
    placed, right = [], box_w
    for (part, col_w, height, _), gap in zip(cols, gaps):
        centre, y = right - col_w / 2.0, _align(spec.alignment, box_h, height)
        for i in part:
            k = owner[i]
            placed.append(Run(text[i], k, centre, y, faces[k].em, None, vertical=True))
            y += adv[i]
        right -= max(0.0, col_w + gap)
    return Layout(tuple(placed), faces, box_w, box_h)
