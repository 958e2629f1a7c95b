"""render_draft: a draft folder or draft_content.json → MP4 (the library entry point)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from ..errors import ServiceError
from ..media import probe
from ..timeline.compile import Options, compile_draft
from ..timeline.model import RenderPlan
from ..timeline.resolve import PathResolver
from .pipeline import Progress, RenderOptions, RenderResult, render

DRAFT_FILES = ("draft_content.json", "draft_info.json")


@dataclass(frozen=True)
class OutputSpec:
    """Output size/rate overrides: explicit size, or a target height keeping the aspect."""

    width: int | None = None
    height: int | None = None
    fps: float | None = None
    preview: bool = False


def find_draft_file(path: Path) -> Path:
    """The JSON file of a draft given as a folder (any known layout) or as the file itself."""
    path = Path(path)
    if path.is_file():
        return path
    if path.is_dir():
        for name in DRAFT_FILES:
            if (path / name).is_file():
                return path / name
        nested = sorted(path.glob("Timelines/*/draft_info.json"))
        if nested:
            return nested[0]
    raise ServiceError("DRAFT_CONTENT_INVALID", f"找不到草稿文件: {path}", f"no draft file found at {path}")


def load_draft_json(file: Path) -> dict:
    try:
        data = json.loads(Path(file).read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ServiceError("DRAFT_CONTENT_INVALID", f"{file} 不是文本JSON (剪映6+加密草稿?)",
                           f"{file} is not text JSON (an encrypted JianYing 6+ draft?)") from exc
    except ValueError as exc:
        raise ServiceError("DRAFT_CONTENT_INVALID", f"{file} 不是有效的JSON: {exc}", f"{file} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ServiceError("DRAFT_CONTENT_INVALID", f"{file} 不是草稿对象", f"{file} is not a draft object")
    return data


def output_size(draft: dict, spec: OutputSpec) -> tuple[int | None, int | None]:
    """Explicit size wins; a height alone scales the draft canvas keeping its aspect (even sizes)."""
    canvas = draft.get("canvas_config") or {}
    cw, ch = int(canvas.get("width") or 1920), int(canvas.get("height") or 1080)
    width, height = spec.width, spec.height
    if spec.preview and not (width or height):
        height = min(ch, 360)
    if height and not width:
        width = round(cw * height / ch)
    elif width and not height:
        height = round(ch * width / cw)
    even = lambda v: None if v is None else max(2, int(v) + int(v) % 2)  # noqa: E731
    return even(width), even(height)


def plan_draft(path: Path | str, spec: OutputSpec | None = None, path_map: dict[str, str] | None = None) -> RenderPlan:
    """Load, resolve and compile a draft into its RenderPlan."""
    spec = spec or OutputSpec()
    file = find_draft_file(Path(path))
    draft = load_draft_json(file)
    resolver = PathResolver(file.parent, dict(path_map or {}))

    def find(recorded: str) -> str | None:
        hit = resolver.resolve(recorded)
        return str(hit) if hit else None

    width, height = output_size(draft, spec)
    fps = Fraction(spec.fps).limit_denominator(1001) if spec.fps else None
    return compile_draft(draft, find, probe, Options(width, height, fps))


def render_draft(path: Path | str, out: Path | str, spec: OutputSpec | None = None,
                 options: RenderOptions | None = None, path_map: dict[str, str] | None = None,
                 progress: Progress | None = None, should_stop=None) -> RenderResult:
    """Render a draft (folder or JSON file) to ``out``; see RenderResult.warnings for approximations."""
    spec = spec or OutputSpec()
    plan = plan_draft(path, spec, path_map)
    options = options or RenderOptions()
    if spec.preview:
        options = RenderOptions(crf=max(options.crf, 30), preset="ultrafast", start_us=options.start_us,
                                end_us=options.end_us, threads=options.threads)
    return render(plan, out, options, progress=progress, should_stop=should_stop)
