"""Synthetic drafts for render tests (built with the same builders the API uses) and output probes."""
from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np

from draftrender.drafts import builders as b
from draftrender.drafts.doc import DraftDoc
from draftrender.drafts.template import empty_track, new_draft_content
from draftrender.media import probe
from draftrender.render.draft import OutputSpec, render_draft
from draftrender.render.pipeline import RenderOptions

S = 1_000_000


class Kit:
    """Builds one draft folder: add layers, then render and probe the output."""

    def __init__(self, folder: Path, width: int = 320, height: int = 180, fps: int = 30) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.doc = DraftDoc(new_draft_content(width, height, fps))
        self.doc.data["tracks"] = []
        self.index = 0

    def track(self, kind: str, index: int | None = None, attribute: int = 0) -> tuple[dict, int]:
        t = empty_track(kind, f"{kind}_{len(self.doc.tracks)}")
        t["attribute"] = attribute
        self.doc.add_track(t)
        self.index = index if index is not None else self.index + 1
        return t, self.index

    def visual(self, path: Path, start: int, dur: int, *, source_start: int = 0, speed: float = 1.0,
               volume: float = 1.0, track: tuple[dict, int] | None = None, **clip) -> dict:
        """A video/photo segment of the file at ``path``."""
        info = probe(path)
        t, idx = track or self.track("video")
        mat = b.video_material(str(path), kind=info.kind, width=info.width, height=info.height,
                               duration=info.duration_us)
        speed_mat = b.speed_material(speed)
        seg = b.segment(mat["id"], b.timerange(start, dur), render_index=idx,
                        source=b.timerange(source_start, int(dur * speed)), speed=speed, volume=volume,
                        extra_refs=[speed_mat["id"]], clip_=b.clip(**clip), hdr=True)
        t["segments"].append(seg)
        self.doc.add_material("videos", mat)
        self.doc.add_material("speeds", speed_mat)
        return seg

    def audio(self, path: Path, start: int, dur: int, *, volume: float = 1.0, source_start: int = 0,
              speed: float = 1.0, track: tuple[dict, int] | None = None, fade: tuple[int, int] | None = None) -> dict:
        info = probe(path)
        t, _ = track or self.track("audio", 10)
        mat = b.audio_material(str(path), duration=info.duration_us)
        speed_mat = b.speed_material(speed)
        refs = [speed_mat["id"]]
        if fade:
            fm = {"id": f"fade{len(self.doc.materials('audio_fades'))}", "type": "audio_fade",
                  "fade_in_duration": fade[0], "fade_out_duration": fade[1], "fade_type": 0}
            self.doc.add_material("audio_fades", fm)
            refs.append(fm["id"])
        seg = b.segment(mat["id"], b.timerange(start, dur), render_index=10,
                        source=b.timerange(source_start, int(dur * speed)), speed=speed, volume=volume,
                        extra_refs=refs)
        t["segments"].append(seg)
        self.doc.add_material("audios", mat)
        self.doc.add_material("speeds", speed_mat)
        return seg

    def text(self, text: str, start: int, dur: int, *, styles: list[dict] | None = None,
             track: tuple[dict, int] | None = None, material: dict | None = None, **clip) -> dict:
        t, idx = track or self.track("text")
        styles = styles or [{"range": [0, len(text)], "size": 15, "fill": {"alpha": 1.0, "content": {
            "render_type": "solid", "solid": {"alpha": 1.0, "color": [1.0, 1.0, 1.0]}}}}]
        mat = {"id": f"text{len(self.doc.materials('texts'))}", "type": "subtitle", "alignment": 1,
               "typesetting": 0, "global_alpha": 1.0, "letter_spacing": 0.0, "line_spacing": 0.02,
               "line_feed": 1, "line_max_width": 0.82, "force_apply_line_max_width": False, "check_flag": 7,
               "content": json.dumps({"text": text, "styles": styles}, ensure_ascii=False)}
        mat.update(material or {})
        seg = b.segment(mat["id"], b.timerange(start, dur), render_index=idx, source=None,
                        extra_refs=[], clip_=b.clip(**clip))
        t["segments"].append(seg)
        self.doc.add_material("texts", mat)
        return seg

    def attach(self, seg: dict, kind: str, material: dict) -> dict:
        """Add a material (animation container, transition, mask...) referenced by ``seg``."""
        self.doc.add_material(kind, material)
        seg.setdefault("extra_material_refs", []).append(material["id"])
        return material

    def save(self) -> Path:
        self.doc.finish()
        path = self.folder / "draft_content.json"
        path.write_text(json.dumps(self.doc.data, ensure_ascii=False), encoding="utf-8")
        return path

    def render(self, name: str = "out.mp4", *, crf: int = 12, **kw):
        self.save()
        spec = OutputSpec(**{k: kw.pop(k) for k in ("width", "height", "fps", "preview") if k in kw})
        return render_draft(self.folder, self.folder / name, spec, RenderOptions(crf=crf, preset="ultrafast", **kw))


def frames(path: Path, times: list[float] | None = None) -> dict[int, np.ndarray]:
    """Decoded RGB frames by index (all, or those nearest to ``times`` in seconds)."""
    out = {}
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        rate = float(s.average_rate)
        want = None if times is None else {int(round(t * rate)) for t in times}
        for i, f in enumerate(c.decode(s)):
            if want is None or i in want:
                out[i] = f.to_ndarray(format="rgb24")
    return out


def video_facts(path: Path) -> dict:
    with av.open(str(path)) as c:
        v = c.streams.video[0]
        n = sum(1 for _ in c.decode(v))
    with av.open(str(path)) as c:
        v = c.streams.video[0]
        a = c.streams.audio[0] if c.streams.audio else None
        return {"frames": n, "fps": float(v.average_rate), "width": v.codec_context.width,
                "height": v.codec_context.height, "duration": c.duration / 1e6,
                "audio_rate": a.rate if a else None, "audio_channels": a.channels if a else None,
                "pix_fmt": v.codec_context.pix_fmt, "codec": v.codec_context.name}


def audio_samples(path: Path) -> tuple[np.ndarray, int]:
    """All audio as float32 (n, 2) and the sample rate."""
    chunks = []
    with av.open(str(path)) as c:
        s = c.streams.audio[0]
        rate = s.rate
        resampler = av.AudioResampler(format="flt", layout="stereo", rate=rate)
        for f in c.decode(s):
            for r in resampler.resample(f):
                chunks.append(r.to_ndarray().reshape(-1, 2))
    return np.concatenate(chunks), rate


def rms(samples: np.ndarray, rate: int, t0: float, t1: float) -> float:
    seg = samples[int(t0 * rate):int(t1 * rate)]
    return float(np.sqrt(np.mean(seg.astype(np.float64) ** 2))) if len(seg) else 0.0
