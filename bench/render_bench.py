"""Render speed and memory, measured against the floor on this machine.

    .venv/bin/python bench/render_bench.py [--seconds 60] [--long-minutes 10] [--repeat 3] [--work DIR]

A shorter run: ``--seconds 20 --long-minutes 2 --repeat 1`` (about 40 s on 2 cores).

1. Makes a draft1-like composition (performance.md): 1920x1080 @ 30 fps, clip A (1080p) then clip
   B (720p) with a 0.5 s 叠化 at the cut, an 800x600 RGBA PNG at scale 0.5 / alpha 0.9 all along,
   two CJK captions with stroke, the clips' sound ×0.8 plus an MP3 ×0.6.
2. Times the floor: a bare PyAV decode of the same source frames + x264 encode at the same
   settings (veryfast, CRF 23), no compositing — then the full render of the draft.
3. Prints both, the ratio floor/render (1.0 = as fast as a bare transcode), peak memory of each
   (separate processes), the renderer's own split of its time, and, for a long draft rendered
   small, the peak memory at 1 minute vs N minutes (it must stay flat).

Floor and render run alternately ``--repeat`` times each; the medians are reported (a 2-core
machine shared with other work is noisy).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def make_sources(work: Path, seconds: int, small: bool = False) -> dict[str, Path]:
    """Clip A (1080p, or 640x360 if small), clip B (720p / 480x270), a PNG and an MP3."""
    from mediagen import make_audio, make_image, make_video

    half = seconds / 2
    tag = f"{seconds}{'s' if small else ''}"
    out = {"a": work / f"a_{tag}.mp4", "b": work / f"b_{tag}.mp4", "png": work / "pic.png",
           "mp3": work / f"music_{seconds}.mp3"}
    (wa, ha), (wb, hb) = ((640, 360), (480, 270)) if small else ((1920, 1080), (1280, 720))
    if not out["a"].exists():
        make_video(out["a"], width=wa, height=ha, seconds=half + 0.25, tone_hz=440)
    if not out["b"].exists():
        make_video(out["b"], width=wb, height=hb, seconds=half + 0.25, tone_hz=550)
    if not out["png"].exists():
        make_image(out["png"], width=800, height=600, rgba=(30, 160, 220, 230))
    if not out["mp3"].exists():
        make_audio(out["mp3"], seconds=seconds, hz=660)
    return out


def make_draft(folder: Path, src: dict[str, Path], seconds: int, width: int = 1920, height: int = 1080) -> Path:
    from draftkit import Kit

    from draftrender.drafts import builders as b
    from draftrender.drafts.catalogue import find

    s = 1_000_000
    half = seconds * s // 2
    kit = Kit(folder, width, height, 30)
    track = kit.track("video")
    a = kit.visual(src["a"], 0, half, volume=0.8, track=track)
    kit.visual(src["b"], half, seconds * s - half, volume=0.8, track=track)
    kit.attach(a, "transitions", b.transition_material(find("transition", "叠化"), 500_000))
    kit.visual(src["png"], 0, seconds * s, scale_x=0.5, scale_y=0.5, x=0.5, y=0.5, alpha=0.9)
    style = lambda n: [{"range": [0, n], "size": 10, "bold": True,  # noqa: E731
                        "fill": {"alpha": 1.0, "content": {"render_type": "solid", "solid": {"alpha": 1.0, "color": [1, 1, 1]}}},
                        "strokes": [{"width": 0.05, "content": {"solid": {"alpha": 1.0, "color": [0, 0, 0]}}}]}]
    t = kit.track("text")
    for i, text in enumerate(("第一条字幕 性能测试", "第二条字幕 渲染速度")):
        kit.text(text, i * 10 * s, 10 * s, styles=style(len(text)), track=t, y=-0.8)
    kit.audio(src["mp3"], 0, seconds * s, volume=0.6)
    return kit.save()


def floor(src: dict[str, Path], seconds: int, out: Path) -> None:
    """Decode the frames the draft uses and encode them, nothing else."""
    import av

    from draftrender.render.encode import Encoder

    enc = Encoder(out, 1920, 1080, Fraction(30), crf=23, preset="veryfast")
    n_each = seconds * 30 // 2
    for key in ("a", "b"):
        with av.open(str(src[key])) as c:
            stream = c.streams.video[0]
            stream.thread_type = "AUTO"
            for i, frame in enumerate(c.decode(stream)):
                if i >= n_each:
                    break
                if frame.width != 1920:
                    frame = frame.reformat(width=1920, height=1080, format="yuv420p")
                enc.write_frame(frame)
    enc.close()


def child(args) -> None:
    """Run one measured job in this process and print a JSON line."""
    work = Path(args.work)
    t0 = time.perf_counter()
    extra = {}
    if args.child == "floor":
        floor(make_sources(work, args.seconds), args.seconds, work / "floor.mp4")
    else:
        from draftrender.render.draft import OutputSpec, render_draft
        from draftrender.render.pipeline import RenderOptions

        folder = Path(args.draft)
        spec = OutputSpec(height=args.height) if args.height else OutputSpec()
        result = render_draft(folder, folder / "out.mp4", spec, RenderOptions(crf=23, preset="veryfast"))
        extra = {"timings": result.timings, "frames": result.frames, "warnings": len(result.warnings)}
    wall = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"wall": wall, "peak_mb": peak_mb, **extra}))


def run_child(*extra: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, *extra], capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _median(rows: list[dict]) -> dict:
    """The run with the median wall time."""
    return sorted(rows, key=lambda r: r["wall"])[len(rows) // 2]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--long-minutes", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3, help="runs of floor and render each (median reported)")
    ap.add_argument("--work", default=str(ROOT / "bench" / ".work"))
    ap.add_argument("--child")
    ap.add_argument("--draft")
    ap.add_argument("--height", type=int)
    args = ap.parse_args()
    if args.child:
        child(args)
        return
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    src = make_sources(work, args.seconds)
    draft = make_draft(work / f"draft_{args.seconds}", src, args.seconds).parent
    base = ["--work", str(work), "--seconds", str(args.seconds)]
    floors, renders = [], []
    for _ in range(max(1, args.repeat)):
        floors.append(run_child(*base, "--child", "floor"))
        renders.append(run_child(*base, "--child", "render", "--draft", str(draft)))
    fl = _median(floors)
    rd = _median(renders)
    runs = lambda rows: ", ".join(f"{r['wall']:.1f}" for r in rows)  # noqa: E731
    print(f"composition: {args.seconds} s, 1920x1080 @ 30 fps, x264 veryfast CRF 23, {os.cpu_count()} cores")
    print(f"floor  (decode + encode only): {fl['wall']:7.1f} s   {args.seconds / fl['wall']:5.2f}x real time   peak {fl['peak_mb']:6.0f} MB   runs {runs(floors)}")
    print(f"render (full draft)          : {rd['wall']:7.1f} s   {args.seconds / rd['wall']:5.2f}x real time   peak {rd['peak_mb']:6.0f} MB   runs {runs(renders)}")
    print(f"ratio floor/render           : {fl['wall'] / rd['wall']:.2f}  (1.00 = as fast as a bare transcode)")
    t = rd["timings"]
    print("render time split (s; encode runs in its own thread, overlapping the rest): "
          + ", ".join(f"{k} {v:.1f}" for k, v in t.items()))
    if args.long_minutes:
        rows = []
        for minutes in (1, args.long_minutes):
            d = make_draft(work / f"long_{minutes}", make_sources(work, minutes * 60, small=True), minutes * 60).parent
            rows.append((minutes, run_child(*base, "--child", "render", "--draft", str(d), "--height", "360")))
        for minutes, r in rows:
            print(f"memory, {minutes:2d}-minute draft rendered at 640x360: peak {r['peak_mb']:6.0f} MB ({r['wall']:.0f} s)")
        print(f"memory growth 1 → {args.long_minutes} min: {rows[1][1]['peak_mb'] / rows[0][1]['peak_mb']:.2f}x (flat ≈ 1.0)")


if __name__ == "__main__":
    main()
