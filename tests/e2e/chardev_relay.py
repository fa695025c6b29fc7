#!/usr/bin/env python3
"""The host end of a guest's virtio-serial port when QEMU listens on it (-chardev
socket,server=on): chardev_relay.py SOCKET HOST PORT connects to QEMU's unix socket SOCKET
(waiting for it to appear) and copies the guest's bytes to the service at HOST:PORT and back.
A serial line has no connections: the service connection is opened when the guest first
writes and again whenever the service has closed it (HTTP/1.1 keep-alive in between). Ends
when QEMU closes the socket."""
import os, socket, sys, threading, time

path, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])

for _ in range(600):
    try:
        guest = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        guest.connect(path)
        break
    except OSError:
        guest.close()
        time.sleep(0.05)
else:
    sys.exit("chardev_relay: %s did not appear" % path)

lock = threading.Lock()
service = None

def from_service(s):
    global service
    try:
        while (data := s.recv(65536)):
            guest.sendall(data)
    except OSError:
        pass
    with lock:
        if service is s:
            service = None
    s.close()

while (data := guest.recv(65536)):
    with lock:
        s = service
    if s is None:
        s = socket.create_connection((host, port))
        with lock:
            service = s
        threading.Thread(target=from_service, args=(s,), daemon=True).start()
    try:
        s.sendall(data)
    except OSError:
        with lock:
            service = None
