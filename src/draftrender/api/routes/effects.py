"""add_effects, add_filters, add_keyframes, add_masks, add_sticker: edits without downloads."""
from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from ...drafts.ops import effects, keyframes, masks, sticker
from ...drafts.ops.common import OpResult
from ...drafts.parse import json_list
from ...errors import ServiceError
from ..deps import EditingDep
from .media import reply

router = APIRouter(tags=["effects"])

JsonList = str | list[dict[str, Any]]

KEYFRAMES_DOC = (
    "JSON string: [{segment_id, property, offset, value}]. `property`: KFTypePositionX, "
    "KFTypePositionY, KFTypeScaleX, KFTypeScaleY, UNIFORM_SCALE, KFTypeRotation, KFTypeAlpha, "
    "KFTypeSaturation, KFTypeContrast, KFTypeBrightness, KFTypeVolume. `offset`: microseconds "
    "from the START OF THE SEGMENT (0 = its first frame; not 0-1, not timeline time), clamped to "
    "the segment's duration with a warning. `value`: positions with |v| > 1 are pixels (stored "
    "/ canvas width or height), |v| <= 1 half-canvas units; scale 1.0 = fitted size; rotation in "
    "degrees clockwise; alpha 0-1; saturation/contrast/brightness -1..1; volume 0-10 (1 = "
    "unchanged). Video, image, text and sticker segments take visual properties; KFTypeVolume "
    "works on video and audio segments. Any unknown segment (2015), unsuitable segment (2016) or "
    "bad item (2013) fails the whole call and nothing is saved.")


class AddEffectsRequest(BaseModel):
    draft_url: str = ""
    effect_infos: JsonList = Field("", description="JSON string: [{effect_title, start, end}] — exact "
                                   "display names from get_effects (scene or character effects); times in µs")


class AddFiltersRequest(BaseModel):
    draft_url: str = ""
    filter_infos: JsonList = Field("", description="JSON string: [{filter_title, start, end, intensity?}] "
                                   "— exact names from get_filters; intensity 0-100 (default 100)")


class AddKeyframesRequest(BaseModel):
    draft_url: str = ""
    keyframes: JsonList = Field("", description=KEYFRAMES_DOC)


class AddMasksRequest(BaseModel):
    draft_url: str = ""
    segment_ids: list[str] | str = Field(default_factory=list, description="ids of video/image segments "
                                         "(a JSON array, or a JSON string of one)")
    name: str = Field("线性", description="线性 | 镜面 | 圆形 | 矩形 | 爱心 | 星形")
    X: float = Field(0, description="mask centre, material pixels right of the material's centre")
    Y: float = Field(0, description="mask centre, material pixels from the material's centre (sign as JianYing)")
    width: float | None = Field(None, description="material pixels (default 512); only 矩形 uses it, "
                                "other shapes follow height × their aspect ratio")
    height: float | None = Field(None, description="material pixels (default 512)")
    feather: float = Field(0, description="0-100")
    rotation: float = Field(0, description="degrees, clockwise")
    invert: bool = False
    roundCorner: float | None = Field(None, description="0-100, 矩形 only")


class AddStickerRequest(BaseModel):
    draft_url: str
    sticker_id: str = Field(..., description="JianYing sticker resource id (see search_sticker)")
    start: int = Field(..., description="µs on the timeline")
    end: int = Field(..., description="µs on the timeline, > start")
    scale: float = Field(1.0, description="uniform scale, 1.0 = original size")
    transform_x: float = Field(0, description="pixels, stored as value / canvas width")
    transform_y: float = Field(0, description="pixels, stored as value / canvas height")


@router.post("/add_effects", summary="Add scene/character effects on a new effect track")
def add_effects(body: AddEffectsRequest, request: Request, editing: EditingDep) -> dict:
    editing.existing_draft_id(body.draft_url)
    items = effects.parse_effect_items(json_list(body.effect_infos, code=2020, field="effect_infos"))
    draft_id, result = editing.edit(body.draft_url, lambda s: effects.add_effects(s.doc, items))
    return reply(request, editing, draft_id, result)


@router.post("/add_filters", summary="Add filters on a new filter track")
def add_filters(body: AddFiltersRequest, request: Request, editing: EditingDep) -> dict:
    editing.existing_draft_id(body.draft_url)
    items = effects.parse_filter_items(json_list(body.filter_infos, code=2037, field="filter_infos"))
    draft_id, result = editing.edit(body.draft_url, lambda s: effects.add_filters(s.doc, items))
    return reply(request, editing, draft_id, result)


@router.post("/add_keyframes", summary="Add keyframes to existing segments (all or nothing)")
def add_keyframes(body: AddKeyframesRequest, request: Request, editing: EditingDep) -> dict:
    editing.existing_draft_id(body.draft_url)
    items = keyframes.parse_items(json_list(body.keyframes, code=2013, field="keyframes"))

    def op(session) -> OpResult:
        added, affected, warnings = keyframes.add_keyframes(session.doc, items)
        return OpResult({"keyframes_added": added, "affected_segments": affected}, warnings)

    draft_id, result = editing.edit(body.draft_url, op)
    return reply(request, editing, draft_id, result)


def _segment_ids(value: list[str] | str) -> list[str]:
    """segment_ids as sent: a JSON array, or (leniently) a JSON string of one, or one bare id."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return []
        try:
            value = json.loads(text) if text.startswith("[") else [text]
        except ValueError as exc:
            raise ServiceError(2023, f"segment_ids不是有效的JSON: {exc}", f"segment_ids is not valid JSON: {exc}") from exc
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ServiceError(2023, "segment_ids必须是片段id字符串数组", "segment_ids must be an array of segment id strings")
    return [v.strip() for v in value]


@router.post("/add_masks", summary="Add a mask to video/image segments (all or nothing)")
def add_masks(body: AddMasksRequest, request: Request, editing: EditingDep) -> dict:
    editing.existing_draft_id(body.draft_url)
    ids = _segment_ids(body.segment_ids)
    geometry = dict(x=body.X, y=body.Y, width=body.width, height=body.height, feather=body.feather,
                    rotation=body.rotation, invert=body.invert, round_corner=body.roundCorner)
    draft_id, result = editing.edit(body.draft_url, lambda s: masks.add_masks(s.doc, ids, body.name, **geometry))
    return reply(request, editing, draft_id, result)


@router.post("/add_sticker", summary="Add a sticker on a new sticker track")
def add_sticker(body: AddStickerRequest, request: Request, editing: EditingDep) -> dict:
    editing.existing_draft_id(body.draft_url)
    sticker.validate(body.sticker_id, body.start, body.end, body.scale)
    draft_id, result = editing.edit(body.draft_url, lambda s: sticker.add_sticker(
        s.doc, body.sticker_id, body.start, body.end, scale=body.scale,
        transform_x=body.transform_x, transform_y=body.transform_y))
    return reply(request, editing, draft_id, result)
