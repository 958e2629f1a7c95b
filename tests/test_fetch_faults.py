"""SafeFetcher against misbehaving servers: retries, resume, deadlines, size limits, 304, proxies."""
from __future__ import annotations

import hashlib
import ipaddress
import os
import time

import pytest

from draftrender.fetch import FetchError, FetchLimits, SafeFetcher
from fetchkit import FileServer

LOOP = [ipaddress.ip_network("127.0.0.0/8")]


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    (root / "big.bin").write_bytes(os.urandom(300_000))
    (root / "small.bin").write_bytes(b"x" * 5000)
    with FileServer(root) as s:
        yield s


def fetcher(**limits) -> SafeFetcher:
    base = dict(retries=3, backoff_s=0.01, deadline_s=20)
    base.update(limits)
    return SafeFetcher(LOOP, FetchLimits(**base))


def test_503_twice_then_200(server, tmp_path):
    server.faults["/small.bin"] = ["503", "503"]
    got = fetcher().download(server.url("small.bin"), tmp_path / "out.bin")
    assert got.size == 5000 and (tmp_path / "out.bin").read_bytes() == b"x" * 5000
    assert server.statuses("/small.bin") == [503, 503, 200]


def test_503_more_often_than_the_retries_names_url_and_status(server, tmp_path):
    server.faults["/small.bin"] = ["503"] * 5
    with pytest.raises(FetchError) as err:
        fetcher(retries=2).download(server.url("small.bin"), tmp_path / "out.bin")
    assert err.value.describe() == f"{server.url('small.bin')} (HTTP 503)"
    assert not (tmp_path / "out.bin").exists() and not list(tmp_path.glob("*.part"))


def test_dropped_connection_resumes_with_range_and_the_hash_matches(server, tmp_path):
    server.faults["/big.bin"] = ["drop"]
    got = fetcher().download(server.url("big.bin"), tmp_path / "out.bin")
    expected = hashlib.sha256((server.root / "big.bin").read_bytes()).hexdigest()
    assert got.sha256 == expected == hashlib.sha256((tmp_path / "out.bin").read_bytes()).hexdigest()
    first, second = server.requests("/big.bin")
    assert first.status == 200 and "range" not in first.headers
    start = int(second.headers["range"].removeprefix("bytes=").rstrip("-"))
    assert second.status == 206 and 0 < start <= 150_000  # what arrived before the drop is kept
    assert second.headers.get("if-range", "").startswith('"')


def test_a_server_that_never_answers_hits_the_deadline(server, tmp_path):
    server.faults["/small.bin"] = ["hang"] * 5
    t0 = time.monotonic()
    with pytest.raises(FetchError) as err:
        fetcher(deadline_s=1.0, read_timeout_s=30).download(server.url("small.bin"), tmp_path / "out.bin")
    assert time.monotonic() - t0 < 5
    assert err.value.kind == "timeout"
    assert err.value.describe() == f"{server.url('small.bin')} (not finished within 1 s)"
    assert "1 秒内未完成" in err.value.describe("zh")


def test_get_bytes_also_keeps_the_deadline(server):
    server.faults["/small.bin"] = ["hang"]
    t0 = time.monotonic()
    with pytest.raises(FetchError) as err:
        fetcher(deadline_s=0.5).get_bytes(server.url("small.bin"))
    assert time.monotonic() - t0 < 4 and err.value.kind == "timeout"


@pytest.mark.parametrize("no_length", [False, True])
def test_file_over_the_size_limit(server, tmp_path, no_length):
    server.no_length = no_length
    with pytest.raises(FetchError) as err:
        fetcher().download(server.url("small.bin"), tmp_path / "out.bin", max_bytes=1000)
    assert err.value.kind == "too_large"
    assert err.value.describe() == f"{server.url('small.bin')} (larger than 1000 bytes)"
    assert not list(tmp_path.glob("out.bin*"))


def test_conditional_request_answers_not_modified(server, tmp_path):
    first = fetcher().download(server.url("small.bin"), tmp_path / "a.bin")
    assert first.etag and first.last_modified
    again = fetcher().download(server.url("small.bin"), tmp_path / "b.bin",
                               validators={"etag": first.etag, "last_modified": first.last_modified})
    assert again.not_modified and not (tmp_path / "b.bin").exists()
    assert server.statuses("/small.bin") == [200, 304]
    assert server.requests("/small.bin")[1].headers["if-none-match"] == first.etag
    # a changed file is sent again
    (server.root / "small.bin").write_bytes(b"y" * 10)
    changed = fetcher().download(server.url("small.bin"), tmp_path / "c.bin", validators={"etag": first.etag})
    assert not changed.not_modified and (tmp_path / "c.bin").read_bytes() == b"y" * 10


def test_environment_proxies_are_ignored(server, tmp_path, monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    got = fetcher(retries=0).download(server.url("small.bin"), tmp_path / "out.bin")
    assert got.size == 5000
    assert fetcher()._client().trust_env is False


def test_progress_may_stop_a_download(server, tmp_path):
    class Stop(Exception):
        pass

    def progress(n):
        raise Stop()

    with pytest.raises(Stop):
        fetcher().download(server.url("big.bin"), tmp_path / "out.bin", progress=progress)
    assert not list(tmp_path.glob("out.bin*"))
