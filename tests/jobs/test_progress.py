"""Progress stages: seed 002's percentages, moved by bytes (20–50) and frames (50–90), never back."""
from __future__ import annotations

from draftrender.jobs.progress import ProgressReporter


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_stages_bytes_frames_and_eta():
    writes, clock = [], Clock()
    rep = ProgressReporter(lambda p, s, eta: writes.append((p, s, eta)), min_interval_s=0.3, clock=clock)
    rep.at("draft_parsed")
    assert writes[-1][:2] == (20, "draft_parsed")
    clock.t = 1
    rep.bytes(50, 100)
    assert writes[-1][:2] == (35, "downloading")
    clock.t = 1.1
    rep.bytes(60, 100)  # throttled: same stage within 0.3 s
    assert writes[-1][:2] == (35, "downloading")
    clock.t = 2
    rep.bytes(60, 200)  # the total grew: the share shrinks, progress holds
    assert writes[-1][0] == 35
    rep.at("materials_processed")
    assert writes[-1][:2] == (50, "materials_processed")
    clock.t = 3
    rep.frames(0, 100)
    clock.t = 5
    rep.frames(50, 100)
    p, stage, eta = writes[-1]
    assert (p, stage) == (70, "rendering") and abs(eta - 2.0) < 1e-9
    rep.at("file_generated")
    assert writes[-1][:2] == (90, "file_generated")
    rep.at("draft_parsed")  # a stage with a lower nominal value never lowers progress
    assert writes[-1][0] == 90
    assert [w[0] for w in writes] == sorted(w[0] for w in writes)
