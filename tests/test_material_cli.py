"""`photocheck material fix`: exit codes, one-line errors, --page, multi-page PDFs, --json."""

from __future__ import annotations

import json

from photocheck.cli import EXIT_OK, EXIT_UNUSABLE, main
from tests.test_material_fix import write_report_pdf


def test_encrypted_pdf_exits_2_with_one_chinese_line(tmp_path, capsys):
    from pypdf import PdfWriter

    plain, _ = write_report_pdf(tmp_path / "plain.pdf", seeds=(0,))
    writer = PdfWriter(clone_from=plain)
    writer.encrypt(user_password="考生", owner_password="owner", algorithm="RC4-128")
    locked = tmp_path / "加密 报告.pdf"
    with open(locked, "wb") as f:
        writer.write(f)
    code = main(["material", "fix", str(locked), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip()
    assert code == EXIT_UNUSABLE
    assert len(err.splitlines()) == 1 and "密码" in err and str(locked) in err
    assert not list(tmp_path.glob("out*"))


def test_page_out_of_range_and_page_on_an_image_exit_2(tmp_path, capsys, grace_hopper_path):
    pdf, _ = write_report_pdf(tmp_path / "r.pdf", seeds=(0,))
    assert main(["material", "fix", str(pdf), "-o", str(tmp_path / "o"), "--page", "2"]) == EXIT_UNUSABLE
    assert "共 1 页" in capsys.readouterr().err
    assert main(["material", "fix", str(grace_hopper_path), "-o", str(tmp_path / "o"),
                 "--page", "1"]) == EXIT_UNUSABLE
    assert "PDF" in capsys.readouterr().err


def test_every_page_of_a_pdf_becomes_its_own_file(tmp_path, capsys):
    # Pages drawn at 200 dpi render at their drawn size: quick to read.
    pdf, codes = write_report_pdf(tmp_path / "学信网.pdf", seeds=(4, 5), dpi=200)
    code = main(["material", "fix", str(pdf), "-o", str(tmp_path / "学籍.jpg"),
                 "--category", "学历认证报告", "--json", "--include-text"])
    reports = json.loads(capsys.readouterr().out)
    assert code == EXIT_OK, [c["message"] for r in reports for c in r["checks"] if c["status"] == "fail"]
    assert [r["page"] for r in reports] == [0, 1]
    names = sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".pdf")
    assert [n.rsplit(".", 1)[0] for n in names] == ["学籍_p1", "学籍_p2"]
    for r, number in zip(reports, codes, strict=True):
        assert r["ok"] and r["output"]["bytes"] <= 200_000
        assert number.split("：")[1].replace(" ", "") in "".join(r["text"].split())


def test_tiny_image_fails_and_a_decompression_bomb_is_refused(tmp_path, capsys):
    import numpy as np
    from PIL import Image

    from tests import badfiles

    tiny = tmp_path / "tiny.png"
    Image.fromarray(np.full((40, 60, 3), 200, np.uint8)).save(tiny)
    assert main(["material", "fix", str(tiny), "-o", str(tmp_path / "out")]) == 1
    out = capsys.readouterr().out
    assert "material.resolution" in out and "未识别到文字" in out
    bomb = badfiles.huge_png(tmp_path)
    assert main(["material", "fix", str(bomb), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(bomb) in err[0] and "像素尺寸过大" in err[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["huge.png", "tiny.png"]


def test_a_broken_file_named_pdf_is_called_a_broken_pdf(tmp_path, capsys):
    fake = tmp_path / "学信网报告.pdf"
    fake.write_bytes(b"<html>session expired</html>")  # what a failed download often saves
    code = main(["material", "fix", str(fake), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip()
    assert code == EXIT_UNUSABLE
    assert len(err.splitlines()) == 1 and "不是 PDF" in err and str(fake) in err
    assert not list(tmp_path.glob("out*"))
