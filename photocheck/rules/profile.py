"""Exam profiles: TOML files in resources/profiles -> frozen dataclasses, validated on load.

Every exam rule lives in the profile; code only knows how to measure. Unknown keys are errors so a
typo in a profile cannot silently fall back to a default.
"""

from __future__ import annotations

import dataclasses
import functools
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from photocheck.errors import ProfileError
from photocheck.io.resources import resource_path
from photocheck.rules.materials import FORMATS_RULE, MaterialsSpec
from photocheck.rules.schema import LOADER, Rule, SchemaError, band, build, listing, num, text

SCHEMA = 1


@dataclass(frozen=True)
class InputRules:
    """Limits every input file (photo, material image, PDF) is checked against before decoding."""

    max_megapixels: float = field(metadata=num(1, 1000))
    analysis_side: int = field(metadata=num(256, 4096))
    max_file_megabytes: float = field(metadata=num(1, 4000))
    max_aspect_ratio: float = field(metadata=num(2, 1000))  # long side / short side

    @property
    def max_pixels(self) -> int:
        return int(self.max_megapixels * 1_000_000)

    @property
    def max_bytes(self) -> int:
        return int(self.max_file_megabytes * 1_000_000)


@dataclass(frozen=True)
class OutputRules:
    RANGE: ClassVar[Rule] = num(1, 100)  # the JPEG qualities
    max_bytes: int = field(metadata=num(1000, None))
    formats: tuple[str, ...] = field(metadata=FORMATS_RULE)
    progressive: bool
    subsampling: str = field(metadata=text(choices=("4:2:0", "4:2:2", "4:4:4")))
    max_quality: int
    min_quality: int
    floor_quality: int
    max_upscale: float = field(metadata=num(1.0, 4.0))
    quiet_upscale: float = field(metadata=num(1.0, 4.0))  # up to this the enlargement is not worth a warning
    original_quality: int
    strip_metadata: bool
    min_bytes: int = field(default=0, metadata=num(0, None))
    width: int | None = field(default=None, metadata=num(16, 10000))
    height: int | None = field(default=None, metadata=num(16, 10000))
    min_width: int | None = field(default=None, metadata=num(16, 10000))
    min_height: int | None = field(default=None, metadata=num(16, 10000))

    @property
    def exact_size(self) -> tuple[int, int] | None:
        return (self.width, self.height) if self.width and self.height else None


@dataclass(frozen=True)
class Geometry:
    head_height: tuple[float, float] = field(metadata=band(0.05, 1.0))
    head_height_target: float = field(metadata=num(0.05, 1.0))
    crown_margin: tuple[float, float] = field(metadata=band(0.0, 0.6))
    crown_margin_target: float = field(metadata=num(0.0, 0.6))
    eye_line: tuple[float, float] = field(metadata=band(0.0, 1.0))
    center_tolerance: float = field(metadata=num(0.0, 0.5))
    chin_margin: float = field(metadata=num(0.0, 0.5))


@dataclass(frozen=True)
class FaceCountRules:
    RANGE: ClassVar[Rule] = num(0.0, 1.0)
    min_score: float
    min_relative_area: float
    full_range_below: float


@dataclass(frozen=True)
class FaceCompleteRules:
    edge_margin: float = field(metadata=num(0.0, 1.0))


@dataclass(frozen=True)
class PoseRules:
    RANGE: ClassVar[Rule] = num(0, 90)  # degrees
    max_yaw: float
    warn_yaw: float
    max_pitch: float
    warn_pitch: float
    max_roll: float
    tolerance_roll: float


@dataclass(frozen=True)
class EyesRules:
    RANGE: ClassVar[Rule] = num(0.0, 1.0)
    min_openness: float
    warn_openness: float


@dataclass(frozen=True)
class MouthRules:
    RANGE: ClassVar[Rule] = num(0.0, 1.0)
    max_openness: float
    warn_openness: float


@dataclass(frozen=True)
class OcclusionRules:
    """face.occlusion's limits, and the measure's own thresholds (photocheck.vision.occlusion.OcclusionParams,
    same field names)."""

    max_foreign_share: float = field(metadata=num(0.0, 1.0))  # foreign piece of the lower face above this fails
    warn_foreign_share: float = field(metadata=num(0.0, 1.0))  # ...above this warns
    min_lip_redness: float = field(metadata=num(-100, 100))  # lips less red than the cheeks by more: covered
    warn_lip_redness: float = field(metadata=num(-100, 100))
    min_lip_contrast: float = field(metadata=num(0, 100))  # lips closer to the skin around them: covered
    warn_lip_contrast: float = field(metadata=num(0, 100))
    max_eye_hair: float = field(metadata=num(0.0, 1.0))  # an eye's columns filled with hair above this share fails
    warn_eye_hair: float = field(metadata=num(0.0, 1.0))
    min_eye_contrast: float = field(metadata=num(0.0, 1.0))  # an eye's darkest pixels nearer the skin's L: covered
    warn_eye_contrast: float = field(metadata=num(0.0, 1.0))
    max_chin_cover: float = field(metadata=num(0.0, 100))  # line across the chin / jaw line's contrast: above fails
    warn_chin_cover: float = field(metadata=num(0.0, 100))
    skin_chroma: float = field(metadata=num(0, 100))
    skin_brighter: float = field(metadata=num(0, 100))
    hair_distance: float = field(metadata=num(0, 100))
    hair_texture: float = field(metadata=num(0, 100))
    texture_window: float = field(metadata=num(0.0, 0.5))
    hair_gap: float = field(metadata=num(0.0, 1.0))
    hair_min_share: float = field(metadata=num(0.0, 1.0))
    sample_radius: float = field(metadata=num(0.0, 0.5))
    opening: float = field(metadata=num(0.0, 0.5))
    oval_shrink: float = field(metadata=num(0.1, 1.0))
    lip_ring: tuple[float, float] = field(metadata=band(1.0, 3.0))
    eye_above: float = field(metadata=num(0.0, 0.5))
    eye_below: float = field(metadata=num(0.0, 0.5))
    eye_hair_match: float = field(metadata=num(0, 100))
    eye_hair_along: float = field(metadata=num(0.0, 1.0))
    eye_column_fill: float = field(metadata=num(0.0, 1.0))
    eye_dark_quantile: float = field(metadata=num(0.0, 0.5))
    hair_reach: float = field(metadata=num(0.0, 2.0))
    hair_bin: float = field(metadata=num(1, 50))
    jaw_offset: float = field(metadata=num(0.0, 0.5))
    chin_below: float = field(metadata=num(0.0, 0.5))
    crease_span: float = field(metadata=num(0.0, 0.5))

    def problems(self) -> Iterator[tuple[str, str]]:
        if self.warn_foreign_share > self.max_foreign_share:
            yield "warn_foreign_share", f"must not be above max_foreign_share ({self.max_foreign_share})"
        if self.warn_eye_hair > self.max_eye_hair:
            yield "warn_eye_hair", f"must not be above max_eye_hair ({self.max_eye_hair})"
        if self.warn_eye_contrast < self.min_eye_contrast:
            yield "warn_eye_contrast", f"must not be below min_eye_contrast ({self.min_eye_contrast})"
        if self.warn_chin_cover > self.max_chin_cover:
            yield "warn_chin_cover", f"must not be above max_chin_cover ({self.max_chin_cover})"
        for name, low in (("warn_lip_redness", self.min_lip_redness), ("warn_lip_contrast", self.min_lip_contrast)):
            if getattr(self, name) < low:
                yield name, f"must not be below {name.replace('warn', 'min')} ({low})"


@dataclass(frozen=True)
class SharpnessRules:
    RANGE: ClassVar[Rule] = num(0, None)
    min: float
    warn: float


@dataclass(frozen=True)
class ExposureRules:
    RANGE: ClassVar[Rule] = num(0, 255)  # luminance levels
    dark_luma: int  # a face pixel at or below this luminance is dark
    bright_luma: int  # ...at or above this, blown out
    max_dark_share: float = field(metadata=num(0.0, 1.0))
    max_bright_share: float = field(metadata=num(0.0, 1.0))
    face_luma: tuple[float, float] = field(metadata=band(0, 255))

    def problems(self) -> Iterator[tuple[str, str]]:
        if self.dark_luma >= self.bright_luma:
            yield "bright_luma", f"must be above dark_luma ({self.dark_luma})"


@dataclass(frozen=True)
class LightingRules:
    RANGE: ClassVar[Rule] = num(0.0, 1.0)
    warn_asymmetry: float
    max_asymmetry: float


@dataclass(frozen=True)
class ColorRules:
    min_chroma: float = field(metadata=num(0, 100))


@dataclass(frozen=True)
class BackgroundRules:
    white_luma: float = field(metadata=num(0, 255))
    white_chroma: float = field(metadata=num(0, 100))
    min_white_share: float = field(metadata=num(0.0, 1.0))
    max_std: float = field(metadata=num(0, 128))
    max_gradient: float = field(metadata=num(0, 128))


@dataclass(frozen=True)
class BackgroundCleanRules:
    """Thresholds of the remnant detector (photocheck.vision.remnants.RemnantParams)."""

    RANGE: ClassVar[Rule] = num(0.0, 1.0)  # shares

    nonwhite_distance: float = field(metadata=num(0, 100))
    seg_background: float
    seg_unsure: float
    colour_distance: float = field(metadata=num(0, 200))
    source_margin: float = field(metadata=num(0, 200))
    min_area: float
    opening: float = field(metadata=num(0.0, 0.1))
    pads: tuple[float, ...] = field(metadata=listing(1, **num(0.0, 1.0)))
    fade_rim: float = field(metadata=num(0.0, 0.2))
    group_gap: float = field(metadata=num(0.0, 0.1))
    skin_distance: float = field(metadata=num(0, 200))
    skin_sharpness: float = field(metadata=num(0.0, 10.0))
    skin_reblur: float = field(metadata=num(0.0, 0.1))
    skin_window: float = field(metadata=num(0.0, 0.1))
    skin_contrast: float = field(metadata=num(0.0, None))
    hue_distance: float = field(metadata=num(0, 180))
    hue_chroma: float = field(metadata=num(0, 200))
    hue_seg: float = field(metadata=num(0.0, 1.0))
    hue_rim: float = field(metadata=num(0.0, 1.0))
    hue_below: float = field(metadata=num(0.0, 1.0))
    hue_grow: float = field(metadata=num(0, 180))
    hue_face_share: float = field(metadata=num(0.0, 0.5))
    gap_chroma: float = field(metadata=num(0, 200))
    gap_light: float = field(metadata=num(0, 100))
    gap_hair_chroma: float = field(metadata=num(0, 200))
    gap_window: float = field(metadata=num(0.0, 0.5))
    gap_inside: float = field(metadata=num(0.0, 0.5))
    gap_rim: float = field(metadata=num(0.0, 0.5))
    gap_side: float = field(metadata=num(0.0, 0.5))
    gap_below: float = field(metadata=num(0.0, 2.0))
    gap_source: float = field(metadata=num(0, 200))
    gap_group: float = field(metadata=num(0.0, 0.1))
    runoff_hue: float = field(metadata=num(0, 180))
    runoff_chroma: float = field(metadata=num(0, 200))
    runoff_grow: float = field(metadata=num(0, 180))
    runoff_band: float = field(metadata=num(0.0, 0.5))
    runoff_below: float = field(metadata=num(0.0, 2.0))
    runoff_margin: float = field(metadata=num(0, 200))
    runoff_reach: float = field(metadata=num(0.0, 0.5))
    runoff_seg: float = field(metadata=num(0.0, 1.0))
    runoff_min_area: float = field(metadata=num(0.0, 1.0))
    grey_seg: float = field(metadata=num(0.0, 1.0))
    grey_share: float = field(metadata=num(0.0, 1.0))
    edge_inside: float = field(metadata=num(0.0, 1.0))
    edge_min_area: float = field(metadata=num(0.0, 1.0))
    replaced_white_share: float


@dataclass(frozen=True)
class CompositeRules:
    """photocheck.vision.person.CompositeParams, field for field."""

    RANGE: ClassVar[Rule] = num(0, None)

    sure_alpha: float
    window: float
    work_long_side: int = field(metadata=num(1, None))
    rim: float
    rim_contrast: float
    rim_residual: float
    rim_chroma: float


@dataclass(frozen=True)
class MatteRules:
    """photocheck.vision.person.MatteParams, field for field, and the composite's rules."""

    RANGE: ClassVar[Rule] = num(0, None)

    work_long_side: int = field(metadata=num(1, None))
    grabcut_iterations: int = field(metadata=num(1, None))
    fg_threshold: float
    sure_prob: float
    core_erosion: float
    face_core: float
    bg_distance: float
    bottom_band: float
    max_hole_area: float
    edge_radius: float
    edge_eps: float
    edge_band: float
    alpha_low: float
    alpha_high: float
    guide_long_side: int = field(metadata=num(1, None))
    head_widen: float
    neck_widen: float
    side_band: float
    shoulder_drop: float
    side_drop: float
    decide_side: float = field(metadata=num(0, 0.5))
    hair_above: float
    sample_panel: int = field(metadata=num(1, None))
    sample_side: int = field(metadata=num(1, None))
    sample_far: float
    sample_background: float
    sample_sure: float
    decide_band: float
    decide_bias: float
    unsure_bias: float
    foreign_loglik: float = field(metadata=num(None, 0))
    model_spread: float
    decide_sure: float = field(metadata=num(0, 1))
    decide_doubt: float = field(metadata=num(0, 1))
    pocket_bias: float = field(metadata=num(0, None))
    pocket_median: float = field(metadata=num(0, None))
    pocket_doubt: float = field(metadata=num(0, 1))
    pocket_drop: float
    pocket_depth: float = field(metadata=num(0, 0.5))
    pocket_grow: float = field(metadata=num(0, 0.5))
    pocket_min_area: float = field(metadata=num(0, 1))
    veil_residual: float = field(metadata=num(0, 1))
    veil_depth: float = field(metadata=num(0, 0.5))
    veil_window: float = field(metadata=num(0, 0.5))
    veil_dark: float = field(metadata=num(0, 255))
    veil_hair: float = field(metadata=num(0, 1))
    veil_contrast: float = field(metadata=num(0, 442))
    veil_alpha: float = field(metadata=num(0, 1))
    veil_piece: float = field(metadata=num(0, 1))
    veil_thick: float = field(metadata=num(0, 0.5))
    veil_spread: float = field(metadata=num(0, 1))
    veil_strands: float = field(metadata=num(0, 1))
    veil_ring: float = field(metadata=num(0, 1))
    veil_step: float = field(metadata=num(0, 1))
    veil_blend: float = field(metadata=num(0, 1))
    veil_reach: float = field(metadata=num(0, 1))
    veil_reach_top: float = field(metadata=num(0, 2))
    veil_reach_side: float = field(metadata=num(0, 1))
    veil_reach_mouth: float = field(metadata=num(0, 2))
    veil_reach_jaw_side: float = field(metadata=num(0, 1))
    object_pad: float = field(metadata=num(0, 1))
    object_core: float = field(metadata=num(0, 1))
    object_extent: float = field(metadata=num(0, 1))
    object_side: float = field(metadata=num(0, 0.5))
    object_min_area: float = field(metadata=num(0, 1))
    sliver_width: float = field(metadata=num(0, 0.1))
    sliver_cut: float = field(metadata=num(0, 1))
    bystander_reblur: float = field(metadata=num(0, 0.1))
    bystander_window: float = field(metadata=num(0, 0.1))
    bystander_contrast: float = field(metadata=num(0, None))
    bystander_sharpness: float = field(metadata=num(0, 1))
    bystander_side: float = field(metadata=num(0, 0.5))
    bystander_min_area: float = field(metadata=num(0, 1))
    bystander_band: float = field(metadata=num(0, 0.5))
    jaw_distance: float = field(metadata=num(0, 200))
    jaw_chroma: float = field(metadata=num(0, 100))
    jaw_face_percentile: float = field(metadata=num(0, 100))
    jaw_grow_distance: float = field(metadata=num(0, 200))
    jaw_rim: float = field(metadata=num(0, 0.5))
    jaw_reach: float = field(metadata=num(0, 1))
    jaw_inside: float = field(metadata=num(0, 1))
    crown_hue: float = field(metadata=num(0, 180))
    crown_chroma: float = field(metadata=num(0, 200))
    crown_rim: float = field(metadata=num(0, 1))
    crown_alpha: float = field(metadata=num(0, 1))
    crown_below: float = field(metadata=num(0, 1))
    crown_fringe: float = field(metadata=num(0, 0.1))
    crown_seed_chroma: float = field(metadata=num(0, 200))
    crown_sure_hue: float = field(metadata=num(0, 180))
    crown_grow: float = field(metadata=num(0, 0.1))
    crown_dark_rim: float = field(metadata=num(0, 0.1))
    crown_samples: int = field(metadata=num(1, None))
    gap_chroma: float = field(metadata=num(0, 200))
    gap_light: float = field(metadata=num(0, 100))
    gap_hair_chroma: float = field(metadata=num(0, 200))
    gap_window: float = field(metadata=num(0, 0.5))
    gap_inside: float = field(metadata=num(0, 0.5))
    gap_rim: float = field(metadata=num(0, 0.5))
    gap_side: float = field(metadata=num(0, 0.5))
    gap_below: float = field(metadata=num(0, 2))
    gap_source: float = field(metadata=num(0, 200))
    gap_samples: int = field(metadata=num(1, None))
    gap_group: float = field(metadata=num(0, 0.1))
    gap_min_area: float = field(metadata=num(0, 1))
    runoff_hue: float = field(metadata=num(0, 180))
    runoff_chroma: float = field(metadata=num(0, 200))
    runoff_grow: float = field(metadata=num(0, 180))
    runoff_band: float = field(metadata=num(0, 0.5))
    runoff_below: float = field(metadata=num(0, 2))
    runoff_margin: float = field(metadata=num(0, 200))
    runoff_reach: float = field(metadata=num(0, 0.5))
    composite: CompositeRules


@dataclass(frozen=True)
class CheckRules:
    face_count: FaceCountRules
    face_complete: FaceCompleteRules
    pose: PoseRules
    eyes_open: EyesRules
    mouth_closed: MouthRules
    occlusion: OcclusionRules
    sharpness: SharpnessRules
    exposure: ExposureRules
    lighting: LightingRules
    color: ColorRules
    background: BackgroundRules
    background_clean: BackgroundCleanRules | None = None  # None: the profile does not look for remnants


_FILE_NAME = text(pattern=r'[^/\\:*?"<>|\x00-\x1f]+', meaning="must be a plain file or folder name")


@dataclass(frozen=True)
class ExportRules:
    """The names in an export that the exam's upload instructions refer to."""

    photo_folder: str = field(metadata=_FILE_NAME)  # the registration photo's folder
    photo_name: str = field(metadata=_FILE_NAME)  # the upload file in it
    original_name: str = field(metadata=_FILE_NAME)  # the high-resolution original beside it

    def problems(self) -> Iterator[tuple[str, str]]:
        if self.photo_name == self.original_name:
            yield "original_name", "must differ from photo_name"


@dataclass(frozen=True)
class Profile:
    schema: int
    id: str
    name: str
    name_en: str
    source: str
    default: bool
    can_fix: bool
    next_step: str
    next_step_en: str
    input: InputRules
    output: OutputRules
    geometry: Geometry
    checks: CheckRules
    export: ExportRules
    fix_refusal: str = ""
    fix_refusal_en: str = ""
    matte: MatteRules | None = None  # how the fixer cuts the candidate out (profiles that can fix)
    materials: MaterialsSpec | None = field(default=None, compare=False)  # profiles that also cover materials
    path: Path | None = field(default=None, compare=False, metadata=LOADER)

    def problems(self) -> Iterator[tuple[str, str]]:
        """Rules across keys (keys relative to the file)."""
        o, g = self.output, self.geometry
        if self.schema != SCHEMA:
            yield "schema", f"this version reads schema {SCHEMA}, got {self.schema}"
        if not (o.exact_size or (o.min_width and o.min_height)):
            yield "output", "give width and height, or min_width and min_height"
        if self.can_fix and not o.exact_size:
            yield "output", "a profile that can fix needs an exact width and height"
        if self.can_fix and self.matte is None:
            yield "matte", "a profile that can fix needs the matte's rules"
        if not self.can_fix and not self.fix_refusal:
            yield "fix_refusal", "a check-only profile must say why it cannot fix"
        if not o.floor_quality <= o.min_quality <= o.max_quality:
            yield "output", "need floor_quality <= min_quality <= max_quality"
        if o.min_bytes >= o.max_bytes:
            yield "output", "min_bytes must be below max_bytes"
        for name, lo_hi, target in (
            ("head_height", g.head_height, g.head_height_target),
            ("crown_margin", g.crown_margin, g.crown_margin_target),
        ):
            if not lo_hi[0] <= target <= lo_hi[1]:
                yield f"geometry.{name}_target", f"{target} is outside {list(lo_hi)}"
        if g.crown_margin_target + g.head_height_target >= 1.0:
            yield "geometry", "crown margin + head height must leave room below"


def load_profile_file(path: Path) -> Profile:
    stat = path.stat() if path.is_file() else None
    return _load_cached(path.resolve(), stat.st_mtime_ns if stat else 0, stat.st_size if stat else 0)


@functools.lru_cache(maxsize=32)
def _load_cached(path: Path, _mtime_ns: int, _size: int) -> Profile:
    """Parsed once per file version: the key includes mtime and size, so an edited file reloads."""
    where = f"profile {path.name}"
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{where}: cannot read ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{where}: not valid TOML ({exc})") from exc
    try:
        profile = build(Profile, table, source=path.name)
    except SchemaError as exc:
        raise ProfileError(str(exc)) from exc
    if profile.id != path.stem:
        raise ProfileError(f"{where}: id: {profile.id!r} must match the file name {path.stem!r}")
    return dataclasses.replace(profile, path=path)


def profiles_dir() -> Path:
    return resource_path("profiles")


def list_profiles() -> list[Profile]:
    """Every bundled profile, the default first, then by id."""
    found = [load_profile_file(p) for p in sorted(profiles_dir().glob("*.toml"))]
    defaults = [p for p in found if p.default]
    if len(defaults) != 1:
        raise ProfileError(f"exactly one profile must say default = true, found {len(defaults)}")
    return sorted(found, key=lambda p: (not p.default, p.id))


def load_profile(profile_id: str | None = None) -> Profile:
    """A bundled profile by id (the default one when None), or a profile file given by path."""
    if profile_id and (profile_id.endswith(".toml") or "/" in profile_id or "\\" in profile_id):
        return load_profile_file(Path(profile_id))
    if profile_id is None:
        return list_profiles()[0]
    path = profiles_dir() / f"{profile_id}.toml"
    if not path.is_file():
        known = ", ".join(p.stem for p in sorted(profiles_dir().glob("*.toml")))
        raise ProfileError(f"未知的规格 {profile_id!r}（可用：{known}） / unknown profile")
    return load_profile_file(path)


def resolve_profile(profile: Profile | str | None) -> Profile:
    """A loaded profile as it is; an id or .toml path loaded; None the default."""
    return profile if isinstance(profile, Profile) else load_profile(profile)
