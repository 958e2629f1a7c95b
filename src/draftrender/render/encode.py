"""The MP4 writer: H.264 yuv420p + AAC stereo, exact frame count, faststart, interleaved."""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from ..errors import ServiceError

AAC_FRAME = 1024


class Encoder:
    """Writes frames and audio blocks into one MP4; audio is muxed as video time advances."""

    def __init__(self, path: Path, width: int, height: int, fps: Fraction, *, crf: int = 23,
                 preset: str = "veryfast", sample_rate: int = 48000, audio_bitrate: int = 192_000,
                 threads: int = 0) -> None:
        self.path = Path(path)
        self.fps = fps
        self.frame_tb = Fraction(fps.denominator, fps.numerator)
        self.rate = sample_rate
        try:
            self.out = av.open(str(self.path), "w", format="mp4", options={"movflags": "+faststart"})
            self.video = self.out.add_stream("libx264", rate=fps)
            self.video.width, self.video.height, self.video.pix_fmt = width, height, "yuv420p"
            self.video.options = {
                "crf": str(crf), "preset": preset,
                "x264-params": "colorprim=smpte170m:transfer=smpte170m:colormatrix=smpte170m",
            }
            # x264 frame threads: several frames in flight use every core (PyAV's default, slice
            # threads within one frame, left one of two cores idle half the time).
            self.video.codec_context.thread_type = "FRAME"
            if threads:
                self.video.codec_context.thread_count = threads
            self.audio = self.out.add_stream("aac", rate=sample_rate)
            self.audio.layout = "stereo"
            self.audio.bit_rate = audio_bitrate
        except (av.error.FFmpegError, ValueError) as exc:
            raise ServiceError("ENCODING_FAILED", str(exc)) from exc
        self.frames = 0
        self.samples = 0
        self.pending = np.zeros((0, 2), np.float32)

    def write_frame(self, frame: av.VideoFrame) -> None:
        """Encode the next video frame (pts = running index)."""
        frame.pts = self.frames
        frame.time_base = self.frame_tb  # the muxer rewrites the stream's own time base
        self._mux(self.video.encode(frame))
        self.frames += 1

    def write_audio(self, samples: np.ndarray) -> None:
        """Queue float32 (n, 2) samples; full AAC frames are encoded and muxed at once."""
        self._mux(self.encode_audio(samples))

    def encode_audio(self, samples: np.ndarray) -> list:
        """Queue samples and encode the full AAC frames, returning their packets unmuxed.

        The audio encoder is separate from the video one: this may run in another thread than
        ``write_frame`` as long as the packets are handed to ``mux`` in order, in the muxing thread.
        """
        self.pending = np.concatenate([self.pending, samples]) if len(self.pending) else samples
        packets = []
        while len(self.pending) >= AAC_FRAME:
            packets += self._audio_frame(self.pending[:AAC_FRAME])
            self.pending = self.pending[AAC_FRAME:]
        return packets

    def mux(self, packets: list) -> None:
        """Write already encoded packets (from ``encode_audio``)."""
        self._mux(packets)

    def _audio_frame(self, block: np.ndarray) -> list:
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(block.T), format="fltp", layout="stereo")
        frame.sample_rate = self.rate
        frame.pts = self.samples
        frame.time_base = Fraction(1, self.rate)
        self.samples += len(block)
        try:
            return self.audio.encode(frame)
        except av.error.FFmpegError as exc:
            raise ServiceError("ENCODING_FAILED", str(exc)) from exc

    def _mux(self, packets) -> None:
        try:
            self.out.mux(packets)
        except av.error.FFmpegError as exc:
            raise ServiceError("ENCODING_FAILED", str(exc)) from exc

    def close(self) -> None:
        """Flush both encoders and finish the file."""
        try:
            if len(self.pending):
                self._mux(self._audio_frame(self.pending))
                self.pending = np.zeros((0, 2), np.float32)
            self._mux(self.video.encode(None))
            self._mux(self.audio.encode(None))
        finally:
            self.out.close()

    def abort(self) -> None:
        try:
            self.out.close()
        except Exception:  # the file is being thrown away anyway
            pass
