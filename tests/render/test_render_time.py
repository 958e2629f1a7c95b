"""Source ranges and speed pick exact source frames; any time range renders on its own."""
from __future__ import annotations

import pytest

from draftkit import S, frames
from mediagen import read_code


def _codes(path, indices):
    got = frames(path, [i / 30 for i in indices])
    return [read_code(got[i]) for i in indices]


@pytest.mark.parametrize("speed, expected", [(1.0, [0, 1, 2, 10, 19]), (2.0, [0, 2, 4, 20, 38]),
                                             (0.5, [0, 0, 1, 5, 9])])
def test_speed_picks_exact_source_frames(kit, rmedia, speed, expected):
    kit.visual(rmedia["clip"], 0, S * 2 // 3, speed=speed)
    assert _codes(kit.render().path, [0, 1, 2, 10, 19]) == expected


def test_source_start_offsets_frames(kit, rmedia):
    kit.visual(rmedia["clip"], S // 3, S // 3, source_start=S)  # source 1.0 s = frame 30
    assert _codes(kit.render().path, [10, 11, 19]) == [30, 31, 39]


def test_time_range_renders_the_same_frames(kit, rmedia):
    kit.visual(rmedia["clip"], 0, S)
    whole = kit.render("whole.mp4")
    part = kit.render("part.mp4", start_us=S // 2, end_us=S * 2 // 3)
    assert part.frames == 5
    assert _codes(part.path, [0, 4]) == [15, 19]
    assert _codes(whole.path, [15, 19]) == [15, 19]
