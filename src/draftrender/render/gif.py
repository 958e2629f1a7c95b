"""MP4 → animated GIF (gen_video's ``format: "gif"``): one global palette, dithered frames.

Two streaming passes over the rendered MP4: the first samples frames for a 256-colour palette
(Pillow's median cut), the second quantises every output frame to it (Floyd–Steinberg) and
encodes with FFmpeg's GIF encoder. Nothing holds more than the palette sample in memory.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image

SAMPLES = 16


@dataclass(frozen=True)
class GifResult:
    path: Path
    frames: int
    width: int
    height: int
    fps: Fraction


def _frames(src: Path, fps: Fraction, width: int, height: int):
    """RGB frames of ``src`` resampled to ``fps`` (nearest earlier frame) and scaled."""
    with av.open(str(src)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        step, next_t = 1 / float(fps), 0.0
        for frame in container.decode(stream):
            t = float(frame.time or 0.0)
            while t + 1e-6 >= next_t:
                yield frame.reformat(width=width, height=height, format="rgb24").to_ndarray()
                next_t += step
                if t + 1e-6 < next_t:
                    break


def _argb(palette: list[int]) -> np.ndarray:
    """Pillow's flat RGB palette as the (256, 4) A,R,G,B array PyAV's pal8 frames take."""
    rgb = np.array(palette[:768], np.uint8).reshape(-1, 3)
    rgb = np.pad(rgb, ((0, 256 - len(rgb)), (0, 0)))
    return np.concatenate([np.full((256, 1), 255, np.uint8), rgb], axis=1)


def mp4_to_gif(src: Path | str, out: Path | str, *, max_width: int = 480, fps: float = 12.0) -> GifResult:
    src, out = Path(src), Path(out)
    with av.open(str(src)) as probe:
        v = probe.streams.video[0]
        w, h = v.codec_context.width, v.codec_context.height
        duration = float(probe.duration or 0) / av.time_base
        src_fps = float(v.average_rate or fps)
    rate = Fraction(min(fps, src_fps)).limit_denominator(100)
    scale = min(1.0, max_width / w)
    width, height = max(2, int(w * scale) // 2 * 2), max(2, int(h * scale) // 2 * 2)

    total = max(1, int(duration * float(rate)))
    every = max(1, total // SAMPLES)
    sample = [f for i, f in enumerate(_frames(src, rate, width, height)) if i % every == 0][:SAMPLES]
    palette = Image.fromarray(np.concatenate(sample)).quantize(256, method=Image.Quantize.MEDIANCUT)
    argb = _argb(palette.getpalette())

    tmp = out.with_name(f".{out.name}.part")
    count = 0
    with av.open(str(tmp), "w", format="gif") as container:
        stream = container.add_stream("gif", rate=rate)
        stream.width, stream.height, stream.pix_fmt = width, height, "pal8"
        for rgb in _frames(src, rate, width, height):
            q = Image.fromarray(rgb).quantize(palette=palette, dither=Image.Dither.FLOYDSTEINBERG)
            frame = av.VideoFrame.from_ndarray((np.asarray(q, np.uint8), argb), format="pal8")
            frame.pts = count
            for packet in stream.encode(frame):
                container.mux(packet)
            count += 1
        for packet in stream.encode():
            container.mux(packet)
    tmp.replace(out)
    return GifResult(out, count, width, height, rate)
