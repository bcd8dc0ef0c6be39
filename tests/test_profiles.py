"""Profiles: every bundled one loads; malformed ones fail naming the key; rules come only from data."""

from __future__ import annotations

from pathlib import Path

import pytest

from photocheck.rules.profile import ProfileError, list_profiles, load_profile, load_profile_file, profiles_dir

BUNDLED = {"nmec-2026-hubei", "xiao2cun-35x45", "yicun-25x35", "weisheng-original"}


def test_bundled_profiles_load_with_the_issue_sizes():
    profiles = {p.id: p for p in list_profiles()}
    assert set(profiles) >= BUNDLED
    assert list_profiles()[0].id == "nmec-2026-hubei", "the default comes first"
    assert load_profile().id == "nmec-2026-hubei"
    nmec = profiles["nmec-2026-hubei"]
    assert nmec.output.exact_size == (390, 567)
    assert nmec.output.max_bytes == 30000
    assert nmec.output.progressive is False
    assert profiles["xiao2cun-35x45"].output.exact_size == (413, 531)
    assert profiles["yicun-25x35"].output.exact_size == (295, 413)
    weisheng = profiles["weisheng-original"]
    assert weisheng.can_fix is False and "原始照片" in weisheng.fix_refusal
    assert (weisheng.output.min_width, weisheng.output.min_height, weisheng.output.min_bytes) == (420, 600, 50000)


def _variant(tmp_path: Path, old: str, new: str, name: str = "nmec-2026-hubei") -> Path:
    text = (profiles_dir() / "nmec-2026-hubei.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / f"{name}.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ("width = 390", "widht = 390", "unknown key(s) widht"),
        ("max_bytes = 30000", "max_bytes = \"30k\"", "output.max_bytes: expected a number"),
        ("head_height = [0.56, 0.74]", "head_height = [0.74, 0.56]", "geometry.head_height: expected [min, max]"),
        ("head_height_target = 0.64", "head_height_target = 0.9", "head_height_target: 0.9 is outside"),
        ("max_quality = 95", "max_quality = 120", "output.max_quality: 120 is outside"),
        ("min_openness = 0.022", "", "checks.eyes_open.min_openness: missing"),
        # A class's RANGE holds for its fields that name no rule of their own.
        ("max_yaw = 12", "max_yaw = 95", "checks.pose.max_yaw: 95 is outside [0, 90]"),
        ("max_yaw = 12", "max_yaw = -1", "checks.pose.max_yaw: -1 is outside [0, 90]"),
        ("schema = 1", "schema = 2", "schema: this version reads schema 1"),
        ("can_fix = true", "can_fix = false", "fix_refusal: a check-only profile must say why"),
        # The exposure levels, the export's photo names, the formats vocabulary (one spelling) and
        # the document quality floor are exam rules: every profile states them.
        ("dark_luma = 25", "", "checks.exposure.dark_luma: missing"),
        ("bright_luma = 247", "", "checks.exposure.bright_luma: missing"),
        ("bright_luma = 247", "bright_luma = 20", "checks.exposure.bright_luma: must be above dark_luma"),
        ('photo_folder = "00_报名照片"', "", "export.photo_folder: missing"),
        ('original_name = "高分辨率原图.jpg"', "", "export.original_name: missing"),
        ('photo_name = "报名照片.jpg"', 'photo_name = "照片/报名照片.jpg"', "export.photo_name: must be a plain"),
        ('original_name = "高分辨率原图.jpg"', 'original_name = "报名照片.jpg"', "export.original_name: must differ"),
        ('formats = ["jpg"]', 'formats = ["JPEG"]', "output.formats[0]: must be one of"),
        ('formats = ["jpg", "png"]', 'formats = ["jpg", "jpeg", "png"]', "materials.formats[1]: must be one of"),
        ("floor_quality = 30 ", "", "materials.floor_quality: missing"),
    ],
)
def test_malformed_profile_names_the_key(tmp_path, old, new, needle):
    with pytest.raises(ProfileError) as err:
        load_profile_file(_variant(tmp_path, old, new))
    assert needle in str(err.value)
    assert "nmec-2026-hubei.toml" in str(err.value)


def test_id_must_match_file_name_and_toml_must_parse(tmp_path):
    with pytest.raises(ProfileError, match="must match the file name"):
        load_profile_file(_variant(tmp_path, "width = 390", "width = 390", name="other"))
    broken = tmp_path / "broken.toml"
    broken.write_text("id = [", encoding="utf-8")
    with pytest.raises(ProfileError, match="not valid TOML"):
        load_profile_file(broken)


def test_unknown_profile_id_lists_the_known_ones():
    with pytest.raises(ProfileError) as err:
        load_profile("no-such-exam")
    assert "nmec-2026-hubei" in str(err.value)


def test_profile_file_given_by_path(tmp_path):
    path = _variant(tmp_path, "width = 390\nheight = 567", "width = 300\nheight = 400")
    prof = load_profile(str(path))
    assert prof.output.exact_size == (300, 400)


def test_materials_section_is_validated_with_the_profile(tmp_path):
    spec = load_profile().materials
    assert spec is not None and spec.max_bytes == 200000
    assert [c.folder for c in spec.categories][:2] == ["01_身份证明", "02_毕业证书"]
    with pytest.raises(ProfileError) as err:
        load_profile_file(_variant(tmp_path, 'folder = "01_身份证明"', 'foldr = "01_身份证明"'))
    assert "materials.categories[0].folder" in str(err.value) and "nmec-2026-hubei.toml" in str(err.value)


def test_exam_rules_come_from_the_profile():
    prof = load_profile()
    assert (prof.checks.exposure.dark_luma, prof.checks.exposure.bright_luma) == (25, 247)
    assert (prof.export.photo_folder, prof.export.photo_name, prof.export.original_name) == (
        "00_报名照片", "报名照片.jpg", "高分辨率原图.jpg")
    assert prof.output.formats == ("jpg",)
    assert prof.materials is not None and prof.materials.floor_quality == 30


def test_exposure_levels_are_read_from_the_profile(tmp_path):
    """A profile that calls nearly every face pixel dark fails the exposure check of a photo the
    default profile passes."""
    from photocheck.api import check_photo
    from photocheck.io.resources import resource_path

    sample = resource_path("samples", "grace_hopper.jpg")
    exposure = {c.id: c for c in check_photo(sample).checks}["image.exposure"]
    assert not exposure.failed
    gloomy = load_profile_file(_variant(tmp_path, "dark_luma = 25", "dark_luma = 240"))
    assert {c.id: c for c in check_photo(sample, gloomy).checks}["image.exposure"].failed
