"""An office as separate processes: the city server, a relay, three counters, two fault proxies.

Every process listens on 127.0.0.1 only. The WAN (relay → city) and the LAN
(counters → relay) each go through a fault proxy of the test, so a test can
cut either link, or hold the city's reply to the relay while it kills the relay.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from tests.helpers.fault_proxy import FaultProxy

from city_server.admin import add_commune, add_user
from city_server.db import make_engine, migrate, session_factory
from commune_desk import protocol as p
from commune_desk.app import AppContext
from commune_desk.paths import AppPaths
from commune_desk.sync.account import login

ROOT = Path(__file__).resolve().parents[3]
CHILD = Path(__file__).with_name("counter_child.py")
PASSWORD = "secret-pass"
#: Connections are reset at once: a link that is down (no waiting on timeouts).
LINK_DOWN: dict[str, Any] = {"cut_up_after": 0}


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "src"), env.get("PYTHONPATH", "")])
    return env


def _wait_http(url: str, proc: subprocess.Popen[Any], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: process exited {proc.returncode}")
        try:
            httpx.post(
                url + "/v1/auth/challenge",
                json={"device_id": "00000000-0000-4000-8000-000000000000"},
                timeout=2,
            )
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


def city_server_cmd(*args: str) -> list[str]:
    """``city-server ARGS`` run with this interpreter."""
    return [sys.executable, "-m", "city_server.cli", *args]


class Counter:
    """A counter PC: its own process speaking JSON lines."""

    def __init__(self, name: str, data_dir: Path) -> None:
        self.name = name
        self.data_dir = data_dir
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD), str(data_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=_env(),
        )
        assert self.call_raw() == {"ready": True}

    def call_raw(self) -> Any:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"counter {self.name} died")
        return json.loads(line)

    def call(self, **cmd: Any) -> Any:
        """Send one command, return its reply."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        return self.call_raw()

    def sync(self) -> dict[str, Any]:
        """One sync round."""
        return dict(self.call(cmd="sync"))

    def ids(self) -> dict[str, Any]:
        """What the counter holds."""
        return dict(self.call(cmd="ids"))

    def close(self) -> None:
        """Quit the process."""
        if self.proc.poll() is None:
            with contextlib.suppress(RuntimeError, OSError):
                self.call(cmd="quit")
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@dataclass
class Office:
    """The running parts (see the module docstring)."""

    root: Path
    city_url: str = ""
    city_db: str = ""
    city: subprocess.Popen[Any] | None = None
    wan: FaultProxy | None = None
    lan: FaultProxy | None = None
    relay: subprocess.Popen[Any] | None = None
    relay_port: int = 0
    relay_db: str = ""
    counters: list[Counter] = field(default_factory=list)

    # -- the city ---------------------------------------------------------------------

    def start_city(self) -> None:
        """Create the city's database (C01 with a leader and three clerks) and serve it."""
        self.city_db = f"sqlite:///{self.root / 'city.sqlite3'}"
        engine = make_engine(self.city_db)
        migrate(engine)
        with session_factory(engine)() as s:
            add_commune(s, code="C01", name="Xã Một")
            for name, role in [("leader", p.Role.LEADER)] + [(f"clerk{i}", p.Role.CLERK) for i in range(3)]:
                add_user(s, commune_code="C01", username=name, role=role, password=PASSWORD, fast_hash=True)
            s.commit()
        engine.dispose()
        port = free_port()
        self.city = subprocess.Popen(
            city_server_cmd("serve", "--db", self.city_db, "--port", str(port)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=_env(),
        )
        self.city_url = f"http://127.0.0.1:{port}"
        _wait_http(self.city_url, self.city)
        self.wan = FaultProxy("127.0.0.1", port).start()

    # -- the relay --------------------------------------------------------------------

    def register_relay(self, name: str = "relay") -> None:
        """``city-server relay login`` for a new relay database (a leader's password)."""
        self.relay_db = f"sqlite:///{self.root / (name + '.sqlite3')}"
        assert self.wan is not None
        done = subprocess.run(
            city_server_cmd(
                "relay",
                "login",
                "--db",
                self.relay_db,
                "--upstream",
                self.city_url,
                "--username",
                "leader",
                "--password-stdin",
            ),
            input=PASSWORD + "\n",
            capture_output=True,
            text=True,
            env=_env(),
            timeout=120,
        )
        assert done.returncode == 0, done.stderr

    def start_relay(self) -> None:
        """Serve the relay (its upstream is the WAN proxy); the LAN proxy in front of it."""
        assert self.wan is not None
        if not self.relay_port:
            self.relay_port = free_port()
        self.relay = subprocess.Popen(
            city_server_cmd(
                "serve", "--db", self.relay_db, "--port", str(self.relay_port), "--upstream", self.wan.url
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=_env(),
        )
        _wait_http(f"http://127.0.0.1:{self.relay_port}", self.relay)
        if self.lan is None:
            self.lan = FaultProxy("127.0.0.1", self.relay_port).start()
        else:
            self.lan.upstream = ("127.0.0.1", self.relay_port)

    def kill_relay(self) -> None:
        """SIGKILL the relay process (no chance to finish anything)."""
        assert self.relay is not None
        self.relay.send_signal(signal.SIGKILL)
        self.relay.wait(timeout=20)
        self.relay = None

    # -- counters ---------------------------------------------------------------------

    def add_counter(self, name: str, username: str) -> Counter:
        """A PC logged in online once (to the city, over the WAN), then run as its own process."""
        assert self.wan is not None
        data_dir = self.root / name
        with AppContext.open(AppPaths.resolve(data_dir)) as ctx:
            login(
                ctx.store,
                server_url=self.wan.url,
                username=username,
                password=PASSWORD,
                insecure_storage=True,
            )
        counter = Counter(name, data_dir)
        self.counters.append(counter)
        return counter

    def close(self) -> None:
        """Stop everything this office started."""
        for c in self.counters:
            c.close()
        for proc in (self.relay, self.city):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
        for proxy in (self.lan, self.wan):
            if proxy is not None:
                proxy.close()
