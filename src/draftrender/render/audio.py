"""Sample-accurate audio mixing, streamed in time order (memory stays flat for any duration).

Each clip is a sequential reader (decode → resample to 48 kHz stereo float → optional
pitch-keeping tempo change via libavfilter's atempo, inside PyAV). The mixer asks every clip
that overlaps a block for exactly the samples it needs and sums them with float headroom.
"""
from __future__ import annotations

import math

import av
import numpy as np

from ..errors import ServiceError
from ..timeline.model import AudioClip
from .geometry import interpolate

CHANNELS = 2


def _tempo_chain(speed: float) -> list[float]:
    """atempo factors (each within 0.5–2.0) whose product is ``speed``."""
    factors = []
    while speed > 2.0:
        factors.append(2.0)
        speed /= 2.0
    while speed < 0.5:
        factors.append(0.5)
        speed /= 0.5
    factors.append(speed)
    return factors


class ClipReader:
    """Streams one clip's samples (48 kHz stereo float32) from its source start, at its speed."""

    def __init__(self, clip: AudioClip, rate: int, skip_samples: int = 0) -> None:
        self.clip = clip
        self.rate = rate
        try:
            self.container = av.open(clip.source_path)
            self.stream = self.container.streams.audio[0]
        except (av.error.FFmpegError, IndexError, OSError) as exc:
            raise ServiceError("AUDIO_PROCESSING_FAILED", f"{clip.source_path} (片段 {clip.segment_id})",
                               f"{clip.source_path} (segment {clip.segment_id}): {exc}") from exc
        self.resampler = av.AudioResampler(format="flt", layout="stereo", rate=rate)
        self.graph = self._graph() if abs(clip.speed - 1.0) > 1e-6 else None
        start_s = clip.source_start_us / 1e6 + skip_samples * clip.speed / rate
        self.skip = int(round(start_s * rate))  # samples (at source speed) to drop before the first output
        if start_s > 1.0:
            self.container.seek(int((start_s - 0.5) * 1_000_000), backward=True)
            self.skip = None  # recomputed from the first decoded frame's timestamp
            self.start_s = start_s
        self.buf = np.zeros((0, CHANNELS), np.float32)
        self.frames = self.container.decode(self.stream)
        self.eof = False

    def _graph(self):
        graph = av.filter.Graph()
        src = graph.add_abuffer(format="flt", sample_rate=self.rate, layout="stereo", time_base=f"1/{self.rate}")
        node = src
        for f in _tempo_chain(self.clip.speed):
            nxt = graph.add("atempo", str(f))
            node.link_to(nxt)
            node = nxt
        sink = graph.add("abuffersink")
        node.link_to(sink)
        graph.configure()
        return graph

    def _pull_source(self) -> np.ndarray | None:
        """Next block of resampled source samples (before tempo), or None at the end."""
        for frame in self.frames:
            chunks = []
            first_ts = frame.pts * frame.time_base if frame.pts is not None else None
            for out in self.resampler.resample(frame):
                chunks.append(out.to_ndarray().reshape(-1, CHANNELS))
            if not chunks:
                continue
            data = np.concatenate(chunks)
            if self.skip is None:
                ts = float(first_ts - (self.stream.start_time or 0) * self.stream.time_base) if first_ts is not None else 0.0
                self.skip = max(0, int(round((self.start_s - ts) * self.rate)))
            if self.skip:
                drop = min(self.skip, len(data))
                data = data[drop:]
                self.skip -= drop
            if len(data):
                return data
        return None

    def _pull(self) -> np.ndarray | None:
        data = self._pull_source()
        if self.graph is None:
            return data
        if data is None:
            if self.eof:
                return None
            self.eof = True
            self.graph.push(None)
        else:
            frame = av.AudioFrame.from_ndarray(data.reshape(1, -1), format="flt", layout="stereo")
            frame.sample_rate = self.rate
            self.graph.push(frame)
        outs = []
        while True:
            try:
                out = self.graph.pull()
            except (av.error.BlockingIOError, av.error.EOFError):
                break
            outs.append(out.to_ndarray().reshape(-1, CHANNELS))
        if not outs:
            return np.zeros((0, CHANNELS), np.float32) if not self.eof else None
        return np.concatenate(outs)

    def read(self, n: int) -> np.ndarray:
        """The next ``n`` samples (zero-padded after the source ends)."""
        while len(self.buf) < n:
            data = self._pull()
            if data is None:
                pad = np.zeros((n - len(self.buf), CHANNELS), np.float32)
                self.buf = np.concatenate([self.buf, pad])
                break
            self.buf = np.concatenate([self.buf, data]) if len(self.buf) else data
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def close(self) -> None:
        self.container.close()


class Mixer:
    """Mixes a plan's audio clips for timeline samples [start, end), block by block."""

    def __init__(self, clips: tuple[AudioClip, ...], rate: int, start_sample: int = 0) -> None:
        self.clips = sorted(clips, key=lambda c: c.target_start_us)
        self.rate = rate
        self.pos = start_sample
        self.readers: dict[str, ClipReader] = {}
        self.done: set[str] = set()

    def _span(self, clip: AudioClip) -> tuple[int, int]:
        return (clip.target_start_us * self.rate // 1_000_000, clip.target_end_us * self.rate // 1_000_000)

    def mix(self, n: int) -> np.ndarray:
        """The next ``n`` samples of the mix, float32 (n, 2), clipped to [−1, 1]."""
        out = np.zeros((n, CHANNELS), np.float32)
        a, b = self.pos, self.pos + n
        for clip in self.clips:
            s0, s1 = self._span(clip)
            if s0 >= b:
                break
            if s1 <= a or clip.segment_id in self.done:
                continue
            lo, hi = max(a, s0), min(b, s1)
            reader = self.readers.get(clip.segment_id)
            if reader is None:
                reader = self.readers[clip.segment_id] = ClipReader(clip, self.rate, skip_samples=lo - s0)
            samples = reader.read(hi - lo)
            out[lo - a:hi - a] += samples * self._gain(clip, lo, hi)[:, None]
            if hi >= s1:
                reader.close()
                del self.readers[clip.segment_id]
                self.done.add(clip.segment_id)
        self.pos = b
        np.clip(out, -1.0, 1.0, out=out)
        return out

    def _gain(self, clip: AudioClip, lo: int, hi: int) -> np.ndarray:
        """Per-sample gain: volume (or volume keyframes) × linear fades."""
        s0, s1 = self._span(clip)
        idx = np.arange(lo, hi, dtype=np.float64)
        if clip.volume_keyframes:
            offs = (idx - s0) * 1_000_000 / self.rate
            kf = clip.volume_keyframes
            gain = np.interp(offs, [k.offset_us for k in kf], [k.value for k in kf]).astype(np.float32)
        else:
            gain = np.full(hi - lo, clip.volume, np.float32)
        if clip.fade_in_us > 0:
            n_in = clip.fade_in_us * self.rate / 1_000_000
            gain *= np.clip((idx - s0) / n_in, 0, 1).astype(np.float32)
        if clip.fade_out_us > 0:
            n_out = clip.fade_out_us * self.rate / 1_000_000
            gain *= np.clip((s1 - idx) / n_out, 0, 1).astype(np.float32)
        return gain

    def close(self) -> None:
        for reader in self.readers.values():
            reader.close()
        self.readers.clear()


def volume_at(clip: AudioClip, offset_us: int) -> float:
    """The clip's volume at an offset (for reports and tests)."""
    return interpolate(clip.volume_keyframes, offset_us, clip.volume)


def samples_for(duration_us: int, rate: int) -> int:
    return int(math.ceil(duration_us * rate / 1_000_000))
