"""Exam profiles: TOML files in resources/profiles -> frozen dataclasses, validated on load.

Every exam rule lives in the profile; code only knows how to measure. Unknown keys are errors so a
typo in a profile cannot silently fall back to a default.
"""

from __future__ import annotations

import dataclasses
import functools
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from photocheck.errors import ProfileError
from photocheck.io.resources import resource_path
from photocheck.rules.materials import MaterialsSpec, parse_materials

SCHEMA = 1


def _num(lo: float | None = None, hi: float | None = None) -> dict[str, Any]:
    return {"range": (lo, hi)}


def _band(lo: float | None = None, hi: float | None = None) -> dict[str, Any]:
    return {"range": (lo, hi), "band": True}


@dataclass(frozen=True)
class InputRules:
    """Limits every input file (photo, material image, PDF) is checked against before decoding."""

    max_megapixels: float = field(metadata=_num(1, 1000))
    analysis_side: int = field(metadata=_num(256, 4096))
    max_file_megabytes: float = field(metadata=_num(1, 4000))
    max_aspect_ratio: float = field(metadata=_num(2, 1000))  # long side / short side

    @property
    def max_pixels(self) -> int:
        return int(self.max_megapixels * 1_000_000)

    @property
    def max_bytes(self) -> int:
        return int(self.max_file_megabytes * 1_000_000)


@dataclass(frozen=True)
class OutputRules:
    max_bytes: int = field(metadata=_num(1000, None))
    formats: tuple[str, ...]
    progressive: bool
    subsampling: str
    max_quality: int = field(metadata=_num(1, 100))
    min_quality: int = field(metadata=_num(1, 100))
    floor_quality: int = field(metadata=_num(1, 100))
    max_upscale: float = field(metadata=_num(1.0, 4.0))
    quiet_upscale: float = field(metadata=_num(1.0, 4.0))  # up to this the enlargement is not worth a warning
    original_quality: int = field(metadata=_num(1, 100))
    strip_metadata: bool
    min_bytes: int = field(default=0, metadata=_num(0, None))
    width: int | None = field(default=None, metadata=_num(16, 10000))
    height: int | None = field(default=None, metadata=_num(16, 10000))
    min_width: int | None = field(default=None, metadata=_num(16, 10000))
    min_height: int | None = field(default=None, metadata=_num(16, 10000))

    @property
    def exact_size(self) -> tuple[int, int] | None:
        return (self.width, self.height) if self.width and self.height else None


@dataclass(frozen=True)
class Geometry:
    head_height: tuple[float, float] = field(metadata=_band(0.05, 1.0))
    head_height_target: float = field(metadata=_num(0.05, 1.0))
    crown_margin: tuple[float, float] = field(metadata=_band(0.0, 0.6))
    crown_margin_target: float = field(metadata=_num(0.0, 0.6))
    eye_line: tuple[float, float] = field(metadata=_band(0.0, 1.0))
    center_tolerance: float = field(metadata=_num(0.0, 0.5))
    chin_margin: float = field(metadata=_num(0.0, 0.5))


@dataclass(frozen=True)
class FaceCountRules:
    min_score: float = field(metadata=_num(0.0, 1.0))
    min_relative_area: float = field(metadata=_num(0.0, 1.0))
    full_range_below: float = field(metadata=_num(0.0, 1.0))


@dataclass(frozen=True)
class FaceCompleteRules:
    edge_margin: float = field(metadata=_num(0.0, 1.0))


@dataclass(frozen=True)
class PoseRules:
    max_yaw: float = field(metadata=_num(0, 90))
    warn_yaw: float = field(metadata=_num(0, 90))
    max_pitch: float = field(metadata=_num(0, 90))
    warn_pitch: float = field(metadata=_num(0, 90))
    max_roll: float = field(metadata=_num(0, 90))
    tolerance_roll: float = field(metadata=_num(0, 90))


@dataclass(frozen=True)
class EyesRules:
    min_openness: float = field(metadata=_num(0.0, 1.0))
    warn_openness: float = field(metadata=_num(0.0, 1.0))


@dataclass(frozen=True)
class MouthRules:
    max_openness: float = field(metadata=_num(0.0, 1.0))
    warn_openness: float = field(metadata=_num(0.0, 1.0))


@dataclass(frozen=True)
class SharpnessRules:
    min: float = field(metadata=_num(0, None))
    warn: float = field(metadata=_num(0, None))


@dataclass(frozen=True)
class ExposureRules:
    max_dark_share: float = field(metadata=_num(0.0, 1.0))
    max_bright_share: float = field(metadata=_num(0.0, 1.0))
    face_luma: tuple[float, float] = field(metadata=_band(0, 255))


@dataclass(frozen=True)
class LightingRules:
    warn_asymmetry: float = field(metadata=_num(0.0, 1.0))
    max_asymmetry: float = field(metadata=_num(0.0, 1.0))


@dataclass(frozen=True)
class ColorRules:
    min_chroma: float = field(metadata=_num(0, 100))


@dataclass(frozen=True)
class BackgroundRules:
    white_luma: float = field(metadata=_num(0, 255))
    white_chroma: float = field(metadata=_num(0, 100))
    min_white_share: float = field(metadata=_num(0.0, 1.0))
    max_std: float = field(metadata=_num(0, 128))
    max_gradient: float = field(metadata=_num(0, 128))


@dataclass(frozen=True)
class BackgroundCleanRules:
    """Thresholds of the remnant detector (photocheck.vision.remnants.RemnantParams)."""

    nonwhite_distance: float = field(metadata=_num(0, 100))
    seg_background: float = field(metadata=_num(0.0, 1.0))
    seg_unsure: float = field(metadata=_num(0.0, 1.0))
    colour_distance: float = field(metadata=_num(0, 200))
    source_margin: float = field(metadata=_num(0, 200))
    min_area: float = field(metadata=_num(0.0, 1.0))
    opening: float = field(metadata=_num(0.0, 0.1))
    pad: float = field(metadata=_num(0.0, 1.0))
    fade_rim: float = field(metadata=_num(0.0, 0.2))
    replaced_white_share: float = field(metadata=_num(0.0, 1.0))


@dataclass(frozen=True)
class CompositeRules:
    """photocheck.vision.person.CompositeParams, field for field."""

    sure_alpha: float = field(metadata=_num(0, None))
    window: float = field(metadata=_num(0, None))
    work_long_side: int = field(metadata=_num(1, None))
    rim: float = field(metadata=_num(0, None))
    rim_contrast: float = field(metadata=_num(0, None))
    rim_residual: float = field(metadata=_num(0, None))
    rim_chroma: float = field(metadata=_num(0, None))


@dataclass(frozen=True)
class MatteRules:
    """photocheck.vision.person.MatteParams, field for field, and the composite's rules."""

    work_long_side: int = field(metadata=_num(1, None))
    grabcut_iterations: int = field(metadata=_num(1, None))
    fg_threshold: float = field(metadata=_num(0, None))
    sure_prob: float = field(metadata=_num(0, None))
    core_erosion: float = field(metadata=_num(0, None))
    face_core: float = field(metadata=_num(0, None))
    bg_distance: float = field(metadata=_num(0, None))
    bottom_band: float = field(metadata=_num(0, None))
    max_hole_area: float = field(metadata=_num(0, None))
    edge_radius: float = field(metadata=_num(0, None))
    edge_eps: float = field(metadata=_num(0, None))
    edge_band: float = field(metadata=_num(0, None))
    alpha_low: float = field(metadata=_num(0, None))
    alpha_high: float = field(metadata=_num(0, None))
    guide_long_side: int = field(metadata=_num(1, None))
    head_widen: float = field(metadata=_num(0, None))
    neck_widen: float = field(metadata=_num(0, None))
    side_band: float = field(metadata=_num(0, None))
    shoulder_drop: float = field(metadata=_num(0, None))
    side_drop: float = field(metadata=_num(0, None))
    hair_above: float = field(metadata=_num(0, None))
    sample_panel: int = field(metadata=_num(1, None))
    sample_side: int = field(metadata=_num(1, None))
    sample_far: float = field(metadata=_num(0, None))
    sample_background: float = field(metadata=_num(0, None))
    sample_sure: float = field(metadata=_num(0, None))
    decide_band: float = field(metadata=_num(0, None))
    decide_bias: float = field(metadata=_num(0, None))
    unsure_bias: float = field(metadata=_num(0, None))
    foreign_loglik: float = field(metadata=_num(None, 0))
    model_spread: float = field(metadata=_num(0, None))
    composite: CompositeRules


@dataclass(frozen=True)
class CheckRules:
    face_count: FaceCountRules
    face_complete: FaceCompleteRules
    pose: PoseRules
    eyes_open: EyesRules
    mouth_closed: MouthRules
    sharpness: SharpnessRules
    exposure: ExposureRules
    lighting: LightingRules
    color: ColorRules
    background: BackgroundRules
    background_clean: BackgroundCleanRules | None = None  # None: the profile does not look for remnants


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
    fix_refusal: str = ""
    fix_refusal_en: str = ""
    matte: MatteRules | None = None  # how the fixer cuts the candidate out (profiles that can fix)
    materials: MaterialsSpec | None = field(default=None, compare=False)  # profiles that also cover materials
    path: Path | None = field(default=None, compare=False)


_NOT_IN_TABLE = ("path", "materials")  # set by the loader, not read field by field


def _check_value(where: str, tp: Any, value: Any, meta: dict[str, Any]) -> Any:
    """Coerce one TOML value to the field's type, or raise naming `where`."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = next(a for a in typing.get_args(tp) if a is not type(None))
        return _check_value(where, inner, value, meta)
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise ProfileError(f"{where}: expected a table")
        return _build(tp, value, where)
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(value, list):
            raise ProfileError(f"{where}: expected a list, got {value!r}")
        if args[-1] is Ellipsis:
            return tuple(_check_value(f"{where}[{i}]", args[0], v, {}) for i, v in enumerate(value))
        if len(value) != len(args):
            raise ProfileError(f"{where}: expected {len(args)} values, got {value!r}")
        items = tuple(
            _check_value(f"{where}[{i}]", a, v, meta) for i, (a, v) in enumerate(zip(args, value, strict=True))
        )
        if meta.get("band") and not items[0] < items[1]:
            raise ProfileError(f"{where}: expected [min, max] with min < max, got {value!r}")
        return items
    if tp is bool:
        if not isinstance(value, bool):
            raise ProfileError(f"{where}: expected true or false, got {value!r}")
        return value
    if tp in (int, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ProfileError(f"{where}: expected a number, got {value!r}")
        if tp is int and not isinstance(value, int):
            raise ProfileError(f"{where}: expected a whole number, got {value!r}")
        lo, hi = meta.get("range", (None, None))
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise ProfileError(f"{where}: {value!r} is outside [{lo}, {hi}]")
        return tp(value)
    if tp is str:
        if not isinstance(value, str):
            raise ProfileError(f"{where}: expected text, got {value!r}")
        return value
    if origin is dict:
        if not isinstance(value, dict):
            raise ProfileError(f"{where}: expected a table")
        return value
    raise ProfileError(f"{where}: unsupported type {tp!r}")  # a programming error in this module


def _build(cls: type, table: dict[str, Any], where: str) -> Any:
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.name not in _NOT_IN_TABLE}
    unknown = sorted(set(table) - set(fields))
    if unknown:
        raise ProfileError(f"{where}: unknown key(s) {', '.join(unknown)}")
    kwargs: dict[str, Any] = {}
    for name, f in fields.items():
        key = f"{where}.{name}"
        if name not in table:
            has_default = (
                f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
            )
            if not has_default:
                raise ProfileError(f"{key}: missing")
            continue
        kwargs[name] = _check_value(key, hints[name], table[name], dict(f.metadata))
    return cls(**kwargs)


def _validate(p: Profile, where: str) -> None:
    o, g = p.output, p.geometry
    if p.schema != SCHEMA:
        raise ProfileError(f"{where}.schema: this version reads schema {SCHEMA}, got {p.schema}")
    if not (o.exact_size or (o.min_width and o.min_height)):
        raise ProfileError(f"{where}.output: give width and height, or min_width and min_height")
    if p.can_fix and not o.exact_size:
        raise ProfileError(f"{where}.output: a profile that can fix needs an exact width and height")
    if p.can_fix and p.matte is None:
        raise ProfileError(f"{where}.matte: a profile that can fix needs the matte's rules")
    if not p.can_fix and not p.fix_refusal:
        raise ProfileError(f"{where}.fix_refusal: a check-only profile must say why it cannot fix")
    if not o.floor_quality <= o.min_quality <= o.max_quality:
        raise ProfileError(f"{where}.output: need floor_quality <= min_quality <= max_quality")
    if o.subsampling not in ("4:2:0", "4:2:2", "4:4:4"):
        raise ProfileError(f"{where}.output.subsampling: one of 4:2:0, 4:2:2, 4:4:4")
    if o.min_bytes >= o.max_bytes:
        raise ProfileError(f"{where}.output: min_bytes must be below max_bytes")
    for name, lo_hi, target in (
        ("head_height", g.head_height, g.head_height_target),
        ("crown_margin", g.crown_margin, g.crown_margin_target),
    ):
        if not lo_hi[0] <= target <= lo_hi[1]:
            raise ProfileError(f"{where}.geometry.{name}_target: {target} is outside {list(lo_hi)}")
    if g.crown_margin_target + g.head_height_target >= 1.0:
        raise ProfileError(f"{where}.geometry: crown margin + head height must leave room below")


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
    profile = _build(Profile, {k: v for k, v in table.items() if k != "materials"}, where)
    if profile.id != path.stem:
        raise ProfileError(f"{where}.id: {profile.id!r} must match the file name {path.stem!r}")
    _validate(profile, where)
    materials = None
    if "materials" in table:
        try:
            materials = parse_materials(table["materials"], source=path.name)
        except ValueError as exc:
            raise ProfileError(str(exc)) from exc
    return dataclasses.replace(profile, materials=materials, path=path)


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
