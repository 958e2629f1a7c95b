"""Catalogue routes (capcut-mate.md §1.3): animations, filters, scene effects, 花字.

Same reply shapes and item fields as capcut-mate. Our catalogue (data/jianying-names.json) has
names, VIP flags and default durations only, so ``resource_id`` / ``effect_id`` / ``id`` are ""
(except the few ids known from capcut-mate's own drafts), ``has_params`` is false, and the 花字
list is empty — see README "Catalogue". The add_* routes take the names.
"""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field, field_validator

from ...drafts import catalogue
from ..envelope import language, ok

router = APIRouter(tags=["catalogue"])

MISSING = ("Our catalogue carries names, VIP flags and default durations only: `resource_id`, "
           "`effect_id` (and an animation's `id`) are \"\" except for the few ids known from "
           "capcut-mate's drafts, and `has_params` is always false. Pass the `name` to the add_* routes.")
MODE_DOC = "0 all, 1 VIP only, 2 free only"
TYPE_DOC = "in | out | loop; null (or \"\") for all three"

# type → (catalogue kind, category_id, category_name), as capcut-mate labels them.
TEXT_TYPES = {"in": ("text_in", "ruchang", "入场"), "out": ("text_out", "chuchang", "出场"),
              "loop": ("text_loop", "xunhuan", "循环")}
IMAGE_TYPES = {"in": ("video_in", "pic_ruchang", "图片入场"), "out": ("video_out", "pic_chuchang", "图片出场"),
               "loop": ("video_group", "pic_xunhuan", "图片循环")}
TEXT_EFFECTS_NOTE = {
    "zh": "花字目录（capcut-mate 的 config/huazi.json）不可用，列表为空；add_captions 的 text_effect 仍接受数字花字ID。",
    "en": "The 花字 (text effect) catalogue (capcut-mate's config/huazi.json) is not available, so the "
          "list is empty; add_captions still takes a numeric text_effect id.",
}


class ModeRequest(BaseModel):
    mode: int | None = Field(0, ge=0, le=2, description=MODE_DOC + " (null = 0)")


class AnimationsRequest(ModeRequest):
    type: Literal["in", "out", "loop"] | None = Field(None, description=TYPE_DOC)

    @field_validator("type", mode="before")
    @classmethod
    def _blank_is_all(cls, value):
        # Coze/n8n send "" for an optional field left empty: that means "all types".
        return None if isinstance(value, str) and not value.strip() else value


def _animations(table: dict, mode: int | None, anim_type: str | None) -> list[dict]:
    """capcut-mate's animation items: in, then out, then loop, each in catalogue order."""
    items = []
    for key, (kind, category_id, category_name) in table.items():
        if anim_type and key != anim_type:
            continue
        for e in catalogue.by_mode(kind, mode or 0):
            items.append({
                "resource_id": e.resource_id, "type": key, "category_id": category_id,
                "category_name": category_name, "duration": e.default_duration_us or 0,
                "id": e.effect_id, "name": e.name, "request_id": "", "start": 0, "icon_url": "",
                "material_type": "sticker", "panel": "", "path": "", "platform": "all",
            })
    return items


@router.post("/get_text_animations", summary="Text in/out/loop animations", description=MISSING)
def get_text_animations(body: AnimationsRequest, request: Request) -> dict:
    return ok(request, effects=_animations(TEXT_TYPES, body.mode, body.type))


@router.post("/get_image_animations", summary="Image/video in/out/group animations",
             description=MISSING + " `loop` lists the group (组合) animations.")
def get_image_animations(body: AnimationsRequest, request: Request) -> dict:
    return ok(request, effects=_animations(IMAGE_TYPES, body.mode, body.type))


@router.post("/get_filters", summary="Filters", description=MISSING)
def get_filters(body: ModeRequest, request: Request) -> dict:
    filters = [{"name": e.name, "is_vip": e.vip, "resource_id": e.resource_id, "effect_id": e.effect_id,
                "has_params": False} for e in catalogue.by_mode("filter", body.mode or 0)]
    return ok(request, filters=filters)


@router.post("/get_effects", summary="Scene effects", description=MISSING + " Character effects are "
             "accepted by add_effects but, as in capcut-mate, not listed.")
def get_effects(body: ModeRequest, request: Request) -> dict:
    effects = [{"name": e.name, "is_vip": e.vip, "resource_id": e.resource_id, "effect_id": e.effect_id,
                "icon_url": "", "has_params": False} for e in catalogue.by_mode("scene_effect", body.mode or 0)]
    return ok(request, effects=effects)


@router.post("/get_text_effects", summary="花字 text effects (catalogue not available: empty)",
             description="capcut-mate lists config/huazi.json (id, title, is_vip); that catalogue is "
                         "not shipped here, so `text_effects` is [] and `note` says why.")
def get_text_effects(body: ModeRequest, request: Request) -> dict:
    return ok(request, text_effects=[], note=TEXT_EFFECTS_NOTE[language(request)])
