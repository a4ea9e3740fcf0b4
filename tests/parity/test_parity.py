"""core/ transpiled by Transcrypt and run by Node gives exactly what CPython gives."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from support.server import ROOT
from transpile import check_transcryptable, run_transcrypt

DRIVER = Path(__file__).with_name("parity_driver.py")


def test_transpiled_core_matches_cpython(tmp_path: Path) -> None:
    # The build's own Transcrypt run and dialect check: a failed compile fails here too.
    parts = [DRIVER.with_name(name)
             for name in ("parity_support.py", "parity_devices.py", "parity_correct.py",
                           "parity_framing.py")]
    check_transcryptable([DRIVER, *parts])
    run_transcrypt(DRIVER, tmp_path, ["-xp", str(ROOT / "frontend_py")])
    node = subprocess.run(["node", str(tmp_path / "parity_driver.js")],
                          capture_output=True, text=True, check=True).stdout
    env = {**os.environ, "PYTHONPATH": str(ROOT / "frontend_py")}
    cpython = subprocess.run([sys.executable, str(DRIVER)], capture_output=True, text=True,
                             check=True, env=env).stdout
    ours, theirs = json.loads(node), json.loads(cpython)
    assert ours.keys() == theirs.keys()
    for key in theirs:
        assert ours[key] == theirs[key], key
    # The driver exercised something: a cutout's alpha channel and real tensors.
    assert len(theirs["nchw"][0]) == 3 * 81 and len(theirs["apply_alpha"][0]) == 4 * 23 * 17
    # The clicks changed the mask (the stroke alone changes a few pixels).
    assert all(run[0] > 40 for run in theirs["correct"]), [run[0] for run in theirs["correct"]]
