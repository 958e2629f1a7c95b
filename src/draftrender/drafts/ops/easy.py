"""easy_create_material: audio (0–5 s), optional video (0–5 s), image (0–3 s) and text (0–5 s),
each on a new track, in that order — one all-or-nothing edit (capcut-mate swallows failures)."""
from __future__ import annotations

from ..doc import DraftDoc
from ..text import plain_text
from . import audios, images, videos
from .common import MediaRef, OpResult, new_track, place

AUDIO_US = VIDEO_US = TEXT_US = 5_000_000
IMAGE_US = 3_000_000


def add_easy_material(doc: DraftDoc, refs: dict[str, MediaRef], *, text: str | None, text_color: str,
                      font_size: float, text_transform_y: float) -> OpResult:
    """``refs`` maps "audio" (always), "video" and "image" (when given) to downloaded media."""
    warnings: list[str] = []
    fields: dict = {}
    result = audios.add_audios(doc, [{"start": 0, "end": AUDIO_US, "volume": 1.0}], [refs["audio"]])
    warnings += result.warnings
    fields["audio_ids"] = result.fields["audio_ids"]
    if "video" in refs:
        result = videos.add_videos(doc, [{"start": 0, "end": VIDEO_US, "volume": 1.0}], [refs["video"]])
        warnings += result.warnings
        fields["video_ids"] = result.fields["video_ids"]
    if "image" in refs:
        result = images.add_images(doc, [{"start": 0, "end": IMAGE_US}], [refs["image"]])
        warnings += result.warnings
        fields["image_ids"] = result.fields["image_ids"]
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
