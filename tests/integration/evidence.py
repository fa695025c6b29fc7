#!/usr/bin/env python3
"""Builds the JSON evidence of POST /v1/vms/{id}/attest from tpm2_quote's files:
evidence.py NONCE_HEX ATTEST SIG PCRS_RAW SELECTION [EVENTLOG] > evidence.json
SELECTION is e.g. sha256:0,1,2 (as given to tpm2_quote -l); PCRS_RAW is tpm2_quote -F values."""
import base64, json, sys

nonce, attest, sig, raw, sel = sys.argv[1:6]
log = sys.argv[6] if len(sys.argv) > 6 else None
b64 = lambda p: base64.b64encode(open(p, 'rb').read()).decode()
values = open(raw, 'rb').read()
pcrs, off = {}, 0
for part in sel.split('+'):
    bank, idx = part.split(':')
    size = {'sha1': 20, 'sha256': 32, 'sha384': 48, 'sha512': 64}[bank]
    pcrs[bank] = {}
    for i in sorted(int(x) for x in idx.split(',')):
        pcrs[bank][str(i)] = values[off:off + size].hex()
        off += size
assert off == len(values), 'selection does not match the values'
ev = {'nonce': nonce, 'quote': {'attest': b64(attest), 'signature': b64(sig)}, 'pcrs': pcrs,
      'os': {'id': 'debian', 'version': '12', 'kernel': '6.1.0'}}
if log:
    ev['event_log'] = b64(log)
json.dump(ev, sys.stdout)
