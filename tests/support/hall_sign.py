#!/usr/bin/env python3
"""hall_sign.py: ed25519 keys and signed controller messages for the shell tests, in plain
Python (RFC 8032 section 5.1, its reference algorithm), independent of the C code under test
and of any package beyond python3.

  hall_sign.py keygen DIR NAME
      DIR/NAME.key: base64 of the 64-byte libsodium secret key (seed || public key), mode
      0600, as `hall-controller init` writes it; DIR/NAME.pub: base64 of the public key.
  hall_sign.py sign LIST
      LIST holds lines "KEYFILE TOPIC PAYLOAD_FILE OUT_FILE"; each OUT_FILE gets the payload
      signed for TOPIC in the wire layout of docs/protocol.md "Signed messages":
      {"sig":"…","key":"…","msg":<payload>} over b"hall-sig-1\\0" + topic + b"\\0" + payload.
"""
import base64
import hashlib
import os
import sys

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def _add(a, b):
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    aa = (y1 - x1) * (y2 - x2) % P
    bb = (y1 + x1) * (y2 + x2) % P
    c = t1 * 2 * D * t2 % P
    dd = z1 * 2 * z2 % P
    e, f, g, h = bb - aa, dd - c, dd + c, bb + aa
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _mul(s, pt):
    q = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            q = _add(q, pt)
        pt = _add(pt, pt)
        s >>= 1
    return q


def _recover_x(y, sign):
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P)
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P != 0:
        x = x * SQRT_M1 % P
    if (x & 1) != sign:
        x = P - x
    return x


_GY = 4 * pow(5, P - 2, P) % P
_GX = _recover_x(_GY, 0)
G = (_GX, _GY, 1, _GX * _GY % P)


def _encode(pt):
    x, y, z, _ = pt
    zi = pow(z, P - 2, P)
    x, y = x * zi % P, y * zi % P
    return int.to_bytes(y | ((x & 1) << 255), 32, "little")


def _h(m):
    return int.from_bytes(hashlib.sha512(m).digest(), "little")


def _expand(seed):
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return a, h[32:]


def public_key(seed):
    a, _ = _expand(seed)
    return _encode(_mul(a, G))


def sign(seed, msg):
    a, prefix = _expand(seed)
    pk = _encode(_mul(a, G))
    r = _h(prefix + msg) % L
    rs = _encode(_mul(r, G))
    s = (r + _h(rs + pk + msg) * a) % L
    return rs + int.to_bytes(s, 32, "little")


def keygen(d, name):
    seed = os.urandom(32)
    pk = public_key(seed)
    path = os.path.join(d, name + ".key")
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(base64.b64encode(seed + pk).decode() + "\n")
    with open(os.path.join(d, name + ".pub"), "w") as f:
        f.write(base64.b64encode(pk).decode())


def wrap(keyfile, topic, payload):
    sk = base64.b64decode(open(keyfile).read().strip())
    seed, pk = sk[:32], sk[32:]
    sig = sign(seed, b"hall-sig-1\0" + topic.encode() + b"\0" + payload)
    return (b'{"sig":"' + base64.b64encode(sig) + b'","key":"' + base64.b64encode(pk) + b'","msg":' + payload
            + b"}")


def main(argv):
    if len(argv) == 4 and argv[1] == "keygen":
        keygen(argv[2], argv[3])
        return 0
    if len(argv) == 3 and argv[1] == "sign":
        for line in open(argv[2]):
            if not line.strip():
                continue
            keyfile, topic, payload, out = line.split()
            with open(out, "wb") as f:
                f.write(wrap(keyfile, topic, open(payload, "rb").read()))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
