"""`photocheck prepare` end to end on generated material (OCR is slow: one export per scenario,
shared by the tests that read it)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from photocheck import api
from photocheck.cli import main
from photocheck.export.prepare import folder_category, prepare, slot_from_name
from photocheck.export.project import load_project
from photocheck.reports import MANIFEST, REPORT
from photocheck.rules.profile import load_profile
from tests.docgen import flat_document, phone_photo

pytestmark = pytest.mark.slow  # OCR on every test


def _save(rgb, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(rgb).save(path, quality=92)
    return path


@pytest.fixture(scope="module")
def material_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("in") / "张三的材料"
    _save(flat_document("id_front", 1).image, root / "身份证明" / "正面.jpg")
    _save(flat_document("id_back", 1).image, root / "身份证明" / "反面.jpg")
    shutil.copy(root / "身份证明" / "正面.jpg", root / "身份证明" / "正面 副本.jpg")  # the same file twice
    _save(phone_photo("diploma", 2).image, root / "IMG_0001.jpg")  # loose: classified by its text
    pages = [Image.fromarray(flat_document("xuexin_report", s).image) for s in (3, 4)]
    pages[0].save(root / "学信网.pdf", "PDF", save_all=True, append_images=pages[1:], resolution=96)
    return root


@pytest.fixture(scope="module")
def export(material_dir, tmp_path_factory, grace_hopper_path):
    out = tmp_path_factory.mktemp("out")
    return prepare(material_dir, out, name="张三", photo=grace_hopper_path)


@pytest.mark.xdist_group("prepare_export")
def test_folder_tree(export):
    files = [p.relative_to(export.root) for p in export.root.rglob("*") if p.is_file()]
    # Materials are JPEG or palette PNG, whichever keeps the text most legible under the cap.
    materials = [f for f in files if f.parts[0][:2] not in ("00",) and len(f.parts) == 2]
    assert all(f.suffix in (".jpg", ".png") for f in materials)
    assert sorted(f.with_suffix("").as_posix() for f in materials) == sorted([
        "01_身份证明/正面", "01_身份证明/反面", "02_毕业证书/1", "03_学历认证报告/1", "03_学历认证报告/2",
    ])
    assert sorted(f.as_posix() for f in files if f not in materials) == sorted([
        "00_报名照片/报名照片.jpg", "00_报名照片/高分辨率原图.jpg", MANIFEST, "project.json", REPORT,
    ])
    assert [p.name for p in export.root.parent.iterdir()] == ["张三"]  # no staging folder left


@pytest.mark.xdist_group("prepare_export")
def test_manifest_matches_the_files_on_disk(export):
    manifest = json.loads(export.manifest_path.read_text(encoding="utf-8"))
    assert manifest["ready"] is True and export.ok
    for entry in manifest["files"]:
        data = (export.root / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert len(data) == entry["bytes"]
        with Image.open(export.root / entry["path"]) as im:
            assert list(im.size) == entry["pixels"]
        assert any(c["id"] == "export.verify" and c["status"] == "pass" for c in entry["checks"])
        if entry["category"] not in ("photo", "photo_original"):
            assert entry["bytes"] <= 200_000 and entry["legibility"] >= 0.95
    by_stem = {str(Path(e["path"]).with_suffix("")): e for e in manifest["files"]}  # .jpg or .png
    assert by_stem["01_身份证明/正面"]["slot"] == "front"
    assert by_stem["02_毕业证书/1"]["source"].endswith("IMG_0001.jpg")
    assert [by_stem[f"03_学历认证报告/{i}"]["page"] for i in (1, 2)] == [0, 1]
    states = {c["id"]: c["state"] for c in manifest["categories"]}
    assert states["identity"] == states["diploma"] == states["education_report"] == "ready"
    assert states["degree"] == "not_provided"
    assert manifest["photo"]["ok"] and manifest["photo"]["output"]["path"] == "00_报名照片/报名照片.jpg"
    assert by_stem["02_毕业证书/1"]["source"] == "IMG_0001.jpg"
    assert by_stem["01_身份证明/正面"]["source"] == "身份证明/正面.jpg"


@pytest.mark.xdist_group("prepare_export")
def test_the_same_file_twice_is_warned_and_counted_once(export):
    identity = next(s for s in export.categories if s.category.id == "identity")
    assert len(identity.files) == 2
    (dup,) = export.skipped
    assert dup.source.endswith("正面 副本.jpg") and not dup.blocking and "内容完全相同" in dup.reason


@pytest.mark.xdist_group("prepare_export")
def test_report_is_self_contained_and_says_what_is_next(export):
    page = export.report_path.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert "<script" not in page.lower()
    assert page.count('src="data:image/jpeg;base64,') == 7  # photo, original, 5 materials
    assert "医考报名照片检测工具" in page and "全部必需材料已就绪" in page
    assert "04_学位证书" in page and "全日制本科及以上学历" in page  # conditional, not provided


@pytest.mark.xdist_group("prepare_export")
def test_project_file_reopens(export, material_dir):
    project = load_project(export.root / "project.json")
    assert project.name == "张三" and project.profile == "nmec-2026-hubei"
    cats = sorted((p.category or "", p.page if p.page is not None else -1) for p in project.items)
    assert cats == [("diploma", -1), ("education_report", 0), ("education_report", 1),
                    ("identity", -1), ("identity", -1)]
    for item in project.items:  # found again from the material folder, wherever it now is
        assert hashlib.sha256(item.locate(material_dir).read_bytes()).hexdigest() == item.sha256
    assert project.photo == "grace_hopper.jpg"  # given with --photo from elsewhere: its name only


@pytest.mark.xdist_group("prepare_export")
def test_the_windows_export_follows_the_candidates_own_choices(export, material_dir, tmp_path):
    # Reopened, one file moved to another category by hand, one file changed since it was added.
    project = load_project(export.root / "project.json")
    diploma = next(it for it in project.items if it.category == "diploma")
    card = next(it for it in project.items if it.category == "identity")
    moved = dataclasses.replace(diploma, category="other")
    changed = dataclasses.replace(card, sha256="0" * 64)
    redo = dataclasses.replace(project, photo=None, items=[moved, changed])
    result = api.export_project(redo, material_dir, tmp_path)
    other = next(s for s in result.categories if s.category.id == "other")
    assert [Path(f).parent.name for f in other.files] == [other.category.folder]
    assert not next(s for s in result.categories if s.category.id == "diploma").files
    assert [s.source for s in result.skipped] == [card.source] and "重新添加" in result.skipped[0].reason
    reopened = load_project(result.root / "project.json")
    assert [(it.source, it.category) for it in reopened.items] == [(diploma.source, "other")]


@pytest.mark.xdist_group("prepare_export")
def test_the_export_names_no_absolute_path(export, material_dir, grace_hopper_path):
    texts = {p.name: p.read_text(encoding="utf-8") for p in (export.manifest_path, export.report_path,
                                                             export.root / "project.json")}
    for name, text in texts.items():
        for private in (str(material_dir), str(grace_hopper_path.parent), str(export.root.parent),
                        str(Path.home())):
            assert private not in text, (name, private)
    manifest = json.loads(texts[MANIFEST])
    assert manifest["photo"]["input"] == "grace_hopper.jpg"
    assert {s["source"] for s in manifest["skipped"]} == {"身份证明/正面 副本.jpg"}


@pytest.mark.xdist_group("prepare_export")
def test_existing_export_is_refused_and_unusable_inputs_exit_2(export, material_dir, tmp_path, capsys):
    before = sorted(p.name for p in export.root.rglob("*"))
    assert main(["prepare", str(material_dir), "-o", str(export.root.parent), "--name", "张三"]) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert sorted(p.name for p in export.root.rglob("*")) == before
    assert main(["prepare", str(tmp_path / "missing"), "-o", str(tmp_path)]) == 2
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")  # a read-only output folder (chmod is no barrier to root)
    assert main(["prepare", str(material_dir), "-o", str(blocker / "out")]) == 2
    assert "无法写入" in capsys.readouterr().err
    bad_photo = tmp_path / "photo.jpg"
    bad_photo.write_text("not an image")
    out = tmp_path / "out"
    assert main(["prepare", str(material_dir), "-o", str(out), "--photo", str(bad_photo)]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "out", "photo.jpg"]
    assert list(out.iterdir()) == []  # the staging folder was removed


def test_too_many_ids_fail_the_count_and_overwrite_replaces(tmp_path, capsys):
    src = tmp_path / "in"
    for i, (kind, seed) in enumerate((("id_front", 1), ("id_back", 1), ("id_front", 2), ("id_back", 2))):
        _save(flat_document(kind, seed).image, src / "01_身份证明" / f"{i + 1}.jpg")
    old = tmp_path / "out" / "李四"
    old.mkdir(parents=True)
    (old / "old.txt").write_text("previous export")
    code = main(["prepare", str(src), "-o", str(tmp_path / "out"), "--name", "李四", "--overwrite", "--json"])
    assert code == 1
    manifest = json.loads((old / MANIFEST).read_text(encoding="utf-8"))
    assert not (old / "old.txt").exists()
    identity = next(c for c in manifest["categories"] if c["id"] == "identity")
    count = next(c for c in identity["checks"] if c["id"] == "category.count")
    assert count["status"] == "fail" and count["value"] == 4
    assert identity["state"] == "not_ready" and len(identity["files"]) == 4  # reported, not dropped
    assert len(list((old / "01_身份证明").iterdir())) == 4
    page = (old / REPORT).read_text(encoding="utf-8")
    assert "缺少必需材料：毕业证书" in page and "缺少必需材料：学历认证报告" in page
    assert json.loads(capsys.readouterr().out)["ready"] is False


def test_folder_and_file_names_pick_category_and_slot():
    spec = load_profile().materials
    assert folder_category("01_身份证明", spec).id == "identity"
    assert folder_category("毕业证书", spec).id == "diploma"
    assert folder_category("education_report", spec).id == "education_report"
    assert folder_category("杂项", spec) is None
    identity = spec.category("identity")
    assert slot_from_name("正面", identity) == "front"
    assert slot_from_name("身份证-国徽面", identity) == "back"
    assert slot_from_name("ID_Back", identity) == "back"
    assert slot_from_name("IMG_0001", identity) is None
