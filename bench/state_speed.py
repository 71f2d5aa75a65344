#!/usr/bin/env python3
"""The shared state's speed: rate-limit decisions on Redis beside the same on SQLite, and the
calls of a one-request flow whose request log goes to Redis, with Redis answering and with
Redis paused (SIGSTOP: it takes connections and never answers), which shows that log writes
are never on a call's path.

Both sides run interleaved, several rounds, in one run; the table reports medians. Needs
redis-server (`make test` installs it) and nginx (`make bench` installs it).
"""
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import http_speed  # noqa: E402
import tools  # noqa: E402


def start_redis(port):
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return tools.listening(server, port, "redis-server")


def measure(decisions, calls, rounds):
    """p50 and p99 (µs) of a decision on Redis and on SQLite, each round; calls/s of a
    one-request flow logging to Redis, answering and paused, each round."""
    swift_bench, _ = http_speed.build()
    directory = tempfile.mkdtemp(prefix="callflow-bench-")
    redis_port, http_port = http_speed.free_port(), http_speed.free_port()
    redis = start_redis(redis_port)
    nginx = http_speed.start_nginx(directory, http_port)
    url = f"redis://127.0.0.1:{redis_port}/0"
    results = {key: [] for key in ("redis", "sqlite", "calls", "calls paused")}
    try:
        for round in range(rounds):
            results["redis"].append(tuple(map(float, http_speed.run([swift_bench, "admit", url, str(decisions)])[:2])))
            sqlite = os.path.join(directory, f"admit-{round}.sqlite")
            results["sqlite"].append(tuple(map(float, http_speed.run([swift_bench, "admit", sqlite, str(decisions)])[:2])))
            results["calls"].append(float(http_speed.run([swift_bench, str(http_port), str(calls), "1", url])[0]))
            redis.send_signal(signal.SIGSTOP)
            try:
                results["calls paused"].append(float(http_speed.run([swift_bench, str(http_port), str(calls), "1", url])[0]))
            finally:
                redis.send_signal(signal.SIGCONT)
    finally:
        redis.kill()
        nginx.terminate()
        nginx.wait()
        shutil.rmtree(directory, ignore_errors=True)
    return results


def main():
    results = measure(int(os.environ.get("BENCH_DECISIONS", "20000")), int(os.environ.get("BENCH_CALLS", "2000")),
                      int(os.environ.get("BENCH_ROUNDS", "5")))
    for key, values in results.items():
        print(key, values, statistics.median(v if isinstance(v, float) else v[1] for v in values))


if __name__ == "__main__":
    main()
