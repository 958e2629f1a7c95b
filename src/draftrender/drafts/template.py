"""A new, empty JianYing 5.9-era draft (``version 360000``), shaped like capcut-mate's output.

JianYing reads plain drafts of this schema; the key set follows capcut-mate.md §4.1 so a draft
made here and one made by capcut-mate are interchangeable.
"""
from __future__ import annotations

import time
import uuid

from .ids import new_id

MATERIAL_LISTS = (
    "ai_translates", "audio_balances", "audio_effects", "audio_fades", "audio_track_indexes",
    "audios", "beats", "canvases", "chromas", "color_curves", "digital_humans", "drafts",
    "effects", "flowers", "green_screens", "handwrites", "hsl", "huazi", "images",
    "log_color_wheels", "loudnesses", "manual_deformations", "masks", "material_animations",
    "material_colors", "multi_language_refs", "placeholder_infos", "placeholders",
    "plugin_effects", "primary_color_wheels", "realtime_denoises", "shapes", "smart_crops",
    "smart_relights", "sound_channel_mappings", "speeds", "stickers", "tail_leaders",
    "text_templates", "texts", "time_marks", "transitions", "video_effects", "video_trackings",
    "videos", "vocal_beautifys", "vocal_separations",
)

KEYFRAME_LISTS = ("adjusts", "audios", "effects", "filters", "handwrites", "stickers", "texts", "videos")


def _platform() -> dict:
    return {
        "app_id": 3704, "app_source": "lv", "app_version": "5.9.0",
        "device_id": uuid.uuid4().hex, "hard_disk_id": uuid.uuid4().hex,
        "mac_address": uuid.uuid4().hex, "os": "mac", "os_version": "14.5",
    }


def _config() -> dict:
    return {
        "adjust_max_index": 1, "attachment_info": [], "combination_max_index": 1,
        "export_range": None, "extract_audio_last_index": 1, "lyrics_recognition_id": "",
        "lyrics_sync": True, "lyrics_taskinfo": [], "maintrack_adsorb": False,
        "material_save_mode": 0, "multi_language_current": "none", "multi_language_list": [],
        "multi_language_main": "none", "multi_language_mode": "none",
        "original_sound_last_index": 1, "record_audio_last_index": 1, "sticker_max_index": 1,
        "subtitle_keywords_config": None, "subtitle_recognition_id": "", "subtitle_sync": True,
        "subtitle_taskinfo": [], "system_font_list": [], "video_mute": False,
        "zoom_info_params": None,
    }


def empty_track(track_type: str, name: str, *, default_name_flag: bool = True) -> dict:
    """A track with no segments."""
    track = {"attribute": 0, "flag": 0, "id": new_id(), "name": name, "type": track_type, "segments": []}
    if default_name_flag:
        track["is_default_name"] = False
    return track


def new_draft_content(width: int, height: int, fps: int = 30) -> dict:
    """The draft_content.json of a new draft: canvas, empty lists, two empty main tracks.

    capcut-mate's template already holds one ``main_track`` and create_draft adds another;
    both are kept so drafts made here match drafts made there track for track.
    """
    platform = _platform()
    return {
        "canvas_config": {"width": width, "height": height, "ratio": "original"},
        "color_space": -1,
        "config": _config(),
        "cover": None,
        "create_time": 0,
        "duration": 0,
        "extra_info": None,
        "fps": fps,
        "free_render_index_mode_on": False,
        "group_container": None,
        "id": str(uuid.uuid4()).upper(),
        "is_drop_frame_timecode": False,
        "keyframe_graph_list": [],
        "keyframes": {k: [] for k in KEYFRAME_LISTS},
        "lyrics_effects": [],
        "materials": {k: [] for k in MATERIAL_LISTS},
        "mutable_config": None,
        "name": "",
        "new_version": "110.0.0",
        "path": "",
        "relationships": [],
        "render_index_track_mode_on": True,
        "retouch_cover": None,
        "source": "default",
        "static_cover_image_path": "",
        "time_marks": None,
        "tracks": [
            empty_track("video", "main_track", default_name_flag=False),
            empty_track("video", "main_track"),
        ],
        "update_time": 0,
        "version": 360000,
        "platform": platform,
        "last_modified_platform": dict(platform),
    }


def new_meta_info(draft_id: str, folder: str, root: str, duration_us: int = 0) -> dict:
    """draft_meta_info.json: what JianYing's draft list reads (name, folder, times)."""
    now_us = int(time.time() * 1_000_000)
    return {
        "cloud_package_completed_time": "", "draft_cloud_capcut_purchase_info": "",
        "draft_cloud_last_action_download": False, "draft_cloud_materials": [],
        "draft_cloud_purchase_info": "", "draft_cloud_template_id": "",
        "draft_cloud_tutorial_info": "", "draft_cloud_videocut_purchase_info": "",
        "draft_cover": "draft_cover.jpg", "draft_deeplink_url": "",
        "draft_enterprise_info": {"draft_enterprise_extra": "", "draft_enterprise_id": "",
                                  "draft_enterprise_name": "", "enterprise_material": []},
        "draft_fold_path": folder, "draft_id": str(uuid.uuid4()).upper(),
        "draft_is_ai_packaging_used": False, "draft_is_ai_shorts": False,
        "draft_is_ai_translate": False, "draft_is_article_video_draft": False,
        "draft_is_from_deeplink": "false", "draft_is_invisible": False,
        "draft_materials": [{"type": t, "value": []} for t in (0, 1, 2, 3, 6, 7, 8)],
        "draft_materials_copied_info": [], "draft_name": draft_id, "draft_new_version": "",
        "draft_removable_storage_device": "", "draft_root_path": root,
        "draft_segment_extra_info": [], "draft_timeline_materials_size_": 0, "draft_type": "",
        "tm_draft_cloud_completed": "", "tm_draft_cloud_modified": 0,
        "tm_draft_create": now_us, "tm_draft_modified": now_us, "tm_draft_removed": 0,
        "tm_duration": duration_us,
    }


STATIC_FILES = {
    "draft_agency_config.json": {"marterials": None, "use_converter": False, "video_resolution": 720},
    "attachment_pc_common.json": {"pc_feature_flag": 0, "template_item_infos": [], "unlock_template_ids": []},
}
