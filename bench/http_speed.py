#!/usr/bin/env python3
"""The runtime's HTTP speed: N calls of a one-APIRequest flow in one process
(bench/HTTPBench) against nginx on 127.0.0.1, beside a C libcurl loop making the same requests
(bench/http_loop.c), at concurrency 1 and 64.

The two sides run interleaved, several rounds, in one run of this script, so that the machine's
noise hits both alike; the table reports medians and ratios. Needs nginx (`make bench` installs
it).
"""
import functools
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tools  # noqa: E402

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location /value {{
            default_type application/json;
            return 200 '{{"Value":"gold"}}';
        }}
    }}
}}
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_nginx(directory, port):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    conf = os.path.join(directory, "nginx.conf")
    with open(conf, "w") as file:
        file.write(NGINX_CONF.format(dir=directory, port=port))
    server = subprocess.Popen([nginx, "-p", directory, "-c", conf], stderr=subprocess.DEVNULL)
    return tools.listening(server, port, "nginx")


def run(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout.split()


@functools.cache
def build():
    """The Swift bench program and the C loop, built once a run; their paths."""
    return tools.swift_product("callflow-http-bench"), tools.c_program("http_loop", "curl")


def measure(calls, rounds):
    """Requests per second of each side and concurrency, every round; CallFlow's peak RSS in KiB."""
    swift_bench, c_loop = build()
    directory = tempfile.mkdtemp(prefix="callflow-bench-")
    port = free_port()
    server = start_nginx(directory, port)
    url = f"http://127.0.0.1:{port}/value"
    try:
        results = {(side, c): [] for side in ("c", "swift") for c in (1, 64)}
        memory = []
        run([c_loop, url, "1000", "1"])  # warm up nginx and the page cache
        for round in range(rounds):
            for concurrency in (1, 64):
                results[("c", concurrency)].append(float(run([c_loop, url, str(calls), str(concurrency)])[0]))
                state = os.path.join(directory, f"state-{round}-{concurrency}.sqlite")
                rate, rss = run([swift_bench, str(port), str(calls), str(concurrency), state])[:2]
                results[("swift", concurrency)].append(float(rate))
                memory.append(int(rss))
    finally:
        server.terminate()  # SIGTERM: nginx stops its workers too (SIGKILL would orphan them)
        server.wait()
        shutil.rmtree(directory, ignore_errors=True)
    return results, memory


def start_silent_server():
    """A server that accepts connections and never answers; its socket and port."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(4096)
    return silent, silent.getsockname()[1]


def measure_faults(calls):
    """`calls` calls at once, one in twenty answered 500 and one in twenty never answered:
    (seconds, calls that ended right, calls that ended wrong, peak RSS in KiB)."""
    swift_bench, _ = build()
    directory = tempfile.mkdtemp(prefix="callflow-bench-")
    port = free_port()
    server = start_nginx(directory, port)
    silent, silent_port = start_silent_server()
    try:
        command = [swift_bench, "faults", str(port), str(silent_port), str(calls), os.path.join(directory, "faults.sqlite")]
        result = subprocess.run(command, capture_output=True, text=True)
        if len(result.stdout.split()) < 4:
            sys.exit(f"the fault bench crashed (exit status {result.returncode}):\n{result.stdout}{result.stderr}")
        seconds, right, wrong, rss = result.stdout.split()[:4]
        return float(seconds), int(right), int(wrong), int(rss)
    finally:
        silent.close()
        server.terminate()  # SIGTERM: nginx stops its workers too (SIGKILL would orphan them)
        server.wait()
        shutil.rmtree(directory, ignore_errors=True)


def main():
    calls = int(os.environ.get("BENCH_CALLS", "20000"))
    rounds = int(os.environ.get("BENCH_ROUNDS", "5"))
    results, memory = measure(calls, rounds)
    median = {key: statistics.median(values) for key, values in results.items()}
    print(f"HTTP: {calls} GET requests a run against nginx on 127.0.0.1, median of {rounds} interleaved rounds")
    print(f"{'concurrency':>11} {'C libcurl loop':>15} {'CallFlow calls':>15} {'ratio':>6}")
    for concurrency in (1, 64):
        c, swift = median[("c", concurrency)], median[("swift", concurrency)]
        print(f"{concurrency:>11} {c:>11.0f} r/s {swift:>11.0f} r/s {swift / c:>5.2f}x")
    for concurrency in (1, 64):
        ratios = [s / c for s, c in zip(results[("swift", concurrency)], results[("c", concurrency)])]
        print(f"ratio round by round at {concurrency}: " + " ".join(f"{r:.2f}" for r in ratios)
              + f" (median {statistics.median(ratios):.2f})")
    print(f"CallFlow at 64 against itself at 1: {median[('swift', 64)] / median[('swift', 1)]:.2f}x")
    print(f"CallFlow peak RSS: {max(memory) / 1024:.1f} MiB (largest of {len(memory)} runs)")


if __name__ == "__main__":
    main()
