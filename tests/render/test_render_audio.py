"""Audio: volume per segment, fades, a video's own sound, muted tracks, speed."""
from __future__ import annotations

from draftkit import S, audio_samples, rms

FULL = 0.5 / 2 ** 0.5  # RMS of the generated sine (amplitude 0.5)


def test_volumes_per_window(kit, rmedia):
    track = kit.track("audio", 10)
    kit.audio(rmedia["tone"], 0, S, volume=1.0, track=track)
    kit.audio(rmedia["tone"], S, S, volume=0.25, track=track)
    samples, rate = audio_samples(kit.render().path)
    assert abs(rms(samples, rate, 0.2, 0.8) - FULL) < 0.03
    assert abs(rms(samples, rate, 1.2, 1.8) - FULL * 0.25) < 0.02


def test_fades(kit, rmedia):
    kit.audio(rmedia["tone"], 0, S, fade=(500_000, 500_000))
    samples, rate = audio_samples(kit.render().path)
    early, mid, late = rms(samples, rate, 0.05, 0.15), rms(samples, rate, 0.45, 0.55), rms(samples, rate, 0.85, 0.95)
    assert early < mid * 0.4 and late < mid * 0.4 and mid > FULL * 0.8


def test_video_sound_and_muted_track(kit, rmedia):
    kit.visual(rmedia["clip"], 0, S, volume=0.5)
    samples, rate = audio_samples(kit.render().path)
    assert abs(rms(samples, rate, 0.2, 0.8) - FULL * 0.5) < 0.03
    kit.doc.tracks[0]["attribute"] = 1
    samples, rate = audio_samples(kit.render("muted.mp4").path)
    assert rms(samples, rate, 0.2, 0.8) < 0.005


def test_speed_keeps_pitch_and_length(kit, rmedia):
    import numpy as np

    kit.audio(rmedia["tone"], 0, S, speed=2.0)
    samples, rate = audio_samples(kit.render().path)
    seg = samples[int(0.2 * rate):int(0.8 * rate), 0]
    spectrum = np.abs(np.fft.rfft(seg))
    peak_hz = np.argmax(spectrum) * rate / len(seg)
    assert abs(peak_hz - 1000) < 30  # pitch kept (a plain resample would give 2000 Hz)
    assert rms(samples, rate, 0.2, 0.8) > FULL * 0.7
