#!/usr/bin/env python3
"""An HTTP server for the runtime tests, on 127.0.0.1. Prints its port on the first line.

  /echo                 the request as JSON: method, path, query, headers, body
  /status/N             status N with a JSON body
  /sequence/KEY?codes=  answers the codes in turn (per KEY), the last one from then on
  /slow?ms=N            waits N ms, then answers
  /text                 a plain-text body
  /json?body=TEXT       TEXT as the body, typed application/json
"""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

counters = {}
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body, content_type="application/json"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def handle_any(self):
        url = urlsplit(self.path)
        query = parse_qs(url.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        if url.path == "/echo":
            return self.answer(200, json.dumps({
                "method": self.command, "path": url.path, "rawQuery": url.query,
                "query": {k: v[0] for k, v in query.items()},
                "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}))
        if url.path.startswith("/status/"):
            return self.answer(int(url.path.split("/")[2]), json.dumps({"ok": False}))
        if url.path.startswith("/sequence/"):
            codes = [int(c) for c in query["codes"][0].split(",")]
            with lock:
                n = counters.get(url.path, 0)
                counters[url.path] = n + 1
            code = codes[min(n, len(codes) - 1)]
            return self.answer(code, json.dumps({"attempt": n + 1, "Value": "done"}))
        if url.path == "/slow":
            time.sleep(int(query["ms"][0]) / 1000)
            return self.answer(200, json.dumps({"Value": "late"}))
        if url.path == "/text":
            return self.answer(200, "hello", "text/plain")
        if url.path == "/json":
            return self.answer(200, query["body"][0])
        self.answer(404, json.dumps({"error": "not found"}))

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = handle_any


def exit_with_parent():
    """Stops the server when the process that started it is gone (a test run that crashed)."""
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


threading.Thread(target=exit_with_parent, daemon=True).start()

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
