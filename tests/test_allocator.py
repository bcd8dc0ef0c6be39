"""The allocator tuning: on glibc the thresholds are raised, elsewhere nothing happens."""

from __future__ import annotations

import platform
import sys

from photocheck.io.allocator import keep_large_buffers


def test_large_buffers_kept_on_glibc_only():
    glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert keep_large_buffers() is glibc
    assert keep_large_buffers() is glibc  # once: the second call changes nothing
