#!/usr/bin/env python3
"""Builds an Azure-shaped HCL report around an SEV-SNP report signed by a test VCEK, for the
service's confidential-VM tests (tests/integration/cvm.sh). The layouts are those the library
parses (docs/confidential.md): an ATTESTATION_REPORT v3 of a Genoa CPU, signed ECDSA P-384 /
SHA-384 over bytes 0x000-0x29F with r and s little-endian in 72 bytes; the HCL header, request
data and runtime data JSON whose SHA-256 is the report's report_data and whose HCLAkPub JWK is
the AK given. The signature is made by `openssl dgst` (no Python crypto library needed).

mksnp.py --ak-modulus HEX --vcek-key KEY.pem --chip HEX128 --tcb BL:TEE:SNP:UCODE
         [--debug] [--vmpl N] [--unbound] [--pad N] --out HCL.bin
"""
import argparse, base64, hashlib, json, struct, subprocess, tempfile

REPORT_LEN, SIGNED_LEN = 0x4A0, 0x2A0


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b'=').decode()


def der_ints(sig):
    """(r, s) of a DER ECDSA-Sig-Value."""
    assert sig[0] == 0x30
    off = 2 if sig[1] < 0x80 else 3
    out = []
    for _ in range(2):
        assert sig[off] == 0x02
        n = sig[off + 1]
        out.append(int.from_bytes(sig[off + 2:off + 2 + n], 'big'))
        off += 2 + n
    return out


def sign(key, data):
    with tempfile.NamedTemporaryFile() as f:
        f.write(data)
        f.flush()
        sig = subprocess.run(['openssl', 'dgst', '-sha384', '-sign', key, f.name],
                             check=True, capture_output=True).stdout
    return der_ints(sig)


def runtime_data(modulus):
    rt = {"keys": [{"kid": "HCLAkPub", "key_ops": ["sign"], "kty": "RSA", "e": "AQAB",
                    "n": b64url(modulus)}],
          "vm-configuration": {"console-enabled": False, "secure-boot": True,
                               "tpm-enabled": True, "tpm-persisted": True,
                               "vmUniqueId": "7E57C0DE-0000-4000-8000-00000000C0DE"},
          "user-data": "00" * 64}
    return json.dumps(rt, separators=(',', ':')).encode()


def snp_report(a, report_data):
    bl, tee, snp, ucode = (int(x) for x in a.tcb.split(':'))
    tcb = bl | tee << 8 | snp << 48 | ucode << 56
    policy = 1 << 17 | 1 << 16 | (1 << 19 if a.debug else 0)  # reserved-one, SMT, debug
    r = bytearray(REPORT_LEN)
    struct.pack_into('<IIQ', r, 0, 3, 0, policy)
    struct.pack_into('<IIQQI', r, 0x30, a.vmpl, 1, tcb, 0x24, 0)  # VCEK signs (flags 0)
    r[0x50:0x90] = report_data
    r[0x90:0xC0] = hashlib.sha384(b'trustlaunch test guest').digest()
    struct.pack_into('<Q', r, 0x180, tcb)
    r[0x188:0x18B] = bytes([0x19, 0x11, 0x01])                    # Genoa
    r[0x1A0:0x1E0] = bytes.fromhex(a.chip)
    struct.pack_into('<QBBBxBBBxQ', r, 0x1E0, tcb, 0x28, 0x37, 1, 0x28, 0x37, 1, tcb)
    rs, ss = sign(a.vcek_key, bytes(r[:SIGNED_LEN]))
    r[0x2A0:0x2A0 + 72] = rs.to_bytes(72, 'little')
    r[0x2E8:0x2E8 + 72] = ss.to_bytes(72, 'little')
    return bytes(r)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--ak-modulus', required=True)
    p.add_argument('--vcek-key', required=True)
    p.add_argument('--chip', required=True)
    p.add_argument('--tcb', required=True)
    p.add_argument('--debug', action='store_true')
    p.add_argument('--vmpl', type=int, default=0)
    p.add_argument('--unbound', action='store_true', help='report_data not the runtime hash')
    p.add_argument('--pad', type=int, default=2600, help='NV index size (Azure: 2600)')
    p.add_argument('--out', required=True)
    a = p.parse_args()
    rt = runtime_data(bytes.fromhex(a.ak_modulus))
    digest = hashlib.sha256(rt + (b' ' if a.unbound else b'')).digest()
    report = snp_report(a, digest + bytes(32))
    request = struct.pack('<5I', 20 + len(rt), 1, 2, 1, len(rt))
    body = report + request + rt
    header = b'HCLA' + struct.pack('<4I', 2, 32 + len(body), 2, 0) + bytes(12)
    hcl = header + body
    open(a.out, 'wb').write(hcl + bytes(max(0, a.pad - len(hcl))))  # the NV index's padding


if __name__ == '__main__':
    main()
