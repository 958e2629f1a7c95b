"""The JianYing catalogue (names of transitions, animations, filters, effects, fonts...).

Source: ``data/jianying-names.json`` (name, VIP flag and, for timed items, default duration).
That file carries no JianYing resource/effect ids; the few ids known from capcut-mate's own
drafts are filled in below, every other entry is written with empty ids (JianYing then shows
the item by name only; our renderer works by name). See README "Catalogue".
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

KINDS = {
    "filter": "filter_meta:FilterType",
    "font": "font_meta:FontType",
    "mix_mode": "mix_mode_meta:MixModeType",
    "speech_to_song": "speech_to_song:SpeechToSongType",
    "text_in": "text_intro:TextIntro",
    "text_loop": "text_loop:TextLoopAnim",
    "text_out": "text_outro:TextOutro",
    "tone": "tone_effect:ToneEffectType",
    "transition": "transition_meta:TransitionType",
    "character_effect": "video_character_effect:VideoCharacterEffectType",
    "video_group": "video_group_animation:GroupAnimationType",
    "video_in": "video_intro:IntroType",
    "video_out": "video_outro:OutroType",
    "scene_effect": "video_scene_effect:VideoSceneEffectType",
}

# (kind, name) -> (resource_id, effect_id), as they appear in drafts capcut-mate wrote.
KNOWN_IDS = {
    ("transition", "叠化"): ("6724845717472416269", "322577"),
    ("video_in", "渐显"): ("6798320778182922760", "624705"),
    ("video_out", "渐隐"): ("6798320902548230669", "624707"),
    ("video_group", "缩放"): ("6759078592740594184", "446078"),
    ("text_in", "渐显"): ("6724916044072227332", "1644304"),
    ("text_out", "渐隐"): ("6724919382104871427", "1644600"),
    ("text_loop", "彩虹"): ("6908592625406710280", "990096"),
}

# Transitions whose clips overlap in JianYing (the rest cut through black/white/etc.).
NON_OVERLAP_TRANSITIONS = {"闪黑", "闪白", "向左", "向右", "向上", "向下", "推近", "拉远"}


@dataclass(frozen=True)
class Entry:
    """One catalogue item."""

    kind: str
    name: str
    vip: bool
    default_duration_us: int | None
    resource_id: str
    effect_id: str

    @property
    def is_overlap(self) -> bool:
        return self.name not in NON_OVERLAP_TRANSITIONS


def _norm(name: str) -> str:
    return re.sub(r"[\s_]+", "", name).lower()


@lru_cache(maxsize=1)
def _raw() -> dict:
    text = resources.files("draftrender").joinpath("data/jianying-names.json").read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=None)
def entries(kind: str) -> tuple[Entry, ...]:
    """All items of a kind, in catalogue order."""
    out = []
    for item in _raw()[KINDS[kind]]:
        dur = item.get("default_duration_s")
        rid, eid = KNOWN_IDS.get((kind, item["name"]), ("", ""))
        out.append(Entry(kind, item["name"], bool(item.get("vip")),
                         int(round(dur * 1_000_000)) if dur is not None else None, rid, eid))
    return tuple(out)


@lru_cache(maxsize=None)
def _index(kind: str) -> tuple[dict[str, Entry], dict[str, Entry]]:
    exact = {e.name: e for e in entries(kind)}
    loose = {}
    for e in entries(kind):
        loose.setdefault(_norm(e.name), e)
    return exact, loose


def find(kind: str, name: str | None, *, loose: bool = False) -> Entry | None:
    """Look ``name`` up by exact display name (or ignoring case/space/underscore if ``loose``)."""
    if not name:
        return None
    exact, norm = _index(kind)
    hit = exact.get(name)
    if hit is None and loose:
        hit = norm.get(_norm(name))
    return hit


def by_mode(kind: str, mode: int) -> list[Entry]:
    """Filter by capcut-mate's ``mode``: 0 all, 1 VIP only, 2 free only."""
    items = entries(kind)
    if mode == 1:
        return [e for e in items if e.vip]
    if mode == 2:
        return [e for e in items if not e.vip]
    return list(items)
