"""render(plan) → MP4: the frame loop (sequential decode, YUV compositing), audio mix, encoder.

Any frame range renders on its own (previews, chunks). The file is written to a temp name
and renamed when complete, so a crash never leaves a half file under the final name.

The encoder runs in its own thread (PyAV releases the GIL while x264/AAC work), fed through a
short queue: frame N is encoded while frame N+1 is decoded and composed. Audio is mixed in
blocks of AUDIO_BLOCK_S. The thread lives only inside ``render`` and is joined before it returns.
"""
from __future__ import annotations

import os
import queue
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..timeline.model import RenderPlan, Warning_
from .audio import Mixer
from .compose import Canvas
from .encode import Encoder
from .layers import LayerRenderer

Progress = Callable[[int, int], None]
AUDIO_BLOCK_S = 0.5  # audio is mixed and AAC-encoded in blocks this long (muxed with the next frame)
QUEUE_FRAMES = 4  # composed frames waiting for the encoder (each one canvas of memory)


@dataclass(frozen=True)
class RenderOptions:
    """Encoder settings and the time range to render (µs on the timeline, None = whole draft)."""

    crf: int = 23
    preset: str = "veryfast"
    start_us: int | None = None
    end_us: int | None = None
    threads: int = 0


@dataclass
class RenderResult:
    path: Path
    frames: int
    duration_us: int
    width: int
    height: int
    warnings: list[Warning_]
    timings: dict[str, float] = field(default_factory=dict)


class Cancelled(Exception):
    """The caller asked to stop."""


def frame_range(plan: RenderPlan, options: RenderOptions) -> tuple[int, int]:
    """[first, last) output frames for the options' time range."""
    fps = plan.fps
    total = plan.frame_count
    first = 0 if options.start_us is None else -(-options.start_us * fps.numerator // (1_000_000 * fps.denominator))
    last = total if options.end_us is None else min(total, -(-options.end_us * fps.numerator // (1_000_000 * fps.denominator)))
    return max(0, min(first, total)), max(0, last)


class _NoFonts:
    unresolved: set[str] = set()


def _text_raster(plan: RenderPlan):
    """The text rasteriser and its font resolver (fonts are only loaded for drafts with text)."""
    if not any(layer.text is not None for layer in plan.layers):
        return _NoFonts(), None
    from .text import FontResolver, rasterize_text

    fonts = FontResolver()
    return fonts, (lambda spec, w, h: rasterize_text(spec, w, h, fonts))


def render(plan: RenderPlan, out_path: Path | str, options: RenderOptions | None = None,
           progress: Progress | None = None, should_stop: Callable[[], bool] | None = None) -> RenderResult:
    """Render ``plan`` into ``out_path`` (MP4) and return what was made and what was approximated.

    ``timings`` (seconds): decode, text (rasterising), composite (drawing), audio (mixing and
    AAC), encode (x264 and muxing, in the encoder thread), wait (the frame loop blocked on a
    full encoder queue), total. Encode overlaps the rest (another thread), so the parts add up
    to more than the total.
    """
    t_start = time.perf_counter()
    options = options or RenderOptions()
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.{os.getpid()}.part")
    first, last = frame_range(plan, options)
    if last <= first:
        last = first + 1
    fonts, raster = _text_raster(plan)
    width, height = plan.width + plan.width % 2, plan.height + plan.height % 2
    canvas = Canvas(width, height)
    enc = Encoder(tmp, width, height, plan.fps, crf=options.crf, preset=options.preset,
                  sample_rate=plan.sample_rate, threads=options.threads)
    t_first = plan.frame_time_us(first)
    mixer = Mixer(plan.audio, plan.sample_rate, start_sample=t_first * plan.sample_rate // 1_000_000)
    pending = sorted(plan.layers, key=lambda l: (l.start_us, l.order))
    active: list[LayerRenderer] = []
    clock = {"decode": 0.0, "text": 0.0}
    timings = {"decode": 0.0, "text": 0.0, "composite": 0.0, "audio": 0.0, "encode": 0.0, "wait": 0.0}
    audio_done = mixer.pos
    block = max(1, int(plan.sample_rate * AUDIO_BLOCK_S))
    writer = _Writer(enc)
    try:
        for i in range(first, last):
            if should_stop is not None and should_stop():
                raise Cancelled()
            t = plan.frame_time_us(i)
            c0 = time.perf_counter()
            active = _update_active(active, pending, t, lambda layer: LayerRenderer(layer, plan, raster, clock))
            canvas.new_frame()
            for lr in active:
                lr.draw(canvas, t)
            frame = canvas.to_frame()
            c1 = time.perf_counter()
            packets = None
            audio_end = plan.frame_time_us(i + 1) * plan.sample_rate // 1_000_000
            if audio_end - audio_done >= block or (i == last - 1 and audio_end > audio_done):
                packets = enc.encode_audio(mixer.mix(audio_end - audio_done))  # AAC here, muxed there
                audio_done = audio_end
            c2 = time.perf_counter()
            writer.put(frame, packets)
            c3 = time.perf_counter()
            timings["composite"] += c1 - c0
            timings["audio"] += c2 - c1
            timings["wait"] += c3 - c2
            if progress is not None:
                progress(i - first + 1, last - first)
        writer.finish()
    except BaseException:
        writer.stop()
        enc.abort()
        tmp.unlink(missing_ok=True)
        raise
    finally:
        for lr in active:
            lr.close()
        mixer.close()
    os.replace(tmp, out_path)
    timings["decode"], timings["text"] = clock["decode"], clock["text"]
    timings["composite"] -= clock["decode"] + clock["text"]
    timings["encode"] = writer.video_s
    timings["total"] = time.perf_counter() - t_start
    warnings = list(plan.warnings) + _font_warnings(plan, fonts.unresolved)
    return RenderResult(out_path, last - first, plan.frame_time_us(last) - t_first, width, height, warnings, timings)


class _Writer:
    """The encoder's thread: takes (frame, audio packets) pairs in order, encodes the frame
    (x264) and muxes both. All muxing happens here; AAC encoding stays in the frame loop.

    An error in the thread is raised to the frame loop at its next ``put`` (or at ``finish``);
    the thread keeps draining the queue until it is told to stop, so ``put`` never blocks forever.
    """

    def __init__(self, enc: Encoder) -> None:
        self.enc = enc
        self.queue: queue.Queue = queue.Queue(maxsize=QUEUE_FRAMES)
        self.error: BaseException | None = None
        self.video_s = 0.0
        self.thread = threading.Thread(target=self._run, name="draftrender-encoder", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            item = self.queue.get()
            if item is None:
                return
            if self.error is not None:
                continue
            frame, packets = item
            try:
                t0 = time.perf_counter()
                self.enc.write_frame(frame)
                if packets:
                    self.enc.mux(packets)
                self.video_s += time.perf_counter() - t0
            except BaseException as exc:  # handed to the frame loop
                self.error = exc

    def put(self, frame, packets) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((frame, packets))

    def finish(self) -> None:
        """Wait for every queued frame, then flush the encoders and close the file (here)."""
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error
        t0 = time.perf_counter()
        self.enc.close()
        self.video_s += time.perf_counter() - t0

    def stop(self) -> None:
        """Let the thread end without writing what is still queued (the render is abandoned)."""
        self.error = self.error or Cancelled()
        while True:
            try:
                self.queue.put(None, timeout=0.1)
                break
            except queue.Full:
                if not self.thread.is_alive():
                    break
        self.thread.join()


def _font_warnings(plan: RenderPlan, unresolved: set[str]) -> list[Warning_]:
    """One warning per unknown font and text segment using it (default font drawn instead)."""
    out = []
    for font in sorted(unresolved):
        segments = [layer.segment_id for layer in plan.layers if layer.text is not None
                    and any(st.font_id == font for st in layer.text.styles)] or [""]
        out += [Warning_("font", font, seg, "font not available; default CJK font used") for seg in segments]
    return out


def _update_active(active: list[LayerRenderer], pending: list, t: int,
                   make: Callable[..., LayerRenderer]) -> list[LayerRenderer]:
    """Close layers that ended, open those that start at or before ``t``; keep draw order."""
    still = []
    for lr in active:
        if t >= lr.layer.end_us:
            lr.close()
        else:
            still.append(lr)
    while pending and pending[0].start_us <= t:
        layer = pending.pop(0)
        if t < layer.end_us:
            lr = make(layer)
            lr.open(t)
            still.append(lr)
    still.sort(key=lambda lr: lr.layer.order)
    return still
