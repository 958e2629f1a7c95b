"""Test media made with PyAV (no ffmpeg binary): the fixture's clip.mp4, pic.png, tone.mp3."""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np


CODE_BITS = 8
CODE_CELL = 16


def read_code(rgb: np.ndarray, x0: float = 0.0, y0: float = 0.0, scale: float = 1.0) -> int:
    """Decode the frame index drawn by make_video from an RGB image (placed at x0, y0, scaled)."""
    value = 0
    for bit in range(CODE_BITS):
        x = int(x0 + (bit + 0.5) * CODE_CELL * scale)
        y = int(y0 + 0.5 * CODE_CELL * scale)
        if rgb[y, x].mean() > 128:
            value |= 1 << bit
    return value


def make_video(path: Path, *, width: int = 640, height: int = 360, fps: int = 30, seconds: float = 5.0,
               tone_hz: float | None = 440.0, sample_rate: int = 48000) -> Path:
    """H.264 video with a gradient and, in its top row, frame n's index coded in binary (CODE_BITS
    cells of CODE_CELL px, white = 1, least significant first); sine audio."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n_frames = int(round(seconds * fps))
    with av.open(str(path), "w") as out:
        vs = out.add_stream("libx264", rate=fps)
        vs.width, vs.height, vs.pix_fmt = width, height, "yuv420p"
        vs.options = {"preset": "ultrafast", "crf": "18"}
        as_ = None
        if tone_hz:
            as_ = out.add_stream("aac", rate=sample_rate)
            as_.layout = "stereo"
        yy, xx = np.mgrid[0:height, 0:width]
        base = np.zeros((height, width, 3), np.uint8)
        base[..., 0] = (xx * 255 // max(width - 1, 1)).astype(np.uint8)
        base[..., 1] = (yy * 255 // max(height - 1, 1)).astype(np.uint8)
        base[..., 2] = 128
        for i in range(n_frames):
            img = base.copy()
            for bit in range(CODE_BITS):
                img[:CODE_CELL, bit * CODE_CELL:(bit + 1) * CODE_CELL] = 255 if (i >> bit) & 1 else 0
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts = i
            frame.time_base = Fraction(1, fps)
            for pkt in vs.encode(frame):
                out.mux(pkt)
        for pkt in vs.encode():
            out.mux(pkt)
        if as_ is not None:
            _encode_tone(out, as_, tone_hz, seconds, sample_rate)
    return path


def _encode_tone(out, stream, hz: float, seconds: float, rate: int, amplitude: float = 0.5) -> None:
    total = int(seconds * rate)
    block = 1024
    t0 = 0
    while t0 < total:
        n = min(block, total - t0)
        t = (np.arange(t0, t0 + n) / rate).astype(np.float64)
        mono = (amplitude * np.sin(2 * np.pi * hz * t)).astype(np.float32)
        data = np.stack([mono, mono])
        frame = av.AudioFrame.from_ndarray(data, format="fltp", layout="stereo")
        frame.sample_rate = rate
        frame.pts = t0
        frame.time_base = Fraction(1, rate)
        for pkt in stream.encode(frame):
            out.mux(pkt)
        t0 += n
    for pkt in stream.encode():
        out.mux(pkt)


def make_audio(path: Path, *, seconds: float = 6.0, hz: float = 660.0, rate: int = 44100,
               codec: str = "libmp3lame") -> Path:
    """A sine tone file (MP3 by default, like the fixture's tone.mp3)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt = {"libmp3lame": "mp3", "aac": "adts", "pcm_s16le": "wav"}.get(codec)
    with av.open(str(path), "w", format=fmt) as out:
        stream = out.add_stream(codec, rate=rate)
        stream.layout = "stereo"
        if codec == "libmp3lame":
            stream.bit_rate = 128000
        _encode_tone(out, stream, hz, seconds, rate)
    return path


def make_image(path: Path, *, width: int = 800, height: int = 600, rgba: tuple | None = None) -> Path:
    """A PNG/JPEG still: a colour gradient, or one flat RGBA colour when ``rgba`` is given."""
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    if rgba is not None:
        img = Image.new("RGBA", (width, height), rgba)
    else:
        yy, xx = np.mgrid[0:height, 0:width]
        arr = np.zeros((height, width, 3), np.uint8)
        arr[..., 0] = (xx * 255 // max(width - 1, 1)).astype(np.uint8)
        arr[..., 1] = 200
        arr[..., 2] = (yy * 255 // max(height - 1, 1)).astype(np.uint8)
        img = Image.fromarray(arr)
    if path.suffix.lower() in (".jpg", ".jpeg"):
        img = img.convert("RGB")
    img.save(path)
    return path


def make_fixture_media(folder: Path) -> dict[str, Path]:
    """clip.mp4 (640x360, 30 fps, 5 s, 440 Hz), pic.png (800x600), tone.mp3 (6 s, 660 Hz)."""
    return {
        "clip.mp4": make_video(folder / "clip.mp4"),
        "pic.png": make_image(folder / "pic.png"),
        "tone.mp3": make_audio(folder / "tone.mp3"),
    }
