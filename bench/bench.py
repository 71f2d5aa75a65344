#!/usr/bin/env python3
"""`make bench`: every benchmark of CallFlow in one run, printed as one Markdown table. Each
row is a median of several runs beside its baseline measured in the same run, and says
whether its goal is met.

  check    flowc check vs libyaml's bare event parse (bench/check_speed.py)
  build    200 flows of 30 elements: clean, flows target from nothing (100 vs 200 flows), no-op,
           one flow edited (linked by lld and by gold), beside a package without flows
           (bench/build_speed.py)
  compile  debug compile of the generated Swift (bench/compile_speed.py)
  http     calls per second vs a C libcurl loop, and 1,000 calls with faults (bench/http_speed.py)
  sip      flows serve: 200 concurrent calls by SIPp, RTP gaps on the wire, CPU and RSS per call,
           INVITE to first sound, vs a bare C libre/librem server (bench/sip_speed.py)
  proxy    short calls through Kamailio over two flows serve vs one flows serve called directly,
           calls/s and CPU per call of each, and a bare C libre server's; Kamailio's CPU with its
           two memory managers; one server's CPU per call after 8,000 calls; calls at a steady
           200/s through Kamailio and 100/s to one server; calls held 5 s through Kamailio
           (bench/proxy_speed.py)
  state    a RateLimit decision on Redis vs on SQLite; calls logging to Redis, Redis answering
           vs paused (bench/state_speed.py)

BENCH_ONLY="check http" runs some of them; BENCH_QUICK=1 runs fewer repeats.
"""
import json
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import build_speed  # noqa: E402
import check_speed  # noqa: E402
import compile_speed  # noqa: E402
import http_speed  # noqa: E402
import proxy_speed  # noqa: E402
import sip_speed  # noqa: E402
import state_speed  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK") == "1"
ONLY = set(os.environ.get("BENCH_ONLY", "check build compile http sip proxy state").split())
rows = []


def row(measure, callflow, baseline, ratio, goal, met):
    rows.append((measure, callflow, baseline, ratio, goal, "n/a" if met is None else ("met" if met else "**missed**")))
    sys.stderr.write(f"  {measure}: {callflow} | {baseline} | {ratio} | {goal} | {rows[-1][-1]}\n")


def check():
    repeats = 5 if QUICK else 11
    results = check_speed.measure([100, 1000, 10000], repeats)
    for size, _, bare, flowc in results:
        goal, met = ("≤ 3×", flowc / bare <= 3) if size == 10000 else ("", None)
        row(f"flowc check, {size:,} elements (median of {repeats})", f"{flowc * 1000:.1f} ms", f"bare parse {bare * 1000:.1f} ms",
            f"{flowc / bare:.2f}×", goal, met)
    growth = results[2][3] / results[1][3]
    row("flowc check growth, 1,000 → 10,000 elements", f"{growth:.1f}×", "10× elements", f"{growth / 10:.2f}× linear",
        "linear (≤ 10×)", growth <= 10.5)


def build():
    repeats = 3 if QUICK else 5
    result = build_speed.measure(repeats)
    clean_with, clean_without = result["clean"]
    row("clean swift build, 200 flows of 30 elements", f"{clean_with:.1f} s", f"no flows {clean_without:.1f} s",
        f"{clean_with - clean_without:+.1f} s", "", None)
    half, full = result["target"]
    row("the flows target built from nothing, 200 flows", f"{full:.1f} s", f"100 flows {half:.1f} s", f"{full / half:.2f}×",
        "linear (≤ 2×)", full / half <= 2.1)
    noop_with, noop_without = result["noop"]
    row(f"no-op swift build, 200 flows (median of {repeats})", f"{noop_with:.2f} s", f"no flows {noop_without:.2f} s",
        f"{noop_with - noop_without:+.2f} s", "≤ 0.5 s added", noop_with - noop_without <= 0.5)
    row(f"swift build after one of 200 flows edited, linked by lld (median of {repeats})", f"{result['edit_lld']:.2f} s",
        f"default linker (gold) {result['edit']:.2f} s", f"{result['edit_lld'] / result['edit']:.2f}×", "≤ 2 s", result["edit_lld"] <= 2)


def compile():
    repeats = 1 if QUICK else 3
    medians = compile_speed.measure([100, 1000], repeats)
    row(f"debug compile of generated Swift, 100 elements (median of {repeats})", f"{medians[100]:.1f} s", "", "", "", None)
    row(f"debug compile of generated Swift, 1,000 elements (median of {repeats})", f"{medians[1000]:.1f} s", "100 elements",
        f"{medians[1000] / medians[100]:.1f}× for 10× elements", "≤ 30 s, linear", medians[1000] <= 30 and medians[1000] / medians[100] <= 10.5)


def http():
    calls, rounds = (5000, 3) if QUICK else (20000, 7)
    results, memory = http_speed.measure(calls, rounds)
    median = {key: statistics.median(values) for key, values in results.items()}
    for concurrency in (1, 64):
        swift, c = median[("swift", concurrency)], median[("c", concurrency)]
        per_round = [s / b for s, b in zip(results[("swift", concurrency)], results[("c", concurrency)])]
        goal, met = ("≥ 0.8×", swift / c >= 0.8) if concurrency == 1 else ("", None)
        row(f"calls/s, concurrency {concurrency}, {calls:,} calls (median of {rounds} rounds)", f"{swift:,.0f}/s",
            f"C libcurl loop {c:,.0f}/s", f"{swift / c:.2f}× (rounds {min(per_round):.2f}–{max(per_round):.2f})", goal, met)
    scaling = median[("swift", 64)] / median[("swift", 1)]
    row("calls/s at 64 against CallFlow's own at 1", f"{scaling:.2f}×", "", "", "≥ 2×", scaling >= 2)
    peak = max(memory) / 1024
    row(f"peak RSS of the calls process (largest of {len(memory)} runs)", f"{peak:.1f} MiB", "", "", "≤ 64 MiB", peak <= 64)
    seconds, right, wrong, rss = http_speed.measure_faults(1000)
    row("1,000 calls at once, 5 % answered 500, 5 % never answered (Timeout 1 s)",
        f"{right} right exits, {wrong} wrong, {seconds:.2f} s", "", "", "every exit right, no crash", wrong == 0 and right == 1000)
    row("peak RSS of the 1,000 calls with faults", f"{rss / 1024:.1f} MiB", "", "", "", None)


def sip():
    calls = 100 if QUICK else 200
    results = sip_speed.measure(calls)
    callflow, baseline = results["callflow"], results["baseline"]
    for kind, result in (("CallFlow", callflow), ("C baseline", baseline)):
        wire = result["wire"]
        sys.stderr.write(f"{kind}: {json.dumps(result)}\n")
    wire, base = callflow["wire"], baseline["wire"]
    row(f"{calls} concurrent calls by SIPp (40 new/s, 12 s each): calls failed", f"{callflow['failed']}", f"{baseline['failed']}", "",
        "0", callflow["failed"] == 0 and callflow["sipp"] == 0 and wire["streams"] >= calls)
    row(f"gap between a call's RTP packets on the wire, p99 (p50; max) over {wire['packets']:,} packets",
        f"{wire['gap_p99_ms']:.1f} ms ({wire['gap_p50_ms']:.1f}; {wire['gap_max_ms']:.0f})",
        f"{base['gap_p99_ms']:.1f} ms ({base['gap_p50_ms']:.1f}; {base['gap_max_ms']:.0f})", "", "≤ 25 ms", wire["gap_p99_ms"] <= 25)
    ratio = callflow["cpu_per_call"] / baseline["cpu_per_call"] if baseline["cpu_per_call"] else float("inf")
    row(f"CPU per call while {calls} calls are up (share of one core)", f"{callflow['cpu_per_call'] * 100:.2f} %",
        f"{baseline['cpu_per_call'] * 100:.2f} %", f"{ratio:.2f}×", "≤ 1.5×", ratio <= 1.5)
    row(f"RSS per call while {calls} calls are up (total)", f"{callflow['rss_per_call_kib']:.0f} KiB ({callflow['rss_mib']:.0f} MiB)",
        f"{baseline['rss_per_call_kib']:.0f} KiB ({baseline['rss_mib']:.0f} MiB)", "", "", None)
    sound, base_sound = callflow["first_sound"], baseline["first_sound"]
    row("INVITE to first packet of a cached prompt at 20 new calls/s, p99 (p50), 200 calls", f"{sound['p99']:.1f} ms ({sound['p50']:.1f})",
        f"{base_sound['p99']:.1f} ms ({base_sound['p50']:.1f})", "", "≤ 50 ms", sound["p99"] <= 50)


def proxy():
    calls = 1000 if QUICK else 3000
    results = proxy_speed.measure(calls)
    sys.stderr.write(f"proxy: {json.dumps(results)}\n")
    direct, through, held = results["direct"], results["kamailio"], results["held"]
    row(f"short calls set up by SIPp, {calls:,} (20 at once): calls/s", f"Kamailio + 2 servers {through['rate']:,.0f}/s "
        f"({through['failed']} failed)", f"1 server directly {direct['rate']:,.0f}/s ({direct['failed']} failed)",
        f"{through['rate'] / direct['rate']:.2f}×", "", None)
    row("CPU per short call: Kamailio vs the flows serve processes", f"{through['proxy_cpu_per_call'] * 1000:.2f} ms",
        f"servers {through['server_cpu_per_call'] * 1000:.2f} ms (directly {direct['server_cpu_per_call'] * 1000:.2f})",
        f"{through['proxy_cpu_per_call'] / through['server_cpu_per_call']:.2f}×", "≤ 0.2×",
        through["proxy_cpu_per_call"] <= 0.2 * through["server_cpu_per_call"])
    bare = results["bare"]
    row(f"CPU per short call, {calls:,} to one server directly: flows serve vs a bare C server on libre (bench/sip_answer.c)",
        f"{direct['server_cpu_per_call'] * 1000:.2f} ms", f"{bare['server_cpu_per_call'] * 1000:.2f} ms ({bare['rate']:,.0f}/s, "
        f"{bare['failed']} failed; Kamailio {through['proxy_cpu_per_call'] / bare['server_cpu_per_call']:.2f}× it)",
        f"{direct['server_cpu_per_call'] / bare['server_cpu_per_call']:.2f}×", "", None)
    qm, later = results["kamailio_qm"], results["direct_later"]
    row("Kamailio's CPU per short call, started with -x tlsf vs its default memory manager (qm)",
        f"{through['proxy_cpu_per_call'] * 1000:.2f} ms", f"qm {qm['proxy_cpu_per_call'] * 1000:.2f} ms",
        f"{through['proxy_cpu_per_call'] / qm['proxy_cpu_per_call']:.2f}×", "", None)
    row(f"CPU per short call of one server called directly, calls {4 * calls + 1:,}–{5 * calls:,} vs its first {calls:,}",
        f"{later['server_cpu_per_call'] * 1000:.2f} ms ({later['rate']:,.0f}/s)",
        f"{direct['server_cpu_per_call'] * 1000:.2f} ms ({direct['rate']:,.0f}/s)",
        f"{later['server_cpu_per_call'] / direct['server_cpu_per_call']:.2f}×", "", None)
    steady, alone = results["steady"], results["steady_direct"]
    row(f"CPU per short call at a steady {steady['rate']:.0f} new calls/s through Kamailio (after {steady['warm_s']} s): Kamailio vs the servers",
        f"{steady['proxy_cpu_per_call'] * 1000:.2f} ms ({steady['failed']} failed)", f"servers {steady['server_cpu_per_call'] * 1000:.2f} ms",
        f"{steady['proxy_cpu_per_call'] / steady['server_cpu_per_call']:.2f}×", "≤ 0.2×",
        steady["proxy_cpu_per_call"] <= 0.2 * steady["server_cpu_per_call"])
    row(f"CPU per short call of a server at a steady {alone['rate']:.0f} new calls/s (after {steady['warm_s']} s): called directly vs behind Kamailio",
        f"{alone['server_cpu_per_call'] * 1000:.2f} ms ({alone['failed']} failed)", f"{steady['server_cpu_per_call'] * 1000:.2f} ms",
        f"{alone['server_cpu_per_call'] / steady['server_cpu_per_call']:.2f}×", "", None)
    row(f"CPU per call held {held['hold_s']:.0f} s through Kamailio, {held['calls']} calls: Kamailio vs the servers",
        f"{held['proxy_cpu_per_call'] * 1000:.2f} ms ({held['failed']} failed)", f"servers {held['server_cpu_per_call'] * 1000:.2f} ms",
        f"{held['proxy_cpu_per_call'] / held['server_cpu_per_call']:.2f}×", "≤ 0.2×",
        held["proxy_cpu_per_call"] <= 0.2 * held["server_cpu_per_call"])


def state():
    decisions, calls, rounds = (5000, 1000, 3) if QUICK else (20000, 2000, 5)
    results = state_speed.measure(decisions, calls, rounds)
    redis = [statistics.median(r[i] for r in results["redis"]) for i in (0, 1)]
    sqlite = [statistics.median(r[i] for r in results["sqlite"]) for i in (0, 1)]
    row(f"RateLimit decision on Redis, p99 (p50), {decisions:,} in a row (median of {rounds} rounds)",
        f"{redis[1] / 1000:.2f} ms ({redis[0] / 1000:.2f})", f"SQLite {sqlite[1] / 1000:.2f} ms ({sqlite[0] / 1000:.2f})",
        f"{redis[1] / sqlite[1]:.2f}×", "≤ 1 ms", redis[1] <= 1000)
    answering, paused = statistics.median(results["calls"]), statistics.median(results["calls paused"])
    row(f"calls/s of a one-request flow, its log on Redis, {calls:,} calls (median of {rounds} rounds)",
        f"Redis paused {paused:,.0f}/s", f"Redis answering {answering:,.0f}/s", f"{paused / answering:.2f}×",
        "≥ 0.9×: logs off the call's path", paused / answering >= 0.9)


def main():
    started = time.time()
    for name, stage in (("check", check), ("build", build), ("compile", compile), ("http", http), ("sip", sip), ("proxy", proxy), ("state", state)):
        if name in ONLY:
            sys.stderr.write(f"{name}…\n")
            stage()
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "unknown CPU")
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    print(f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, {swift}; "
          f"the run took {(time.time() - started) / 60:.1f} min\n")
    print("| measure | CallFlow | baseline, same run | ratio | goal | |")
    print("| --- | ---: | ---: | ---: | --- | --- |")
    for measure in rows:
        print("| " + " | ".join(measure) + " |")


if __name__ == "__main__":
    main()
