"""compile(draft) → RenderPlan: validate the draft, resolve materials, lower every segment.

Pure apart from the two callables it is given (find a file, probe a file), so it is tested
on synthetic drafts without any media I/O beyond what the test supplies.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Callable, Protocol

from ..errors import ServiceError
from . import visual
from .families import filter_adjustments, transition_family
from .model import AudioClip, RenderPlan, TransitionWindow, VisualLayer, Warning_
from .text_spec import text_spec

KNOWN_TRACKS = {"video", "audio", "text", "effect", "filter", "sticker", "adjust"}


class Media(Protocol):
    kind: str
    duration_us: int
    width: int
    height: int
    has_audio: bool


@dataclass(frozen=True)
class Options:
    """Output overrides; None = take it from the draft."""

    width: int | None = None
    height: int | None = None
    fps: Fraction | None = None


def _bad(zh: str, en: str) -> ServiceError:
    return ServiceError("DRAFT_CONTENT_INVALID", zh, en)


class _Compiler:
    def __init__(self, draft: dict, find: Callable[[str], str | None], probe: Callable[[str], Media]):
        if not isinstance(draft, dict) or not isinstance(draft.get("tracks"), list):
            raise _bad("草稿缺少tracks列表", "the draft has no tracks list")
        self.draft = draft
        self.find = find
        self.probe = probe
        self.warnings: list[Warning_] = []
        self.materials: dict[str, tuple[str, dict]] = {}
        for kind, items in (draft.get("materials") or {}).items():
            for m in items if isinstance(items, list) else []:
                if isinstance(m, dict) and m.get("id"):
                    self.materials[str(m["id"])] = (kind, m)
        self.media_cache: dict[str, tuple[str, Media]] = {}

    # -- helpers ----------------------------------------------------------------------------
    def material(self, seg: dict, kinds: tuple[str, ...]) -> dict:
        found = self.materials.get(str(seg.get("material_id", "")))
        if found is None or found[0] not in kinds:
            raise _bad(f"片段{seg.get('id')}引用的素材{seg.get('material_id')}不存在",
                       f"segment {seg.get('id')} refers to missing material {seg.get('material_id')}")
        return found[1]

    def refs(self, seg: dict, kind: str) -> list[dict]:
        out = []
        for ref in seg.get("extra_material_refs") or []:
            found = self.materials.get(str(ref))
            if found and found[0] == kind:
                out.append(found[1])
        return out

    def media(self, material: dict, seg_id: str) -> tuple[str, Media]:
        recorded = str(material.get("path") or material.get("media_path") or "")
        if recorded in self.media_cache:
            return self.media_cache[recorded]
        local = self.find(recorded)
        if local is None:
            raise ServiceError("MATERIAL_MISSING", f"素材{material.get('id')}的文件找不到: {recorded} (片段 {seg_id})",
                               f"file of material {material.get('id')} not found: {recorded} (segment {seg_id})")
        try:
            info = self.probe(local)
        except Exception as exc:  # a probe error of any kind means "not media"
            raise ServiceError("MATERIAL_MISSING", f"素材{material.get('id')}不是可识别的媒体文件: {recorded}",
                               f"material {material.get('id')} is not a readable media file: {recorded} ({exc})") from exc
        self.media_cache[recorded] = (local, info)
        return local, info

    @staticmethod
    def times(seg: dict) -> tuple[int, int]:
        tr = seg.get("target_timerange") or {}
        try:
            start, dur = int(tr["start"]), int(tr["duration"])
        except (KeyError, TypeError, ValueError):
            raise _bad(f"片段{seg.get('id')}缺少target_timerange", f"segment {seg.get('id')} has no target_timerange") from None
        if start < 0 or dur <= 0:
            raise _bad(f"片段{seg.get('id')}的时间范围无效 (start={start}, duration={dur})",
                       f"segment {seg.get('id')} has an invalid time range (start={start}, duration={dur})")
        return start, dur

    # -- segments ---------------------------------------------------------------------------
    def visual_layer(self, seg: dict, kind: str, order: tuple[int, int, int]) -> VisualLayer:
        start, dur = self.times(seg)
        anims = visual.animations(next(iter(self.refs(seg, "material_animations")), None), seg["id"], dur, self.warnings)
        masks = self.refs(seg, "masks")
        base = dict(segment_id=seg["id"], kind=kind, order=order, start_us=start, end_us=start + dur,
                    target_start_us=start, target_end_us=start + dur, transform=visual.transform(seg),
                    keyframes=visual.keyframes(seg, dur, self.warnings), animations=anims,
                    mask=visual.mask(masks[0] if masks else None, seg["id"], self.warnings))
        for f in self.refs(seg, "effects"):
            self.warnings.append(Warning_(str(f.get("type", "effect")), str(f.get("name", "")), seg["id"],
                                          "segment filter/effect not reproduced"))
        if kind == "text":
            return VisualLayer(**base, text=text_spec(self.material(seg, ("texts",)), seg["id"]))
        material = self.material(seg, ("videos",))
        path, info = self.media(material, seg["id"])
        speed = float(seg.get("speed") or 1.0)
        src = seg.get("source_timerange") or {"start": 0, "duration": int(dur * speed)}
        src_start = int(src.get("start", 0))
        base["kind"] = "photo" if info.kind == "photo" else "video"
        return VisualLayer(**base, source_path=path, source_start_us=src_start,
                           source_end_us=src_start + int(src.get("duration", dur)), speed=speed,
                           material_width=info.width, material_height=info.height, crop=visual.crop(material))

    def audio_clip(self, seg: dict, material: dict, track_muted: bool) -> AudioClip | None:
        if track_muted:
            return None
        volume = float(seg.get("volume", 1.0) if seg.get("volume") is not None else 1.0)
        path, info = self.media(material, seg["id"])
        if not info.has_audio or volume <= 0:
            return None
        start, dur = self.times(seg)
        speed = float(seg.get("speed") or 1.0)
        src = seg.get("source_timerange") or {"start": 0}
        fades = self.refs(seg, "audio_fades")
        fade_in = int(fades[0].get("fade_in_duration", 0)) if fades else 0
        fade_out = int(fades[0].get("fade_out_duration", 0)) if fades else 0
        for effect in self.refs(seg, "audio_effects"):
            self.warnings.append(Warning_("audio_effect", str(effect.get("name", "")), seg["id"], "not applied"))
        vol_kf = dict(visual.keyframes(seg, dur, [])).get("volume", ())
        if speed != 1.0:
            self.warnings.append(Warning_("audio", f"speed {speed:g}", seg["id"],
                                          "time-stretched keeping pitch (WSOLA-like), may differ slightly"))
        return AudioClip(seg["id"], path, start, start + dur, int(src.get("start", 0)), speed, volume,
                         fade_in, fade_out, tuple(vol_kf))

    # -- transitions ------------------------------------------------------------------------
    def transitions(self, layers: list[VisualLayer], segs: list[dict]) -> list[VisualLayer]:
        """Centre each transition on the cut after its segment; extend both neighbours into it."""
        by_id = {l.segment_id: i for i, l in enumerate(layers)}
        out = list(layers)
        for seg in segs:
            trans = self.refs(seg, "transitions")
            if not trans or seg["id"] not in by_id:
                continue
            i = by_id[seg["id"]]
            a = out[i]
            nxt = next((j for j, l in enumerate(out) if l.order[1] == a.order[1] and l.target_start_us >= a.target_end_us
                        and l.segment_id != a.segment_id), None)
            name = str(trans[0].get("name", ""))
            if nxt is None:
                self.warnings.append(Warning_("transition", name, seg["id"], "no following clip on the track; ignored"))
                continue
            b = out[nxt]
            family, exact = transition_family(name)
            if not exact:
                self.warnings.append(Warning_("transition", name, seg["id"], f"approximated as {family}"))
            cut = a.target_end_us
            half = min(int(trans[0].get("duration", 500_000) or 500_000) // 2,
                       (a.target_end_us - a.target_start_us) // 2, (b.target_end_us - b.target_start_us) // 2)
            if half <= 0:
                continue
            window = (cut - half, cut + half)
            out[i] = replace(a, end_us=max(a.end_us, window[1]),
                             transitions=a.transitions + (TransitionWindow("out", name, family, *window),))
            out[nxt] = replace(b, start_us=min(b.start_us, window[0]),
                               transitions=b.transitions + (TransitionWindow("in", name, family, *window),))
        return out

    # -- whole draft ------------------------------------------------------------------------
    def run(self, options: Options) -> RenderPlan:
        canvas = self.draft.get("canvas_config") or {}
        width = int(options.width or canvas.get("width") or 1920)
        height = int(options.height or canvas.get("height") or 1080)
        fps = options.fps or Fraction(str(self.draft.get("fps") or 30)).limit_denominator(1001)
        layers: list[VisualLayer] = []
        audio: list[AudioClip] = []
        visual_segs: list[dict] = []
        end = 0
        for t_pos, track in enumerate(self.draft["tracks"]):
            ttype = track.get("type")
            if ttype not in KNOWN_TRACKS:
                raise _bad(f"未知的轨道类型: {ttype} (轨道 {track.get('id')})",
                           f"unknown track type: {ttype!r} (track {track.get('id')})")
            muted = bool(int(track.get("attribute", 0) or 0) & 1)
            for s_pos, seg in enumerate(track.get("segments") or []):
                if not isinstance(seg, dict) or not seg.get("id"):
                    raise _bad(f"轨道{track.get('id')}中有无效片段", f"track {track.get('id')} has an invalid segment")
                start, dur = self.times(seg)
                end = max(end, start + dur)
                if seg.get("visible") is False:
                    continue
                order = (int(seg.get("render_index", 0) or 0), t_pos, s_pos)
                self.segment(ttype, seg, order, muted, layers, audio, visual_segs)
        if end <= 0:
            raise ServiceError("DRAFT_EMPTY", "草稿中没有任何片段", "the draft has no segments")
        layers = self.transitions(layers, visual_segs)
        layers.sort(key=lambda l: l.order)
        return RenderPlan(width, height, fps, end, tuple(layers), tuple(audio), tuple(self.warnings))

    def segment(self, ttype, seg, order, muted, layers, audio, visual_segs) -> None:
        if ttype == "video":
            layer = self.visual_layer(seg, "video", order)
            layers.append(layer)
            visual_segs.append(seg)
            if layer.kind == "video":
                clip = self.audio_clip(seg, self.material(seg, ("videos",)), muted)
                if clip:
                    audio.append(clip)
        elif ttype == "text":
            layers.append(self.visual_layer(seg, "text", order))
            visual_segs.append(seg)
        elif ttype == "audio":
            clip = self.audio_clip(seg, self.material(seg, ("audios",)), muted)
            if clip:
                audio.append(clip)
        elif ttype == "filter" and self.grade(seg, order, layers):
            return
        else:
            found = self.materials.get(str(seg.get("material_id", "")))
            name = str((found[1].get("name") or found[1].get("resource_id") or "") if found else "")
            self.warnings.append(Warning_(ttype, name, seg["id"], f"{ttype} not reproduced; skipped"))

    def grade(self, seg: dict, order: tuple[int, int, int], layers: list[VisualLayer]) -> bool:
        """A filter segment whose name maps to colour adjustments → a grade layer over what is below."""
        found = self.materials.get(str(seg.get("material_id", "")))
        if not found:
            return False
        name = str(found[1].get("name", ""))
        intensity = float(found[1].get("value", 1.0) if found[1].get("value") is not None else 1.0)
        adjust = filter_adjustments(name, intensity)
        if adjust is None:
            return False
        start, dur = self.times(seg)
        self.warnings.append(Warning_("filter", name, seg["id"], "approximated by " + ", ".join(
            f"{k} {v:+.2f}" for k, v in adjust)))
        layers.append(VisualLayer(seg["id"], "grade", order, start, start + dur, start, start + dur,
                                  adjustments=adjust))
        return True


def compile_draft(draft: dict, find: Callable[[str], str | None], probe: Callable[[str], Media],
                  options: Options | None = None) -> RenderPlan:
    """Validate and lower a draft into a RenderPlan (see module docstring)."""
    return _Compiler(draft, find, probe).run(options or Options())

