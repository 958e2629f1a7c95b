"""add_videos, add_images, add_audios, get_audio_duration: routes that download materials."""
from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi import APIRouter
from pydantic import BaseModel, Field

from ...drafts.ops import audios, easy, images, videos
from ...drafts.ops.common import OpResult
from ...drafts.parse import json_list
from ...errors import ServiceError
from ..deps import EditingDep
from ..envelope import ok

router = APIRouter(tags=["materials"])

JsonList = str | list[dict[str, Any]]


class Timeline(BaseModel):
    start: int = Field(..., ge=0)
    end: int = Field(..., ge=0)


class AddVideosRequest(BaseModel):
    draft_url: str = ""
    video_infos: JsonList = Field("", description="JSON string: [{video_url, start, end, volume?, mask? (线性|镜面|圆形|矩形|爱心|星形), transition?, transition_duration?}]")
    scene_timelines: list[Timeline] | None = None
    alpha: float = Field(1.0, ge=0, le=1)
    scale_x: float = 1.0
    scale_y: float = 1.0
    transform_x: float = 0
    transform_y: float = 0


class AddImagesRequest(BaseModel):
    draft_url: str = ""
    image_infos: JsonList = Field("", description="JSON string: [{image_url, start, end, in/out/loop_animation?, transition?}]")
    alpha: float = Field(1.0, ge=0, le=1)
    scale_x: float = 1.0
    scale_y: float = 1.0
    transform_x: float = 0
    transform_y: float = 0


class AddAudiosRequest(BaseModel):
    draft_url: str = ""
    audio_infos: JsonList = Field("", description="JSON string: [{audio_url, start, end, volume?, audio_effect?}]")


class EasyCreateMaterialRequest(BaseModel):
    draft_url: str = Field(..., description="the draft to add to")
    audio_url: str = Field(..., description="audio URL (required): 0–5 s on a new audio track")
    text: str | None = Field(None, description="text shown 0–5 s, centred")
    img_url: str | None = Field(None, description="image URL: 0–3 s on a new track")
    video_url: str | None = Field(None, description="video URL: 0–5 s on a new track")
    text_color: str = "#ffffff"
    font_size: int = 15
    text_transform_y: int = Field(0, description="text offset in pixels (/ canvas height)")


def _optional_url(value: str | None, key: str) -> str | None:
    """An optional media URL: absent, empty or "null" means none; otherwise it must be http(s)."""
    if value is None or not value.strip() or value.strip().lower() == "null":
        return None
    value = value.strip()
    if not value.lower().startswith(("http://", "https://")):
        raise ServiceError(1001, f"{key}必须以http://或https://开头", f"{key} must start with http:// or https://")
    return value


class AudioDurationRequest(BaseModel):
    mp3_url: str = Field(..., min_length=1)


def reply(request: Request, editing, draft_id: str, result: OpResult) -> dict:
    """The common add_* reply: draft_url, the op's fields, and warnings when there are some."""
    fields = {"draft_url": editing.draft_url(draft_id), **result.fields}
    if result.warnings:
        fields["warnings"] = result.warnings
    return ok(request, **fields)


@router.post("/add_videos", summary="Add videos on a new track")
def add_videos(body: AddVideosRequest, request: Request, editing: EditingDep) -> dict:
    editing.existing_draft_id(body.draft_url)
    items = json_list(body.video_infos, code=1001, field="video_infos")
    urls = videos.validate_items(items)
    scenes = [t.model_dump() for t in body.scene_timelines] if body.scene_timelines else None
    draft_id, result = editing.add_media(
        body.draft_url, urls, 2006,
        lambda s, refs: videos.add_videos(
            s.doc, items, refs, scene_timelines=scenes, alpha=body.alpha, scale_x=body.scale_x,
            scale_y=body.scale_y, transform_x=body.transform_x, transform_y=body.transform_y))
    return reply(request, editing, draft_id, result)


@router.post("/add_images", summary="Add images on a new track")
def add_images(body: AddImagesRequest, request: Request, editing: EditingDep) -> dict:
    editing.existing_draft_id(body.draft_url)
    items = json_list(body.image_infos, code=2009, field="image_infos")
    urls = images.validate_items(items)
    draft_id, result = editing.add_media(
        body.draft_url, urls, 2010,
        lambda s, refs: images.add_images(
            s.doc, items, refs, alpha=body.alpha, scale_x=body.scale_x, scale_y=body.scale_y,
            transform_x=body.transform_x, transform_y=body.transform_y))
    return reply(request, editing, draft_id, result)


@router.post("/add_audios", summary="Add audio on a new track")
def add_audios(body: AddAudiosRequest, request: Request, editing: EditingDep) -> dict:
    editing.existing_draft_id(body.draft_url)
    items = json_list(body.audio_infos, code=2007, field="audio_infos")
    urls = audios.validate_items(items)
    draft_id, result = editing.add_media(
        body.draft_url, urls, 2008, lambda s, refs: audios.add_audios(s.doc, items, refs))
    return reply(request, editing, draft_id, result)


@router.post("/easy_create_material", summary="Add audio, and optionally video, image and text, in one edit")
def easy_create_material(body: EasyCreateMaterialRequest, request: Request, editing: EditingDep) -> dict:
    editing.existing_draft_id(body.draft_url)
    audio = _optional_url(body.audio_url, "audio_url")
    if audio is None:
        raise ServiceError(2028, "audio_url不能为空或null", "audio_url must not be empty or null")
    wanted = {"audio": audio, "video": _optional_url(body.video_url, "video_url"),
              "image": _optional_url(body.img_url, "img_url")}
    wanted = {k: v for k, v in wanted.items() if v}
    keys, urls = list(wanted), list(wanted.values())
    draft_id, result = editing.add_media(
        body.draft_url, urls, 2028,
        lambda s, refs: easy.add_easy_material(
            s.doc, dict(zip(keys, refs)), text=body.text, text_color=body.text_color,
            font_size=body.font_size, text_transform_y=body.text_transform_y))
    return reply(request, editing, draft_id, result)


@router.post("/get_audio_duration", summary="Duration of an audio file in µs")
def get_audio_duration(body: AudioDurationRequest, request: Request, editing: EditingDep) -> dict:
    url = body.mp3_url.strip()
    if not url.lower().startswith(("http://", "https://")):
        raise ServiceError(1001, "mp3_url: must be an http(s) URL")
    info = editing.materials.probe_url(url, 2034)
    if not info.has_audio:
        raise ServiceError(2034, f"没有音频流: {url}", f"no audio stream: {url}")
    return ok(request, duration=info.duration_us)
