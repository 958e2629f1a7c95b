"""Every draft_url form materialises into a draft that renders exactly like the local folder.

capcut-mate's fixture draft (draft1) is served the ways a draft reaches us: our own draft store,
another capcut-mate server's get_draft file list, a draft JSON with URL and relative material
paths, the same JSON wrapped in seed 004's fragment URL, and a .zip with the draft nested deep.
"""
from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

from draftkit import audio_samples, frames
from draftrender.render.draft import OutputSpec, render_draft
from draftrender.render.pipeline import RenderOptions
from draftrender.settings import Settings
from draftrender.sources import identify, materialize
from fetchkit import FileServer
from support import FIXTURE_DIR, LOOPBACK, PREFIX

ID = "202611211421162e0efef4"
SPEC = OutputSpec(height=180)
OPTIONS = RenderOptions(crf=20, preset="ultrafast", start_us=2_800_000, end_us=5_200_000)
MATERIALS = json.loads((FIXTURE_DIR / "materials.json").read_text())


def rel(path: str) -> str:
    return path.split(f"{ID}/", 1)[1]


@pytest.fixture(scope="module")
def site(media_dir, tmp_path_factory):
    """The fixture draft laid out as capcut-mate serves it, plus a JSON and a zip form."""
    root = tmp_path_factory.mktemp("site")
    folder = root / "output" / "draft" / ID
    for m in MATERIALS:
        (folder / rel(m["path"])).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(media_dir / m["source_media"], folder / rel(m["path"]))
    shutil.copy(FIXTURE_DIR / "draft_content.json", folder / "draft_content.json")
    server = FileServer(root)
    reply = json.loads((FIXTURE_DIR / "get_draft.response.json").read_text())

    def get_draft(req):
        if f"draft_id={ID}" not in req.query:
            return 200, {"Content-Type": "application/json"}, json.dumps({"code": 2001, "message": "草稿不存在"}).encode()
        files = [f.replace("http://127.0.0.1:18082", server.base) for f in reply["files"]]
        return 200, {"Content-Type": "application/json"}, json.dumps({**reply, "files": files}).encode()

    server.routes[f"{PREFIX}/get_draft"] = get_draft

    # a draft JSON elsewhere on the site: URL, relative, '..' and foreign absolute material paths
    draft = json.loads((FIXTURE_DIR / "draft_content.json").read_text())
    jdir = root / "json"
    by_path = {m["path"]: m for m in MATERIALS}
    images = [p for p in by_path if "/images/" in p]
    audios = [p for p in by_path if "/audios/" in p]
    new_paths = {}
    for p in by_path:
        if "/videos/" in p:
            new_paths[p] = server.url(f"output/draft/{ID}/{rel(p)}")
    new_paths[images[0]] = "media/pic one.png"
    new_paths[images[1]] = "./media/图片.png"
    new_paths[audios[0]] = f"../output/draft/{ID}/{rel(audios[0])}"
    for name in ("pic one.png", "图片.png"):
        (jdir / "media").mkdir(parents=True, exist_ok=True)
        shutil.copy(media_dir / "pic.png", jdir / "media" / name)
    (jdir / rel(audios[1])).parent.mkdir(parents=True, exist_ok=True)  # audios[1] keeps its /app/... path
    shutil.copy(media_dir / "tone.mp3", jdir / rel(audios[1]))
    for items in draft["materials"].values():
        for m in items if isinstance(items, list) else []:
            if isinstance(m, dict) and m.get("path") in new_paths:
                m["path"] = new_paths[m["path"]]
    (jdir / "my_draft.json").write_text(json.dumps(draft, ensure_ascii=False), "utf-8")

    # a zip with the draft nested two folders down (and clutter beside it)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("README.txt", "a draft")
        zf.writestr("__MACOSX/._draft_content.json", "junk")
        for file in folder.rglob("*"):
            if file.is_file():
                zf.write(file, f"bundle/nested/{ID}/{file.relative_to(folder)}")
    (root / "draft.zip").write_bytes(buf.getvalue())
    yield {"root": root, "folder": folder, "server": server}
    server.close()


@pytest.fixture(scope="module")
def reference(site, tmp_path_factory):
    """The local draft folder rendered directly."""
    out = tmp_path_factory.mktemp("ref") / "ref.mp4"
    render_draft(site["folder"], out, SPEC, OPTIONS)
    return frames(out), audio_samples(out)[0]


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", allow_networks=LOOPBACK, public_base_url="http://testserver",
                    download_retries=1, download_deadline_s=20)


def render_form(draft_url: str, settings: Settings, tmp_path: Path, reference, own: bool = False):
    ref = identify(draft_url, settings, lambda draft_id: own and draft_id == ID)
    seen = []
    local = materialize(ref, settings, tmp_path / "work", progress=lambda d, t: seen.append((d, t)))
    out = tmp_path / "out.mp4"
    render_draft(local.draft_file, out, SPEC, OPTIONS, local.path_map)
    got, samples = frames(out), audio_samples(out)[0]
    want, want_samples = reference
    assert sorted(got) == sorted(want) and len(got) == 72
    for i in want:
        assert np.array_equal(got[i], want[i]), f"frame {i} differs"
    assert samples.shape == want_samples.shape and np.allclose(samples, want_samples, atol=1e-6)
    if not own:
        assert seen and seen[-1][0] == seen[-1][1] == local.downloaded_bytes > 0
        assert all(d1 <= d2 for (d1, _), (d2, _) in zip(seen, seen[1:]))
        for local_file in local.path_map.values():
            assert Path(local_file).is_file() and Path(local_file).is_relative_to(tmp_path / "work")
    return ref, local


def test_own_draft(site, reference, settings, tmp_path):
    shutil.copytree(site["folder"], settings.drafts_dir / ID)
    ref, local = render_form(settings.draft_url(ID), settings, tmp_path, reference, own=True)
    assert ref.kind == "own" and local.folder == settings.drafts_dir / ID and local.downloaded_bytes == 0


def test_another_capcut_mate_server(site, reference, settings, tmp_path):
    server = site["server"]
    ref, local = render_form(f"{server.base}{PREFIX}/get_draft?draft_id={ID}", settings, tmp_path, reference)
    assert ref.kind == "capcut_mate" and local.draft_file.name == "draft_content.json"
    assert set(local.path_map) == {m["path"] for m in MATERIALS}  # capcut-mate's /app/output/... paths
    for recorded, file in local.path_map.items():
        assert file.endswith(rel(recorded))
    # metadata files the reply lists but a render does not need were not fetched
    assert not server.requests(f"/output/draft/{ID}/template.tmp")


def test_draft_json_with_url_and_relative_material_paths(site, reference, settings, tmp_path):
    ref, local = render_form(site["server"].url("json/my_draft.json"), settings, tmp_path, reference)
    assert ref.kind == "json_url" and len(local.path_map) == 6


def test_seed_004_fragment_form(site, reference, settings, tmp_path):
    inner = site["server"].url("json/my_draft.json")
    ref, _ = render_form(f"https://ts.fyshark.com/#/cozeToJianyin?drafId={inner}", settings, tmp_path, reference)
    assert ref.kind == "json_url" and ref.url == inner


def test_zip_with_the_draft_nested_in_subfolders(site, reference, settings, tmp_path):
    ref, local = render_form(site["server"].url("draft.zip"), settings, tmp_path, reference)
    assert ref.kind == "zip_url"
    assert local.draft_file.relative_to(tmp_path / "work").parts[-4:] == ("bundle", "nested", ID, "draft_content.json")
    assert not (tmp_path / "work" / "draft.zip").exists()


def test_a_gen_video_task_renders_each_foreign_form(site, settings, tmp_path):
    """The job runner drives identify → materialize → render_draft with the path map."""
    from draftrender.jobs.options import TaskOptions
    from draftrender.jobs.runner import run_task
    from draftrender.jobs.service import JobService

    server = site["server"]
    service = JobService(settings)
    options = TaskOptions(height=180, preset="ultrafast", start_s=2.8, end_s=3.2, poster=False)
    for url in (f"{server.base}{PREFIX}/get_draft?draft_id={ID}", server.url("draft.zip"),
                f"https://ts.fyshark.com/#/cozeToJianyin?drafId={server.url('json/my_draft.json')}"):
        task, how = service.submit(url, options)
        assert how == "created"
        assert run_task(task.id, settings) == "completed", service.store.get(task.id).error_message


def test_cli_renders_a_draft_url(site, tmp_path):
    """`draftrender render <zip URL>` downloads through the same safe fetcher; SSRF stays refused."""
    import os
    import subprocess
    import sys

    from draftkit import video_facts

    env = {**os.environ, "DRAFTRENDER_DATA_DIR": str(tmp_path / "data"), "DRAFTRENDER_ALLOW_NETWORKS": LOOPBACK}
    cmd = [sys.executable, "-m", "draftrender.cli.main", "render", site["server"].url("draft.zip"),
           "-o", str(tmp_path / "cli.mp4"), "--height", "180", "--from", "2.8", "--to", "3.2", "-q"]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert video_facts(tmp_path / "cli.mp4")["frames"] == 12
    env.pop("DRAFTRENDER_ALLOW_NETWORKS")
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "not allowed" in proc.stderr and "Traceback" not in proc.stderr
