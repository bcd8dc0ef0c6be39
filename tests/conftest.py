"""Shared fixtures. Network use anywhere in the suite fails it; real photos come from packages."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SHARED_PHOTOS = Path(__file__).resolve().parents[2] / "shared" / "testdata" / "photos"


class NetworkBlocked(RuntimeError):
    pass


def _blocked(*_args, **_kwargs):
    raise NetworkBlocked("network access is not allowed in tests")


_real_socket = socket.socket


class _GuardedSocket(_real_socket):
    def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
        if fileno is None and family in (socket.AF_INET, socket.AF_INET6, -1):
            raise NetworkBlocked("network sockets are not allowed in tests")
        super().__init__(family, type, proto, fileno)


@pytest.fixture(autouse=True, scope="session")
def _no_network():
    """Any IP socket or name lookup raises, so a hidden download fails the suite."""
    mp = pytest.MonkeyPatch()
    mp.setattr(socket, "socket", _GuardedSocket)
    mp.setattr(socket, "getaddrinfo", _blocked)
    mp.setattr(socket, "gethostbyname", _blocked)
    mp.setattr(socket, "create_connection", _blocked)
    yield
    mp.undo()


def pytest_collection_modifyitems(config, items):
    """Tests marked `shared` need ../shared/testdata; without it they are deselected, not skipped."""
    if SHARED_PHOTOS.is_dir():
        return
    keep = [it for it in items if "shared" not in it.keywords]
    dropped = [it for it in items if "shared" in it.keywords]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture(scope="session")
def astronaut_rgb() -> np.ndarray:
    """scikit-image's astronaut (public domain), 512x512 RGB: one face, busy background."""
    from skimage import data

    return np.ascontiguousarray(data.astronaut())


@pytest.fixture(scope="session")
def grace_hopper_path() -> Path:
    """matplotlib's sample grace_hopper.jpg (public domain), 512x600 JPEG portrait."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"


@pytest.fixture(scope="session")
def grace_hopper_rgb(grace_hopper_path) -> np.ndarray:
    from PIL import Image

    with Image.open(grace_hopper_path) as im:
        return np.asarray(im.convert("RGB")).copy()


@pytest.fixture(scope="session")
def grace_hopper_fixed(tmp_path_factory, grace_hopper_path):
    """grace_hopper through the default fix, once per session: (the written photo, its report), for
    the tests that only read them."""
    from photocheck.api import fix_photo

    out = tmp_path_factory.mktemp("grace-hopper-fixed") / "fixed.jpg"
    return out, fix_photo(grace_hopper_path, out)


@pytest.fixture(scope="session")
def shared_photos() -> Path:
    return SHARED_PHOTOS


@pytest.fixture
def walk_ins(tmp_path, grace_hopper_path, grace_hopper_rgb) -> Path:
    """A help desk's folder of photos: a.jpg and b.png pass (b mirrored), c.jpg needs a retake
    (the head cut off), d.jpg is not a picture at all."""
    from PIL import Image

    from tests import badfiles

    folder = tmp_path / "walk-ins"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(grace_hopper_path.read_bytes())
    Image.fromarray(np.ascontiguousarray(grace_hopper_rgb[:, ::-1])).save(folder / "b.png")
    badfiles.head_cut_off(folder, grace_hopper_rgb).rename(folder / "c.jpg")
    badfiles.text_as_jpg(folder).rename(folder / "d.jpg")
    return folder
