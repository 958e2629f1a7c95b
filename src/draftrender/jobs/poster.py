"""A poster frame (JPEG) from the middle of a rendered video."""
from __future__ import annotations

import logging
from pathlib import Path

import av

log = logging.getLogger("draftrender.jobs")


def write_poster(video: Path, out: Path, quality: int = 85) -> Path | None:
    """Decode the frame at half the duration and save it; None when the video has no frame."""
    try:
        with av.open(str(video)) as container:
            stream = container.streams.video[0]
            middle = (container.duration or 0) / 2 / av.time_base
            if middle > 0 and stream.time_base:
                container.seek(int(middle / stream.time_base), stream=stream)
            for frame in container.decode(stream):
                frame.to_image().save(out, "JPEG", quality=quality)
                return out
    except (av.FFmpegError, OSError, IndexError) as exc:
        log.warning("no poster for %s: %s", video, exc)
    return None
