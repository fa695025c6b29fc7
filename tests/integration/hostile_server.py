#!/usr/bin/env python3
"""A service that misbehaves, for tl-agent's tests. Prints its port, then serves until killed.
hostile_server.py MODE [CERT KEY]
  reset      TLS (CERT KEY): reads the request, then resets the connection (SO_LINGER 0)
  slow       TLS handshake or answer never completes: one byte every 1.5 s
  evil       plain HTTP: an enrolment answer whose enrollment_id walks to another path, and
             verdicts whose text carries terminal escapes and a forged log line"""
import json, socket, ssl, struct, sys, threading, time

mode = sys.argv[1]
srv = socket.socket()
srv.bind(('127.0.0.1', 0))
srv.listen(16)
print(srv.getsockname()[1], flush=True)

def answer(conn, status, doc):
    body = json.dumps(doc).encode()
    conn.sendall(b'HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n'
                 % (status, len(body)) + body)

def read_request(conn):
    data = b''
    while b'\r\n\r\n' not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return b''
        data += chunk
    head, _, body = data.partition(b'\r\n\r\n')
    n = int([l.split(b':')[1] for l in head.split(b'\r\n') if l.lower().startswith(b'content-length')][0])
    while len(body) < n:
        body += conn.recv(65536)
    return head.split(b' ')[1]

def serve(conn):
    try:
        if mode == 'reset':
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(sys.argv[2], sys.argv[3])
            tls = ctx.wrap_socket(conn, server_side=True)
            tls.recv(100)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            conn.close()
        elif mode == 'slow':
            for b in b'\x16\x03\x03\x00\x50' + b'\x00' * 80:
                conn.send(bytes([b]))
                time.sleep(1.5)
        elif mode == 'evil':
            while True:
                path = read_request(conn)
                if not path:
                    return
                if path.endswith(b'/enroll'):
                    answer(conn, 201, {'enrollment_id': 'x/../../../v1/tokens?', 'credential': 'AAAA'})
                elif path.endswith(b'/challenge'):
                    answer(conn, 200, {'nonce': '00' * 32, 'expires_at': 0})
                else:
                    answer(conn, 200, {'attestation_id': 7, 'verdict': 'healthy\x1b[0m',
                        'reasons': [{'code': 'x\x1b[31m', 'message': 'evil\x1b]0;title\x07\ntl-agent: info: FORGED'}]})
    except OSError:
        pass

while True:
    c, _ = srv.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
