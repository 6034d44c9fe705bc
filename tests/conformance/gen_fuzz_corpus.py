#!/usr/bin/python3
"""Writes the seed corpus of tests/fuzz/fuzz_esp_inbound.cpp: valid ESP datagrams (RFC 4303
tunnel mode) for each SA the fuzzer installs, encrypted by scapy through scapy_esp.py, in the
fuzzer's input format ([u16 big-endian length][datagram] repeated).

Run: /usr/bin/python3 tests/conformance/gen_fuzz_corpus.py tests/fuzz/corpus/fuzz_esp_inbound
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scapy_esp  # noqa: E402
from scapy.layers.inet import ICMP, IP, UDP  # noqa: E402

# Keep in step with kSas in tests/fuzz/fuzz_esp_inbound.cpp.
SAS = [
    (0x1001, "aes-cbc-hmac-sha256", 16, False, False),
    (0x1002, "aes-cbc-hmac-sha256", 32, True, False),
    (0x1003, "aes-cbc-hmac-sha1", 16, False, False),
    (0x1004, "aes-cbc-hmac-sha1", 32, False, False),
    (0x1005, "aes-gcm16", 16, False, False),
    (0x1006, "aes-gcm16", 32, True, False),
    (0x1007, "aes-gcm16", 32, False, True),
]


def sa_json(spi, transform, key_bytes, esn, udp):
    enc = bytes((spi * 7 + i) & 0xFF for i in range(key_bytes))
    auth_len = 0 if transform == "aes-gcm16" else (20 if transform == "aes-cbc-hmac-sha1" else 32)
    auth = bytes((spi * 13 + 0x80 + i) & 0xFF for i in range(auth_len))
    return {"spi": spi, "transform": transform, "enc_key": enc.hex(), "auth_key": auth.hex(),
            "salt": 0x01020304 + spi, "esn": esn, "udp": [4500, 4500] if udp else None,
            "tunnel_src": "192.0.2.1", "tunnel_dst": "198.51.100.2", "ttl": 64}


def datagram(sa, seq, inner):
    return bytes.fromhex(scapy_esp.encrypt_one(sa, scapy_esp.make_sa(sa), seq, bytes(inner))["hex"])


def framed(*datagrams):
    return b"".join(struct.pack("!H", len(d)) + d for d in datagrams)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    icmp = IP(src="10.1.1.5", dst="10.2.2.9") / ICMP(id=1, seq=1) / (b"fuzz" * 12)
    udp = IP(src="10.1.1.6", dst="10.2.2.10", flags="DF") / UDP(sport=5000, dport=53) / (b"q" * 3)
    seeds = {}
    first = []
    for spi, transform, key_bytes, esn, enc_udp in SAS:
        sa = sa_json(spi, transform, key_bytes, esn, enc_udp)
        a = datagram(sa, 1, icmp)
        b = datagram(sa, 2, udp)
        first.append(a)
        seeds["sa%04x_icmp" % spi] = framed(a)
        seeds["sa%04x_udp" % spi] = framed(b)
        seeds["sa%04x_pair" % spi] = framed(a, b)
    seeds["burst_all_sas"] = framed(*first)
    seeds["truncated"] = framed(first[0][:40], first[4][:-3])
    unknown = bytearray(first[1])
    unknown[20:24] = struct.pack("!I", 0xDEAD)
    seeds["unknown_spi"] = framed(bytes(unknown), first[1])
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print("wrote %d seeds to %s" % (len(seeds), out))


if __name__ == "__main__":
    main()
