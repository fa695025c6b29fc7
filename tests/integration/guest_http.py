#!/usr/bin/env python3
"""A hostile guest on the agent channel (tests/integration/hostd_relay.sh): guest_http.py
SOCKET sends the raw request read from stdin (bytes, as written) and prints the answer's
status and the error code of its JSON body, e.g. "403 relay.other_vm" or "200 -"."""
import json, socket, sys, time

s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(sys.stdin.buffer.read())
s.settimeout(15)
buf = b''
while True:
    try:
        chunk = s.recv(65536)
    except socket.timeout:
        break
    if not chunk:
        break
    buf += chunk
    head, sep, body = buf.partition(b'\r\n\r\n')
    if sep:
        n = [int(l.split(b':', 1)[1]) for l in head.split(b'\r\n')[1:] if l.lower().startswith(b'content-length:')]
        if n and len(body) >= n[0]:
            break
head, _, body = buf.partition(b'\r\n\r\n')
status = head.split(b' ')[1].decode() if head else 'none'
try:
    code = json.loads(body)['error']['code']
except Exception:
    code = '-'
print(status, code)
