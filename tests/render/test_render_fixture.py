"""capcut-mate's own draft (fixture draft1) renders as JianYing would show it."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from draftkit import audio_samples, frames, rms, video_facts
from draftrender.render.draft import render_draft
from draftrender.render.pipeline import RenderOptions
from mediagen import CODE_CELL, make_audio, make_image, make_video
from support import FIXTURE_DIR

DRAFT_ID = "202611211421162e0efef4"


@pytest.fixture(scope="module")
def fixture_render(tmp_path_factory):
    """The fixture's draft_content.json untouched, its media made at the paths it records."""
    root = tmp_path_factory.mktemp("draft1")
    media = {"clip.mp4": make_video(root / "src" / "clip.mp4"),
             "pic.png": make_image(root / "src" / "pic.png", rgba=(0, 0, 255, 255)),
             "tone.mp3": make_audio(root / "src" / "tone.mp3")}
    folder = root / DRAFT_ID
    for m in json.loads((FIXTURE_DIR / "materials.json").read_text()):
        rel = m["path"].split(f"{DRAFT_ID}/", 1)[1]
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(media[m["source_media"]], folder / rel)
    shutil.copy(FIXTURE_DIR / "draft_content.json", folder / "draft_content.json")
    return render_draft(folder, root / "out.mp4", options=RenderOptions(crf=16))


def test_format_and_duration(fixture_render):
    facts = video_facts(fixture_render.path)
    assert (facts["width"], facts["height"], facts["fps"]) == (1920, 1080, 30.0)
    assert abs(facts["frames"] / 30 - 10.034) <= 1 / 30
    assert facts["audio_channels"] == 2 and facts["audio_rate"] == 48000


def test_image_is_centred_at_its_transform_with_half_its_fitted_size(fixture_render):
    f = frames(fixture_render.path, [1.0])[30]
    blue = np.argwhere((f[..., 2] > 200) & (f[..., 0] < 90))
    (y0, x0), (y1, x1) = blue.min(0), blue.max(0)
    # 800x600 fitted into 1920x1080 → 1440x1080, scale 0.5 → 720x540; transform (0.25, −0.25) → centre (1200, 675)
    assert abs((x0 + x1) / 2 - 1200) <= 4 and abs((y0 + y1) / 2 - 675) <= 4
    assert abs(x1 - x0 + 1 - 720) <= 6 and abs(y1 - y0 + 1 - 540) <= 6


def test_caption_fill_and_stroke_colours_in_the_caption_region(fixture_render):
    f = frames(fixture_render.path, [1.0])[30]
    region = f[600:1000]  # the caption sits at y = −0.37 → centre row ≈ 740
    yellow = (region[..., 0] > 200) & (region[..., 1] > 200) & (region[..., 2] < 90)
    black = region.max(axis=2) < 40
    red = (region[..., 0] > 200) & (region[..., 1] < 60) & (region[..., 2] < 60)  # keyword "capcut"
    assert yellow.sum() > 2000 and red.sum() > 1000 and black.sum() > 1000
    rows = np.argwhere(yellow)[:, 0] + 600
    assert 620 < rows.mean() < 860
    assert not ((f[:450, :, 0] > 200) & (f[:450, :, 1] > 200) & (f[:450, :, 2] < 90)).sum() > 500


def test_dissolve_at_the_cut_blends_both_clips(fixture_render):
    got = frames(fixture_render.path, [4.5, 5.0, 5.5])
    scale = 3.0  # 640x360 fitted to 1920x1080
    def cell(img, bit):  # noqa: E306
        return img[int(0.5 * CODE_CELL * scale), int((bit + 0.5) * CODE_CELL * scale)].mean()
    # outgoing clip A shows its last frames (149 = 0b10010101), incoming clip B its first (0)
    assert cell(got[135], 0) > 200 or cell(got[135], 0) < 50  # before the window: a clean frame
    mid = cell(got[150], 0)
    assert 80 < mid < 180  # bit 0 is white in A's frame, black in B's: half and half
    assert cell(got[165], 0) < 50 or cell(got[165], 0) > 200


def test_audio_levels_follow_the_volumes(fixture_render):
    samples, rate = audio_samples(fixture_render.path)
    clip, tone = 0.5, 0.5  # amplitudes of the generated 440 Hz clip sound and the 660 Hz MP3
    def expect(*amps):  # noqa: E306
        return float(np.sqrt(sum(a * a / 2 for a in amps)))
    assert abs(rms(samples, rate, 1.0, 3.5) - expect(clip * 0.8, tone * 0.6)) < 0.03
    assert abs(rms(samples, rate, 4.2, 4.8) - expect(clip * 0.8, tone * 1.0)) < 0.03
    assert abs(rms(samples, rate, 5.5, 7.5) - expect(clip * 1.0, tone * 1.0)) < 0.04
    assert abs(rms(samples, rate, 8.3, 9.7) - expect(tone * 1.0)) < 0.03


def test_warnings_name_what_was_approximated(fixture_render):
    named = {(w.kind, w.name) for w in fixture_render.warnings}
    assert ("animation", "缩放") in named and ("animation", "彩虹") in named
    assert all(w.segment_id for w in fixture_render.warnings if w.kind == "animation")
