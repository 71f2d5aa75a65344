#!/usr/bin/env python3
"""A small demo API on 127.0.0.1 for the example flows (`make run`) and the tests.

It answers like the vendor APIs the examples are modelled on:

  GET  /leadservices/api/v2/leads/<id>/fields/158   MaxContact lead field; Basic demo:demo
  POST /cloudtalk/contacts                          CloudTalk-style contact creation
  GET  /zoom/v2/users/<email>/meetings              Zoom-style meetings; every other request
                                                    fails with 503, so one retry succeeds
  POST /pins/check                                  {"pin": …}: {"valid": true} for 1234
  POST /cloudtalk-sms/sms/send.json                 CloudTalk SMS; Basic demo-id:demo-secret;
                                                    `success: false` for a recipient of +15550000000
  POST /slack/chat.postMessage                      Slack; Bearer xoxb-demo; `ok: false` with
                                                    channel_not_found unless the channel starts with #

Usage: api.py PORT. It logs each request on standard error and stops on SIGTERM or Ctrl-C.
"""
import base64
import json
import os
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LEADS = {"42": "gold", "7": "silver"}
# A slow CRM: this lead is answered after a while, so a caller hears the hold phrase.
SLOW_LEADS = {"7": 1.5}
BASIC = "Basic " + base64.b64encode(b"demo:demo").decode()
SMS_BASIC = "Basic " + base64.b64encode(b"demo-id:demo-secret").decode()
zoom_requests = 0
zoom_lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def send_json(self, status, value):
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        sys.stderr.write("demo api: %s\n" % (format % args))

    def do_GET(self):
        global zoom_requests
        path = self.path.split("?")[0]
        lead = re.fullmatch(r"/leadservices/api/v2/leads/([^/]+)/fields/158", path)
        if lead:
            if self.headers.get("Authorization") != BASIC:
                return self.send_json(401, {"error": "unauthorized"})
            if lead.group(1) not in LEADS:
                return self.send_json(404, {"error": "no such lead"})
            time.sleep(SLOW_LEADS.get(lead.group(1), 0))
            return self.send_json(200, {"FieldId": 158, "Value": LEADS[lead.group(1)]})
        if re.fullmatch(r"/zoom/v2/users/[^/]+/meetings", path):
            with zoom_lock:
                zoom_requests += 1
                failing = zoom_requests % 2 == 1
            if failing:
                return self.send_json(503, {"message": "try again"})
            return self.send_json(200, {"page_size": 1, "meetings": [
                {"id": 8123456789, "topic": "Quarterly review", "start_time": "2026-11-23T15:00:00Z"}]})
        self.send_json(404, {"error": "not found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.path == "/cloudtalk-sms/sms/send.json":
            if self.headers.get("Authorization") != SMS_BASIC:
                return self.send_json(401, {"responseData": {"status": 401, "message": "Unauthorized"}})
            try:
                sms = json.loads(body)
            except ValueError:
                return self.send_json(400, {"responseData": {"status": 400, "message": "Invalid JSON"}})
            if sms.get("recipient") == "+15550000000":
                return self.send_json(200, {"responseData": {"success": False, "data": "Recipient is blocked"}})
            return self.send_json(200, {"responseData": {"status": 200, "data": {"id": 5001}}})
        if self.path == "/slack/chat.postMessage":
            if self.headers.get("Authorization") != "Bearer xoxb-demo":
                return self.send_json(200, {"ok": False, "error": "invalid_auth"})
            message = json.loads(body or b"{}")
            if not str(message.get("channel", "")).startswith("#"):
                return self.send_json(200, {"ok": False, "error": "channel_not_found"})
            return self.send_json(200, {"ok": True, "channel": "C0DEMO", "ts": "1700000000.000100"})
        if self.path == "/pins/check":
            try:
                pin = json.loads(body)["pin"]
            except (ValueError, KeyError, TypeError):
                return self.send_json(400, {"error": "no pin"})
            return self.send_json(200, {"valid": pin == "1234"})
        if self.path == "/cloudtalk/contacts":
            try:
                contact = json.loads(body)["contact"]
            except (ValueError, KeyError, TypeError):
                return self.send_json(400, {"status": ["invalid"]})
            known = contact.get("phone") == "+441234567890"
            return self.send_json(201 if not known else 200, {
                "status": ["exists" if known else "created"],
                "data": {"id": 1001, "name": contact.get("name") or "caller"}})
        self.send_json(404, {"error": "not found"})


def exit_with_parent():
    """Stops the server when the process that started it is gone (a test run or a make run that was killed)."""
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


threading.Thread(target=exit_with_parent, daemon=True).start()


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 18080
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    sys.stderr.write("demo api: listening on 127.0.0.1:%d\n" % port)
    sys.stderr.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
