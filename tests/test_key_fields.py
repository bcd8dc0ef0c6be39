"""What a reviewer reads: key fields from OCR lines (no OCR needed for most), validity against
the reference day, the candidate's name, category sanity, and, end to end on generated
documents, mirrored pages, bad check digits, expired cards, wrong documents and portraits."""

from __future__ import annotations

import copy
import datetime as dt
import io
import shutil
import tomllib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photocheck.api import fix_material
from photocheck.documents.checks import material_category, material_key_fields, material_name, material_valid
from photocheck.documents.classify import classify, evidence
from photocheck.documents.fields import (
    add_months,
    iso7064_mod11_2,
    name_appears,
    parse_date,
    read_fields,
    reference,
)
from photocheck.documents.ocr import TextLine
from photocheck.documents.portrait import Picture, picture_kind
from photocheck.export.prepare import collect
from photocheck.reports import Status
from photocheck.rules.materials import parse_materials
from photocheck.rules.profile import load_profile
from tests import docgen

PROFILE = load_profile("nmec-2026-hubei")
SPEC = PROFILE.materials
IDENTITY = SPEC.category("identity")
REPORT = SPEC.category("education_report")
DIPLOMA = SPEC.category("diploma")


def _line(text: str, x: float, y: float, w: float = 200, h: float = 30) -> TextLine:
    box = np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], np.float32)
    return TextLine(text, 0.95, box)


def _read(lines, category, slot, size=(856, 540)):
    return {r.id: r for r in read_fields(lines, category, slot, size)}


# --- check characters, dates ---------------------------------------------------------------------


def test_id_check_character_agrees_with_docgen_and_rejects_every_wrong_one():
    assert iso7064_mod11_2("11010519491231002X")  # the standard's worked example
    for seed in range(20):
        number = docgen.flat_document("id_front", seed).fields["id_number"]
        assert iso7064_mod11_2(number), number
        bad = docgen.flat_document("id_front", seed, check_ok=False).fields["id_number"]
        assert bad[:17] == number[:17] and not iso7064_mod11_2(bad), bad
        for c in "0123456789X":
            assert iso7064_mod11_2(number[:17] + c) == (c == number[17])
    assert not iso7064_mod11_2("4201061990020948")  # too short


def test_dates_parse_and_months_add_to_month_ends():
    assert parse_date("2016.08.01") == dt.date(2016, 8, 1)
    assert parse_date("2026年01月05日") == dt.date(2026, 1, 5)
    assert parse_date("2026.02.30") is None
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)


# --- reading fields from lines -------------------------------------------------------------------


def test_id_front_number_and_name_are_read_across_label_and_value_boxes():
    number = docgen.flat_document("id_front", 4).fields["id_number"]
    lines = [_line("姓名", 50, 60, 80), _line("张伟", 150, 58, 90),
             _line("公民身份号码", 50, 440, 160), _line(number, 250, 436, 400)]
    got = _read(lines, IDENTITY, "front")
    assert got["id_number"].ok and got["id_number"].value == number
    assert got["name"].ok and got["name"].value == "张伟"
    assert "validity" not in got  # a back-side field
    # One digit misread in the upload: the check character no longer verifies.
    misread = number[:5] + str((int(number[5]) + 1) % 10) + number[6:]
    got = _read([_line(f"公民身份号码 {misread}", 50, 440, 600)], IDENTITY, "front")
    assert not got["id_number"].ok and got["id_number"].problem == "checksum"
    result = material_key_fields(list(got.values()))
    assert result.status is Status.FAIL
    assert result.message.startswith("公民身份号码读出的号码校验位不符") and "请拍得更近" in result.message
    assert "姓名在压缩后无法辨认" in result.message
    assert number not in result.message and misread not in str(result.value)  # no personal data


def test_id_back_validity_span_must_be_a_lawful_term_or_long_term():
    def read(text):
        return _read([_line("有效期限", 170, 440, 100), _line(text, 300, 438, 400)], IDENTITY, "back")["validity"]

    ok = read("2018.08.01-2038.08.01")
    assert ok.ok and ok.end == dt.date(2038, 8, 1)
    assert read("2018.08.01-2028.08.01").ok and read("2020.03.09-2025.03.09").ok
    assert read("2018.08.01-2038.06.01").problem == "term"  # a misread month
    forever = read("2001.05.01-长期")
    assert forever.ok and forever.perpetual and forever.end is None
    assert read("2018.08.01一2038.08.01").ok  # OCR reads the dash as 一
    assert _read([_line("签发机关 武汉市公安局", 170, 380, 400)], IDENTITY, "back")["validity"].problem == "missing"


def test_report_code_and_dates_are_read_and_the_earliest_expiry_counts():
    doc = docgen.flat_document("xuexin_report", 5, updated=dt.date(2026, 3, 1))
    lines = [_line(s, 80, 60 + 52 * i, 600) for i, s in enumerate(doc.lines)]
    got = _read(lines, REPORT, None, (794, 1123))
    assert got["verification_code"].ok and got["verification_code"].value == doc.fields["verification_code"]
    assert got["updated"].end == dt.date(2026, 9, 1)  # 6 months: the handbook's 6 个月内有效
    assert got["valid_until"].end == dt.date(2026, 8, 28)  # docgen: 180 days
    before = reference(SPEC.validity, today=dt.date(2026, 6, 1))
    assert before.day == SPEC.validity.reference_date and "考试最后一天" in before.label
    result = material_valid(list(got.values()), before)
    assert result.status is Status.PASS and "2026年08月28日" in result.message
    after = reference(SPEC.validity, today=dt.date(2026, 12, 1))
    assert after.day == dt.date(2026, 12, 1) and after.label.startswith("今天 2026-12-01")
    result = material_valid(list(got.values()), after)
    assert result.status is Status.FAIL and "已过期" in result.message and "今天 2026-12-01" in result.message
    assert "重新申请" in result.hint
    # No code: the one required field of a report.
    got = _read(lines[:-2], REPORT, None, (794, 1123))
    assert material_key_fields(list(got.values())).status is Status.FAIL


def test_diploma_number_needs_its_18_digits():
    doc = docgen.flat_document("diploma", 3)
    number = doc.fields["certificate_number"]
    assert len(number) == 18
    assert _read([_line(doc.number, 90, 690, 600)], DIPLOMA, None, (1123, 794))["certificate_number"].ok
    short = "证书编号：" + number[:-1]  # a digit lost in the upload
    r = _read([_line(short, 90, 690, 600)], DIPLOMA, None, (1123, 794))["certificate_number"]
    assert r.problem == "missing"
    msg = material_key_fields([r]).message
    assert msg.startswith("证书编号在压缩后无法辨认：请拍得更近、更清晰")


def test_name_check_passes_warns_with_what_was_read_or_stays_silent():
    lines = [_line("姓名", 50, 60, 80), _line("王芳", 150, 58, 90)]
    readings = read_fields(lines, IDENTITY, "front", (856, 540))
    assert name_appears("王芳", lines) and not name_appears("张伟", lines)
    assert material_name("王芳", True, readings).status is Status.PASS
    differs = material_name("张伟", False, readings)
    assert differs.status is Status.WARN and "王芳" in differs.message and "张伟" in differs.message
    unread = material_name("张伟", False, read_fields([_line("姓名", 50, 60, 80)], IDENTITY, "front", (856, 540)))
    assert unread.status is Status.WARN and "未在材料上读到" in unread.message
    assert material_name(None, False, readings) is None
    assert material_name("张伟", False, read_fields(lines, IDENTITY, "back", (856, 540))) is None  # no name there


def test_category_sanity_names_the_likelier_category():
    diploma_text = "\n".join(docgen.flat_document("diploma", 1).lines)
    s = classify(diploma_text, SPEC)
    result = material_category(IDENTITY, evidence(diploma_text, SPEC, "identity"), s, "毕业证书")
    assert result.status is Status.WARN and result.message.startswith("这看起来不是身份证明，更像：毕业证书")
    receipt = "超市购物小票\n商品 数量 金额\n合计 23.50\n谢谢惠顾"
    s = classify(receipt, SPEC)
    result = material_category(IDENTITY, evidence(receipt, SPEC, "identity"), s, None)
    assert result.status is Status.WARN and "更像：其他" in result.message
    id_text = "\n".join(docgen.flat_document("id_back", 1).lines)
    s = classify(id_text, SPEC)
    assert material_category(IDENTITY, evidence(id_text, SPEC, "identity"), s, None).status is Status.PASS


def test_profile_key_fields_are_validated():
    table = tomllib.loads(PROFILE.path.read_text(encoding="utf-8"))["materials"]
    assert parse_materials(table, source="ok").category("identity").key_fields[0].checksum == "iso7064_mod11_2"
    for change, problem in [
        (("patterns", ["[0-9]{18}"]), "needs the group"),
        (("patterns", ["(?P<value>[0-9"]), "not a valid regular expression"),
        (("checksum", "luhn"), "checksum"),
        (("slots", ["side"]), "names no slot"),
        (("region", [0.5, 0.5, 0.2, 1.0]), "region"),
    ]:
        bad = copy.deepcopy(table)
        bad["categories"][0]["key_fields"][0][change[0]] = change[1]
        with pytest.raises(ValueError, match=problem):
            parse_materials(bad, source="broken")
    bad = copy.deepcopy(table)
    del bad["validity"]["reference_date"]
    with pytest.raises(ValueError, match="reference_date"):
        parse_materials(bad, source="broken")


# --- end to end on generated documents (OCR: seconds each) -----------------------------------------


def _jpeg(rgb: np.ndarray, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=92)
    path.write_bytes(buf.getvalue())
    return path


def _check(report, check_id):
    return next(c for c in report.checks if c.id == check_id)


@pytest.mark.slow  # OCR of the card, flipped and not
def test_mirrored_id_card_is_flipped_back_and_its_number_verifies_in_the_upload(tmp_path):
    doc = docgen.flat_document("id_front", 2, mirrored=True, name="张伟")
    report = fix_material(_jpeg(doc.image, tmp_path / "自拍身份证.jpg"), tmp_path / "front", category="identity",
                          name="张伟")
    assert report.ok, [c.message for c in report.failures]
    assert report.mirrored and report.slot == "front"
    orientation = _check(report, "material.orientation")
    assert orientation.status is Status.PASS and "镜像" in orientation.message and orientation.value["mirrored"]
    assert _check(report, "material.key_fields").value == {"id_number": "ok", "name": "ok"}
    assert _check(report, "material.name").status is Status.PASS
    assert doc.fields["id_number"] in "".join(report.text.split())


def test_bad_check_digit_fails_the_key_fields_writes_nothing_and_a_name_mismatch_warns(tmp_path):
    doc = docgen.flat_document("id_front", 2, check_ok=False)  # drawn name: not 张伟
    report = fix_material(_jpeg(doc.image, tmp_path / "正面.jpg"), tmp_path / "front", category="identity",
                          name="张伟")
    assert not report.ok and report.output is None and not report.mirrored
    assert [c.id for c in report.failures] == ["material.key_fields"]
    assert "公民身份号码" in report.failures[0].message
    name = _check(report, "material.name")
    assert name.status is Status.WARN and doc.fields["name"] in name.message and "张伟" in name.message
    assert list(tmp_path.glob("front*")) == []


@pytest.mark.slow  # OCR of a whole material fix
def test_expired_id_card_fails_valid_and_names_the_reference_day(tmp_path):
    doc = docgen.flat_document("id_back", 2, start=dt.date(2006, 5, 1), years=20)  # ended 2026-05-01
    report = fix_material(_jpeg(doc.image, tmp_path / "反面.jpg"), tmp_path / "back", category="identity")
    assert _check(report, "material.key_fields").status is Status.PASS
    valid = _check(report, "material.valid")
    assert valid.status is Status.FAIL and valid.value == "2026-05-01" and report.output is None
    ref = reference(SPEC.validity)
    assert ref.label in valid.message and "临时身份证" in valid.hint
    assert "material.name" not in [c.id for c in report.checks]  # no name given


@pytest.mark.slow  # OCR of a whole material fix
def test_a_diploma_put_in_the_identity_category_is_warned(tmp_path):
    doc = docgen.flat_document("diploma", 2)
    report = fix_material(_jpeg(doc.image, tmp_path / "身份证.jpg"), tmp_path / "id", category="identity")
    check = _check(report, "material.category")
    assert check.status is Status.WARN and "更像：毕业证书" in check.message
    assert report.ok  # a warning: the candidate decides


@pytest.mark.slow  # a prepare with OCR and a photo fix
def test_portrait_among_the_materials_is_routed_to_the_photo(tmp_path, grace_hopper_path):
    root = tmp_path / "材料"
    _jpeg(docgen.flat_document("id_back", 1).image, root / "身份证明" / "反面.jpg")
    shutil.copy(grace_hopper_path, root / "自拍.jpg")
    def portrait(p):
        return picture_kind(p, SPEC, max_pixels=PROFILE.input.max_pixels)

    assert portrait(root / "自拍.jpg") == Picture(portrait=True)
    assert portrait(root / "身份证明" / "反面.jpg") is None

    inputs = collect(root, SPEC, portrait=portrait)
    assert inputs.photo == root / "自拍.jpg"
    assert [i.path.name for i in inputs.items] == ["反面.jpg"] and not inputs.skipped
    assert any("人像照片" in n for n in inputs.notes)
    given = tmp_path / "报名照.jpg"
    shutil.copy(grace_hopper_path, given)
    _jpeg(np.asarray(Image.open(given))[:, ::-1].copy(), tmp_path / "other.jpg")
    shutil.copy(tmp_path / "other.jpg", root / "自拍.jpg")  # a different portrait while the photo is given
    inputs = collect(root, SPEC, photo=given, portrait=portrait)
    assert inputs.photo == given and [i.path.name for i in inputs.items] == ["反面.jpg"]
    assert len(inputs.skipped) == 1 and not inputs.skipped[0].blocking and "人像照片" in inputs.skipped[0].reason
