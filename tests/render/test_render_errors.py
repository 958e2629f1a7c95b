"""Bad drafts fail with a clear error naming the culprit, never a traceback."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from draftkit import S
from draftrender.errors import ServiceError
from draftrender.render.draft import render_draft


def _expect(kit, code_symbol: str, *needles: str) -> ServiceError:
    kit.save()
    with pytest.raises(ServiceError) as info:
        render_draft(kit.folder, kit.folder / "out.mp4")
    err = info.value
    assert err.kind.symbol == code_symbol, err.text("en")
    for needle in needles:
        assert needle in err.text("en")
    assert not (kit.folder / "out.mp4").exists()
    return err


def test_not_json(tmp_path):
    (tmp_path / "draft_content.json").write_text("{not json")
    with pytest.raises(ServiceError) as info:
        render_draft(tmp_path, tmp_path / "o.mp4")
    assert "not valid JSON" in info.value.text("en")


def test_missing_material_file(kit, rmedia):
    seg = kit.visual(rmedia["red_png"], 0, S)
    kit.doc.materials("videos")[0]["path"] = "/app/output/draft/xyz/assets/images/gone.png"
    _expect(kit, "MATERIAL_MISSING", "gone.png", seg["material_id"])


def test_negative_duration(kit, rmedia):
    seg = kit.visual(rmedia["red_png"], 0, S)
    seg["target_timerange"]["duration"] = -5
    _expect(kit, "DRAFT_CONTENT_INVALID", seg["id"], "invalid time range")


def test_unknown_track_type(kit, rmedia):
    kit.visual(rmedia["red_png"], 0, S)
    kit.doc.tracks[0]["type"] = "hologram"
    _expect(kit, "DRAFT_CONTENT_INVALID", "hologram")


def test_material_that_is_not_media(kit, rmedia, tmp_path):
    seg = kit.visual(rmedia["red_png"], 0, S)
    bogus = tmp_path / "fake.mp4"
    bogus.write_bytes(b"nothing to see" * 100)
    kit.doc.materials("videos")[0]["path"] = str(bogus)
    _expect(kit, "MATERIAL_MISSING", "not a readable media file", seg["material_id"])


def test_missing_material_reference(kit, rmedia):
    seg = kit.visual(rmedia["red_png"], 0, S)
    seg["material_id"] = "nope"
    _expect(kit, "DRAFT_CONTENT_INVALID", "missing material nope")


def test_empty_draft(kit):
    _expect(kit, "DRAFT_EMPTY")


def test_cli_reports_errors_without_traceback(tmp_path):
    (tmp_path / "draft_content.json").write_text(json.dumps({"tracks": [{"type": "hologram", "segments": []}]}))
    proc = subprocess.run([sys.executable, "-m", "draftrender.cli.main", "render", str(tmp_path), "-o",
                           str(tmp_path / "o.mp4")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "unknown track type" in proc.stderr and "Traceback" not in proc.stderr
