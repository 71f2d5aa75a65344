#!/usr/bin/env python3
"""`flows serve` under load: concurrent calls driven by SIPp, each receiving a prompt, with
the RTP measured on the wire by bench/rtp_sink.c; and the time from INVITE to the first packet
of a cached prompt at 20 new calls a second, measured by a small SIP caller here. The same
measures of bench/sip_answer.c, a bare C server on libre and librem that answers and streams
a prompt, run in the same run as the baseline.

CallFlow's calls run DtmfMenu (the menu, silence while it waits for a key, the menu again):
its RTP never stops, silence being sent as audio. The baseline loops please_hold.wav.
"""
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tools  # noqa: E402

# ACK and BYE follow the route a proxy recorded ([routes], [next_url]), as a phone's would, so
# bench/proxy_speed.py calls through Kamailio with it too. Kamailio's workers relay a call's 180
# and 200 in parallel, so over UDP a 180 now and then comes after the 200: a phone ignores it,
# SIPp counts the call as failed.
SCENARIO = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="listener">
  <send retrans="500"><![CDATA[
    INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
    From: <sip:bench@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
    To: <sip:[service]@[remote_ip]:[remote_port]>
    Call-ID: [call_id]
    CSeq: 1 INVITE
    Contact: <sip:bench@[local_ip]:[local_port]>
    Max-Forwards: 70
    Content-Type: application/sdp
    Content-Length: [len]

    v=0
    o=bench 1 1 IN IP4 127.0.0.1
    s=-
    c=IN IP4 127.0.0.1
    t=0 0
    m=audio {sink} RTP/AVP 0
    a=rtpmap:0 PCMU/8000
  ]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rrs="true"/>
  <send><![CDATA[
    ACK [next_url] SIP/2.0
    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
    From: <sip:bench@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
    To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
    Call-ID: [call_id]
    [routes]
    CSeq: 1 ACK
    Max-Forwards: 70
    Content-Length: 0
  ]]></send>
  <pause milliseconds="{hold}"/>
  <send retrans="500"><![CDATA[
    BYE [next_url] SIP/2.0
    Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
    From: <sip:bench@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
    To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
    Call-ID: [call_id]
    [routes]
    CSeq: 2 BYE
    Max-Forwards: 70
    Content-Length: 0
  ]]></send>
  <recv response="200"/>
</scenario>
"""


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def c_program(name):
    os.makedirs(tools.OUT, exist_ok=True)
    program = os.path.join(tools.OUT, name)
    subprocess.run(["cc", "-O2", "-DHAVE_INTTYPES_H", "-DHAVE_STDBOOL_H", "-DHAVE_INET6", "-DHAVE_UNISTD_H", "-I/usr/include/re",
                    "-I/usr/include/rem", "-o", program, os.path.join(tools.HERE, name + ".c"), "-lrem", "-lre"], check=True)
    return program


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def start_server(kind, port, programs):
    if kind == "callflow":
        command = [programs["callflow"], "serve", "--sip", f"127.0.0.1:{port}", "--prompts", os.path.join(tools.ROOT, "Prompts"),
                   "--max-calls", "1000", "--rtp-timeout", "0"]
    else:
        command = [programs["baseline"], "127.0.0.1", str(port), os.path.join(tools.ROOT, "Prompts", "please_hold.wav")]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    server.stderr.readline()  # "answering …": it listens
    return server


def load(kind, programs, calls, rate, hold_ms):
    """`calls` calls at `rate` a second, each held `hold_ms`: the sink's measures, SIPp's
    failures, and the server's CPU and RSS per call while all are up."""
    port, sink_port = free_port(), free_port()
    ramp = calls / rate
    with tempfile.TemporaryDirectory() as folder:
        scenario = os.path.join(folder, "listener.xml")
        open(scenario, "w").write(SCENARIO.replace("{sink}", str(sink_port)).replace("{hold}", str(hold_ms)))
        sink = subprocess.Popen([programs["sink"], str(sink_port), str(ramp + hold_ms / 1000 + 2)], stdout=subprocess.PIPE, text=True)
        server = start_server(kind, port, programs)
        idle_rss = rss_kib(server.pid)
        sipp = subprocess.Popen(["sipp", f"127.0.0.1:{port}", "-sf", scenario, "-s", "DtmfMenu", "-i", "127.0.0.1",
                                 "-p", str(free_port()), "-r", str(rate), "-l", str(calls), "-m", str(calls), "-nostdin",
                                 "-trace_stat", "-stf", os.path.join(folder, "stats.csv"), "-timeout", "120s"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=folder)
        # Every call is up from the end of the ramp until the first hangs up.
        time.sleep(ramp + 1)
        cpu_before, before = cpu_seconds(server.pid), time.time()
        time.sleep(max(1, hold_ms / 1000 - 2))
        cpu = (cpu_seconds(server.pid) - cpu_before) / (time.time() - before)
        rss = rss_kib(server.pid)
        sipp.wait()
        wire = json.loads(sink.communicate()[0])
        server.terminate()
        server.wait()
        failed = 0
        stats = open(os.path.join(folder, "stats.csv")).read().splitlines()
        if len(stats) >= 2:
            header, last = stats[0].split(";"), stats[-1].split(";")
            failed = int(last[header.index("FailedCall(C)")])
    return {"wire": wire, "failed": failed, "sipp": sipp.returncode, "cpu_per_call": cpu / calls,
            "rss_per_call_kib": (rss - idle_rss) / calls, "rss_mib": rss / 1024}


class Caller:
    """A minimal SIP caller over UDP for one measure: INVITE with an SDP that names its own
    RTP socket, ACK on 200, BYE once the first sound has come."""

    def __init__(self, server_port):
        self.server = ("127.0.0.1", server_port)
        self.sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sip.bind(("127.0.0.1", 0))
        self.sip.settimeout(5)
        self.port = self.sip.getsockname()[1]

    def call(self, number, user):
        media = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        media.bind(("127.0.0.1", 0))
        media.settimeout(5)
        call_id, tag = f"bench-{number}@127.0.0.1", f"t{number}"
        sdp = ("v=0\r\no=bench 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
               f"m=audio {media.getsockname()[1]} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")
        common = (f"From: <sip:bench@127.0.0.1:{self.port}>;tag={tag}\r\nCall-ID: {call_id}\r\n"
                  f"Contact: <sip:bench@127.0.0.1:{self.port}>\r\nMax-Forwards: 70\r\n")
        uri = f"sip:{user}@127.0.0.1:{self.server[1]}"
        invite = (f"INVITE {uri} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{self.port};branch=z9hG4bK{number}a\r\n"
                  f"To: <{uri}>\r\n{common}CSeq: 1 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: {len(sdp)}\r\n\r\n{sdp}")
        started = time.monotonic()
        self.sip.sendto(invite.encode(), self.server)
        to = None
        while to is None:
            answer = self.sip.recv(65536).decode(errors="replace")
            # Only this INVITE's 200 (a BYE's answer of the call before may come first).
            if answer.startswith("SIP/2.0 200") and call_id in answer and re.search(r"^CSeq: 1 INVITE", answer, re.M | re.I):
                to = re.search(r"^To: (.*)$", answer, re.M | re.I).group(1).strip()
        ack = (f"ACK {uri} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{self.port};branch=z9hG4bK{number}b\r\n"
               f"To: {to}\r\n{common}CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n")
        self.sip.sendto(ack.encode(), self.server)
        while True:
            packet = media.recv(2048)
            if any(byte not in (0xFF, 0x7F) for byte in packet[12:]):
                heard = time.monotonic() - started
                break
        bye = (f"BYE {uri} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{self.port};branch=z9hG4bK{number}c\r\n"
               f"To: {to}\r\n{common}CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n")
        self.sip.sendto(bye.encode(), self.server)
        media.close()
        # The BYE's answer (and any retransmission) is drained by the next call's reads.
        return heard


def first_sound(kind, programs, calls, rate):
    """INVITE to the first packet of sound, for `calls` calls started at `rate` a second, one
    after another (each ends once heard); the first call, whose prompt is made, left out."""
    port = free_port()
    server = start_server(kind, port, programs)
    caller = Caller(port)
    times = []
    try:
        caller.call(0, "DtmfMenu")
        next_start = time.monotonic()
        for number in range(1, calls + 1):
            next_start += 1 / rate
            times.append(caller.call(number, "DtmfMenu") * 1000)
            time.sleep(max(0, next_start - time.monotonic()))
    finally:
        server.terminate()
        server.wait()
    times.sort()
    return {"p50": statistics.median(times), "p99": times[int(0.99 * (len(times) - 1))]}


def measure(calls=200, rate=40, hold_ms=12000, latency_calls=200):
    programs = {"callflow": tools.swift_product("callflow-examples"), "baseline": c_program("sip_answer"),
                "sink": c_program("rtp_sink")}
    results = {}
    for kind in ("baseline", "callflow"):
        results[kind] = load(kind, programs, calls, rate, hold_ms)
        results[kind]["first_sound"] = first_sound(kind, programs, latency_calls, 20)
    return results


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 200), indent=2))
