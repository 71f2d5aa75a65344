#!/usr/bin/env python3
"""Call set-up through Kamailio: short calls (INVITE, answer, ACK, BYE) driven by SIPp as fast
as they complete, through Kamailio with deploy/kamailio/kamailio.cfg over two `flows serve`
processes, and to one `flows serve` called directly, in the same run, and to a bare C server on
libre (bench/sip_answer.c); the direct server again after four times as many calls; Kamailio
with its default memory manager (qm) beside tlsf; short calls at a steady rate, through
Kamailio and to one server directly; then calls held a few seconds through Kamailio (the
flow's menu playing), as calls are. Reported: calls a second, and the CPU each side spends per
call (Kamailio's processes summed; the servers' summed), read from /proc. Each Kamailio gets
fresh servers. SIPp, Kamailio and the servers share the machine's cores.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sip_speed  # noqa: E402
import tools  # noqa: E402

KAMAILIO_CFG = os.path.join(tools.ROOT, "deploy", "kamailio", "kamailio.cfg")



def session_cpu_seconds(session):
    """User and system CPU of every live process of a session (Kamailio forks its workers)."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def options_answered(port):
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    probe.settimeout(0.2)
    local = probe.getsockname()[1]
    request = (f"OPTIONS sip:127.0.0.1:{port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{local};branch=z9hG4bKprobe{time.time_ns()}\r\n"
               f"From: <sip:bench@127.0.0.1:{local}>;tag=probe\r\nTo: <sip:127.0.0.1:{port}>\r\nCall-ID: probe-{time.time_ns()}\r\n"
               "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n")
    try:
        probe.sendto(request.encode(), ("127.0.0.1", port))
        return probe.recv(4096).startswith(b"SIP/2.0 200")
    except OSError:
        return False
    finally:
        probe.close()


def wait_until_answering(port, name, process):
    deadline = time.monotonic() + 10
    while not options_answered(port):
        if time.monotonic() > deadline or process.poll() is not None:
            sys.exit(f"{name} did not answer OPTIONS on port {port}")
        time.sleep(0.1)


def server(program, port, folder):
    state = os.path.join(folder, f"state-{port}.sqlite")
    process = subprocess.Popen([program, "serve", "--sip", f"127.0.0.1:{port}", "--prompts", os.path.join(tools.ROOT, "Prompts"),
                                "--max-calls", "1000", "--rtp-timeout", "0"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "FLOW_STATE_DB": state})
    wait_until_answering(port, "flows serve", process)
    return process


def kamailio(port, servers, folder, memory="tlsf"):
    """Kamailio with deploy/kamailio/kamailio.cfg over `servers`, its shared and private memory
    managed by `memory` (docs/scale.md starts it with tlsf; qm is its default). Its shared
    memory is 256 MB, not 64: it keeps each transaction 5 s after its end, and SIPp sets up
    calls here faster than 64 MB holds (docs/scale.md)."""
    listing = os.path.join(folder, "dispatcher.list")
    with open(listing, "w") as file:
        file.writelines(f"1 sip:127.0.0.1:{server_port}\n" for server_port in servers)
    process = subprocess.Popen(["/usr/sbin/kamailio", "-f", KAMAILIO_CFG, "-DD", "-E", "-w", folder, "-P", os.path.join(folder, "k.pid"),
                                "-A", f"LISTEN=udp:127.0.0.1:{port}", "-A", f'DISPATCHER_LIST="{listing}"', "-x", memory, "-m", "256"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    wait_until_answering(port, "kamailio", process)
    return process


def short_calls(port, calls, folder, limit=20, hold_ms=0, rate=10000):
    """`calls` calls to `port`, at most `limit` at once, `rate` new a second, each hung up
    `hold_ms` after the answer: seconds taken, the calls SIPp counted as failed, and its exit
    status."""
    # Media goes to a socket that is open and never read, so no ICMP error comes back.
    sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sink.bind(("127.0.0.1", 0))
    scenario = os.path.join(folder, f"short-{port}.xml")
    with open(scenario, "w") as file:
        file.write(sip_speed.SCENARIO.replace("{sink}", str(sink.getsockname()[1])).replace("{hold}", str(hold_ms)))
    stats = os.path.join(folder, f"stats-{port}.csv")
    started = time.monotonic()
    result = subprocess.run(["sipp", f"127.0.0.1:{port}", "-sf", scenario, "-s", "DtmfMenu", "-i", "127.0.0.1",
                             "-p", str(sip_speed.free_port()), "-r", str(rate), "-l", str(limit), "-m", str(calls), "-nostdin",
                             "-trace_stat", "-stf", stats, "-timeout", "120s"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=folder)
    elapsed = time.monotonic() - started
    sink.close()
    failed = 0
    lines = open(stats).read().splitlines() if os.path.exists(stats) else []
    if len(lines) >= 2:
        header, last = lines[0].split(";"), lines[-1].split(";")
        failed = int(last[header.index("FailedCall(C)")])
    return elapsed, failed, result.returncode


def through_kamailio(program, folder, memory, runs):
    """Kamailio over two fresh servers; for each of `runs` (name: keyword arguments of
    `short_calls`) in turn, the calls' rate and each side's CPU per call."""
    results = {}
    ports = [sip_speed.free_port(), sip_speed.free_port()]
    servers = [server(program, server_port, folder) for server_port in ports]
    proxy_port = sip_speed.free_port()
    proxy = kamailio(proxy_port, ports, folder, memory)

    def cpu():
        return sum(sip_speed.cpu_seconds(process.pid) for process in servers), session_cpu_seconds(proxy.pid)
    try:
        short_calls(proxy_port, 50, folder)
        for name, run in runs.items():
            servers_before, proxy_before = cpu()
            elapsed, failed, status = short_calls(proxy_port, folder=folder, **run)
            servers_after, proxy_after = cpu()
            results[name] = {"rate": run["calls"] / elapsed, "failed": failed, "sipp": status,
                             "server_cpu_per_call": (servers_after - servers_before) / run["calls"],
                             "proxy_cpu_per_call": (proxy_after - proxy_before) / run["calls"]}
    finally:
        os.killpg(proxy.pid, 15)
        proxy.wait()
        for process in servers:
            process.terminate()
            process.wait()
    return results


def alone(process, port, folder, warm, run):
    """`run` (keyword arguments of `short_calls`) to one server after `warm`: the calls' rate and
    the server's CPU per call. The server is stopped after."""
    try:
        short_calls(port, folder=folder, **warm)
        cpu = sip_speed.cpu_seconds(process.pid)
        elapsed, failed, status = short_calls(port, folder=folder, **run)
        return {"rate": run["calls"] / elapsed, "failed": failed, "sipp": status,
                "server_cpu_per_call": (sip_speed.cpu_seconds(process.pid) - cpu) / run["calls"]}
    finally:
        process.terminate()
        process.wait()


def measure(calls=2000, held=100, hold_ms=5000, rounds=5, steady_rate=200, steady_s=15, warm_s=6):
    """One server called directly (its first `calls` calls, and its calls after `rounds` times
    as many); Kamailio over two servers with each of its memory managers, as fast as calls
    complete and then held; a bare C server on libre as fast as calls complete; at a steady
    `steady_rate` calls a second through Kamailio, and at half that (a server's share behind
    it) to one server directly, each measured after `warm_s` seconds at that rate (Kamailio
    keeps a transaction 5 s after its end: by then the memory it takes is in use and no longer
    faulted in page by page)."""
    program = tools.swift_product("callflow-examples")
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        port = sip_speed.free_port()
        direct = server(program, port, folder)
        try:
            short_calls(port, 50, folder)  # prompts made, caches warm
            for index in range(rounds):
                cpu = sip_speed.cpu_seconds(direct.pid)
                elapsed, failed, status = short_calls(port, calls, folder)
                results["direct" if index == 0 else "direct_later"] = {
                    "rate": calls / elapsed, "failed": failed, "sipp": status,
                    "server_cpu_per_call": (sip_speed.cpu_seconds(direct.pid) - cpu) / calls}
        finally:
            direct.terminate()
            direct.wait()
        # The floor of a server on libre: bench/sip_answer.c answers and streams, nothing more.
        port = sip_speed.free_port()
        bare = sip_speed.start_server("baseline", port, {"baseline": sip_speed.c_program("sip_answer")})
        results["bare"] = alone(bare, port, folder, {"calls": 50}, {"calls": calls})
        results.update(through_kamailio(program, folder, "tlsf", {
            "kamailio": {"calls": calls}, "held": {"calls": held, "limit": held, "hold_ms": hold_ms, "rate": 50}}))
        results["held"].update(calls=held, hold_s=hold_ms / 1000)
        results["kamailio_qm"] = through_kamailio(program, folder, "qm", {"short": {"calls": calls}})["short"]
        steady = {"calls": steady_rate * steady_s, "rate": steady_rate, "limit": steady_rate}
        results["steady"] = through_kamailio(program, folder, "tlsf", {"warm": {**steady, "calls": steady_rate * warm_s},
                                                                        "steady": steady})["steady"]
        results["steady"].update(warm_s=warm_s)
        share = {"rate": steady_rate // 2, "limit": steady_rate // 2}
        port = sip_speed.free_port()
        results["steady_direct"] = alone(server(program, port, folder), port, folder, {**share, "calls": share["rate"] * warm_s},
                                         {**share, "calls": share["rate"] * steady_s})
    return results


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 2000), indent=2))
