"""Progress of a running task: seed 002's stages, moved continuously by real measurements.

0 waiting · 10 started · 20 draft parsed · 30 environment ready · 20–50 materials (by bytes
downloaded) · 50 materials processed · 50–90 export (by frames encoded; 70 is half way) ·
90 file generated · 100 done.
"""
from __future__ import annotations

import time
from typing import Callable

STAGES = {
    "started": 10, "draft_parsed": 20, "environment_ready": 30, "downloading": 20,
    "materials_processed": 50, "rendering": 50, "file_generated": 90, "publishing": 90,
}


class ProgressReporter:
    """Turns stage changes, byte counts and frame counts into throttled task updates."""

    def __init__(self, write: Callable[[int, str, float | None], None], min_interval_s: float = 0.3,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.write = write
        self.min_interval_s = min_interval_s
        self.clock = clock
        self.value = 10
        self.stage = "started"
        self._last_write = 0.0
        self._render_started: float | None = None

    def _emit(self, value: float, stage: str, eta_s: float | None = None, *, force: bool = False) -> None:
        value = max(self.value, min(99, int(value)))
        now = self.clock()
        if not force and value == self.value and stage == self.stage and now - self._last_write < 2.0:
            return
        if not force and stage == self.stage and now - self._last_write < self.min_interval_s:
            return
        self.value, self.stage, self._last_write = value, stage, now
        self.write(value, stage, eta_s)

    def at(self, stage: str) -> None:
        """Enter a stage at its nominal percentage."""
        self._emit(STAGES[stage], stage, force=True)

    def bytes(self, done: int, total: int) -> None:
        """Downloads: 20 → 50 by bytes (the total may grow as files are discovered)."""
        if total > 0:
            self._emit(20 + 30 * min(done, total) / total, "downloading")

    def frames(self, done: int, total: int) -> None:
        """Rendering: 50 → 90 by encoded frames, with an ETA from the frame rate so far."""
        now = self.clock()
        if self._render_started is None:
            self._render_started = now
        eta = None
        if done > 0 and total > 0:
            eta = (now - self._render_started) / done * (total - done)
        if total > 0:
            self._emit(50 + 40 * min(done, total) / total, "rendering", eta)
