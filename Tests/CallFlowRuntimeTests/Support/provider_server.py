#!/usr/bin/env python3
"""Answers as CloudTalk's SMS API, Twilio's Messages API and Slack's chat.postMessage answer,
with the shapes their public references document, for the workflow tests. Prints its port.

  POST /cloudtalk/sms/send.json        Basic ct-key-id:ct-key-secret. Recipient +15550000000: 200 with
                                       responseData.success false; +15550000001: 200 with a bare
                                       success false; else 200 with responseData.status 200.
                                       A wrong key: 401 {"responseData": {"status", "message"}}.
  POST /twilio/2010-04-01/Accounts/AC123/Messages.json
                                       form To, From, Body; Basic SK1:tw-secret. To +15005550001: 400
                                       with Twilio's error 21211; else 201 with sid and status.
  POST /slack/chat.postMessage         Bearer xoxb-test. Channel #nowhere: ok false,
                                       channel_not_found; #busy: the first request 429 with
                                       Retry-After 1, then ok; else ok with ts.
                                       Recipient +15550000009: the first request is held, never
                                       answered; the next are answered.
  Slack text containing HOLD           the first such request is held, never answered.
  POST /speech/v1/speech:recognize     Google Speech-to-Text: X-Goog-Api-Key stt-key; answers
                                       a result for each channel of the config (channelTag 1, 2).
                                       A wrong key: 403 with Google's error body.
  POST /speech/v1/speech:longrunningrecognize
                                       an operation, done on its second poll at
  GET  /speech/v1/operations/<name>    (the first says done: false).
  POST /hang                           never answers.
  GET  /seen                           every request so far: method, path, headers, body.
"""
import base64
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

seen = []
lock = threading.Lock()
busy = {"count": 0}
polls = {}


def speech_results(channels):
    """Two results for the caller's channel and one for the flow's, as Speech-to-Text gives them."""
    results = [{"alternatives": [{"transcript": "I want to cancel", "confidence": 0.9}], "channelTag": 1, "languageCode": "en-us"},
               {"alternatives": [{"transcript": " my order", "confidence": 0.7}], "channelTag": 1, "languageCode": "en-us"}]
    if channels > 1:
        results.append({"alternatives": [{"transcript": "press one for sales", "confidence": 0.8}], "channelTag": 2, "languageCode": "en-us"})
    return results
held = set()


def hold_first(key):
    """Holds the first request of `key` for an hour: a process killed mid-request."""
    with lock:
        first = key not in held
        held.add(key)
    if first:
        time.sleep(3600)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, value, extra=None):
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, text in (extra or {}).items():
            self.send_header(name, text)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/seen":
            with lock:
                return self.answer(200, seen)
        if self.path.startswith("/speech/v1/operations/"):
            with lock:
                seen.append({"method": "GET", "path": self.path, "authorization": self.headers.get("X-Goog-Api-Key")})
                polls[self.path] = polls.get(self.path, 0) + 1
                done = polls[self.path] >= 2
            if not done:
                return self.answer(200, {"name": self.path.rsplit("/", 1)[1], "done": False})
            return self.answer(200, {"name": self.path.rsplit("/", 1)[1], "done": True,
                                     "response": {"@type": "type.googleapis.com/google.cloud.speech.v1.LongRunningRecognizeResponse",
                                                  "results": speech_results(2)}})
        self.answer(404, {"error": "not found"})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        with lock:
            seen.append({"method": "POST", "path": self.path, "authorization": self.headers.get("Authorization"),
                         "contentType": self.headers.get("Content-Type"), "body": body})
        auth = self.headers.get("Authorization")
        if self.path.startswith("/speech/v1/speech:"):
            seen[-1]["authorization"] = self.headers.get("X-Goog-Api-Key")
            request = json.loads(body)
            seen[-1]["body"] = json.dumps({"config": request["config"], "audioBytes": len(base64.b64decode(request["audio"]["content"]))})
            if self.headers.get("X-Goog-Api-Key") != "stt-key":
                return self.answer(403, {"error": {"code": 403, "message": "The request is missing a valid API key.", "status": "PERMISSION_DENIED"}})
            if self.path.endswith(":longrunningrecognize"):
                return self.answer(200, {"name": "4242"})
            return self.answer(200, {"results": speech_results(request["config"].get("audioChannelCount", 1)), "totalBilledTime": "3s"})
        if self.path == "/hang":
            time.sleep(3600)
        if self.path == "/cloudtalk/sms/send.json":
            if auth != "Basic " + base64.b64encode(b"ct-key-id:ct-key-secret").decode():
                return self.answer(401, {"responseData": {"status": 401, "message": "Unauthorized"}})
            sms = json.loads(body)
            if sms["recipient"] == "+15550000009":
                hold_first("sms")
            if sms["recipient"] == "+15550000000":
                return self.answer(200, {"responseData": {"success": False, "data": "Recipient is on the blocklist"}})
            if sms["recipient"] == "+15550000001":
                return self.answer(200, {"success": False, "data": "Invalid sender"})
            return self.answer(200, {"responseData": {"status": 200, "data": {"id": 5001}}})
        if self.path == "/twilio/2010-04-01/Accounts/AC123/Messages.json":
            if auth != "Basic " + base64.b64encode(b"SK1:tw-secret").decode():
                return self.answer(401, {"code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401})
            form = parse_qs(body)
            if form["To"][0] == "+15005550001":
                return self.answer(400, {"code": 21211, "message": "The 'To' number +15005550001 is not a valid phone number.",
                                         "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400})
            return self.answer(201, {"sid": "SM0123", "status": "queued", "to": form["To"][0], "from": form["From"][0], "body": form["Body"][0]})
        if self.path == "/slack/chat.postMessage":
            if auth != "Bearer xoxb-test":
                return self.answer(200, {"ok": False, "error": "invalid_auth"})
            message = json.loads(body)
            if "HOLD" in message.get("text", ""):
                hold_first("slack")
            if message["channel"] == "#nowhere":
                return self.answer(200, {"ok": False, "error": "channel_not_found"})
            if message["channel"] == "#busy":
                with lock:
                    busy["count"] += 1
                    first = busy["count"] == 1
                if first:
                    return self.answer(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"})
            return self.answer(200, {"ok": True, "channel": "C1", "ts": "1700000000.000100"})
        self.answer(404, {"error": "not found"})


def exit_with_parent():
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


threading.Thread(target=exit_with_parent, daemon=True).start()
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
