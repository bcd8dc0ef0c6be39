"""The check list reuses its rows: a list shown after another looks as a list built afresh."""

from __future__ import annotations

from photocheck.api import CheckResult, Status
from tests.gui.conftest import shown
from ui.widgets.check_list import CheckList

IDS = ("file.readable", "image.resolution", "image.color", "face.count", "face.pose", "face.size", "face.position",
       "background.white", "background.uniform", "output.file")


def _checks(failed: int) -> list[CheckResult]:
    """The first `failed` checks fail with a long hint (wrapped on two lines) and a fix tag."""
    return [CheckResult(i, Status.FAIL, 0.51, [0.56, 0.74], f"{i} 不合格：头顶到下巴占照片高度的51%，要求56%～74%",
                        "自动修复会按规格重新裁剪；也可以拖动绿框自己调整构图，松开后马上重新生成结果", fixable=True)
            if n < failed else CheckResult(i, Status.PASS, None, None, f"{i} 通过") for n, i in enumerate(IDS)]


def _shown(qtbot, *lists) -> CheckList:
    view = shown(qtbot, CheckList(), (440, 500))
    for checks in lists:
        view.set_checks(checks)
    return view


def test_a_reused_list_matches_a_fresh_one(qtbot):
    before, after = _checks(6), _checks(1)
    reused, fresh = _shown(qtbot, before, after), _shown(qtbot, after)
    assert [(r.check.id, r.status.text(), r.message.text(), r.hint.isVisibleTo(r), r.fix_tag.isVisibleTo(r))
            for r in reused.rows()] == [(r.check.id, r.status.text(), r.message.text(), r.hint.isVisibleTo(r),
                                         r.fix_tag.isVisibleTo(r)) for r in fresh.rows()]
    # Measured at once, before any event: the old rows' wrapped hints must not leave their height.
    assert abs(reused.widget().minimumHeight() - fresh.widget().minimumHeight()) <= 4
    shorter = _shown(qtbot, before, after[:3])
    assert len(shorter.rows()) == 3  # the spare rows wait hidden
    assert abs(shorter.widget().minimumHeight() - _shown(qtbot, after[:3]).widget().minimumHeight()) <= 4
    assert shorter.row("image.color").message.text() == "image.color 通过"
