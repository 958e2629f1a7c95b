"""Canvas, timing, output format, layer order, placement (fit rule, transform, scale, rotation, flip, alpha, crop)."""
from __future__ import annotations

import numpy as np

from draftkit import S, frames, video_facts


def test_output_format_and_exact_frame_count(kit, rmedia):
    kit.visual(rmedia["clip"], 0, 1_000_000)
    kit.audio(rmedia["tone"], 0, 1_234_000)
    result = kit.render()
    facts = video_facts(result.path)
    assert facts["frames"] == 38  # ceil(1.234 s × 30)
    assert (facts["width"], facts["height"], facts["fps"]) == (320, 180, 30.0)
    assert facts["codec"] == "h264" and facts["pix_fmt"] == "yuv420p"
    assert (facts["audio_rate"], facts["audio_channels"]) == (48000, 2)
    assert abs(facts["duration"] - 38 / 30) < 0.05
    last = frames(result.path, [37 / 30])[37]
    assert last.max() < 30  # after the video ends: black background


def test_fit_rule_transform_and_scale(kit, rmedia):
    # 64x64 red square on 320x180: fitted to 180x180, scale 0.5 → 90x90, moved right by 0.5·W/2 = 80 px
    kit.visual(rmedia["red_png"], 0, S // 2, scale_x=0.5, scale_y=0.5, x=0.5, y=0.5)
    f = frames(kit.render().path, [0])[0]
    cx, cy = 160 + 80, 90 - 45
    assert f[cy, cx, 0] > 200 and f[cy, cx, 1] < 60
    red = np.argwhere((f[..., 0] > 150) & (f[..., 1] < 100))
    (y0, x0), (y1, x1) = red.min(0), red.max(0)
    assert abs((x1 - x0 + 1) - 90) <= 3 and abs((y1 - y0 + 1) - 90) <= 3
    assert abs((x0 + x1) / 2 - cx) <= 2 and abs((y0 + y1) / 2 - cy) <= 2


def test_render_index_orders_layers_and_invisible_segments_are_skipped(kit, rmedia):
    top = kit.track("video", index=5)
    bottom = kit.track("video", index=2)
    red = kit.visual(rmedia["red_png"], 0, S // 2, track=top)  # red drawn over blue though added first
    kit.visual(rmedia["half_png"], 0, S // 2, track=bottom)
    f = frames(kit.render().path, [0])[0]
    assert f[90, 160, 0] > 200 and f[90, 160, 2] < 60
    red["visible"] = False
    f = frames(kit.render("b.mp4").path, [0])[0]
    assert f[90, 160, 2] > 60 and f[90, 160, 0] < 60  # only the half-transparent blue remains


def test_alpha_png_and_clip_alpha_blend_over_background(kit, rmedia):
    kit.visual(rmedia["red_png"], 0, S // 2, alpha=0.5)
    f = frames(kit.render().path, [0])[0]
    assert 100 < f[90, 160, 0] < 155  # half of 255 over black
    assert f[5, 5].max() < 30  # letterbox stays black


def test_rotation_flip_and_crop(kit, rmedia):
    # quad.png: red TL, green TR, blue BL, white BR; flipped horizontally → green TL
    seg = kit.visual(rmedia["quad"], 0, S // 2)
    seg["clip"]["flip"]["horizontal"] = True
    f = frames(kit.render().path, [0])[0]
    assert f[45, 100, 1] > 200 and f[45, 100, 0] < 80  # top-left quadrant now green
    seg["clip"]["flip"]["horizontal"] = False
    seg["clip"]["rotation"] = 180.0
    f = frames(kit.render("r.mp4").path, [0])[0]
    assert f[45, 100].min() > 200  # top-left shows white (BR rotated by 180°)
    seg["clip"]["rotation"] = 0.0
    mat = kit.doc.materials("videos")[-1]
    mat["crop"].update({"upper_left_x": 0.5, "lower_left_x": 0.5, "upper_left_y": 0.5, "upper_right_y": 0.5})
    f = frames(kit.render("c.mp4").path, [0])[0]
    assert f[90, 160].min() > 200  # only the white quadrant is left, fitted to the canvas


def test_jpeg_and_gif(kit, rmedia):
    kit.visual(rmedia["jpeg"], 0, S // 2)
    kit.visual(rmedia["gif"], S // 2, 300_000)
    result = kit.render()
    got = frames(result.path, [3 / 30, 16 / 30, 19 / 30, 22 / 30])
    assert got[3][90, 160].mean() > 40  # JPEG visible
    colours = [tuple(int(c > 128) for c in got[i][90, 160]) for i in (16, 19, 22)]
    assert colours == [(1, 0, 0), (0, 1, 0), (0, 0, 1)]  # GIF frames advance every 100 ms
