"""Materials profile parsing, OCR-based classification, digests and the project file."""

from __future__ import annotations

import copy
import json
import shutil
import tomllib

import pytest

from photocheck.documents.classify import classify
from photocheck.errors import ProjectError
from photocheck.export.project import (
    PROJECT_VERSION,
    Project,
    ProjectItem,
    duplicates,
    file_digest,
    load_project,
    save_project,
)
from photocheck.io.resources import resource_path
from photocheck.rules.materials import MaterialsSpec, parse_materials
from tests import docgen


@pytest.fixture(scope="module")
def table() -> dict:
    with open(resource_path("profiles", "nmec-2026-hubei.toml"), "rb") as f:
        return tomllib.load(f)["materials"]


@pytest.fixture(scope="module")
def spec(table) -> MaterialsSpec:
    return parse_materials(table, source="nmec-2026-hubei")


def test_draft_profile_names_every_handbook_category(spec):
    names = {c.name for c in spec.categories}
    assert {"身份证明", "毕业证书", "学历认证报告", "学位证书", "学位认证报告", "补充学历材料",
            "执业助理医师申报执业医师材料", "部队人员试用期材料", "其他证明"} <= names
    assert spec.max_bytes == 200_000 and spec.formats == ("jpg", "png")
    assert len({c.folder for c in spec.categories}) == len(spec.categories)
    identity = spec.category("identity")
    assert identity.required and identity.min_count == 2 and identity.max_count == 3
    card, passport = identity.variants
    assert [s.name for s in card.slots][:2] == ["正面（人像面）", "反面（国徽面）"]
    assert not card.slots[2].required  # 手持 is optional
    assert identity.slot("back") is card.slots[1] and identity.slot("cover") is passport.slots[1]
    assert identity.slot("diploma") is None
    assert {s.id for s in passport.slots} >= {"info_page", "cover"}
    degree = spec.category("degree")
    assert not degree.required and degree.condition == "全日制本科及以上学历"
    assert 0 < spec.checks.min_legibility <= 1 and spec.checks.min_text_px > 0


def _broken(table: dict, edit) -> str:
    bad = copy.deepcopy(table)
    edit(bad)
    with pytest.raises(ValueError) as err:
        parse_materials(bad, source="broken-profile")
    return str(err.value)


def test_missing_name_is_named(table):
    msg = _broken(table, lambda t: t["categories"][1].pop("name"))
    assert "profile broken-profile" in msg and "materials.categories[1].name" in msg
    assert "missing" in msg


def test_min_above_max_is_named(table):
    def edit(t):
        t["categories"][2]["min_count"] = 3
        t["categories"][2]["max_count"] = 2

    assert "materials.categories[2].max_count" in _broken(table, edit)


def test_slot_count_mismatch_is_named(table):
    msg = _broken(table, lambda t: t["categories"][0]["variants"][1]["slots"].pop())
    assert "materials.categories[0].variants[1].slots" in msg


def test_other_mistakes_are_named(table):
    assert "materials.categories[3].condition" in _broken(
        table, lambda t: t["categories"][3].pop("condition"))
    assert "materials.categories[0].colour" in _broken(
        table, lambda t: t["categories"][0].update(colour=True))
    assert "materials.checks.min_legibility" in _broken(
        table, lambda t: t["checks"].update(min_legibility=1.5))
    assert "materials.categories[4].id" in _broken(
        table, lambda t: t["categories"][4].update(id=t["categories"][3]["id"]))
    assert "materials.categories[0].id" in _broken(
        table, lambda t: t["categories"][0].update(id="身份"))


@pytest.fixture(scope="module")
def ocr_texts() -> dict[str, str]:
    from photocheck.documents.ocr import plain_text, read_text

    kinds = ("id_front", "id_back", "diploma", "xuexin_report")
    return {k: plain_text(read_text(docgen.flat_document(k, seed=3).image)) for k in kinds}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("kind", "category", "slot"),
    [
        ("id_front", "identity", "front"),
        ("id_back", "identity", "back"),
        ("diploma", "diploma", None),
        ("xuexin_report", "education_report", None),
    ],
)
@pytest.mark.xdist_group("ocr_texts")
def test_classify_generated_documents(ocr_texts, spec, kind, category, slot):
    got = classify(ocr_texts[kind], spec)
    assert (got.category_id, got.slot) == (category, slot)
    assert got.confidence > 0.6
    assert got.reason.startswith("识别到")


def test_classify_unknown_and_ambiguous_text(spec):
    assert classify("Lorem ipsum 2026-01-05", spec).category_id == ""
    assert classify("", spec).confidence == 0.0
    # Field labels alone (no title) are weak evidence.
    assert classify("姓名 性别", spec).confidence < 0.6
    # A degree certificate and a 学位 report are told apart by the longer title.
    assert classify("中国高等教育学位在线验证报告 学位类别", spec).category_id == "degree_report"
    assert classify("学士学位证书 授予医学学士学位", spec).category_id == "degree"


def test_project_round_trip_and_duplicates(tmp_path, report_files):
    a, b, c = report_files
    items = [
        ProjectItem(str(a), file_digest(a), category="identity", slot="front", rotation=90,
                    corners=[[1.0, 2.0], [30.5, 2.0], [30.5, 40.0], [1.0, 40.0]]),
        ProjectItem(str(b), file_digest(b), page=0, category="education_report"),
        ProjectItem(str(c), file_digest(c)),  # a copy of `a` under another name
        ProjectItem(str(b), file_digest(b), page=1),  # another page of the same PDF
        ProjectItem(str(b), file_digest(b), page=0),  # the same page again
    ]
    project = Project(PROJECT_VERSION, "张伟 2026", "nmec-2026-hubei", str(a), items)
    folder = tmp_path / "项目"
    folder.mkdir()
    path = folder / "考生 项目.json"
    save_project(project, path)
    save_project(project, path)  # replacing an existing file
    assert load_project(path) == project
    assert [p.name for p in folder.iterdir()] == ["考生 项目.json"]  # no temp file left
    assert duplicates(load_project(path).items) == [(0, 2), (1, 4)]


@pytest.fixture
def report_files(tmp_path):
    a = tmp_path / "身份证 正面.jpg"
    a.write_bytes(b"\xff\xd8 front side bytes")
    b = tmp_path / "report.pdf"
    b.write_bytes(b"%PDF-1.7 two pages")
    c = tmp_path / "copy.jpg"
    shutil.copy(a, c)
    return a, b, c


def test_bad_project_files_raise_clear_errors(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ProjectError, match="JSON"):
        load_project(path)
    path.write_text(json.dumps({"version": 99, "name": "x", "profile": "y", "items": []}),
                    encoding="utf-8")
    with pytest.raises(ProjectError, match="版本"):
        load_project(path)
    item = {"source": "a.jpg", "sha256": "0" * 64, "rotation": 45}
    path.write_text(json.dumps({"version": PROJECT_VERSION, "name": "x", "profile": "y",
                                "items": [item]}), encoding="utf-8")
    with pytest.raises(ProjectError, match="rotation"):
        load_project(path)


def test_file_digest_is_sha256(tmp_path):
    import hashlib

    data = bytes(range(256)) * 5000  # more than one read chunk
    f = tmp_path / "x.bin"
    f.write_bytes(data)
    assert file_digest(f) == hashlib.sha256(data).hexdigest()
