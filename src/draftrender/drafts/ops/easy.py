"""easy_create_material: audio (0–5 s), optional video (0–5 s), image (0–3 s) and text (0–5 s),
each on a new track, in that order — one all-or-nothing edit (capcut-mate swallows failures)."""
from __future__ import annotations

from ...errors import ServiceError
from ..doc import DraftDoc
from ..text import plain_text
from . import audios, images, videos
from .common import MediaRef, OpResult, new_track, place

AUDIO_US = VIDEO_US = TEXT_US = 5_000_000
IMAGE_US = 3_000_000
FIELDS = {"audio": "audio_url", "video": "video_url", "image": "img_url"}


def _check_kind(part: str, ref: MediaRef) -> None:
    """A part whose file cannot play that role is refused (2028) instead of making a broken material."""
    bad = (ref.kind != "audio" and not ref.has_audio) if part == "audio" else ref.kind == "audio"
    if bad:
        want = {"audio": "音频", "video": "视频", "image": "图片"}[part]
        raise ServiceError(2028, f"{FIELDS[part]}不是{want}文件: {ref.url}",
                           f"{FIELDS[part]} is not a {part} file: {ref.url}")


def _part(part: str, run) -> OpResult:
    """Run one part's op; its errors become 2028 naming the field, so the client sees which part."""
    try:
        return run()
    except ServiceError as exc:
        if exc.code == 2028:
            raise
        raise ServiceError(2028, f"{FIELDS[part]}: {exc.text('zh')}", f"{FIELDS[part]}: {exc.text('en')}") from exc


def add_easy_material(doc: DraftDoc, refs: dict[str, MediaRef], *, text: str | None, text_color: str,
                      font_size: float, text_transform_y: float) -> OpResult:
    """``refs`` maps "audio" (always), "video" and "image" (when given) to downloaded media."""
    for part, ref in refs.items():
        _check_kind(part, ref)
    warnings: list[str] = []
    fields: dict = {}
    parts = {
        "audio": lambda: audios.add_audios(doc, [{"start": 0, "end": AUDIO_US, "volume": 1.0}], [refs["audio"]]),
        "video": lambda: videos.add_videos(doc, [{"start": 0, "end": VIDEO_US, "volume": 1.0}], [refs["video"]]),
        "image": lambda: images.add_images(doc, [{"start": 0, "end": IMAGE_US}], [refs["image"]]),
    }
    for part, run in parts.items():
        if part in refs:
            result = _part(part, run)
            warnings += result.warnings
            fields[f"{part}_ids"] = result.fields[f"{part}_ids"]
    if text and text.strip():
        track = new_track(doc, "text", "text_track")
        y = float(text_transform_y) / doc.height if doc.height else 0.0
        material, seg, speed = plain_text(text, start=0, duration=TEXT_US, render_index=doc.next_render_index(),
                                          color=text_color, font_size=font_size, y=y)
        place(track, seg)
        doc.add_material("texts", material)
        doc.add_material("speeds", speed)
        fields["text_ids"] = [material["id"]]
    return OpResult(fields, warnings)
