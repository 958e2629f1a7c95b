"""Media shared by the render tests (small, generated once per session)."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from draftkit import Kit  # noqa: E402
from mediagen import make_audio, make_image, make_video  # noqa: E402


@pytest.fixture(scope="session")
def rmedia(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("rmedia")
    gif = d / "anim.gif"
    frames = [Image.new("RGB", (40, 40), c) for c in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    frames[0].save(gif, save_all=True, append_images=frames[1:], duration=100, loop=0)
    quad = np.zeros((90, 160, 3), np.uint8)
    quad[:45, :80] = (255, 0, 0)
    quad[:45, 80:] = (0, 255, 0)
    quad[45:, :80] = (0, 0, 255)
    quad[45:, 80:] = (255, 255, 255)
    Image.fromarray(quad).save(d / "quad.png")
    return {
        "clip": make_video(d / "clip.mp4", width=320, height=180, seconds=2.0, tone_hz=440.0),
        "clip_b": make_video(d / "clip_b.mp4", width=160, height=90, seconds=2.0, tone_hz=None),
        "red_png": make_image(d / "red.png", width=64, height=64, rgba=(255, 0, 0, 255)),
        "half_png": make_image(d / "half.png", width=64, height=64, rgba=(0, 0, 255, 128)),
        "jpeg": make_image(d / "pic.jpg", width=80, height=60),
        "gif": gif,
        "quad": d / "quad.png",
        "tone": make_audio(d / "tone.wav", seconds=3.0, hz=1000.0, rate=48000, codec="pcm_s16le"),
    }


@pytest.fixture
def kit(tmp_path) -> Kit:
    return Kit(tmp_path / "draft")
