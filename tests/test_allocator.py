"""The allocator tuning: on glibc the thresholds are raised, elsewhere nothing happens; inside
return_large_buffers a freed large buffer goes back to the system, outside it stays."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

from photocheck.io.allocator import RETURN_ABOVE, keep_large_buffers

GLIBC = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"


def test_large_buffers_kept_on_glibc_only():
    assert keep_large_buffers() is GLIBC
    assert keep_large_buffers() is GLIBC  # once: the second call changes nothing


# Run in a fresh interpreter: in this one, earlier tests' freed heap would serve the buffer.
SCENARIO = """
import threading
from pathlib import Path
import numpy as np
from photocheck.io.allocator import RETURN_ABOVE, keep_large_buffers, return_large_buffers

def returned():
    # resident bytes given back when a written buffer of twice RETURN_ABOVE is freed
    buf = np.ones(2 * RETURN_ABOVE, np.uint8)
    rss = lambda: int(Path("/proc/self/statm").read_text().split()[1]) * 4096
    before = rss()
    del buf
    return before - rss()

keep_large_buffers()
seen = [returned()]
with return_large_buffers():
    with return_large_buffers():
        pass
    seen.append(returned())  # the inner block's end did not stop it
seen.append(returned())
entered, leave = threading.Event(), threading.Event()

def other():
    with return_large_buffers():
        entered.set()
        leave.wait()

thread = threading.Thread(target=other)
with return_large_buffers():
    thread.start()
    entered.wait()
seen.append(returned())  # another thread's block is still open
leave.set()
thread.join()
seen.append(returned())
print(*seen)
"""


def test_freed_buffers_go_back_to_the_system_only_inside_the_block():
    assert GLIBC  # the machines this runs on; the tuning does nothing elsewhere
    out = subprocess.run([sys.executable, "-c", SCENARIO], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1]).stdout
    kept, inside, after, other_open, all_out = (int(n) for n in out.split())
    assert kept < RETURN_ABOVE // 4 and after < RETURN_ABOVE // 4 and all_out < RETURN_ABOVE // 4
    assert inside > RETURN_ABOVE and other_open > RETURN_ABOVE
