"""Text materials → TextSpec: UTF-16 style ranges → str indices (emoji), clamping, font lookup."""
from __future__ import annotations

import json

import pytest

from draftrender.drafts import text as dtext
from draftrender.timeline.text_spec import char_range, text_spec, utf16_offsets


def _material(text: str, styles: list[dict], **kw) -> dict:
    return {"id": "t1", "content": json.dumps({"text": text, "styles": styles}, ensure_ascii=False), **kw}


def _ranges(text: str, *ranges) -> list[tuple[int, int]]:
    spec = text_spec(_material(text, [{"range": list(r), "size": 15} for r in ranges]), "seg")
    return [(s.start, s.end) for s in spec.styles]


def test_bmp_text_ranges_are_unchanged():
    assert _ranges("中文abc", (0, 2), (2, 5)) == [(0, 2), (2, 5)]


def test_astral_characters_count_two_utf16_units():
    text = "a😀b中"  # UTF-16 units: a=0, 😀=1..2, b=3, 中=4
    assert utf16_offsets(text) == [0, 1, 3, 4, 5]
    assert _ranges(text, (0, 1), (1, 3), (3, 5)) == [(0, 1), (1, 2), (2, 4)]
    covered = [text[s:e] for s, e in _ranges(text, (0, 1), (1, 3), (3, 5))]
    assert covered == ["a", "😀", "b中"]


def test_bounds_inside_a_surrogate_pair_take_the_whole_character():
    text = "😀😀x"  # units 0..1, 2..3, 4
    assert char_range([1, 3], utf16_offsets(text)) == (0, 2)
    assert char_range([2, 4], utf16_offsets(text)) == (1, 2)


def test_ranges_past_the_end_are_clamped():
    text = "中文字幕"
    # capcut-mate writes the base range end as 2 × the character count
    assert _ranges(text, (0, 2 * len(text))) == [(0, 4)]
    assert _ranges("😀😀", (0, 8)) == [(0, 2)]
    assert _ranges(text, (10, 20), (-3, 2), (3, 1)) == [(4, 4), (0, 2), (3, 3)]


def test_missing_or_malformed_range_covers_the_text():
    spec = text_spec(_material("ab😀", [{"size": 15}, {"range": "x", "size": 15}, {"range": [None, 2]}]), "s")
    assert [(s.start, s.end) for s in spec.styles] == [(0, 3), (0, 3), (0, 3)]


def test_builder_keyword_ranges_round_trip_with_emoji():
    """drafts/text.py writes UTF-16 ranges; the renderer gets back the keyword's characters."""
    text = "🔥今天🔥很热🔥"
    body, kw = dtext.Look(color=(1.0, 1.0, 1.0)), dtext.Look(color=(1.0, 0.0, 0.0))
    styles, missing = dtext.build_styles(text, body, keyword=kw, keywords="很热")
    assert not missing
    spec = text_spec(_material(text, styles), "s")
    base, overlay = spec.styles
    assert (base.start, base.end) == (0, len(text))
    assert text[overlay.start:overlay.end] == "很热" and overlay.color == (1.0, 0.0, 0.0)


@pytest.mark.parametrize("font, expected", [
    ({"id": "7012345678901234567", "path": "D:", "name": "新青年体"}, "7012345678901234567"),
    ({"id": "", "path": "D:", "name": "DejaVu Sans"}, "DejaVu Sans"),
    ({"name": "思源黑体"}, "思源黑体"),
    ({"id": "", "path": ""}, ""),
    (None, ""),
    ("not a dict", ""),
])
def test_font_lookup_uses_id_then_name(font, expected):
    style = {"range": [0, 2], "size": 15}
    if font is not None:
        style["font"] = font
    assert text_spec(_material("中文", [style]), "s").styles[0].font_id == expected


def test_builder_font_json_is_found_by_name():
    entry = next(iter(dtext.catalogue.entries("font")))
    style = dtext.style(0, 2, dtext.Look(font=dtext.font_json(entry)))
    assert text_spec(_material("中文", [style]), "s").styles[0].font_id == (entry.resource_id or entry.name)
