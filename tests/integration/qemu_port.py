#!/usr/bin/env python3
"""A stand-in for QEMU's side of a virtio-serial port (tests/integration/hostd_relay.sh).
qemu_port.py HOST-SOCKET GUEST-SOCKET: listens on HOST-SOCKET (the domain's agent.sock, where
QEMU would listen and tl-hostd connects) and on GUEST-SOCKET (where the guest's tl-agent
connects with --server unix:GUEST-SOCKET). Like a virtio-serial port, the host's connection
lasts while guests open and close the port: each guest connection is bridged to it in turn,
and bytes the host sends while no guest has the port open are dropped."""
import os, select, socket, sys

host_path, guest_path = sys.argv[1], sys.argv[2]

def listen(path):
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(4)
    return s

hl, gl = listen(host_path), listen(guest_path)
host = guest = None
while True:
    socks = [s for s in (hl, gl, host, guest) if s is not None]
    ready, _, _ = select.select(socks, [], [])
    for s in ready:
        if s is hl:
            if host:
                host.close()
            host, _ = hl.accept()
        elif s is gl:
            if guest:
                guest.close()
            guest, _ = gl.accept()
        elif s is host:
            data = host.recv(65536)
            if not data:
                host.close(); host = None
            elif guest:
                try:
                    guest.sendall(data)
                except OSError:
                    guest.close(); guest = None
        elif s is guest:
            try:
                data = guest.recv(65536)
            except OSError:
                data = b''
            if not data:
                guest.close(); guest = None
            elif host:
                host.sendall(data)
