"""Probe a media file with PyAV: kind, size, duration, streams."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av

IMAGE_FORMATS = {"image2", "png_pipe", "jpeg_pipe", "webp_pipe", "bmp_pipe", "tiff_pipe",
                 "gif_pipe", "pam_pipe", "ppm_pipe", "qoi_pipe", "svg_pipe", "jpegls_pipe"}
IMAGE_CODECS = {"png", "mjpeg", "webp", "bmp", "tiff", "gif", "jpegls", "qoi", "ppm", "pam"}
PHOTO_DURATION_US = 10_800_000_000  # JianYing's 3 h placeholder for stills


class ProbeError(Exception):
    """The file is not media PyAV can read."""


@dataclass(frozen=True)
class MediaInfo:
    """What the editing routes and the renderer need to know about a file."""

    kind: str  # "video" | "photo" | "audio"
    duration_us: int
    width: int
    height: int
    has_video: bool
    has_audio: bool
    format_name: str
    frames: int = 0

    @property
    def is_gif(self) -> bool:
        return "gif" in self.format_name


def _stream_duration_us(stream) -> int:
    if stream.duration is not None and stream.time_base is not None:
        return int(stream.duration * stream.time_base * 1_000_000)
    return 0


def probe(path: Path | str) -> MediaInfo:
    """Open ``path`` and describe it; raise ProbeError if it is not readable media."""
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise ProbeError(f"not a readable media file: {exc}") from exc
    with container:
        fmt = container.format.name
        video = next((s for s in container.streams.video), None)
        audio = next((s for s in container.streams.audio), None)
        if video is None and audio is None:
            raise ProbeError("no audio or video stream")
        width = int(video.codec_context.width) if video is not None else 0
        height = int(video.codec_context.height) if video is not None else 0
        duration = int(container.duration) if container.duration else 0  # AV_TIME_BASE = µs
        if not duration:
            duration = max(_stream_duration_us(s) for s in (video, audio) if s is not None)
        first_fmt = fmt.split(",")[0]
        codec = video.codec_context.name if video is not None else ""
        if video is not None and (first_fmt in IMAGE_FORMATS or codec in IMAGE_CODECS) and audio is None:
            frames = int(video.frames or 0)
            if "gif" in fmt or codec == "gif":
                frames, gif_duration = _count_frames(container, video)
                if frames > 1:
                    return MediaInfo("video", gif_duration, width, height, True, False, fmt, frames)
            return MediaInfo("photo", PHOTO_DURATION_US, width, height, True, False, fmt, 1)
        if video is not None and width and height:
            return MediaInfo("video", duration, width, height, True, audio is not None, fmt, int(video.frames or 0))
        if duration <= 0:
            raise ProbeError("audio stream has no duration")
        return MediaInfo("audio", duration, 0, 0, False, True, fmt)


def _count_frames(container, stream) -> tuple[int, int]:
    """Frame count and total duration (µs) of an animated image, from packet timing."""
    frames, end = 0, 0
    tb = stream.time_base
    for packet in container.demux(stream):
        if packet.size == 0:
            continue
        frames += 1
        if packet.pts is not None and tb is not None:
            dur = packet.duration or 0
            end = max(end, int((packet.pts + dur) * tb * 1_000_000))
    return frames, end
