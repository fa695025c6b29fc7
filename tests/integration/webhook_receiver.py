#!/usr/bin/env python3
"""A loopback webhook receiver for the tests: checks every delivery's Standard Webhooks
signature on its own (hmac, base64), and appends one JSON line per delivery to OUT:
{"id", "timestamp", "valid", "type", "body"}. The first FAIL deliveries are answered 503
(to exercise retries); a delivery whose signature does not verify is answered 401.
    webhook_receiver.py PORT OUT SECRET [FAIL]"""
import base64, hashlib, hmac, json, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, out, secret = sys.argv[1:4]
fail = [int(sys.argv[4]) if len(sys.argv) > 4 else 0]
key = base64.b64decode(secret[len('whsec_'):])
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length', '0')))
        mid, ts = self.headers.get('webhook-id', ''), self.headers.get('webhook-timestamp', '')
        want = base64.b64encode(hmac.new(key, f'{mid}.{ts}.'.encode() + body,
                                         hashlib.sha256).digest()).decode()
        sigs = [s[3:] for s in self.headers.get('webhook-signature', '').split() if s.startswith('v1,')]
        valid = any(hmac.compare_digest(s, want) for s in sigs)
        with lock:
            status = 401 if not valid else 200
            if valid and fail[0] > 0:
                fail[0] -= 1
                status = 503
            try:
                typ = json.loads(body).get('type')
            except ValueError:
                typ = None
            with open(out, 'a') as f:
                f.write(json.dumps({'id': mid, 'timestamp': ts, 'valid': valid, 'type': typ,
                                    'status': status, 'body': body.decode('utf-8', 'replace')}) + '\n')
        self.send_response(status)
        self.send_header('Content-Length', '0')
        self.end_headers()


srv = ThreadingHTTPServer(('127.0.0.1', int(port)), Handler)
srv.serve_forever()
