"""materialize(ref): a DraftRef → a local draft folder the renderer reads, plus its path map.

Foreign drafts (every kind but ``own``) are downloaded into the task's work folder. Every media
path such a draft records gets an entry in ``path_map``: the downloaded or extracted file, or —
when nothing matches — a path inside the work folder that does not exist, so the render fails
with "素材文件缺失" naming the material instead of reading some file of this machine that a
foreign draft happens to name (``/etc/...``, another draft's assets).
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import quote, unquote, urljoin, urlsplit

from ..errors import ServiceError, draft_not_found
from ..fetch import FetchError, SafeFetcher
from ..settings import Settings
from .identify import DraftRef
from .session import Item, Session, document_error
from .unzip import DRAFT_NAMES, find_draft_file, project_root, safe_extract

REPLY_MAX_BYTES = 16 * 1024 * 1024
DRAFT_ID_SEGMENT = re.compile(r"^[0-9A-Za-z_-]{12,40}$")


@dataclass
class LocalDraft:
    """A draft on this machine: pass ``draft_file`` and ``path_map`` to ``render_draft``."""

    folder: Path
    draft_file: Path
    path_map: dict[str, str] = field(default_factory=dict)
    downloaded_bytes: int = 0


def materialize(ref: DraftRef, settings: Settings, workdir: Path, *,
                progress: Callable[[int, int], None] | None = None,
                should_stop: Callable[[], bool] | None = None,
                fetcher: SafeFetcher | None = None) -> LocalDraft:
    """Make the draft ``ref`` names readable here (downloads go under ``workdir``).

    ``progress(done_bytes, total_bytes)`` follows the downloads (the total grows as files are
    found); ``should_stop()`` is asked between chunks and files and raises ``Cancelled``.
    ``fetcher`` replaces the SafeFetcher built from the settings (tests, embedding).
    """
    if ref.kind == "own":
        return _own(ref, settings)
    session = Session(settings, fetcher, progress, should_stop)
    workdir.mkdir(parents=True, exist_ok=True)
    handlers = {"capcut_mate": _capcut_mate, "json_url": _json_url, "zip_url": _zip_url}
    if ref.kind not in handlers:
        raise ServiceError("DRAFT_URL_INVALID", f"未知的草稿来源: {ref.kind}", f"unknown draft source: {ref.kind}")
    try:
        local = handlers[ref.kind](ref, session, workdir)
    finally:
        if session.cache is not None:
            session.cache.prune()
    local.downloaded_bytes = session.downloaded
    return local


# -- paths ------------------------------------------------------------------------------------
def is_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def path_parts(recorded: str) -> tuple[str, ...]:
    """Components of a POSIX or Windows path (drive letter dropped)."""
    text = re.sub(r"^[A-Za-z]:", "", recorded.replace("\\", "/"))
    return tuple(p for p in text.split("/") if p and p != ".")


def relative_parts(recorded: str) -> tuple[str, ...] | None:
    """The components of a relative path that stays inside its folder, else None."""
    text = recorded.replace("\\", "/")
    if text.startswith("/") or re.match(r"^[A-Za-z]:", text) or ":" in text.split("/")[0]:
        return None
    parts = path_parts(text)
    if not parts or ".." in parts:
        return None
    return parts


def media_paths(draft: dict) -> list[str]:
    """The paths/URLs of the video and audio materials the draft's segments use."""
    used: set[str] = set()
    for track in draft.get("tracks") or []:
        if isinstance(track, dict):
            for seg in track.get("segments") or []:
                if isinstance(seg, dict) and seg.get("material_id"):
                    used.add(str(seg["material_id"]))
    materials = draft.get("materials") if isinstance(draft.get("materials"), dict) else {}
    out: list[str] = []
    for kind in ("videos", "audios"):
        items = materials.get(kind)
        for m in items if isinstance(items, list) else []:
            if isinstance(m, dict) and (not used or str(m.get("id")) in used):
                recorded = str(m.get("path") or m.get("media_path") or "")
                if recorded and recorded not in out:
                    out.append(recorded)
    return out


def _safe_name(url_or_path: str) -> str:
    name = unquote(urlsplit(url_or_path).path.rsplit("/", 1)[-1]) if is_url(url_or_path) \
        else path_parts(url_or_path)[-1] if path_parts(url_or_path) else ""
    name = re.sub(r"[^0-9A-Za-z._-]+", "_", name).strip("._")[-80:]
    return name or "file"


def url_dest(folder: Path, url: str) -> Path:
    """Where a material given as a URL is stored: ``materials/<hash>-<name>``."""
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:12]
    return folder / "materials" / f"{digest}-{_safe_name(url)}"


def missing(folder: Path, recorded: str) -> str:
    """A path in the work folder that does not exist: the material stays missing."""
    digest = hashlib.sha256(recorded.encode("utf-8")).hexdigest()[:12]
    return str(folder / "_missing" / f"{digest}-{_safe_name(recorded)}")


def tail_after_draft_folder(recorded: str, draft_id: str | None = None) -> tuple[str, ...] | None:
    """``/app/output/draft/<id>/assets/x.mp4`` → ``assets/x.mp4`` (after the draft's id, an
    id-like folder, or from ``assets`` on)."""
    parts = path_parts(recorded)
    if draft_id and draft_id in parts[:-1]:
        i = len(parts) - 1 - parts[::-1].index(draft_id)
        return parts[i + 1:] or None
    if "assets" in parts[:-1]:
        return parts[parts.index("assets"):]
    for i, part in enumerate(parts[:-1]):
        if DRAFT_ID_SEGMENT.match(part) and any(c.isdigit() for c in part):
            return parts[i + 1:]
    return None


def _suffix_match(parts: tuple[str, ...], files: dict[tuple[str, ...], Path]) -> Path | None:
    """The one file whose relative path shares the longest tail with ``parts``."""
    best_len, best = 0, []
    for fparts, path in files.items():
        n = 0
        while n < min(len(parts), len(fparts)) and parts[-1 - n] == fparts[-1 - n]:
            n += 1
        if n > best_len:
            best_len, best = n, [path]
        elif n == best_len and n > 0:
            best.append(path)
    return best[0] if len(best) == 1 else None


def _load_draft(path: Path, url: str) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ServiceError("DRAFT_URL_INVALID", f"{url} 不是草稿JSON ({exc})", f"{url} is not a draft JSON ({exc})") from exc
    if not isinstance(data, dict) or not (isinstance(data.get("tracks"), list) or isinstance(data.get("materials"), dict)):
        raise ServiceError("DRAFT_URL_INVALID", f"{url} 不是草稿JSON (没有tracks/materials)",
                           f"{url} is not a draft JSON (no tracks/materials)")
    return data


def _url_items(recorded: list[str], folder: Path, path_map: dict[str, str]) -> list[Item]:
    """Materials recorded as http(s) URLs: downloaded, strictly."""
    items = []
    for rec in recorded:
        if is_url(rec):
            dest = url_dest(folder, rec)
            items.append(Item(rec, dest))
            path_map[rec] = str(dest)
    return items


def _finish(path_map: dict[str, str], got: dict[Path, Path | None], folder: Path) -> dict[str, str]:
    """Entries whose (lenient) download was skipped point at nothing."""
    out = {}
    for rec, dest in path_map.items():
        out[rec] = dest if got.get(Path(dest), Path(dest)) is not None else missing(folder, rec)
    return out


# -- the forms --------------------------------------------------------------------------------
def _own(ref: DraftRef, settings: Settings) -> LocalDraft:
    folder = settings.drafts_dir / str(ref.draft_id)
    file = folder / "draft_content.json"
    if not ref.draft_id or not file.is_file():
        raise draft_not_found(str(ref.draft_id))
    return LocalDraft(folder, file, {}, 0)


def _capcut_mate(ref: DraftRef, s: Session, workdir: Path) -> LocalDraft:
    """Another capcut-mate server: its get_draft reply lists the draft folder's file URLs."""
    reply_file = s.document(ref.url, workdir / "get_draft.reply.json", max_bytes=REPLY_MAX_BYTES).path
    try:
        reply = json.loads(reply_file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ServiceError("DRAFT_URL_INVALID", f"{ref.url} 的回复不是JSON", f"the reply of {ref.url} is not JSON") from exc
    if not isinstance(reply, dict):
        raise ServiceError("DRAFT_URL_INVALID", f"{ref.url} 的回复不是草稿", f"the reply of {ref.url} is not a draft")
    code = reply.get("code", 0)
    if code not in (0, "0", None):
        message = str(reply.get("message") or reply.get("detail") or code)
        raise ServiceError("DRAFT_NOT_FOUND", f"{ref.draft_id} ({message})", f"{ref.draft_id} ({message})")
    files = reply.get("files")
    if files is None and isinstance(reply.get("data"), dict):
        files = reply["data"].get("files")
    urls = [f.strip() for f in files if isinstance(f, str) and is_url(f.strip())] if isinstance(files, list) else []
    if not urls:
        raise ServiceError("DRAFT_URL_INVALID", f"{ref.url} 的回复没有列出草稿文件", f"the reply of {ref.url} lists no draft files")
    by_name = {unquote(urlsplit(u).path).rsplit("/", 1)[-1]: u for u in urls}
    doc_url = next((by_name[n] for n in DRAFT_NAMES if n in by_name), None)
    if doc_url is None:
        raise ServiceError("DRAFT_URL_INVALID", f"{ref.url} 的回复中没有draft_content.json",
                           f"the reply of {ref.url} lists no draft_content.json")
    doc_path = unquote(urlsplit(doc_url).path)
    root = doc_path.rsplit("/", 1)[0] + "/"
    folder = workdir / "draft" / _safe_name(ref.draft_id or "draft")
    draft_file = folder / doc_path.rsplit("/", 1)[-1]
    s.document(doc_url, draft_file)
    draft = _load_draft(draft_file, doc_url)
    recorded = media_paths(draft)
    local_recorded = [path_parts(r) for r in recorded if not is_url(r)]

    listed: dict[tuple[str, ...], Item] = {}
    for url in urls:
        if url == doc_url:
            continue
        path = unquote(urlsplit(url).path)
        parts = relative_parts(path[len(root):]) if path.startswith(root) else None
        if parts is None:
            parts = ("_other", url_dest(Path(), url).name)
        used = any(r[-len(parts):] == parts for r in local_recorded)
        if len(parts) == 1 and not used:
            continue  # draft_meta_info.json, template.tmp & co: not needed to render
        listed[parts] = Item(url, folder.joinpath(*parts), strict=used)

    path_map: dict[str, str] = {}
    items = _url_items(recorded, folder, path_map) + list(listed.values())
    got = s.fetch_all(items)
    files_by_parts = {parts: item.dest for parts, item in listed.items() if got.get(item.dest)}
    for rec in recorded:
        if is_url(rec):
            continue
        parts = path_parts(rec)
        hit = next((dest for fparts, dest in files_by_parts.items() if parts[-len(fparts):] == fparts), None)
        if hit is None:
            tail = tail_after_draft_folder(rec, ref.draft_id)
            hit = files_by_parts.get(tail) if tail else None
        path_map[rec] = str(hit) if hit else missing(folder, rec)
    return LocalDraft(folder, draft_file, _finish(path_map, got, folder), 0)


def _json_url(ref: DraftRef, s: Session, workdir: Path) -> LocalDraft:
    """A draft JSON: URL materials are fetched; relative paths resolve against the JSON's URL."""
    name = unquote(urlsplit(ref.url).path).rsplit("/", 1)[-1]
    folder = workdir / "draft"
    draft_file = folder / (name if name in DRAFT_NAMES else "draft_content.json")
    fetched = s.document(ref.url, draft_file)
    base = fetched.final_url or ref.url
    draft = _load_draft(draft_file, ref.url)
    recorded = media_paths(draft)
    path_map: dict[str, str] = {}
    items = _url_items(recorded, folder, path_map)
    for rec in recorded:
        if is_url(rec):
            continue
        parts = relative_parts(rec)
        if parts is not None:
            url = urljoin(base, quote("/".join(parts)))
            dest = folder.joinpath(*parts)
            items.append(Item(url, url_dest(folder, url) if dest == draft_file else dest))
        elif not rec.replace("\\", "/").startswith("/") and ".." in path_parts(rec) and not re.match(r"^[A-Za-z]:", rec):
            url = urljoin(base, quote(rec.replace("\\", "/")))  # ../media/x.mp4: up from the JSON's folder
            items.append(Item(url, url_dest(folder, url)))
        else:
            # an absolute path of the machine that wrote the draft: try the same layout next to the JSON
            tail = tail_after_draft_folder(rec, ref.draft_id)
            if not tail or ".." in tail:
                path_map[rec] = missing(folder, rec)
                continue
            items.append(Item(urljoin(base, quote("/".join(tail))), folder.joinpath(*tail), strict=False))
        path_map[rec] = str(items[-1].dest)
    got = s.fetch_all(items)
    return LocalDraft(folder, draft_file, _finish(path_map, got, folder), 0)


def _zip_url(ref: DraftRef, s: Session, workdir: Path) -> LocalDraft:
    """A zipped draft folder: extracted safely; the draft JSON is found at any depth."""
    settings = s.settings
    archive = workdir / "draft.zip"
    try:
        s.fetch(ref.url, archive, cache=True, max_bytes=settings.download_max_bytes)
    except FetchError as exc:
        raise document_error(exc, "草稿压缩包", "draft zip") from exc
    root = workdir / "unzipped"
    try:
        written = safe_extract(archive, root, max_entries=settings.source_zip_max_entries,
                               max_unpacked=settings.source_zip_max_unpacked_bytes,
                               max_ratio=settings.source_zip_max_ratio, check=s.check)
    except ServiceError as exc:
        raise ServiceError(exc.kind.symbol, f"{ref.url}: {exc.detail}", f"{ref.url}: {exc.detail_en}") from exc
    finally:
        archive.unlink(missing_ok=True)
    draft_file = find_draft_file(root)
    if draft_file is None:
        raise ServiceError("DRAFT_URL_INVALID", f"{ref.url}: 压缩包中没有草稿文件 (draft_content.json / draft_info.json)",
                           f"{ref.url}: the zip holds no draft_content.json or draft_info.json")
    folder = project_root(draft_file)
    try:
        draft = json.loads(draft_file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError):
        draft = None  # the renderer names what is wrong with it (encrypted JianYing 6+ draft…)
    if not isinstance(draft, dict):
        return LocalDraft(folder, draft_file, {}, 0)
    recorded = media_paths(draft)
    path_map: dict[str, str] = {}
    items = _url_items(recorded, folder, path_map)
    files = {p.relative_to(root).parts: p for p in written}
    for rec in recorded:
        if is_url(rec):
            continue
        parts = relative_parts(rec)
        hit = None
        if parts is not None:
            for base in (draft_file.parent, folder):
                if base.joinpath(*parts).is_file():
                    hit = base.joinpath(*parts)
                    break
        if hit is None:
            hit = _suffix_match(path_parts(rec), files)
        path_map[rec] = str(hit) if hit else missing(folder, rec)
    got = s.fetch_all(items)
    return LocalDraft(folder, draft_file, _finish(path_map, got, folder), 0)
