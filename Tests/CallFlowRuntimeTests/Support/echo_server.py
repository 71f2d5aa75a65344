#!/usr/bin/env python3
"""An HTTP server for the runtime tests, on 127.0.0.1. Prints its port on the first line.

  /echo                 the request as JSON: method, path, query, headers, body
  /status/N             status N with a JSON body
  /sequence/KEY?codes=  answers the codes in turn (per KEY), the last one from then on
  /slow?ms=N            waits N ms, then answers
  /text                 a plain-text body
  /redirect?status=N&to=URL   status N with Location: URL
  /headers?bytes=N      200 with about N bytes of headers, in lines of 1,000
  /longheader?bytes=N   302 with one Location header of N bytes
  /duplicate            {"Value": 1, "Value": "two"}
  /seen                 every request this server was sent before, in order: method, target
                        as sent (absolute for a proxy request), headers, body
  /json?body=TEXT       TEXT as the body, typed application/json

The faults of the runtime's fault matrix, each a single path segment (a flow puts it in the URL
through a fillpoint, percent-encoded):

  /ok                   {"Value": "fine"}
  /close                promises 100 bytes, sends 10, closes the connection
  /hang                 answers after 30 s
  /trickle              sends a byte every 200 ms for 30 s
  /big                  a JSON string of 1 MiB + 1 bytes in all
  /shape                {"Value": 42} where a string is declared
  /flaky                500 the first time, then {"Value": "fine"}
  /busy                 429 with Retry-After: 1 the first time, then {"Value": "fine"}
  /busy-long            429 with Retry-After: 60, always
  /redirect-PORT        302 to http://127.0.0.1:PORT/ok

With `--tls CERT KEY` it serves https with that certificate.
"""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import ssl
from urllib.parse import parse_qs, unquote, urlsplit

counters = {}
seen = []
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body, content_type="application/json", extra={}):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in extra.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def handle_any(self):
        url = urlsplit(self.path)
        query = parse_qs(url.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        if url.path == "/seen":
            with lock:
                return self.answer(200, json.dumps(seen))
        with lock:
            seen.append({"method": self.command, "target": self.path,
                         "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
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
        fault = unquote(url.path)
        if fault == "/ok":
            return self.answer(200, json.dumps({"Value": "fine"}))
        if fault == "/close":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b'{"Value": "')
            self.wfile.flush()
            self.close_connection = True
            return
        if fault == "/hang":
            time.sleep(30)
            return self.answer(200, json.dumps({"Value": "late"}))
        if fault == "/trickle":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "150")
            self.end_headers()
            try:
                for _ in range(150):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass
            return
        if fault == "/big":
            return self.answer(200, json.dumps("x" * ((1 << 20) - 1)))
        if fault == "/shape":
            return self.answer(200, json.dumps({"Value": 42}))
        if fault in ("/flaky", "/busy"):
            with lock:
                n = counters.get(fault, 0)
                counters[fault] = n + 1
            if n == 0 and fault == "/flaky":
                return self.answer(500, json.dumps({"error": "try again"}))
            if n == 0:
                return self.answer(429, json.dumps({"error": "slow down"}), extra={"Retry-After": "1"})
            return self.answer(200, json.dumps({"Value": "fine"}))
        if fault == "/busy-long":
            return self.answer(429, json.dumps({"error": "slow down"}), extra={"Retry-After": "60"})
        if fault.startswith("/redirect-"):
            return self.answer(302, "{}", extra={"Location": "http://127.0.0.1:%s/ok" % fault[len("/redirect-"):]})
        if url.path == "/redirect":
            return self.answer(int(query["status"][0]), "{}", extra={"Location": query["to"][0]})
        if url.path == "/headers":
            lines = int(query["bytes"][0]) // 1000
            return self.answer(200, "{}", extra={"X-Filler-%d" % i: "x" * 980 for i in range(lines)})
        if url.path == "/longheader":
            return self.answer(302, "{}", extra={"Location": "/ok?" + "x" * int(query["bytes"][0])})
        if url.path == "/duplicate":
            return self.answer(200, '{"Value": 1, "Value": "two"}')
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
if len(sys.argv) == 4 and sys.argv[1] == "--tls":
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[2], sys.argv[3])
    server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
