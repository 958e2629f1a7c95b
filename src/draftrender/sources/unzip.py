"""Extract an untrusted draft .zip: no absolute paths, no '..', no links, bounded size and count."""
from __future__ import annotations

import re
import shutil
import stat
import zipfile
from pathlib import Path
from typing import Callable

from ..errors import ServiceError

RATIO_MIN_BYTES = 1024 * 1024  # small entries may compress extremely well (empty JSON arrays…)
SKIPPED = ("__MACOSX/",)
DRAFT_NAMES = ("draft_content.json", "draft_info.json")


def _unsafe(name: str, why_zh: str, why_en: str) -> ServiceError:
    return ServiceError("DRAFT_CONTENT_INVALID", f"压缩包条目{why_zh}: {name}", f"zip entry {why_en}: {name}")


def entry_parts(name: str) -> tuple[str, ...]:
    """The path components of an entry name, refusing anything that could leave the folder."""
    if "\x00" in name:
        raise _unsafe(name, "名称含空字符", "has a NUL in its name")
    text = name.replace("\\", "/")
    if text.startswith("/") or re.match(r"^[A-Za-z]:", text):
        raise _unsafe(name, "使用绝对路径", "has an absolute path")
    parts = tuple(p for p in text.split("/") if p not in ("", "."))
    if ".." in parts:
        raise _unsafe(name, "试图跳出解压目录 (..)", "escapes the folder (..)")
    if any(":" in p for p in parts):
        raise _unsafe(name, "路径无效", "has an invalid path")
    return parts


def _too_big(zh: str, en: str) -> ServiceError:
    return ServiceError("FILE_SIZE_LIMIT", zh, en)


def safe_extract(archive: Path, dest: Path, *, max_entries: int, max_unpacked: int, max_ratio: float,
                 check: Callable[[], None] | None = None) -> list[Path]:
    """Extract ``archive`` into ``dest`` after checking every entry; return the files written.

    Refused (nothing is written): absolute or ``..`` paths, symbolic links, encrypted entries,
    more than ``max_entries`` entries, more than ``max_unpacked`` bytes in all, an entry over
    1 MiB that unpacks to more than ``max_ratio`` times its packed size (zip bomb).
    """
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ServiceError("DRAFT_URL_INVALID", f"不是有效的zip压缩包 ({exc})", f"not a valid zip archive ({exc})") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > max_entries:
            raise _too_big(f"压缩包条目过多 ({len(infos)} > {max_entries})",
                           f"the zip has too many entries ({len(infos)} > {max_entries})")
        plan: list[tuple[zipfile.ZipInfo, tuple[str, ...]]] = []
        total = 0
        for info in infos:
            parts = entry_parts(info.filename)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise _unsafe(info.filename, "是符号链接", "is a symbolic link")
            if info.is_dir() or not parts or info.filename.startswith(SKIPPED):
                continue
            if stat.S_IFMT(mode) not in (0, stat.S_IFREG):  # devices, fifos…
                raise _unsafe(info.filename, "不是普通文件", "is not a regular file")
            if info.flag_bits & 0x1:
                raise _unsafe(info.filename, "已加密", "is encrypted")
            total += info.file_size
            if total > max_unpacked:
                raise _too_big(f"压缩包解压后超过 {max_unpacked} 字节", f"the zip unpacks to more than {max_unpacked} bytes")
            if info.file_size > RATIO_MIN_BYTES and info.file_size > max_ratio * max(info.compress_size, 1):
                ratio = info.file_size / max(info.compress_size, 1)
                raise _too_big(f"压缩包条目压缩比异常 ({ratio:.0f}:1, zip炸弹?): {info.filename}",
                               f"zip entry has a suspicious compression ratio ({ratio:.0f}:1, a zip bomb?): {info.filename}")
            plan.append((info, parts))
        dest.mkdir(parents=True, exist_ok=True)
        root = dest.resolve()
        written: list[Path] = []
        unpacked = 0
        for info, parts in plan:
            if check is not None:
                check()
            target = dest.joinpath(*parts)
            if not target.resolve().is_relative_to(root):  # defence in depth; entry_parts refused these
                raise _unsafe(info.filename, "试图跳出解压目录", "escapes the folder")
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, target.open("wb") as out:
                left = info.file_size
                while True:
                    block = src.read(1 << 20)
                    if not block:
                        break
                    left -= len(block)
                    unpacked += len(block)
                    if left < 0 or unpacked > max_unpacked:  # headers that lie
                        raise _too_big(f"压缩包解压后超过 {max_unpacked} 字节",
                                       f"the zip unpacks to more than {max_unpacked} bytes")
                    out.write(block)
            written.append(target)
        return written


def find_draft_file(root: Path) -> Path | None:
    """The draft JSON at any depth: the shallowest ``draft_content.json`` / ``draft_info.json``
    (``draft_content.json`` first at equal depth), JianYing's ``Timelines/<id>/draft_info.json`` too."""
    best: tuple[int, int, str] | None = None
    found: Path | None = None
    for path in root.rglob("*.json"):
        rel = path.relative_to(root)
        if rel.parts[0] == "__MACOSX" or path.name not in DRAFT_NAMES or not path.is_file():
            continue
        rank = (len(rel.parts), DRAFT_NAMES.index(path.name), str(rel))
        if best is None or rank < best:
            best, found = rank, path
    return found


def project_root(draft_file: Path) -> Path:
    """The draft's folder: the JSON's own folder, or the project above ``Timelines/<id>/``."""
    if draft_file.parent.parent.name == "Timelines":
        return draft_file.parent.parent.parent
    return draft_file.parent


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
