"""Export folder: safe candidate names, the staging swap, and re-validation from disk."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from photocheck.api import UserError
from photocheck.export.layout import Staging, safe_name
from photocheck.export.manifest import record_file, verify_file

WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                    *(f"LPT{i}" for i in range(1, 10))}


def _portable(name: str) -> bool:
    return (
        not any(ch in name for ch in '/\\:*?"<>|') and all(ord(ch) >= 32 for ch in name)
        and ".." not in name and name == name.strip(" .") and 0 < len(name) <= 64
        and len(name.encode("utf-8")) <= 200 and name.split(".")[0].upper() not in WINDOWS_RESERVED
    )


@pytest.mark.parametrize("raw", [
    "../evil", "..\\..\\evil", "CON", "con.txt", "LPT9", "Com1.tar.gz", "a:b*c", 'x"<y>|z?', "张三\x00\x07",
    " . 王芳 . ", "CON." + "a" * 70, "…" * 100, "张" * 100, "a" * 100, "", "...", "  ", "\x1f/\\",
])
def test_safe_name_is_portable(raw):
    assert _portable(safe_name(raw)), (raw, safe_name(raw))


def test_safe_name_keeps_what_it_can():
    assert safe_name("../evil") == "evil"
    assert safe_name("a:b*c") == "abc"
    assert safe_name("CON") != "CON" and "CON" in safe_name("CON")
    assert safe_name("张" * 100) == "张" * 64
    assert len(safe_name("𠀀" * 64).encode("utf-8")) <= 200  # 4-byte characters: the byte cap binds
    assert safe_name("") == safe_name("..") == safe_name(" / ") == "考生"
    assert safe_name("李 娜") == "李 娜"


def _jpeg(path, seed=0):
    rgb = np.random.default_rng(seed).integers(0, 255, (40, 60, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=90)
    path.write_bytes(buf.getvalue())
    return path


def test_verify_catches_changes_after_the_manifest(tmp_path):
    entry = record_file(tmp_path, _jpeg(tmp_path / "1.jpg"), category="diploma", slot=None, source="x.jpg",
                        page=None, legibility=1.0, checks=[])
    assert (entry.width, entry.height, entry.format) == (60, 40, "jpg")
    ok = verify_file(tmp_path, entry, max_bytes=200_000, formats=("jpg", "png"))
    assert ok.status.value == "pass"
    assert verify_file(tmp_path, entry, max_bytes=entry.bytes - 1, formats=("jpg",)).failed
    assert verify_file(tmp_path, entry, max_bytes=200_000, formats=("png",)).failed
    _jpeg(tmp_path / "1.jpg", seed=1)  # same size and format, other bytes
    changed = verify_file(tmp_path, entry, max_bytes=200_000, formats=("jpg",))
    assert changed.failed and "SHA-256" in changed.message
    (tmp_path / "1.jpg").write_bytes(b"\xff\xd8\xff" + b"\0" * 100)  # a JPEG header, no image
    assert "无法解码" in verify_file(tmp_path, entry, max_bytes=200_000, formats=("jpg",)).message
    (tmp_path / "1.jpg").unlink()
    assert verify_file(tmp_path, entry, max_bytes=200_000, formats=("jpg",)).failed


def _siblings(folder):
    return sorted(p.name for p in folder.iterdir())


def test_staging_refuses_an_existing_export_and_replaces_it_only_on_request(tmp_path):
    old = tmp_path / "张三"
    old.mkdir()
    (old / "old.txt").write_text("keep")
    with pytest.raises(UserError) as err, Staging(tmp_path, "张三", overwrite=False):
        pass
    assert "--overwrite" in err.value.message
    with Staging(tmp_path, "张三", overwrite=True) as staging:
        (staging.path / "new.txt").write_text("new")
        assert (old / "old.txt").read_text() == "keep"  # untouched until the swap
        staging.commit()
    assert _siblings(tmp_path) == ["张三"] and _siblings(old) == ["new.txt"]


def test_a_failure_before_commit_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError), Staging(tmp_path, "王芳", overwrite=False) as staging:
        (staging.path / "half.jpg").write_bytes(b"half")
        raise RuntimeError("disk full")
    assert _siblings(tmp_path) == []


def test_an_unwritable_output_folder_is_unusable_input(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the output folder should be")
    with pytest.raises(UserError) as err, Staging(blocker / "out", "张三", overwrite=False):
        pass
    assert "无法写入" in err.value.message
    assert _siblings(tmp_path) == ["not-a-folder"]
