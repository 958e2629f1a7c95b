"""Per-layer renderers: sequential video decoding, stills, text; each draws itself onto the canvas."""
from __future__ import annotations

import time

import av
import numpy as np
from PIL import Image, ImageOps

from ..errors import ServiceError
from ..timeline.model import RenderPlan, VisualLayer
from .compose import Canvas, Planes, adjust_planes, frame_to_planes, placement_matrix, rgba_to_planes
from .geometry import place
from .masks import mask_plane

PTS_TOLERANCE_US = 1000  # frame timestamps are rounded to µs; accept a frame up to 1 ms "late"


class VideoSource:
    """Decodes one file front to back; ``at(t)`` returns the latest frame at or before t (µs)."""

    def __init__(self, path: str, start_us: int, segment_id: str) -> None:
        try:
            self.container = av.open(path)
            self.stream = self.container.streams.video[0]
        except (av.error.FFmpegError, IndexError, OSError) as exc:
            raise ServiceError("VIDEO_RENDER_FAILED", f"无法解码 {path} (片段 {segment_id})",
                               f"cannot decode {path} (segment {segment_id}): {exc}") from exc
        self.stream.thread_type = "AUTO"
        self.tb = self.stream.time_base
        self.origin = self.stream.start_time or 0
        if start_us > 500_000:
            self.container.seek(start_us, backward=True)  # once, to the keyframe before the start
        self.frames = self.container.decode(self.stream)
        self.pending = None
        self.current = None
        self.planes: Planes | None = None

    def _pts_us(self, frame) -> int:
        if frame.pts is None:
            return 0
        return int(round((frame.pts - self.origin) * self.tb * 1_000_000))

    def at(self, t_us: int) -> Planes | None:
        while True:
            if self.pending is None:
                self.pending = next(self.frames, None)
                if self.pending is None:
                    break  # end of file: keep showing the last frame
            if self.current is None or self._pts_us(self.pending) <= t_us + PTS_TOLERANCE_US:
                self.current, self.pending, self.planes = self.pending, None, None
                continue
            break
        if self.current is None:
            return None
        if self.planes is None:
            self.planes = frame_to_planes(self.current)
        return self.planes

    def close(self) -> None:
        self.container.close()


def load_still(path: str, segment_id: str) -> Planes:
    """An image file as Planes with alpha (EXIF orientation applied)."""
    try:
        with Image.open(path) as img:
            rgba = np.asarray(ImageOps.exif_transpose(img).convert("RGBA"))
    except (OSError, ValueError) as exc:
        raise ServiceError("VIDEO_RENDER_FAILED", f"无法读取图片 {path} (片段 {segment_id})",
                           f"cannot read image {path} (segment {segment_id}): {exc}") from exc
    return rgba_to_planes(rgba)


def _crop_planes(src: Planes, layer: VisualLayer) -> Planes:
    c = layer.crop
    if c.is_full:
        return src
    w, h = src.width, src.height
    x0, x1 = int(c.left * w) & ~1, max(int(c.right * w) & ~1, (int(c.left * w) & ~1) + 2)
    y0, y1 = int(c.top * h) & ~1, max(int(c.bottom * h) & ~1, (int(c.top * h) & ~1) + 2)
    return Planes(src.y[y0:y1, x0:x1], src.u[y0 // 2:y1 // 2, x0 // 2:x1 // 2], src.v[y0 // 2:y1 // 2, x0 // 2:x1 // 2],
                  None if src.a is None else src.a[y0:y1, x0:x1])


class LayerRenderer:
    """Draws one VisualLayer: owns its decoder / still / text image while the layer is on screen."""

    def __init__(self, layer: VisualLayer, plan: RenderPlan, text_raster=None,
                 clock: dict[str, float] | None = None) -> None:
        self.layer = layer
        self.plan = plan
        self.text_raster = text_raster
        self.clock = clock if clock is not None else {}  # seconds spent: "decode", "text"
        self.video: VideoSource | None = None
        self.still: Planes | None = None
        self.anchor: tuple[float, float] | None = None
        self.mask: np.ndarray | None = None
        self.cache: dict = {}  # the still's placement and blend weights, reused while unchanged

    def _spent(self, what: str, since: float) -> None:
        self.clock[what] = self.clock.get(what, 0.0) + time.perf_counter() - since

    def open(self, t_us: int) -> None:
        """Prepare the source for drawing from timeline time ``t_us`` on."""
        layer = self.layer
        t0 = time.perf_counter()
        if layer.kind == "video":
            first = layer.source_start_us + int((max(t_us, layer.start_us) - layer.target_start_us) * layer.speed)
            self.video = VideoSource(layer.source_path, max(0, first), layer.segment_id)
            self._spent("decode", t0)
        elif layer.kind == "photo":
            self.still = _crop_planes(load_still(layer.source_path, layer.segment_id), layer)
            self._spent("decode", t0)
        elif layer.kind == "text" and layer.text is not None:
            image = self.text_raster(layer.text, self.plan.width, self.plan.height)
            self.still = rgba_to_planes(image.rgba)  # once per segment
            self.anchor = (image.anchor_x, image.anchor_y)
            self._spent("text", t0)

    def source(self, t_us: int) -> Planes | None:
        layer = self.layer
        if self.video is None:
            return self.still
        t0 = time.perf_counter()
        src_t = layer.source_start_us + int((t_us - layer.target_start_us) * layer.speed)
        planes = self.video.at(max(0, src_t))
        self._spent("decode", t0)
        return None if planes is None else _crop_planes(planes, layer)

    def draw(self, canvas: Canvas, t_us: int) -> None:
        if self.layer.kind == "grade":
            canvas.settle()
            graded = adjust_planes(Planes(canvas.y, canvas.u, canvas.v), self.layer.adjustments)
            canvas.y[...], canvas.u[...], canvas.v[...] = graded.y, graded.u, graded.v
            return
        p = place(self.layer, t_us)
        src = self.source(t_us)  # advance the decoder even when invisible (sequential decode)
        if src is None or not p.visible:
            return
        if p.adjust:
            src = adjust_planes(src, p.adjust)
        W, H = self.plan.width, self.plan.height
        if self.layer.kind == "text":
            disp_w, disp_h = src.width * p.scale_x, src.height * p.scale_y
        else:
            fit = min(W / src.width, H / src.height)
            disp_w, disp_h = src.width * fit * p.scale_x, src.height * fit * p.scale_y
        cx, cy = W / 2 + p.x * W / 2, H / 2 - p.y * H / 2
        m = placement_matrix(src.width, src.height, abs(disp_w), abs(disp_h), cx, cy, p.rotation,
                             p.flip_h ^ (disp_w < 0), p.flip_v ^ (disp_h < 0), self.anchor)
        if self.layer.mask is not None and (self.mask is None or self.mask.shape != src.y.shape):
            self.mask = mask_plane(self.layer.mask, src.width, src.height)
        canvas.draw(src, m, p.opacity, mask=self.mask if self.layer.mask is not None else None,
                    tint=p.tint, wipe=p.wipe, cache=self.cache if self.video is None else None)

    def close(self) -> None:
        if self.video is not None:
            self.video.close()
            self.video = None
        self.still = None
        self.cache = {}
