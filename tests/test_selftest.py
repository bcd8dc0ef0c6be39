"""`photocheck --self-test`: the bundled samples pass; a broken install is reported in Chinese."""

from __future__ import annotations

import pytest

from photocheck import api
from photocheck.cli import EXIT_FAILED, EXIT_OK, main


@pytest.mark.slow
def test_self_test_passes_on_the_bundled_samples(capsys):
    assert main(["--self-test"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "报名照片：390×567" in out and "材料（毕业证书）" in out and out.strip().endswith("自检通过。")


def test_self_test_reports_a_missing_sample(capsys, monkeypatch, tmp_path):
    def missing(name: str):
        raise FileNotFoundError(f"缺少程序自带的文件（安装不完整，请重新安装）：{tmp_path / name}")

    monkeypatch.setattr(api, "sample_path", missing)
    assert main(["--self-test"]) == EXIT_FAILED
    captured = capsys.readouterr()
    assert "安装不完整" in captured.err and "自检未通过" in captured.out


def test_a_command_is_still_required(capsys):
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2 and "缺少子命令" in capsys.readouterr().err
