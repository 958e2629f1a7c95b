"""Draft .zip files: found at any depth, extracted safely; hostile archives refused by name."""
from __future__ import annotations

import io
import json
import stat
import zipfile

import pytest

from draftrender.errors import ServiceError
from draftrender.settings import Settings
from draftrender.sources import identify, materialize
from draftrender.sources.unzip import entry_parts
from fetchkit import FileServer
from support import LOOPBACK

DRAFT = {"canvas_config": {"width": 320, "height": 180},
         "tracks": [{"type": "video", "segments": [{"id": "s", "material_id": "v",
                                                    "target_timerange": {"start": 0, "duration": 1000000}}]}],
         "materials": {"videos": [{"id": "v", "type": "video", "path": "C:/Users/me/Videos/clip.mp4"}]}}


def zip_bytes(entries: list[tuple[str | zipfile.ZipInfo, bytes]], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    with FileServer(root) as server:
        yield server


def settings_for(tmp_path, **kw) -> Settings:
    return Settings(data_dir=tmp_path / "data", allow_networks=LOOPBACK, public_base_url="http://testserver",
                    download_retries=0, **kw)


def serve_zip(site: FileServer, data: bytes, name: str = "d.zip") -> str:
    (site.root / name).write_bytes(data)
    return site.url(name)


def run(url: str, settings: Settings, workdir):
    return materialize(identify(url, settings, lambda _: False), settings, workdir)


def failure(url: str, settings: Settings, workdir) -> ServiceError:
    with pytest.raises(ServiceError) as err:
        run(url, settings, workdir)
    return err.value


def test_draft_found_at_any_depth_and_materials_matched_by_their_tail(site, tmp_path):
    url = serve_zip(site, zip_bytes([
        ("export/2024/project/draft_content.json", json.dumps(DRAFT).encode()),
        ("export/2024/project/Videos/clip.mp4", b"video bytes"),
        ("export/other/draft_meta_info.json", b"{}"),
    ]))
    local = run(url, settings_for(tmp_path), tmp_path / "w")
    assert local.draft_file.parts[-3:] == ("2024", "project", "draft_content.json") and local.folder == local.draft_file.parent
    mapped = local.path_map["C:/Users/me/Videos/clip.mp4"]
    assert open(mapped, "rb").read() == b"video bytes"


def test_jianying_timelines_layout(site, tmp_path):
    draft = json.loads(json.dumps(DRAFT))
    draft["materials"]["videos"][0]["path"] = "materials/clip.mp4"
    url = serve_zip(site, zip_bytes([
        ("proj/Timelines/0A1B2C3D-0000-4000-8000-000000000000/draft_info.json", json.dumps(draft).encode()),
        ("proj/materials/clip.mp4", b"video bytes"),
    ]))
    local = run(url, settings_for(tmp_path), tmp_path / "w")
    assert local.draft_file.name == "draft_info.json" and local.folder.name == "proj"
    assert open(local.path_map["materials/clip.mp4"], "rb").read() == b"video bytes"


def test_zip_bomb(site, tmp_path):
    url = serve_zip(site, zip_bytes([("d/draft_content.json", json.dumps(DRAFT).encode()),
                                     ("d/huge.bin", bytes(8 * 1024 * 1024))]))
    err = failure(url, settings_for(tmp_path), tmp_path / "w")
    assert err.code == 2004 and "zip bomb" in err.text("en") and "d/huge.bin" in err.text("en") and url in err.text("en")
    assert "zip炸弹" in err.text("zh")
    assert not (tmp_path / "w" / "unzipped" / "d" / "huge.bin").exists()


def test_total_unpacked_size_and_entry_count_limits(site, tmp_path):
    url = serve_zip(site, zip_bytes([("draft_content.json", json.dumps(DRAFT).encode()), ("a.bin", b"a" * 5000)],
                                    zipfile.ZIP_STORED))
    err = failure(url, settings_for(tmp_path, source_zip_max_unpacked_bytes=4000), tmp_path / "w1")
    assert err.code == 2004 and "unpacks to more than 4000 bytes" in err.text("en")
    err = failure(url, settings_for(tmp_path, source_zip_max_entries=1), tmp_path / "w2")
    assert err.code == 2004 and "too many entries (2 > 1)" in err.text("en")


@pytest.mark.parametrize("name,why", [("../evil.txt", "escapes the folder (..)"),
                                      ("d/../../evil.txt", "escapes the folder (..)"),
                                      ("..\\evil.txt", "escapes the folder (..)"),
                                      ("/etc/evil.txt", "has an absolute path"),
                                      ("C:/evil.txt", "has an absolute path")])
def test_entries_that_leave_the_folder(site, tmp_path, name, why):
    url = serve_zip(site, zip_bytes([("draft_content.json", json.dumps(DRAFT).encode()), (name, b"x")]))
    err = failure(url, settings_for(tmp_path), tmp_path / "w")
    assert err.kind.symbol == "DRAFT_CONTENT_INVALID"
    assert err.text("en").endswith(f"zip entry {why}: {name}")
    assert not (tmp_path / "w" / "evil.txt").exists() and not (tmp_path / "evil.txt").exists()
    assert not (tmp_path / "w" / "unzipped").exists()  # checked before anything is written


def test_symlink_entry(site, tmp_path):
    link = zipfile.ZipInfo("d/clip.mp4")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    url = serve_zip(site, zip_bytes([("d/draft_content.json", json.dumps(DRAFT).encode()), (link, b"/etc/passwd")]))
    err = failure(url, settings_for(tmp_path), tmp_path / "w")
    assert err.kind.symbol == "DRAFT_CONTENT_INVALID" and "zip entry is a symbolic link: d/clip.mp4" in err.text("en")
    assert "符号链接" in err.text("zh")


def test_not_a_zip_and_no_draft_inside(site, tmp_path):
    err = failure(serve_zip(site, b"PK but not really"), settings_for(tmp_path), tmp_path / "w1")
    assert err.kind.symbol == "DRAFT_URL_INVALID" and "not a valid zip archive" in err.text("en")
    err = failure(serve_zip(site, zip_bytes([("photos/a.jpg", b"x")]), "e.zip"), settings_for(tmp_path), tmp_path / "w2")
    assert err.kind.symbol == "DRAFT_URL_INVALID" and "no draft_content.json or draft_info.json" in err.text("en")


def test_zip_is_cached_between_renders(site, tmp_path):
    url = serve_zip(site, zip_bytes([("draft_content.json", json.dumps(DRAFT).encode())]))
    settings = settings_for(tmp_path)
    run(url, settings, tmp_path / "w1")
    local = run(url, settings, tmp_path / "w2")
    assert site.statuses("/d.zip") == [200, 304] and local.downloaded_bytes == 0
    assert local.draft_file.is_file()


def test_entry_parts():
    assert entry_parts("a/./b\\c.txt") == ("a", "b", "c.txt")
    for bad in ("../x", "a/../../x", "/x", "\\x", "C:x", "a/b:c", "a\x00b"):
        with pytest.raises(ServiceError):
            entry_parts(bad)
