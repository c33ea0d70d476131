"""Soak run of the stateful sync model: many examples, many steps, 0 violations expected.

Runs ``tests/integration/sync/sync_model.py`` (real data folders, the real
city server, fault proxies, SIGKILLed syncs, restores of PCs and of the
server, revocations, clones) for ``--examples`` examples of ``--steps`` rules
each, from a fixed ``--seed``, and prints how many actions ran and how many
invariant violations were found (hypothesis stops at the first one and shows
the steps that lead to it). Record the figure in docs/benchmarks.md with the
command line.

    .venv/bin/python bench/sync_model_soak.py --examples 40 --steps 30 --seed 20261130
    .venv/bin/python bench/sync_model_soak.py --backend postgresql ...  # COMMUNE_TEST_PG_URL set
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

from hypothesis import HealthCheck, Phase, seed, settings  # noqa: E402
from hypothesis.stateful import run_state_machine_as_test  # noqa: E402
from tests.helpers.memory_keyring import memory_keyring  # noqa: E402
from tests.integration.sync import sync_model  # noqa: E402


def main() -> int:
    """Run the soak; exit 1 on a violation."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=40)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    actions = [0]
    by_kind: dict[str, int] = {}
    examples = [0]
    original = sync_model.World.__init__

    def counting_init(self: sync_model.World, *a: object, **k: object) -> None:
        original(self, *a, **k)  # type: ignore[arg-type]
        examples[0] += 1

    sync_model.World.__init__ = counting_init  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory(prefix="sync-soak-") as scratch:
        machine = sync_model.make_machine(Path(scratch), args.backend, seed=args.seed)
        real_note = machine._note

        def counting_note(self: object, what: str) -> None:
            actions[0] += 1
            words = what.split()
            kind = words[1] if words[0].startswith("pc") and len(words) > 1 else words[0]
            by_kind[kind] = by_kind.get(kind, 0) + 1
            real_note(self, what)  # type: ignore[arg-type]

        machine._note = counting_note  # type: ignore[method-assign]
        seed(args.seed)(machine)
        started = time.monotonic()
        violations = 0
        try:
            with memory_keyring():
                run_state_machine_as_test(
                    machine,
                    settings=settings(
                        max_examples=args.examples,
                        stateful_step_count=args.steps,
                        deadline=None,
                        phases=[Phase.generate],
                        suppress_health_check=list(HealthCheck),
                        database=None,
                    ),
                )
        except Exception:
            violations = 1
            traceback.print_exc()
        elapsed = time.monotonic() - started
    print(
        f"sync model soak: backend={args.backend} seed={args.seed} examples={examples[0]} "
        f"actions={actions[0]} violations={violations} time={elapsed:.0f}s"
    )
    print("actions by kind: " + ", ".join(f"{k}={n}" for k, n in sorted(by_kind.items())))
    return 1 if violations else 0


if __name__ == "__main__":
    raise SystemExit(main())
