"""The render plan: pure, frozen data saying what is on screen and in the speakers at each instant.

Times are integer µs on the draft's timeline (converted to frame/sample indices by the renderer
through ``RenderPlan.frame_time_us``). Positions use JianYing's units: x/y in half-canvas units
with y up, scale 1.0 = the material's fitted size, rotation in degrees clockwise.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from fractions import Fraction


@dataclass(frozen=True)
class Warning_:
    """A draft feature that was not reproduced exactly, and what was done instead."""

    kind: str  # transition | animation | mask | filter | effect | font | text | sticker | audio | ...
    name: str
    segment_id: str
    action: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Keyframe:
    offset_us: int  # from the segment's target start
    value: float


@dataclass(frozen=True)
class Transform:
    """A visual segment's placement (clip) before keyframes and animations."""

    x: float = 0.0
    y: float = 0.0
    scale_x: float = 1.0
    scale_y: float = 1.0
    rotation: float = 0.0
    alpha: float = 1.0
    flip_h: bool = False
    flip_v: bool = False


@dataclass(frozen=True)
class Crop:
    """Material crop as fractions of its width/height (axis-aligned bounding box of the quad)."""

    left: float = 0.0
    top: float = 0.0
    right: float = 1.0
    bottom: float = 1.0

    @property
    def is_full(self) -> bool:
        return (self.left, self.top, self.right, self.bottom) == (0.0, 0.0, 1.0, 1.0)


@dataclass(frozen=True)
class Animation:
    """An in/out/loop(group) animation, by JianYing name, lowered to a family the renderer knows."""

    type: str  # in | out | loop
    name: str
    family: str  # fade | zoom_in | zoom_out | slide_left/right/up/down | rotate | pulse | none
    start_us: int  # relative to the segment start
    duration_us: int


@dataclass(frozen=True)
class Mask:
    """A mask in material-relative units (capcut-mate.md §4.9)."""

    shape: str  # line | mirror | circle | rectangle | heart | star
    center_x: float
    center_y: float
    width: float
    height: float
    rotation: float = 0.0
    feather: float = 0.0
    round_corner: float = 0.0
    invert: bool = False


@dataclass(frozen=True)
class Shadow:
    color: tuple[float, float, float]
    alpha: float
    angle: float  # degrees, JianYing convention (−45 = down-right)
    distance: float  # JianYing units (≈ 1/100 em... see render/text)
    diffuse: float  # blur, 0–1 (UI diffuse / 100 / 6)


@dataclass(frozen=True)
class TextStyle:
    """Styling of the characters [start, end) (Python str indices into TextSpec.text)."""

    start: int
    end: int
    size: float  # JianYing font size units; px per em = size × canvas_width × 0.00625
    color: tuple[float, float, float] = (1.0, 1.0, 1.0)
    alpha: float = 1.0
    bold: bool = False
    italic: bool = False
    underline: bool = False
    stroke_color: tuple[float, float, float] | None = None
    stroke_width: float = 0.0  # JianYing units (0.08 = capcut-mate's default stroke)
    shadow: Shadow | None = None
    font_id: str = ""


@dataclass(frozen=True)
class TextSpec:
    """Everything needed to rasterise a text material once."""

    text: str
    styles: tuple[TextStyle, ...]
    alignment: int = 1  # 0 left, 1 centre, 2 right
    vertical: bool = False
    letter_spacing: float = 0.0  # em fraction (capcut-mate: API value × 0.05)
    line_spacing: float = 0.02  # em fraction added between lines
    line_max_width: float = 0.82  # fraction of canvas width, for auto wrap
    auto_wrap: bool = True
    global_alpha: float = 1.0


@dataclass(frozen=True)
class TransitionWindow:
    """A transition between this layer and its neighbour, centred on the cut."""

    role: str  # "out" (this layer ends in it) or "in" (this layer starts in it)
    name: str
    family: str  # dissolve | black | white | slide_left/right/up/down | wipe_left/... | zoom
    start_us: int  # absolute timeline window
    end_us: int


@dataclass(frozen=True)
class VisualLayer:
    """One visual segment, with everything per-frame rendering needs."""

    segment_id: str
    kind: str  # video | photo | text | sticker
    order: tuple[int, int, int]  # (render_index, track position, segment position): draw ascending
    start_us: int  # visible window on the timeline (transitions included)
    end_us: int
    target_start_us: int  # the segment's own target range (keyframe/animation offsets are from here)
    target_end_us: int
    source_path: str = ""
    source_start_us: int = 0
    source_end_us: int = 0
    speed: float = 1.0
    material_width: int = 0
    material_height: int = 0
    crop: Crop = Crop()
    transform: Transform = Transform()
    keyframes: tuple[tuple[str, tuple[Keyframe, ...]], ...] = ()
    animations: tuple[Animation, ...] = ()
    mask: Mask | None = None
    text: TextSpec | None = None
    transitions: tuple[TransitionWindow, ...] = ()
    adjustments: tuple[tuple[str, float], ...] = ()  # brightness/contrast/saturation/... deltas

    def keyframe_list(self, prop: str) -> tuple[Keyframe, ...]:
        for name, frames in self.keyframes:
            if name == prop:
                return frames
        return ()


@dataclass(frozen=True)
class AudioClip:
    """One audible segment (audio, or a video's own sound)."""

    segment_id: str
    source_path: str
    target_start_us: int
    target_end_us: int
    source_start_us: int
    speed: float = 1.0
    volume: float = 1.0
    fade_in_us: int = 0
    fade_out_us: int = 0
    volume_keyframes: tuple[Keyframe, ...] = ()
    crossfades: tuple[TransitionWindow, ...] = ()


@dataclass(frozen=True)
class RenderPlan:
    """The whole render: canvas, frame rate, layers, audio clips and warnings."""

    width: int
    height: int
    fps: Fraction
    duration_us: int
    layers: tuple[VisualLayer, ...]
    audio: tuple[AudioClip, ...]
    warnings: tuple[Warning_, ...] = field(default=())
    sample_rate: int = 48000

    @property
    def frame_count(self) -> int:
        """Frames covering the duration (the last partial frame counts)."""
        return -(-self.duration_us * self.fps.numerator // (1_000_000 * self.fps.denominator))

    def frame_time_us(self, index: int) -> int:
        """Timeline time of frame ``index`` (its start), µs."""
        return index * 1_000_000 * self.fps.denominator // self.fps.numerator

    def to_dict(self) -> dict:
        data = asdict(self)
        data["fps"] = str(self.fps)
        return data
