"""Run the fake Koha standalone: ``python -m tests.fakekoha --port 8081 --latency 0.02``."""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path

from tests.fakekoha.server import FakeKoha


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.fakekoha", description=__doc__)
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per request")
    parser.add_argument("--jitter", type=float, default=0.0, help="extra random seconds")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--db", type=Path, help="SQLite file (default: a temporary one)")
    parser.add_argument("--client-id", default="koha-bridge-test")
    parser.add_argument("--client-secret", default="fakekoha-secret")
    parser.add_argument("--basic", metavar="USER:PASSWORD", help="enable HTTP Basic auth")
    parser.add_argument("--strict", action="store_true", help="validate against the spec")
    parser.add_argument("--log-requests", action="store_true", help="keep a request log")
    args = parser.parse_args(argv)
    fake = FakeKoha(args.db, port=args.port, strict=args.strict, client_id=args.client_id,
                    client_secret=args.client_secret, seed=args.seed, latency=args.latency,
                    jitter=args.jitter, log_requests=args.log_requests)
    if args.basic:
        user, _, password = args.basic.partition(":")
        fake.enable_basic(user, password)
    print(f"fake Koha on {fake.url}  client_id={fake.client_id}  db={fake.db_path}", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
