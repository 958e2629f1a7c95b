"""K concurrent gen_video tasks on one box, through the real service over HTTP.

    .venv/bin/python bench/jobs_bench.py [--tasks 4] [--workers 2] [--seconds 10] [--height 720]

Starts `draftrender serve` (SQLite + local disk, W render processes), builds K drafts with the
editing API (a clip, a soundtrack, a caption each), submits them all at once and polls
gen_video_status. First one task alone gives the single-task latency; then K together give the
wall time, each task's queue wait and render time, throughput (videos/min, output seconds per
wall second) and the speed-up over rendering the K one after another.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "jobs"))
PREFIX = "/openapi/capcut-mate/v1"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve_folder(folder: Path) -> str:
    handler = functools.partial(_Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}"


class Api:
    def __init__(self, base: str) -> None:
        self.base, self.http = base, httpx.Client(trust_env=False, timeout=60)

    def post(self, endpoint: str, body: dict) -> dict:
        data = self.http.post(f"{self.base}{PREFIX}/{endpoint}", json=body).json()
        if data.get("code") != 0:
            raise SystemExit(f"{endpoint} failed: {data}")
        return data

    def draft(self, media: str, seconds: float, height: int, n: int) -> str:
        width = height * 16 // 9
        url = self.post("create_draft", {"width": width, "height": height})["draft_url"]
        us = int(seconds * 1_000_000)
        self.post("add_videos", {"draft_url": url, "video_infos": json.dumps(
            [{"video_url": f"{media}/clip.mp4", "start": 0, "end": us}])})
        self.post("add_audios", {"draft_url": url, "audio_infos": json.dumps(
            [{"audio_url": f"{media}/music.mp3", "start": 0, "end": us}])})
        self.post("add_captions", {"draft_url": url, "captions": json.dumps(
            [{"start": 0, "end": us, "text": f"并发渲染测试 {n}"}]), "font_size": 12})
        return url

    def run(self, urls: list[str]) -> tuple[float, list[dict]]:
        start = time.monotonic()
        tasks = [self.post("gen_video", {"draft_url": u})["task_id"] for u in urls]
        first_seen: dict[str, float] = {}
        done: dict[str, dict] = {}
        while len(done) < len(tasks):
            for t in tasks:
                if t in done:
                    continue
                v = self.post("gen_video_status", {"task_id": t})
                now = time.monotonic() - start
                if v["status"] == "processing" and t not in first_seen:
                    first_seen[t] = now
                if v["status"] in ("completed", "failed"):
                    if v["status"] == "failed":
                        raise SystemExit(f"task failed: {v['error_message']}")
                    done[t] = {"wait": first_seen.get(t, now), "end": now, "output": v["output"]}
            time.sleep(0.1)
        return time.monotonic() - start, [done[t] for t in tasks]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--height", type=int, default=720)
    args = parser.parse_args()

    from mediagen import make_audio, make_video
    from procs import free_port, start_service

    work = Path(tempfile.mkdtemp(prefix="jobs-bench-"))
    media = work / "media"
    media.mkdir()
    make_video(media / "clip.mp4", width=args.height * 16 // 9, height=args.height, seconds=args.seconds + 0.5)
    make_audio(media / "music.mp3", seconds=args.seconds + 0.5)
    media_url = serve_folder(media)
    port = free_port()
    service = start_service(work / "data", port, work / "serve.log", workers=str(args.workers), lease_s="30")
    try:
        api = Api(f"http://127.0.0.1:{port}")
        single_wall, _ = api.run([api.draft(media_url, args.seconds, args.height, 0)])
        urls = [api.draft(media_url, args.seconds, args.height, i + 1) for i in range(args.tasks)]
        wall, results = api.run(urls)
    finally:
        service.stop()
    video_s = sum(r["output"]["duration_s"] for r in results)
    print(f"box: {args.workers} render process(es); {args.tasks} tasks of {args.seconds:g} s at "
          f"{args.height}p (clip + music + caption), SQLite + local disk")
    print(f"one task alone:           {single_wall:7.2f} s")
    print(f"{args.tasks} tasks at once, wall:    {wall:7.2f} s")
    for i, r in enumerate(results):
        print(f"  task {i + 1}: started after {r['wait']:6.2f} s, done at {r['end']:6.2f} s")
    print(f"throughput:               {args.tasks / wall * 60:7.2f} videos/min, "
          f"{video_s / wall:5.2f} output s per wall s")
    print(f"speed-up vs one by one:   {args.tasks * single_wall / wall:7.2f}x")


if __name__ == "__main__":
    main()
