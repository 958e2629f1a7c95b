"""The frame loop around the compositor: odd source sizes, the encoder thread (errors, cancel),
the lazily filled background and the time split it reports."""
from __future__ import annotations

import threading

import numpy as np
import pytest

from draftkit import S, frames
from draftrender.errors import ServiceError
from draftrender.render import encode
from draftrender.render.compose import Canvas, frame_to_planes
from draftrender.render.pipeline import Cancelled
from mediagen import read_code


def _encoder_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "draftrender-encoder"]


def test_source_height_not_divisible_by_four(kit, rmedia):
    # 160x90: each chroma plane is 45 rows of 80, not a whole number of 160-wide rows
    kit.visual(rmedia["clip_b"], 0, S // 3)
    got = frames(kit.render().path, [0, 5 / 30])
    assert [read_code(got[i], scale=2.0) for i in (0, 5)] == [0, 5]  # fitted to 320x180: twice the size


def test_decoded_planes_are_views_of_the_frame(rmedia):
    import av

    with av.open(str(rmedia["clip_b"])) as c:
        frame = next(c.decode(video=0))
        planes = frame_to_planes(frame)
        ref = frame.to_ndarray()
    assert planes.y.shape == (90, 160) and planes.u.shape == (45, 80) and planes.v.shape == (45, 80)
    assert np.array_equal(planes.y, ref[:90])
    flat = ref.reshape(-1)
    assert np.array_equal(planes.u.reshape(-1), flat[160 * 90:160 * 90 + 45 * 80])
    assert np.array_equal(planes.v.reshape(-1), flat[160 * 90 + 45 * 80:])


def test_gaps_show_the_background(kit, rmedia):
    """Frames composed straight into new frames still get a black background where nothing is drawn."""
    kit.visual(rmedia["clip"], 0, S // 3)
    kit.visual(rmedia["red_png"], 2 * S // 3, S // 3, scale_x=0.5, scale_y=0.5)
    got = frames(kit.render().path, [5 / 30, 15 / 30, 25 / 30])
    assert got[5].mean() > 40  # the clip fills the frame
    assert got[15].max() < 30  # nothing on screen: black
    assert got[25][90, 160, 0] > 200 and got[25][5, 5].max() < 30  # the square, black around it


def test_cancel_stops_the_encoder_thread_and_leaves_no_file(kit, rmedia):
    kit.visual(rmedia["clip"], 0, S)
    calls = []

    def stop() -> bool:
        calls.append(1)
        return len(calls) > 5

    kit.save()
    from draftrender.render.draft import render_draft
    from draftrender.render.pipeline import RenderOptions

    with pytest.raises(Cancelled):
        render_draft(kit.folder, kit.folder / "c.mp4", options=RenderOptions(preset="ultrafast"), should_stop=stop)
    assert not list(kit.folder.glob("*c.mp4*"))
    assert not _encoder_threads()


def test_encoder_error_in_its_thread_reaches_the_caller(kit, rmedia, monkeypatch):
    kit.visual(rmedia["clip"], 0, S)
    real = encode.Encoder.write_frame

    def failing(self, frame):
        if self.frames >= 3:
            raise ServiceError("ENCODING_FAILED", "磁盘已满", "disk full")
        real(self, frame)

    monkeypatch.setattr(encode.Encoder, "write_frame", failing)
    with pytest.raises(ServiceError) as info:
        kit.render("e.mp4")
    assert "disk full" in info.value.text("en")
    assert not list(kit.folder.glob("*e.mp4*"))
    assert not _encoder_threads()


def test_time_split_is_reported(kit, rmedia):
    kit.visual(rmedia["clip"], 0, S // 3)
    kit.text("中文", 0, S // 3)
    timings = kit.render().timings
    assert set(timings) == {"decode", "text", "composite", "audio", "encode", "wait", "total"}
    assert all(v >= 0 for v in timings.values())


def test_standalone_canvas_copies_out_its_buffer():
    canvas = Canvas(4, 2)
    canvas.y[...] = 200
    frame = canvas.to_frame()
    assert frame.to_ndarray()[:2].min() == 200
    canvas.new_frame()
    canvas.settle()  # nothing drawn: the background
    assert canvas.to_frame().to_ndarray()[:2].max() == 16
