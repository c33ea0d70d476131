"""Counters find the relay of their commune on the LAN (zeroconf), inside a network namespace.

The test makes its own network namespace (``unshare -n``) holding only a
loopback interface with multicast switched on, so no packet reaches a real
interface. Skipped where namespaces cannot be made.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SETUP = "ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo"
SCRIPT = """
import json, sys
from city_server.relay.discovery import Announcer
from commune_desk.sync.relay_link import discover_relay
announcer = Announcer("C01", "127.0.0.1", 18765)
announcer.start()
try:
    found = {"C01": discover_relay("C01", seconds=5), "C02": discover_relay("C02", seconds=1)}
finally:
    announcer.stop()
print(json.dumps(found))
"""


def _namespaces_work() -> bool:
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return False
    done = subprocess.run(["unshare", "-n", "sh", "-c", SETUP], capture_output=True, timeout=30)
    return done.returncode == 0


@pytest.mark.skipif(not _namespaces_work(), reason="cannot make a network namespace here")
def test_a_counter_finds_its_communes_relay_and_no_other() -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        ["unshare", "-n", "sh", "-c", f'{SETUP} && exec "$0" -c "$1"', sys.executable, SCRIPT],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == {"C01": "http://127.0.0.1:18765", "C02": None}
