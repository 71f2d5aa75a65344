#!/usr/bin/env python3
"""A minimal SMTP server for the alert tests, on 127.0.0.1. Prints its port on the first line
and appends each mail it accepts to OUTFILE as one JSON line: {"from", "to", "data"}.

  smtp_server.py OUTFILE          a working server
  smtp_server.py OUTFILE --hang   accepts connections and never answers
"""
import json
import os
import socketserver
import sys
import threading
import time

outfile = sys.argv[1]
hangs = "--hang" in sys.argv[2:]
lock = threading.Lock()


class Session(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def handle(self):
        if hangs:
            while self.rfile.readline():
                pass
            return
        self.reply("220 localhost test SMTP")
        sender, recipients = None, []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode("utf-8", "replace").rstrip("\r\n")
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 localhost")
            elif verb == "MAIL":
                sender, recipients = command.split(":", 1)[1].strip(), []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip())
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = []
                while True:
                    part = self.rfile.readline()
                    if not part or part in (b".\r\n", b".\n"):
                        break
                    data.append(part.decode("utf-8", "replace"))
                with lock, open(outfile, "a") as out:
                    out.write(json.dumps({"from": sender, "to": recipients, "data": "".join(data)}) + "\n")
                self.reply("250 OK: queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("250 OK")


def exit_with_parent():
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


threading.Thread(target=exit_with_parent, daemon=True).start()
socketserver.ThreadingTCPServer.daemon_threads = True
server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Session)
print(server.server_address[1], flush=True)
server.serve_forever()
