"""The SSRF policy: loopback, private, link-local/metadata addresses refused in every spelling,
after DNS, and at every redirect hop. Only loopback is ever connected to in these tests."""
from __future__ import annotations

import ipaddress

import httpx
import pytest

from draftrender.fetch import FetchError, FetchLimits, SafeFetcher, address_allowed, literal_ip
from fetchkit import FileServer


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    (root / "x.bin").write_bytes(b"payload")
    with FileServer(root) as s:
        yield s


@pytest.fixture
def no_connect(monkeypatch):
    """Fail the test if a request is sent to anything but 127.0.0.1."""
    real_send = httpx.Client.send

    def send(self, request, **kw):
        assert request.url.host == "127.0.0.1", f"tried to connect to {request.url}"
        return real_send(self, request, **kw)

    monkeypatch.setattr(httpx.Client, "send", send)


def strict(resolver=None) -> SafeFetcher:
    """allow_networks empty: nothing non-public may be reached."""
    kw = {"resolver": resolver} if resolver else {}
    return SafeFetcher((), FetchLimits(retries=0, deadline_s=5), **kw)


def refused(fetcher: SafeFetcher, url: str, tmp_path) -> FetchError:
    with pytest.raises(FetchError) as err:
        fetcher.download(url, tmp_path / "out.bin")
    assert err.value.kind == "refused", err.value
    assert "is not allowed" in err.value.describe() and err.value.url == url
    assert "不允许访问" in err.value.describe("zh")
    return err.value


@pytest.mark.parametrize("spelling", ["127.0.0.1", "localhost", "[::1]", "2130706433", "0x7f.1", "127.1",
                                      "[::ffff:127.0.0.1]", "LocalHost", "0177.0.0.1"])
def test_loopback_in_every_spelling_is_refused(server, tmp_path, no_connect, spelling):
    url = f"http://{spelling}:{server.port}/x.bin"
    if spelling == "0177.0.0.1":  # httpx itself rejects the octal form as an invalid URL
        with pytest.raises(FetchError) as err:
            strict().download(url, tmp_path / "out.bin")
        assert err.value.kind == "invalid_url"
    else:
        refused(strict(), url, tmp_path)
    assert server.requests() == []


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/x",
                                 "http://192.168.1.1/x", "http://172.16.0.1/x", "http://[fe80::1]/x",
                                 "http://0.0.0.0/x", "http://[fd00::1]/x", "http://100.64.0.1/x"])
def test_private_link_local_and_metadata_addresses_are_refused_without_connecting(tmp_path, no_connect, url):
    refused(strict(), url, tmp_path)


def test_a_hostname_resolving_to_loopback_is_refused(server, tmp_path, no_connect):
    asked = []

    def resolver(host, port):
        asked.append(host)
        return ["127.0.0.1"]

    refused(strict(resolver), f"http://media.example:{server.port}/x.bin", tmp_path)
    assert asked == ["media.example"] and server.requests() == []


def test_every_address_of_a_name_is_checked(tmp_path, no_connect):
    refused(strict(lambda h, p: ["93.184.216.34", "10.0.0.1"]), "http://mixed.example/x", tmp_path)


def test_the_connection_is_pinned_to_the_checked_address(server, tmp_path):
    calls = []

    def resolver(host, port):
        calls.append(host)
        return ["127.0.0.1"]

    fetcher = SafeFetcher([ipaddress.ip_network("127.0.0.0/8")], FetchLimits(retries=0), resolver=resolver)
    got = fetcher.download(f"http://media.example:{server.port}/x.bin", tmp_path / "out.bin")
    assert got.size == 7 and calls == ["media.example"]
    assert server.requests("/x.bin")[0].headers["host"] == f"media.example:{server.port}"


@pytest.mark.parametrize("target", ["http://127.0.0.2:{port}/x.bin", "http://10.0.0.1/x", "http://169.254.169.254/",
                                    "http://2130706434:{port}/x.bin"])
def test_a_redirect_to_a_refused_address_is_refused(server, tmp_path, no_connect, target):
    # only 127.0.0.1 itself is allowed; the redirect leads elsewhere on loopback / private / metadata
    location = target.format(port=server.port)
    server.routes["/go"] = lambda req: (302, {"Location": location}, b"")
    fetcher = SafeFetcher([ipaddress.ip_network("127.0.0.1/32")], FetchLimits(retries=0))
    with pytest.raises(FetchError) as exc:
        fetcher.download(server.url("go"), tmp_path / "out.bin")
    assert exc.value.kind == "refused" and exc.value.url == location
    assert server.statuses("/go") == [302]


def test_a_redirect_to_another_scheme_is_refused(server, tmp_path):
    server.routes["/go"] = lambda req: (302, {"Location": "file:///etc/passwd"}, b"")
    fetcher = SafeFetcher([ipaddress.ip_network("127.0.0.1/32")], FetchLimits(retries=0))
    with pytest.raises(FetchError) as exc:
        fetcher.download(server.url("go"), tmp_path / "out.bin")
    assert exc.value.kind == "invalid_url" and "only http and https" in exc.value.describe()


def test_redirects_are_followed_at_most_five_times(server, tmp_path):
    for i in range(7):
        server.routes[f"/r{i}"] = (lambda n: lambda req: (302, {"Location": f"/r{n + 1}"}, b""))(i)
    fetcher = SafeFetcher([ipaddress.ip_network("127.0.0.1/32")], FetchLimits(retries=0))
    with pytest.raises(FetchError) as exc:
        fetcher.download(server.url("r0"), tmp_path / "out.bin")
    assert "more than 5 redirects" in exc.value.describe()
    server.routes["/ok"] = lambda req: (302, {"Location": "/x.bin"}, b"")
    assert fetcher.download(server.url("ok"), tmp_path / "out.bin").final_url == server.url("x.bin")


def test_only_http_and_https(tmp_path):
    for url in ("ftp://example.com/a", "file:///etc/passwd", "gopher://x/", "//example.com/a"):
        with pytest.raises(FetchError) as exc:
            strict().download(url, tmp_path / "o")
        assert exc.value.kind == "invalid_url"


def test_policy_helpers():
    assert literal_ip("2130706433") == ipaddress.ip_address("127.0.0.1")
    assert literal_ip("example.com") is None and literal_ip("cafe.de") is None
    assert not address_allowed("::ffff:10.0.0.1")
    assert address_allowed("127.0.0.5", [ipaddress.ip_network("127.0.0.0/8")])
    assert address_allowed("93.184.216.34")
