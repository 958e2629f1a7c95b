"""A terminal progress bar: frames done, render fps, ETA (only drawn on a TTY)."""
from __future__ import annotations

import sys
import time


class ProgressBar:
    """``update(done, total)`` redraws at most 10 times a second."""

    def __init__(self, enabled: bool = True, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled and self.stream.isatty()
        self.started = time.monotonic()
        self.last = 0.0
        self.drawn = False

    def update(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last < 0.1 and done < total:
            return
        self.last = now
        elapsed = max(now - self.started, 1e-6)
        fps = done / elapsed
        eta = (total - done) / fps if fps > 0 else 0.0
        width = 30
        filled = int(width * done / max(total, 1))
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} frames  {fps:5.1f} fps  ETA {eta:5.1f} s ")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
