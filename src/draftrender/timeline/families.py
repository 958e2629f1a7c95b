"""Lower JianYing animation and transition names to the families the renderer draws.

JianYing's catalogue has hundreds of named effects whose exact look lives in its resource
packs. We reproduce a few exactly (渐显/渐隐 fades, 叠化 cross-dissolve, 闪黑/闪白) and map the rest
by the words in their names to a close family; every approximation is reported as a warning.
"""
from __future__ import annotations

EXACT_ANIMATIONS = {"渐显": "fade", "渐隐": "fade"}
EXACT_TRANSITIONS = {"叠化": "dissolve", "闪黑": "black", "闪白": "white"}

# (words in the name, family), first match wins.
ANIMATION_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("向左", "左移", "左滑", "左入", "左出"), "slide_left"),
    (("向右", "右移", "右滑", "右入", "右出"), "slide_right"),
    (("向上", "上移", "上滑", "上升", "弹入"), "slide_up"),
    (("向下", "下移", "下滑", "下降", "下落"), "slide_down"),
    (("旋转", "转入", "转出", "翻转"), "rotate"),
    (("放大",), "zoom_in"),
    (("缩小",), "zoom_out"),
    (("缩放", "呼吸", "心跳", "跳动", "弹", "晃"), "pulse"),
    (("渐", "模糊", "溶解", "淡"), "fade"),
)

TRANSITION_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("擦除",), "wipe"),
    (("向左", "左移"), "slide_left"),
    (("向右", "右移"), "slide_right"),
    (("向上", "上移"), "slide_up"),
    (("向下", "下移"), "slide_down"),
    (("推近", "拉远", "放大", "缩小", "拉伸", "zoom"), "zoom"),
    (("黑",), "black"),
    (("白", "闪光", "光"), "white"),
)


def animation_family(name: str, anim_type: str) -> tuple[str, bool]:
    """(family, exact) for an animation name; unknown names approximate as a fade (loops: none)."""
    if name in EXACT_ANIMATIONS:
        return EXACT_ANIMATIONS[name], True
    for words, family in ANIMATION_RULES:
        if any(w in name for w in words):
            if anim_type == "loop":  # loops repeat: the renderer draws them as a gentle pulse
                return ("none" if family == "rotate" else "pulse"), False
            return family, False
    return ("none" if anim_type == "loop" else "fade"), False


def transition_family(name: str) -> tuple[str, bool]:
    """(family, exact) for a transition name; unknown names approximate as a cross-dissolve."""
    if name in EXACT_TRANSITIONS:
        return EXACT_TRANSITIONS[name], True
    for words, family in TRANSITION_RULES:
        if any(w in name for w in words):
            return family, False
    return "dissolve", False


# Filter names → colour adjustments at intensity 1 (brightness/contrast/saturation, −1..1).
FILTER_RULES: tuple[tuple[tuple[str, ...], tuple[tuple[str, float], ...]], ...] = (
    (("黑白", "黑金", "灰", "默片", "B&W", "Mono"), (("saturation", -1.0),)),
    (("褪色", "淡", "灰调", "雾", "低饱和"), (("saturation", -0.4), ("contrast", -0.15))),
    (("鲜", "艳", "浓", "饱和"), (("saturation", 0.35),)),
    (("亮", "白皙", "晴", "清新", "奶油"), (("brightness", 0.12), ("saturation", 0.1))),
    (("暗", "夜", "黑", "暮"), (("brightness", -0.15), ("contrast", 0.1))),
    (("胶片", "复古", "港风", "怀旧", "老"), (("saturation", -0.25), ("contrast", 0.12))),
)


def filter_adjustments(name: str, intensity: float) -> tuple[tuple[str, float], ...] | None:
    """Approximate colour adjustments for a filter by name, scaled by intensity; None if unknown."""
    for words, adjust in FILTER_RULES:
        if any(w in name for w in words):
            return tuple((k, v * intensity) for k, v in adjust)
    return None
