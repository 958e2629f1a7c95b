"""Helper routes (capcut-mate.md §1.4): timelines, ``*_infos`` builders and converters.

None of them touches a draft. The ``infos`` replies are compact JSON strings to pass as-is to
the matching add_* route; names the catalogue does not know and items dropped because lists
differ in length are reported in ``warnings``.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from ...drafts import helpers as h
from ...drafts.parse import check_http_url
from ...errors import ServiceError
from ..deps import EditingDep
from ..envelope import language, ok
from .captions import ShadowInfo

router = APIRouter(tags=["helpers"])

INFOS_DOC = "compact JSON string, ready for the add_* route's list parameter"
STICKER_NOTE = {
    "zh": "贴纸目录（capcut-mate 的 config/sticker.json）不可用，无法搜索；请直接向 add_sticker 传入剪映贴纸资源ID。",
    "en": "The sticker catalogue (capcut-mate's config/sticker.json) is not available, so nothing can "
          "be searched; pass a known JianYing sticker resource id to add_sticker.",
}


class Timeline(BaseModel):
    start: int = Field(..., description="µs")
    end: int = Field(..., description="µs, > start")


class TimelinesRequest(BaseModel):
    duration: int = Field(..., ge=0, description="total length, µs")
    num: int = Field(..., description="number of pieces; ≤ 0 gives an empty list")
    start: int = Field(..., ge=0, description="start of the first piece, µs")
    type: int = Field(..., ge=0, le=1, description="0 even split (the last piece takes the remainder), "
                      "1 random split with a fixed seed (42): same request, same pieces")


class AudioTimelinesRequest(BaseModel):
    links: list[str] = Field(..., description="audio URLs; each is downloaded to read its duration")


class AudioInfosRequest(BaseModel):
    mp3_urls: list[str] = Field(..., min_length=1)
    timelines: list[Timeline] = Field(..., min_length=1)
    audio_effect: str | None = None
    volume: float | None = Field(None, ge=0, le=10)


class AnimationFields(BaseModel):
    in_animation: str | None = Field(None, description="name, or several separated by | (one per item, last reused)")
    in_animation_duration: int | None = Field(None, ge=0, description="µs")
    loop_animation: str | None = Field(None, description="name(s), | separated")
    loop_animation_duration: int | None = Field(None, ge=0, description="µs")
    out_animation: str | None = Field(None, description="name(s), | separated")
    out_animation_duration: int | None = Field(None, ge=0, description="µs")
    transition: str | None = Field(None, description="name(s), | separated")
    transition_duration: int | None = Field(None, ge=0, description="µs")

    def names(self) -> dict[str, str | None]:
        keys = ("in_animation", "out_animation", "loop_animation", "transition")
        return {k: getattr(self, k) for k in keys}

    def durations(self) -> dict[str, int | None]:
        return {k: getattr(self, f"{k}_duration") for k in self.names()}


class ImgsInfosRequest(AnimationFields):
    imgs: list[str] = Field(..., min_length=1)
    timelines: list[Timeline] = Field(..., min_length=1)
    height: int | None = Field(None, ge=0)
    width: int | None = Field(None, ge=0)


class CaptionInfosRequest(AnimationFields):
    texts: list[str] = Field(..., min_length=1)
    timelines: list[Timeline] = Field(..., min_length=1)
    font_size: int | None = Field(None, ge=0)
    keyword_color: str | None = None
    keyword_border_color: str | None = None
    keyword_font: str | None = None
    keyword_font_size: int | None = Field(None, ge=0)
    keyword_has_shadow: bool | None = None
    keyword_shadow_info: ShadowInfo | None = None
    keywords: list[str] | None = Field(None, description="one per text (index-aligned); missing ones are \"\"")


class EffectInfosRequest(BaseModel):
    effects: list[str] = Field(..., min_length=1, description="scene/character effect names (get_effects)")
    timelines: list[Timeline] = Field(..., min_length=1)


class FilterInfosRequest(BaseModel):
    filters: list[str] = Field(..., min_length=1, description="filter names (get_filters)")
    timelines: list[Timeline] = Field(..., min_length=1)
    intensities: list[float] | None = Field(None, description="0-100 each (clamped), default 100")


class SegmentInfo(BaseModel):
    id: str
    start: int
    end: int


class KeyframesInfosRequest(BaseModel):
    ctype: str = Field(..., description="KFTypePositionX / KFTypePositionY (pixels, divided by width / "
                       "height when given), KFTypeRotation, UNIFORM_SCALE, KFTypeScaleX/Y, KFTypeAlpha, ...")
    offsets: str = Field(..., description="percent of each segment, | separated, e.g. 0|50|100")
    values: str = Field(..., description="one value per offset, | separated")
    segment_infos: list[SegmentInfo] = Field(..., min_length=1, description="[{id, start, end}] as add_* return them")
    height: int | None = Field(None, ge=0)
    width: int | None = Field(None, ge=0)


class VideoInfosRequest(BaseModel):
    video_urls: list[str] = Field(..., min_length=1)
    timelines: list[Timeline] = Field(..., min_length=1)
    height: int | None = Field(None, ge=0)
    width: int | None = Field(None, ge=0)
    mask: str | None = Field(None, description="passed through; add_videos reports it (use add_masks)")
    transition: str | None = None
    transition_duration: int | None = Field(None, ge=0)
    volume: float | None = Field(1.0, ge=0, le=10)


class GetUrlRequest(BaseModel):
    output: str


class StrToListRequest(BaseModel):
    obj: str


class StrListToObjsRequest(BaseModel):
    infos: list[str]


class OutputItem(BaseModel):
    output: str


class ObjsToStrListRequest(BaseModel):
    outputs: list[OutputItem]


class SearchStickerRequest(BaseModel):
    keyword: str


def _timelines(items: list[Timeline]) -> list[dict]:
    out = [t.model_dump() for t in items]
    h.check_timelines(out)
    return out


def _reply(request: Request, warnings: list[str], **fields: Any) -> dict:
    if warnings:
        fields["warnings"] = warnings
    return ok(request, **fields)


@router.post("/timelines", summary="Split a time range into pieces")
def timelines(body: TimelinesRequest, request: Request) -> dict:
    pieces, whole, warnings = h.split_timeline(body.duration, body.num, body.start, body.type)
    return _reply(request, warnings, timelines=pieces, all_timelines=whole)


@router.post("/audio_timelines", summary="Back-to-back timelines from audio files' durations")
def audio_timelines(body: AudioTimelinesRequest, request: Request, editing: EditingDep) -> dict:
    urls = [check_http_url(u, code=1001, field="links", index=i, key="link") for i, u in enumerate(body.links)]
    durations = []
    if urls:
        with editing.materials.fetch(urls, 2034) as got:  # parallel, each distinct URL once
            for url in urls:
                if got[url].info.duration_us <= 0:
                    raise ServiceError(2034, f"无法读取时长: {url}", f"no duration could be read: {url}")
                durations.append(got[url].info.duration_us)
    pieces, whole = h.consecutive_timelines(durations)
    return ok(request, timelines=pieces, all_timelines=whole)


@router.post("/audio_infos", summary="audio_infos for add_audios")
def audio_infos(body: AudioInfosRequest, request: Request) -> dict:
    warnings: list[str] = []
    infos = h.audio_infos(body.mp3_urls, _timelines(body.timelines), audio_effect=body.audio_effect,
                          volume=body.volume, warnings=warnings)
    return _reply(request, warnings, infos=h.dumps(infos))


@router.post("/imgs_infos", summary="image_infos for add_images")
def imgs_infos(body: ImgsInfosRequest, request: Request) -> dict:
    warnings: list[str] = []
    infos = h.image_infos(body.imgs, _timelines(body.timelines), width=body.width, height=body.height,
                          names=body.names(), durations=body.durations(), warnings=warnings)
    return _reply(request, warnings, infos=h.dumps(infos))


@router.post("/caption_infos", summary="captions for add_captions")
def caption_infos(body: CaptionInfosRequest, request: Request) -> dict:
    warnings: list[str] = []
    style = {k: getattr(body, k) for k in h.CAPTION_STYLE_KEYS}
    if body.keyword_shadow_info is not None:
        style["keyword_shadow_info"] = body.keyword_shadow_info.model_dump()
    infos = h.caption_infos(body.texts, _timelines(body.timelines), keywords=body.keywords, style=style,
                            names=body.names(), durations=body.durations(), warnings=warnings)
    return _reply(request, warnings, infos=h.dumps(infos))


@router.post("/effect_infos", summary="effect_infos for add_effects")
def effect_infos(body: EffectInfosRequest, request: Request) -> dict:
    warnings: list[str] = []
    infos = h.effect_infos(body.effects, _timelines(body.timelines), warnings)
    return _reply(request, warnings, infos=h.dumps(infos))


@router.post("/filter_infos", summary="filter_infos for add_filters")
def filter_infos(body: FilterInfosRequest, request: Request) -> dict:
    warnings: list[str] = []
    infos = h.filter_infos(body.filters, _timelines(body.timelines), body.intensities, warnings)
    return _reply(request, warnings, infos=h.dumps(infos))


@router.post("/keyframes_infos", summary="keyframes for add_keyframes")
def keyframes_infos(body: KeyframesInfosRequest, request: Request) -> dict:
    items = h.keyframes_infos(body.ctype, body.offsets, body.values,
                              [s.model_dump() for s in body.segment_infos], width=body.width, height=body.height)
    return ok(request, keyframes_infos=h.dumps(items))


@router.post("/video_infos", summary="video_infos for add_videos")
def video_infos(body: VideoInfosRequest, request: Request) -> dict:
    warnings: list[str] = []
    extras = body.model_dump(include={"mask", "transition", "transition_duration", "volume"})
    infos = h.video_infos(body.video_urls, _timelines(body.timelines), width=body.width, height=body.height,
                          extras=extras, warnings=warnings)
    return _reply(request, warnings, infos=h.dumps(infos))


@router.post("/get_url", summary="Identity: turns a multi-value output into a single value")
def get_url(body: GetUrlRequest, request: Request) -> dict:
    return ok(request, output=body.output)


@router.post("/str_to_list", summary="A string as a one-item list")
def str_to_list(body: StrToListRequest, request: Request) -> dict:
    return ok(request, infos=[body.obj])


@router.post("/str_list_to_objs", summary="[s] → [{output: s}]")
def str_list_to_objs(body: StrListToObjsRequest, request: Request) -> dict:
    return ok(request, infos=h.str_list_to_objs(body.infos))


@router.post("/objs_to_str_list", summary="[{output: s}] → [s]")
def objs_to_str_list(body: ObjsToStrListRequest, request: Request) -> dict:
    return ok(request, infos=h.objs_to_str_list([o.model_dump() for o in body.outputs]))


@router.post("/search_sticker", summary="Sticker search (catalogue not available: always empty)",
             description="capcut-mate searches its config/sticker.json; that catalogue is not shipped "
                         "here, so `data` is always `[]` and `note` says why (README \"Catalogue\").")
def search_sticker(body: SearchStickerRequest, request: Request) -> dict:
    return ok(request, data=[], note=STICKER_NOTE[language(request)])
