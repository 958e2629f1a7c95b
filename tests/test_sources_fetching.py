"""materialize() against failing, slow, hostile and repeat servers: every failure names its culprit."""
from __future__ import annotations

import hashlib
import ipaddress
import json
import os
import threading
import time

import pytest

from draftrender.errors import ServiceError
from draftrender.fetch import FetchLimits, SafeFetcher
from draftrender.settings import Settings
from draftrender.sources import Cancelled, identify, materialize
from fetchkit import FileServer
from support import LOOPBACK, PREFIX

ID = "202611211421162e0efef4"


def draft_json(*paths: str) -> dict:
    """A minimal draft whose segments use one material per path (videos, then one audio)."""
    videos = [{"id": f"v{i}", "type": "video", "path": p} for i, p in enumerate(paths)]
    segs = [{"id": f"s{i}", "material_id": f"v{i}", "target_timerange": {"start": 0, "duration": 1_000_000}}
            for i in range(len(paths))]
    return {"canvas_config": {"width": 320, "height": 180}, "tracks": [{"type": "video", "segments": segs}],
            "materials": {"videos": videos, "audios": []}}


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    (root / "media").mkdir(parents=True)
    for i in range(4):
        (root / "media" / f"m{i}.bin").write_bytes(os.urandom(100_000 + i))
    with FileServer(root) as server:
        yield server


def publish(server: FileServer, name: str, draft: dict) -> str:
    path = server.root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(draft), "utf-8")
    return server.url(name)


def make_settings(tmp_path, **kw) -> Settings:
    base = dict(data_dir=tmp_path / "data", allow_networks=LOOPBACK, public_base_url="http://testserver",
                download_retries=2, download_deadline_s=20)
    base.update(kw)
    return Settings(**base)


def run(url: str, settings: Settings, workdir, **kw):
    return materialize(identify(url, settings, lambda _: False), settings, workdir, **kw)


def failure(url: str, settings: Settings, workdir, **kw) -> ServiceError:
    with pytest.raises(ServiceError) as err:
        run(url, settings, workdir, **kw)
    return err.value


# -- draft documents ------------------------------------------------------------------------
def test_capcut_mate_reply_with_an_error_code_is_draft_not_found(site, tmp_path):
    site.routes[f"{PREFIX}/get_draft"] = lambda req: (200, {}, json.dumps({"code": 2001, "message": "草稿不存在"}).encode())
    err = failure(f"{site.base}{PREFIX}/get_draft?draft_id={ID}", make_settings(tmp_path), tmp_path / "w")
    assert err.kind.symbol == "DRAFT_NOT_FOUND" and err.status == 404 and ID in err.text("zh")
    assert err.text("zh").startswith("草稿不存在")


def test_capcut_mate_404_is_draft_not_found(site, tmp_path):
    err = failure(f"{site.base}/nowhere{PREFIX}/get_draft?draft_id={ID}", make_settings(tmp_path), tmp_path / "w")
    assert err.kind.symbol == "DRAFT_NOT_FOUND" and "HTTP 404" in err.text("en")


@pytest.mark.parametrize("body", [b"<html>hello</html>", b'{"code": 0, "files": []}', b'{"code": 0, "files": ["http://x/a.mp4"]}'])
def test_capcut_mate_reply_without_a_draft_is_an_invalid_draft_url(site, tmp_path, body):
    site.routes[f"{PREFIX}/get_draft"] = lambda req: (200, {}, body)
    err = failure(f"{site.base}{PREFIX}/get_draft?draft_id={ID}", make_settings(tmp_path), tmp_path / "w")
    assert err.kind.symbol == "DRAFT_URL_INVALID" and err.code == 2001


def test_json_url_404_and_not_a_draft(site, tmp_path):
    err = failure(site.url("gone.json"), make_settings(tmp_path), tmp_path / "w")
    assert err.kind.symbol == "DRAFT_NOT_FOUND" and site.url("gone.json") in err.text("en")
    url = publish(site, "list.json", [1, 2, 3])
    err = failure(url, make_settings(tmp_path), tmp_path / "w")
    assert err.kind.symbol == "DRAFT_URL_INVALID" and "is not a draft JSON" in err.text("en")


def test_own_draft_gone_meanwhile(tmp_path):
    settings = make_settings(tmp_path)
    ref = identify(settings.draft_url(ID), settings, lambda _: True)
    with pytest.raises(ServiceError) as err:
        materialize(ref, settings, tmp_path / "w")
    assert err.value.kind.symbol == "DRAFT_NOT_FOUND"


# -- materials --------------------------------------------------------------------------------
def test_inaccessible_material_names_url_and_status(site, tmp_path):
    site.faults["/media/m1.bin"] = ["403"] * 5
    bad = site.url("media/m1.bin")
    url = publish(site, "d.json", draft_json(site.url("media/m0.bin"), bad))
    err = failure(url, make_settings(tmp_path), tmp_path / "w")
    assert err.code == 2005
    assert err.text("zh") == f"素材无法访问: {bad} (HTTP 403)"
    assert err.text("en") == f"Material inaccessible: {bad} (HTTP 403)"


def test_material_503_twice_then_200(site, tmp_path):
    site.faults["/media/m0.bin"] = ["503", "503"]
    url = publish(site, "d.json", draft_json(site.url("media/m0.bin")))
    local = run(url, make_settings(tmp_path), tmp_path / "w")
    assert site.statuses("/media/m0.bin") == [503, 503, 200]
    assert open(local.path_map[site.url("media/m0.bin")], "rb").read() == (site.root / "media/m0.bin").read_bytes()


def test_material_dropped_mid_file_resumes(site, tmp_path):
    site.faults["/media/m2.bin"] = ["drop"]
    url = publish(site, "d.json", draft_json(site.url("media/m2.bin")))
    local = run(url, make_settings(tmp_path), tmp_path / "w")
    got = hashlib.sha256(open(local.path_map[site.url("media/m2.bin")], "rb").read()).hexdigest()
    assert got == hashlib.sha256((site.root / "media/m2.bin").read_bytes()).hexdigest()
    assert site.statuses("/media/m2.bin") == [200, 206]


def test_a_material_server_that_never_answers_fails_at_the_deadline(site, tmp_path):
    site.faults["/media/m3.bin"] = ["hang"] * 5
    bad = site.url("media/m3.bin")
    url = publish(site, "d.json", draft_json(bad))
    t0 = time.monotonic()
    err = failure(url, make_settings(tmp_path, download_deadline_s=1.0), tmp_path / "w")
    assert time.monotonic() - t0 < 6
    assert err.code == 2005 and err.text("en") == f"Material inaccessible: {bad} (not finished within 1 s)"
    assert err.text("zh") == f"素材无法访问: {bad} (1 秒内未完成)"


def test_material_over_the_size_limit(site, tmp_path):
    bad = site.url("media/m1.bin")
    url = publish(site, "d.json", draft_json(bad))
    err = failure(url, make_settings(tmp_path, download_max_bytes=50_000), tmp_path / "w")
    assert err.code == 2004 and err.text("en") == f"File size exceeds limit: {bad} (larger than 50000 bytes)"


def test_the_task_byte_limit_counts_every_file(site, tmp_path):
    url = publish(site, "d.json", draft_json(*(site.url(f"media/m{i}.bin") for i in range(4))))
    err = failure(url, make_settings(tmp_path, source_max_bytes=250_000), tmp_path / "w")
    assert err.code == 2004 and "add up to more than 250000 bytes" in err.text("en")


def test_too_many_files(site, tmp_path):
    url = publish(site, "d.json", draft_json(*(site.url(f"media/m{i}.bin") for i in range(4))))
    err = failure(url, make_settings(tmp_path, source_max_files=3), tmp_path / "w")
    assert err.kind.symbol == "DRAFT_CONTENT_INVALID" and "too many files" in err.text("en")


def test_downloads_run_in_parallel_but_bounded(site, tmp_path):
    lock, now, peak = threading.Lock(), [0], [0]

    def slow(req):
        with lock:
            now[0] += 1
            peak[0] = max(peak[0], now[0])
        time.sleep(0.15)
        with lock:
            now[0] -= 1
        return 200, {}, b"z" * 1000

    for i in range(6):
        site.routes[f"/slow/{i}.bin"] = slow
    url = publish(site, "d.json", draft_json(*(site.url(f"slow/{i}.bin") for i in range(6))))
    local = run(url, make_settings(tmp_path, source_parallel_downloads=2), tmp_path / "w")
    assert len(local.path_map) == 6 and peak[0] == 2


def test_local_paths_of_a_foreign_draft_never_reach_this_machines_files(site, tmp_path):
    secret = tmp_path / "secret.mp4"
    secret.write_bytes(b"private")
    url = publish(site, "d.json", draft_json(str(secret), "C:\\Users\\me\\clip.mp4"))
    local = run(url, make_settings(tmp_path), tmp_path / "w")
    for recorded in (str(secret), "C:\\Users\\me\\clip.mp4"):
        mapped = local.path_map[recorded]
        assert not os.path.exists(mapped) and mapped.startswith(str(tmp_path / "w"))


# -- progress, cancel, cache --------------------------------------------------------------------
def test_should_stop_cancels_between_chunks(site, tmp_path):
    url = publish(site, "d.json", draft_json(*(site.url(f"media/m{i}.bin") for i in range(4))))
    calls = []

    def progress(done, total):
        calls.append(done)

    with pytest.raises(Cancelled):
        run(url, make_settings(tmp_path), tmp_path / "w", progress=progress, should_stop=lambda: bool(calls))
    assert not issubclass(Cancelled, ServiceError)
    assert not list((tmp_path / "w").rglob("*.part"))


def test_second_materialize_revalidates_instead_of_downloading(site, tmp_path):
    media = [site.url(f"media/m{i}.bin") for i in range(3)]
    url = publish(site, "d.json", draft_json(*media))
    settings = make_settings(tmp_path)
    first = run(url, settings, tmp_path / "w1")
    second = run(url, settings, tmp_path / "w2")
    assert first.downloaded_bytes > 300_000 and second.downloaded_bytes == 0
    for i in range(3):
        path = f"/media/m{i}.bin"
        assert site.statuses(path) == [200, 304]
        assert site.requests(path)[1].headers["if-none-match"].startswith('"')
        assert open(second.path_map[media[i]], "rb").read() == (site.root / path.lstrip("/")).read_bytes()
    assert site.statuses("/d.json") == [200, 304]
    # a changed material is downloaded again
    (site.root / "media/m0.bin").write_bytes(b"new content")
    third = run(url, settings, tmp_path / "w3")
    assert open(third.path_map[media[0]], "rb").read() == b"new content"
    assert site.statuses("/media/m0.bin") == [200, 304, 200]


def test_cache_with_last_modified_only(tmp_path):
    root = tmp_path / "site"
    (root / "media").mkdir(parents=True)
    (root / "media/a.bin").write_bytes(b"a" * 5000)
    with FileServer(root, etags=False) as site:
        url = publish(site, "d.json", draft_json(site.url("media/a.bin")))
        settings = make_settings(tmp_path)
        run(url, settings, tmp_path / "w1")
        run(url, settings, tmp_path / "w2")
        assert site.statuses("/media/a.bin") == [200, 304]
        assert "if-modified-since" in site.requests("/media/a.bin")[1].headers
        assert site.statuses("/d.json") == [200, 200]  # a draft JSON is trusted to a cache only with an ETag


def test_cache_is_bounded(site, tmp_path):
    url = publish(site, "d.json", draft_json(*(site.url(f"media/m{i}.bin") for i in range(4))))
    settings = make_settings(tmp_path, source_cache_max_bytes=250_000)
    run(url, settings, tmp_path / "w")
    blobs = list((settings.cache_dir / "blobs").iterdir())
    assert sum(b.stat().st_size for b in blobs) <= 250_000 and blobs


# -- SSRF through materialize --------------------------------------------------------------------
@pytest.mark.parametrize("template", ["http://127.0.0.1:{port}/d.json", "http://localhost:{port}/d.json",
                                      "http://[::1]:{port}/d.json", "http://2130706433:{port}/d.json",
                                      "http://169.254.169.254/latest/d.json", "http://10.0.0.1/d.json",
                                      "http://localhost:{port}" + PREFIX + "/get_draft?draft_id=" + ID,
                                      "http://127.0.0.1:{port}/draft.zip"])
def test_draft_urls_at_internal_addresses_are_refused(site, tmp_path, template):
    url = template.format(port=site.port)
    publish(site, "d.json", draft_json(site.url("media/m0.bin")))
    err = failure(url, make_settings(tmp_path, allow_networks=""), tmp_path / "w")
    assert err.kind.symbol == "DRAFT_URL_INVALID" and "is not allowed" in err.text("en")
    assert "不允许访问" in err.text("zh")
    assert site.requests() == []


@pytest.mark.parametrize("material", ["http://10.0.0.1/a.mp4", "http://169.254.169.254/latest/meta-data",
                                      "http://127.0.0.2:{port}/media/m0.bin"])
def test_material_urls_at_internal_addresses_are_refused(site, tmp_path, material):
    material = material.format(port=site.port)
    url = publish(site, "d.json", draft_json(material))
    err = failure(url, make_settings(tmp_path, allow_networks="127.0.0.1/32"), tmp_path / "w")
    assert err.code == 2005 and err.text("en").startswith(f"Material inaccessible: {material} (address ")
    assert site.requests("/media/m0.bin") == []


def test_a_hostname_resolving_to_loopback_is_refused(site, tmp_path):
    url = publish(site, "d.json", draft_json(f"http://cdn.example:{site.port}/media/m0.bin"))
    settings = make_settings(tmp_path, allow_networks="127.0.0.1/32")
    stub = SafeFetcher([ipaddress.ip_network("127.0.0.1/32")], FetchLimits(retries=0),
                       resolver=lambda host, port: ["127.0.0.1"] if host == "127.0.0.1" else ["127.0.0.53"])
    ref = identify(url, settings, lambda _: False)
    with pytest.raises(ServiceError) as err:
        materialize(ref, settings, tmp_path / "w", fetcher=stub)
    assert err.value.code == 2005 and "address 127.0.0.53 is not allowed" in err.value.text("en")


def test_a_redirect_to_loopback_is_refused(site, tmp_path):
    site.routes["/jump.json"] = lambda req: (302, {"Location": f"http://127.0.0.9:{site.port}/d.json"}, b"")
    publish(site, "d.json", draft_json(site.url("media/m0.bin")))
    err = failure(site.url("jump.json"), make_settings(tmp_path, allow_networks="127.0.0.1/32"), tmp_path / "w")
    assert err.kind.symbol == "DRAFT_URL_INVALID" and "address 127.0.0.9 is not allowed" in err.text("en")
    assert site.requests("/d.json") == []
