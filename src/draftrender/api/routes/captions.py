"""add_captions and add_text_style (capcut-mate.md §1.2)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from ...drafts.ops import captions
from ...drafts.parse import json_list
from ...drafts.text import text_style_string
from ..deps import EditingDep
from ..envelope import ok
from .media import reply

router = APIRouter(tags=["captions"])

JsonList = str | list[dict[str, Any]]

CAPTIONS_DOC = (
    "JSON string: [{start, end, text, keyword?, keyword_color?, keyword_border_color?, keyword_font?, "
    "keyword_font_size?, keyword_has_shadow?, keyword_shadow_info?, font_size?, in_animation?, "
    "out_animation?, loop_animation?, in/out/loop_animation_duration?}]. Times in µs; `keyword` is "
    "`|`-separated; animation names from get_text_animations; the loop duration is one cycle. "
    "Overlapping captions fail the call (2019) and nothing is saved.")


class ShadowInfo(BaseModel):
    shadow_alpha: float = Field(1.0, ge=0, le=1)
    shadow_color: str = "#000000"
    shadow_diffuse: float = Field(15.0, ge=0, le=100)
    shadow_distance: float = Field(5.0, ge=0, le=100)
    shadow_angle: float = Field(-45.0, ge=-180, le=180)


class AddCaptionsRequest(BaseModel):
    draft_url: str = ""
    captions: JsonList = Field("", description=CAPTIONS_DOC)
    text_color: str = Field("#ffffff", description="body colour, #rrggbb")
    border_color: str | None = Field(None, description="stroke colour, #rrggbb (no stroke if absent)")
    alignment: int = Field(1, ge=0, le=5, description="0/1/2 horizontal left/centre/right; "
                           "3/4/5 vertical text centred/top/bottom")
    alpha: float = Field(1.0, ge=0, le=1)
    font: str | None = Field(None, description="font display name (see the font catalogue); unknown → default font")
    font_size: int = Field(15, ge=1, description="JianYing font size; a caption's own font_size wins")
    letter_spacing: float | None = None
    line_spacing: float | None = None
    scale_x: float = 1.0
    scale_y: float = 1.0
    transform_x: float = Field(0.0, description="pixels, stored as value / canvas width")
    transform_y: float = Field(0.0, description="pixels, stored as value / canvas height (positive = up)")
    style_text: bool = False
    underline: bool = False
    italic: bool = False
    bold: bool = False
    has_shadow: bool = False
    shadow_info: ShadowInfo | None = Field(None, description="defaults to alpha 0.9, black, diffuse 15, "
                                           "distance 5, angle -45 when has_shadow is set without it")
    text_effect: str | int | None = Field(None, description="花字 numeric effect id")


class AddTextStyleRequest(BaseModel):
    text: str
    keyword: str = Field(..., description="`|`-separated keywords; longer ones win")
    font_size: float = Field(12, gt=0)
    keyword_color: str = "#ff7100"
    keyword_font_size: float = Field(15, gt=0)


def _style(body: AddCaptionsRequest) -> captions.CaptionStyle:
    fields = body.model_dump(exclude={"draft_url", "captions", "shadow_info", "text_effect"})
    effect = str(body.text_effect).strip() if body.text_effect is not None else None
    return captions.CaptionStyle(**fields, text_effect=effect or None,
                                 shadow_info=body.shadow_info.model_dump() if body.shadow_info else None)


@router.post("/add_captions", summary="Add captions on a new text track")
def add_captions(body: AddCaptionsRequest, request: Request, editing: EditingDep) -> dict:
    editing.existing_draft_id(body.draft_url)
    items = captions.parse_captions(json_list(body.captions, code=2018, field="captions"))
    style = _style(body)
    draft_id, result = editing.edit(body.draft_url, lambda s: captions.add_captions(s.doc, items, style))
    return reply(request, editing, draft_id, result)


@router.post("/add_text_style", summary="Rich-text styles for keywords (no draft involved)")
def add_text_style(body: AddTextStyleRequest, request: Request) -> dict:
    text_style, warnings = text_style_string(
        body.text, body.keyword, font_size=_number(body.font_size), keyword_color=body.keyword_color,
        keyword_font_size=_number(body.keyword_font_size))
    fields: dict[str, Any] = {"text_style": text_style}
    if warnings:
        fields["warnings"] = warnings
    return ok(request, **fields)


def _number(value: float) -> int | float:
    """12.0 → 12, so the style JSON shows sizes as capcut-mate does."""
    return int(value) if float(value).is_integer() else value
