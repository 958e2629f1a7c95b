"""identify(): every draft_url form, its task key, and the errors (no network involved)."""
from __future__ import annotations

import pytest

from draftrender.errors import ServiceError
from draftrender.settings import Settings
from draftrender.sources import identify, normalise_url

ID = "202611211421162e0efef4"
OWN = {ID}


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path, public_base_url="http://render.example:8080/")


def ident(url: str, settings: Settings, own=OWN):
    return identify(url, settings, lambda draft_id: draft_id in own)


def test_own_draft_on_any_host_or_prefix(settings):
    for url in (settings.draft_url(ID),
                f"https://elsewhere.example:8443/prefix/openapi/capcut-mate/v1/get_draft?draft_id={ID}&x=1",
                f"http://x/v1/get_draft?draft_id={ID}", f"http://x/v1/get_draft/?draft_id={ID}"):
        ref = ident(url, settings)
        assert (ref.kind, ref.url, ref.draft_id, ref.key) == ("own", "", ID, f"own:{ID}")


def test_unknown_draft_on_our_own_host_is_not_found(settings):
    with pytest.raises(ServiceError) as err:
        ident(f"http://RENDER.example:8080/openapi/capcut-mate/v1/get_draft?draft_id={ID}", settings, own=set())
    assert err.value.kind.symbol == "DRAFT_NOT_FOUND" and err.value.status == 404
    assert err.value.text("zh").startswith("草稿不存在")


def test_another_capcut_mate_server(settings):
    url = f"http://mate.example:30000/openapi/capcut-mate/v1/get_draft?draft_id={ID}"
    ref = ident(url, settings, own=set())
    assert (ref.kind, ref.url, ref.draft_id) == ("capcut_mate", url, ID)
    # the same draft spelled differently has the same key
    for other in (f"HTTP://Mate.Example:30000/openapi/capcut-mate/v1/get_draft/?draft_id={ID}",
                  f"http://mate.example:30000/openapi/capcut-mate/v1/get_draft?draft_id={ID}#frag"):
        assert ident(other, settings, own=set()).key == ref.key
    # a different port of the same host is another server
    assert ident(url.replace(":30000", ":30001"), settings, own=set()).key != ref.key


def test_json_and_zip_urls(settings):
    ref = ident("https://cdn.example/drafts/x/draft_content.json?sig=1&a=2", settings)
    assert (ref.kind, ref.draft_id) == ("json_url", None)
    assert ref.key == "https://cdn.example/drafts/x/draft_content.json?a=2&sig=1"
    assert ident("https://cdn.example:443/drafts/x/draft_content.json?a=2&sig=1", settings).key == ref.key
    ref = ident("http://cdn.example:80/drafts/x.ZIP", settings)
    assert (ref.kind, ref.url, ref.key) == ("zip_url", "http://cdn.example:80/drafts/x.ZIP", "http://cdn.example/drafts/x.ZIP")


def test_seed_004_fragment_form(settings):
    inner = "https://oss.example/coze/abc123.json"
    ref = ident(f"https://ts.fyshark.com/#/cozeToJianyin?drafId={inner}", settings)
    assert (ref.kind, ref.url, ref.key) == ("json_url", inner, inner)
    # the same draft named directly, or with the inner URL percent-encoded, is the same task
    assert ident(inner, settings).key == ref.key
    assert ident("https://ts.fyshark.com/#/cozeToJianyin?drafId=https%3A%2F%2Foss.example%2Fcoze%2Fabc123.json",
                 settings).key == ref.key


def test_wrapped_urls_in_the_query(settings):
    ref = ident("https://app.example/render?draft_url=https://cdn.example/d.zip", settings)
    assert (ref.kind, ref.url) == ("zip_url", "https://cdn.example/d.zip")
    inner = f"http://mate.example/openapi/capcut-mate/v1/get_draft?draft_id={ID}"
    ref = ident("https://app.example/#/x?draft_id=" + inner.replace("?", "%3F").replace("=", "%3D"), settings, own=set())
    assert (ref.kind, ref.url, ref.draft_id) == ("capcut_mate", inner, ID)


def test_key_normalisation():
    assert normalise_url("HTTPS://Example.COM:443/a/b/?z=1&a=2#top") == "https://example.com/a/b?a=2&z=1"
    assert normalise_url("http://example.com:8080/a") == "http://example.com:8080/a"
    assert normalise_url("https://x.example/#/p?drafId=https://y/z.json").endswith("#/p?drafId=https://y/z.json")


@pytest.mark.parametrize("url", ["", "   "])
def test_required(settings, url):
    with pytest.raises(ServiceError) as err:
        ident(url, settings)
    assert err.value.kind.symbol == "DRAFT_URL_REQUIRED" and err.value.status == 400
    assert err.value.text("zh") == "draft_url是必填项" and err.value.text("en") == "draft_url is required"


@pytest.mark.parametrize("url", ["not a url", "ftp://example.com/a.json", "file:///etc/passwd", "http:///x.json",
                                 "https://example.com/page.html", "https://example.com/",
                                 "https://ts.fyshark.com/#/cozeToJianyin?drafId=not-a-url",
                                 "http://example.com:99999/a.json"])
def test_invalid(settings, url):
    with pytest.raises(ServiceError) as err:
        ident(url, settings)
    assert err.value.kind.symbol == "DRAFT_URL_INVALID" and err.value.code == 2001 and err.value.status == 400
    assert err.value.base("zh") == "draft_url格式无效" and err.value.base("en") == "Invalid draft_url format"


def test_nesting_is_bounded(settings):
    url = "https://cdn.example/d.json"
    for _ in range(5):
        url = "https://wrap.example/?draft_url=" + url.replace("%", "%25").replace("&", "%26").replace("?", "%3F").replace("=", "%3D")
    with pytest.raises(ServiceError) as err:
        ident(url, settings)
    assert err.value.kind.symbol == "DRAFT_URL_INVALID"
