"""The PC's sync process is killed (SIGKILL) at random instants, restarted, and still converges."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.helpers.city_server import RunningServer
from tests.helpers.fault_proxy import FaultProxy
from tests.integration.sync.sync_support import Clerk, assert_converged, make_clerk

from commune_desk.domain.dossier import EventKind
from commune_desk.sync.engine import SyncEngine

CHILD = Path(__file__).with_name("sigkill_child.py")
KILLS = int(os.environ.get("COMMUNE_SYNC_KILLS", "4"))


def _spawn(data_dir: Path, url: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    return subprocess.Popen(
        [sys.executable, str(CHILD), str(data_dir), url, "c01-clerk", "secret-pass"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )


def _work(clerk: Clerk, rng: random.Random, n: int) -> None:
    for i in range(n):
        dossier = clerk.register(rng.randrange(10**6))
        clerk.services.record_event(dossier, EventKind.ASSIGNED, actor="pc")
        if i % 4 == 0:
            clerk.services.add_attachment("dossier", dossier, source=os.urandom(150_000), filename="scan.pdf")
        clerk.incoming(i)


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_sigkill_during_sync_then_restart_converges(tmp_path: Path, city: RunningServer) -> None:
    rng = random.Random(int(os.environ.get("COMMUNE_SYNC_SEED", "7")))
    with FaultProxy("127.0.0.1", city.port) as proxy:
        clerk = make_clerk(tmp_path, "pc", proxy.url, city.user("C01"), insecure_storage=True)
        other = make_clerk(tmp_path, "other", city.base_url, city.user("C01"))
        data_dir = clerk.ctx.paths.data_dir
        try:
            _work(other, rng, 10)
            assert other.engine.sync_once().ok
            proxy.set(bandwidth=600_000, latency=0.005)  # slow enough to be killed mid-transfer
            killed_mid_sync = 0
            for _ in range(KILLS):
                _work(clerk, rng, 6)  # the clerk keeps working between crashes
                child = _spawn(data_dir, proxy.url)
                assert child.stdout is not None
                while not (line := child.stdout.readline()).startswith("ready"):
                    assert line, "child ended before syncing"
                time.sleep(rng.uniform(0.0, 1.2))  # somewhere inside the round
                if child.poll() is None:
                    child.send_signal(signal.SIGKILL)
                    killed_mid_sync += 1
                child.wait(timeout=30)
                child.stdout.close()
            assert killed_mid_sync >= 1, "no child was killed while syncing"
            proxy.clear()
            child = _spawn(data_dir, proxy.url)
            out, _ = child.communicate(timeout=120)
            assert child.returncode == 0, out
            assert other.engine.sync_once().ok
            # The parent's own engine (new object on the same store) sees a converged store.
            clerk.engine = SyncEngine(clerk.ctx.store, clerk.ctx.blobs, server_url=proxy.url)
            assert_converged(city, "C01", [clerk, other])
        finally:
            clerk.close()
            other.close()
