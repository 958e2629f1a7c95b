"""Typed errors raised by library code; the API maps them onto the contract's envelope.

Codes are capcut-mate's numeric codes (capcut-mate.md §2) so existing clients keep working.
A detail can be given in both languages; the API picks one by ``Accept-Language``.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorKind:
    """One row of the error table: numeric code, symbol, texts and HTTP status."""

    code: int
    symbol: str
    zh: str
    en: str
    status: int


_KINDS = [
    ErrorKind(1001, "VALIDATION_ERROR", "参数校验失败", "Parameter validation failed", 400),
    ErrorKind(1002, "RESOURCE_NOT_FOUND", "资源不存在", "Resource not found", 404),
    ErrorKind(2001, "INVALID_DRAFT_URL", "无效的草稿URL", "Invalid draft URL", 400),
    ErrorKind(2002, "DRAFT_CREATE_FAILED", "草稿创建失败", "Draft creation failed", 500),
    ErrorKind(2003, "INVALID_VIDEO_INFO", "无效的视频信息", "Invalid video information", 400),
    ErrorKind(2004, "FILE_SIZE_LIMIT", "文件大小超出限制", "File size exceeds limit", 400),
    ErrorKind(2005, "DOWNLOAD_FAILED", "素材无法访问", "Material inaccessible", 400),
    ErrorKind(2006, "VIDEO_ADD_FAILED", "视频添加失败", "Failed to add video", 400),
    ErrorKind(2007, "INVALID_AUDIO_INFO", "无效的音频信息", "Invalid audio information", 400),
    ErrorKind(2008, "AUDIO_ADD_FAILED", "音频添加失败", "Failed to add audio", 400),
    ErrorKind(2009, "INVALID_IMAGE_INFO", "无效的图片信息", "Invalid image information", 400),
    ErrorKind(2010, "IMAGE_ADD_FAILED", "图片添加失败", "Failed to add image", 400),
    ErrorKind(2011, "INVALID_STICKER_INFO", "无效的贴纸信息", "Invalid sticker information", 400),
    ErrorKind(2012, "STICKER_ADD_FAILED", "贴纸添加失败", "Failed to add sticker", 400),
    ErrorKind(2013, "INVALID_KEYFRAME_INFO", "无效的关键帧信息", "Invalid keyframe information", 400),
    ErrorKind(2014, "KEYFRAME_ADD_FAILED", "关键帧添加失败", "Failed to add keyframes", 500),
    ErrorKind(2015, "SEGMENT_NOT_FOUND", "片段不存在", "Segment not found", 404),
    ErrorKind(2016, "INVALID_SEGMENT_TYPE", "片段类型无效", "Invalid segment type", 400),
    ErrorKind(2018, "INVALID_CAPTION_INFO", "无效的字幕信息", "Invalid caption information", 400),
    ErrorKind(2019, "CAPTION_ADD_FAILED", "字幕添加失败", "Failed to add captions", 400),
    ErrorKind(2020, "INVALID_EFFECT_INFO", "无效的特效信息", "Invalid effect information", 400),
    ErrorKind(2021, "EFFECT_ADD_FAILED", "特效添加失败", "Failed to add effects", 400),
    ErrorKind(2022, "EFFECT_NOT_FOUND", "特效不存在", "Effect not found", 404),
    ErrorKind(2023, "INVALID_MASK_INFO", "无效的蒙版信息", "Invalid mask information", 400),
    ErrorKind(2024, "MASK_ADD_FAILED", "蒙版添加失败", "Failed to add mask", 400),
    ErrorKind(2025, "MASK_NOT_FOUND", "蒙版不存在", "Mask not found", 404),
    ErrorKind(2028, "MATERIAL_CREATE_FAILED", "素材创建失败", "Material creation failed", 400),
    ErrorKind(2029, "TEXT_ANIMATION_GET_FAILED", "获取文字动画失败", "Failed to get text animations", 400),
    ErrorKind(2030, "VIDEO_SUBMIT_FAILED", "视频生成任务提交失败", "Video generation task submission failed", 500),
    ErrorKind(2031, "VIDEO_TASK_NOT_FOUND", "视频生成任务未找到", "Video generation task not found", 404),
    ErrorKind(2032, "VIDEO_STATUS_QUERY_FAILED", "视频任务状态查询失败", "Video task status query failed", 500),
    ErrorKind(2033, "IMAGE_ANIMATION_GET_FAILED", "获取图片动画失败", "Failed to get image animations", 400),
    ErrorKind(2034, "AUDIO_DURATION_FAILED", "获取音频时长失败", "Failed to get audio duration", 400),
    ErrorKind(2037, "INVALID_FILTER_INFO", "无效的滤镜信息", "Invalid filter information", 400),
    ErrorKind(2038, "FILTER_ADD_FAILED", "滤镜添加失败", "Failed to add filters", 400),
    ErrorKind(2039, "FILTER_NOT_FOUND", "滤镜不存在", "Filter not found", 404),
    ErrorKind(2040, "FILTER_LIST_FAILED", "获取滤镜列表失败", "Failed to get filter list", 400),
    ErrorKind(2041, "EFFECT_LIST_FAILED", "获取特效列表失败", "Failed to get effect list", 400),
    ErrorKind(2042, "DRAFT_LOCK_TIMEOUT", "草稿正忙，请稍后重试", "Draft is busy, please retry later", 503),
    ErrorKind(2001, "DRAFT_NOT_FOUND", "草稿不存在", "Draft does not exist", 404),
    ErrorKind(2044, "DRAFT_CONTENT_INVALID", "草稿内容无效", "Draft content is invalid", 400),
    ErrorKind(2050, "VIDEO_RENDER_FAILED", "视频渲染失败", "Video rendering failed", 500),
    ErrorKind(2051, "AUDIO_PROCESSING_FAILED", "音频处理失败", "Audio processing failed", 500),
    ErrorKind(2052, "ENCODING_FAILED", "编码失败", "Encoding failed", 500),
    ErrorKind(2053, "MATERIAL_MISSING", "素材文件缺失", "Material file missing", 400),
    ErrorKind(2054, "DRAFT_EMPTY", "草稿内容为空", "Draft content is empty", 400),
    ErrorKind(2001, "DRAFT_URL_REQUIRED", "draft_url是必填项", "draft_url is required", 400),
    ErrorKind(2001, "DRAFT_URL_INVALID", "draft_url格式无效", "Invalid draft_url format", 400),
    ErrorKind(2055, "SERVICE_BUSY", "服务繁忙", "Service busy", 503),
    ErrorKind(2056, "PROCESSING_TIMEOUT", "处理超时", "Processing timeout", 504),
    ErrorKind(2057, "TASK_CANCELLED", "任务已取消", "Task cancelled", 409),
    ErrorKind(2058, "OUTPUT_STORAGE_FAILED", "视频文件保存失败", "Failed to store the video file", 500),
    ErrorKind(9998, "INTERNAL_ERROR", "内部错误", "Internal error", 500),
    ErrorKind(9999, "UNKNOWN_ERROR", "未知错误", "Unknown error", 500),
]

ERROR_KINDS: dict[str, ErrorKind] = {k.symbol: k for k in _KINDS}
_BY_CODE: dict[int, ErrorKind] = {}
for _k in _KINDS:
    _BY_CODE.setdefault(_k.code, _k)


class ServiceError(Exception):
    """An error with a capcut-mate code (or a symbol) and an optional bilingual detail."""

    def __init__(
        self,
        code: int | str,
        detail: str | None = None,
        detail_en: str | None = None,
        *,
        status: int | None = None,
    ) -> None:
        kind = ERROR_KINDS.get(code) if isinstance(code, str) else _BY_CODE.get(code)
        if kind is None:
            raise ValueError(f"unknown error code {code!r}")
        self.kind = kind
        self.code = kind.code
        self.detail = detail
        self.detail_en = detail_en if detail_en is not None else detail
        self.status = status or self.kind.status
        super().__init__(self.text("en"))

    def base(self, lang: str) -> str:
        """The code's base message in ``lang``."""
        return self.kind.en if lang == "en" else self.kind.zh

    def detail_text(self, lang: str) -> str | None:
        return self.detail_en if lang == "en" else self.detail

    def text(self, lang: str) -> str:
        """Full message: base text plus ``: detail`` when there is one."""
        detail = self.detail_text(lang)
        return f"{self.base(lang)}: {detail}" if detail else self.base(lang)


def draft_not_found(draft_id: str) -> ServiceError:
    """The one error for a draft id that has no folder on disk."""
    return ServiceError("DRAFT_NOT_FOUND", draft_id)
