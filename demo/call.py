#!/usr/bin/env python3
"""One real phone call to the example flows, for `make run`.

Starts `flows serve` on 127.0.0.1 and two baresip phones: a caller, and a support line that
answers by itself. The caller dials DtmfMenu, listens to the menu for a moment, presses 2 and
is transferred (REFER) to the support line. Prints what each phone saw and the server's
transcript, then stops all three.

Usage: call.py FLOWS_BINARY PROMPTS_DIR
"""
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time


def free_port(count):
    """A port with `count` free UDP and TCP ports from it (baresip also opens SIP port + 1)."""
    while True:
        base = 20000 + int.from_bytes(os.urandom(2), "big") % 20000
        try:
            for port in range(base, base + count):
                for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
                    with socket.socket(socket.AF_INET, kind) as probe:
                        probe.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue


class Phone:
    """A baresip instance driven over ctrl_tcp (netstrings of JSON)."""

    def __init__(self, name, user, answers):
        self.name = name
        self.folder = tempfile.TemporaryDirectory(prefix="callflow-phone-")
        self.port = free_port(3)
        samples = 8000 * 60
        with open(os.path.join(self.folder.name, "silence.wav"), "wb") as wav:
            wav.write(b"RIFF" + struct.pack("<I", 36 + 2 * samples) + b"WAVEfmt "
                      + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16)
                      + b"data" + struct.pack("<I", 2 * samples) + bytes(2 * samples))
        with open(os.path.join(self.folder.name, "config"), "w") as config:
            config.write(f"""sip_listen 127.0.0.1:{self.port}
net_interface 127.0.0.1
audio_player alsa,null
audio_source aufile,{self.folder.name}/silence.wav
ausrc_srate 8000
auplay_srate 8000
module_path /usr/lib/baresip/modules
module g711.so
module aufile.so
module alsa.so
module_app account.so
module_app menu.so
module_app ctrl_tcp.so
ctrl_tcp_listen 127.0.0.1:{self.port + 2}
""")
        with open(os.path.join(self.folder.name, "accounts"), "w") as accounts:
            answer = ";answermode=auto" if answers else ""
            accounts.write(f"<sip:{user}@127.0.0.1:{self.port}>;regint=0;audio_codecs=PCMU{answer}\n")
        self.process = subprocess.Popen(["baresip", "-f", self.folder.name], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        deadline = time.time() + 10
        while True:
            try:
                self.control = socket.create_connection(("127.0.0.1", self.port + 2), timeout=0.2)
                break
            except OSError:
                if time.time() > deadline:
                    raise SystemExit(f"{name}: baresip did not start")
                time.sleep(0.05)
        self.buffer = b""

    def send(self, command, params=""):
        print(f"{self.name}: {command} {params}".rstrip())
        body = json.dumps({"command": command, "params": params, "token": "1"}).encode()
        self.control.sendall(str(len(body)).encode() + b":" + body + b",")

    def wait_for(self, event, seconds):
        """Prints this phone's call events until `event` (or `seconds`); True when it came."""
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                self.buffer += self.control.recv(4096)
            except socket.timeout:
                pass
            while True:
                head, colon, rest = self.buffer.partition(b":")
                if not colon or not head.isdigit() or len(rest) < int(head) + 1:
                    break
                message = json.loads(rest[:int(head)])
                self.buffer = rest[int(head) + 1:]
                if message.get("event") and message.get("class") == "call":
                    print(f"{self.name}: {message['type']} {message.get('peeruri', '')} {message.get('param', '')}".rstrip())
                    if message["type"] == event:
                        return True
        return False

    def stop(self):
        self.process.terminate()
        self.process.wait()
        self.folder.cleanup()


def main():
    flows, prompts = sys.argv[1], sys.argv[2]
    support = Phone("support", "+442071234567", answers=True)
    caller = Phone("caller ", "tester", answers=False)
    port = free_port(1)
    server = subprocess.Popen([flows, "serve", "--sip", f"127.0.0.1:{port}", "--prompts", prompts,
                               "--transfer-uri", f"sip:{{to}}@127.0.0.1:{support.port}"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = server.stdout.readline()
        print("server : " + line.rstrip())
        caller.send("dial", f"sip:DtmfMenu@127.0.0.1:{port}")
        if not caller.wait_for("CALL_ESTABLISHED", 10):
            raise SystemExit("the call was not answered")
        caller.wait_for("never", 1.5)   # hear the start of the menu
        caller.send("sndcode", "2")
        ok = support.wait_for("CALL_ESTABLISHED", 10) and caller.wait_for("CALL_CLOSED", 10)
        support.send("hangup")
        support.wait_for("CALL_CLOSED", 5)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=70)
        for text in output.splitlines():
            print("server : " + text)
        caller.stop()
        support.stop()
    if not ok:
        raise SystemExit("the caller was not transferred to the support line")
    print("The caller heard the menu, pressed 2 and was transferred to the support line.")


if __name__ == "__main__":
    main()
