"""add_audios: one new audio track per call (fixed render index 10, as capcut-mate)."""
from __future__ import annotations

from ...errors import ServiceError
from .. import builders as b
from .. import catalogue
from ..doc import DraftDoc, overlaps
from ..ids import new_id
from ..parse import get_float, timed_urls
from .common import MediaRef, OpResult, new_track, segment_info

FIELD = "audio_infos"
AUDIO_RENDER_INDEX = 10
SHIFT_STEP_US = 100
SHIFT_TRIES = 10


def validate_items(items: list[dict]) -> list[str]:
    """Check URLs and times (2007); return the URLs to download."""
    return timed_urls(items, field=FIELD, url_key="audio_url", code=2007)


def _audio_effect(name: str) -> dict | None:
    for kind, category, sub_type in (("tone", "tone", 2), ("speech_to_song", "speech_to_song", 3)):
        entry = catalogue.find(kind, name)
        if entry is not None:
            return {
                "audio_adjust_params": [], "category_id": category, "category_name": category,
                "id": new_id(), "is_ugc": False, "name": entry.name, "platform": "all",
                "resource_id": entry.resource_id, "source_platform": 1, "sub_type": sub_type,
                "time_range": {"start": 0, "duration": 0}, "type": "audio_effect",
            }
    return None


def add_audios(doc: DraftDoc, items: list[dict], media: list[MediaRef]) -> OpResult:
    """Each item lasts min(end-start, file length) from the file's start, at ``volume``."""
    warnings: list[str] = []
    track = new_track(doc, "audio", "audio_track")
    segs, mats = [], []
    for i, (item, ref) in enumerate(zip(items, media)):
        if ref.kind != "audio" and not ref.has_audio:
            raise ServiceError(2008, f"第{i}项没有音频流: {ref.url}", f"item {i} has no audio stream: {ref.url}")
        start, end = int(item["start"]), int(item["end"])
        length = min(end - start, ref.duration_us)
        volume = get_float(item, "volume", 1.0)
        if volume is None or not 0 <= volume <= 2:
            volume = 1.0
        for _ in range(SHIFT_TRIES + 1):
            if overlaps(track["segments"], start, start + length) is None:
                break
            start += SHIFT_STEP_US
        else:
            raise ServiceError(2008, f"第{i}项与已有音频重叠", f"item {i} overlaps another audio")
        material = b.audio_material(ref.path, duration=ref.duration_us)
        speed_mat = b.speed_material(1.0)
        refs = [speed_mat["id"]]
        effect = None
        if item.get("audio_effect"):
            effect = _audio_effect(str(item["audio_effect"]))
            if effect is None:
                if catalogue.find("scene_effect", str(item["audio_effect"])):
                    raise ServiceError(2008, f"{item['audio_effect']}不是音频特效",
                                       f"{item['audio_effect']} is not an audio effect")
                warnings.append(f"{FIELD}[{i}].audio_effect: unknown audio effect {item['audio_effect']!r} ignored")
            else:
                refs.append(effect["id"])
        seg = b.segment(material["id"], b.timerange(start, length), render_index=AUDIO_RENDER_INDEX,
                        source=b.timerange(0, length), volume=volume, extra_refs=refs)
        track["segments"].append(seg)
        doc.add_material("audios", material)
        doc.add_material("speeds", speed_mat)
        if effect:
            doc.add_material("audio_effects", effect)
        segs.append(seg)
        mats.append(material["id"])
    track["segments"].sort(key=lambda s: s["target_timerange"]["start"])
    return OpResult({
        "track_id": track["id"], "audio_ids": mats,
        "segment_ids": [s["id"] for s in segs], "segment_infos": [segment_info(s) for s in segs],
    }, warnings)
