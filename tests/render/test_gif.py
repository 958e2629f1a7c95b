"""mp4_to_gif: frame rate, size, and colours kept through the palette."""
from __future__ import annotations

import av
import numpy as np

from draftrender.render.gif import mp4_to_gif
from mediagen import make_video


def test_gif_keeps_colours_rate_and_size(tmp_path):
    src = make_video(tmp_path / "src.mp4", width=640, height=360, seconds=1.5)
    result = mp4_to_gif(src, tmp_path / "out.gif", max_width=320, fps=10)
    assert (result.width, result.height, result.frames) == (320, 180, 15)
    with av.open(str(result.path)) as gif:
        got = [f.to_ndarray(format="rgb24").astype(int) for f in gif.decode(video=0)]
    with av.open(str(src)) as mp4:
        want = [f.reformat(width=320, height=180, format="rgb24").to_ndarray().astype(int)
                for i, f in enumerate(mp4.decode(video=0)) if i % 3 == 0]
    assert len(got) == 15
    for g, w in zip(got, want):
        assert np.abs(g - w).mean() < 12  # dithered 256-colour palette: close, not exact
        assert np.abs(g.mean(axis=(0, 1)) - w.mean(axis=(0, 1))).max() < 6  # no colour-channel swap
