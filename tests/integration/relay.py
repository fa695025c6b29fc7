#!/usr/bin/env python3
"""What a host does for a guest's virtio-serial port: relays its byte stream to the service.
relay.py SOCKET HOST PORT listens on the unix socket SOCKET (QEMU's chardev would be the other
end on a real host) and copies each connection to HOST:PORT and back, until either side closes."""
import os, socket, sys, threading

path, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])

def pump(src, dst):
    try:
        while (data := src.recv(65536)):
            dst.sendall(data)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

def serve(guest):
    service = socket.create_connection((host, port))
    threading.Thread(target=pump, args=(guest, service), daemon=True).start()
    pump(service, guest)

if os.path.exists(path):
    os.unlink(path)
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(8)
while True:
    conn, _ = srv.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
