#!/usr/bin/env python3
"""unix_proxy.py LISTEN TARGET: copies each connection to LISTEN to the unix socket TARGET and
back. Killing it closes every connection at once, as a libvirtd that exits would
(tests/integration/hostd_reconnect.sh: libvirtd is shared and may not be restarted)."""
import os, socket, sys, threading

listen, target = sys.argv[1], sys.argv[2]

def pump(a, b):
    try:
        while (data := a.recv(65536)):
            b.sendall(data)
    except OSError:
        pass
    for s in (a, b):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

if os.path.exists(listen):
    os.unlink(listen)
srv = socket.socket(socket.AF_UNIX)
srv.bind(listen)
srv.listen(8)
while True:
    c, _ = srv.accept()
    t = socket.socket(socket.AF_UNIX)
    t.connect(target)
    threading.Thread(target=pump, args=(c, t), daemon=True).start()
    threading.Thread(target=pump, args=(t, c), daemon=True).start()
