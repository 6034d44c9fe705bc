#!/usr/bin/python3
"""scapy's ESP (scapy.layers.ipsec, tunnel mode) as an independent peer for the conformance suite.

RFC 4303 tunnel mode, RFC 4106 GCM, RFC 4868 / RFC 2404 HMAC, RFC 4304 ESN, RFC 3948 UDP.
Reads one JSON request on stdin, writes one JSON reply on stdout (run with /usr/bin/python3,
the interpreter that has Debian's python3-scapy and python3-cryptography):

  {"jobs": [{"op": "decrypt" | "encrypt",
             "sa": {"spi": int, "transform": "aes-cbc-hmac-sha256" | "aes-cbc-hmac-sha1" | "aes-gcm16",
                    "enc_key": hex, "auth_key": hex, "salt": int, "esn": bool,
                    "udp": [sport, dport] | null, "tunnel_src": "a.b.c.d", "tunnel_dst": "a.b.c.d",
                    "ttl": int},
             "packets": [{"seq": int, "hex": hex}]}]}

decrypt: "hex" is an outer datagram from the device, "seq" the 64-bit sequence number it
reported. Each result: {"ok", "error", "inner", "padding_ok", "next_header", "rebuilt"}, where
"rebuilt" is scapy's own encryption of the decrypted inner packet with the shared wire
format's deterministic IV and outer header fields, to compare byte for byte.
encrypt: "hex" is an inner IPv4 packet; scapy encrypts it (random CBC/GCM IV, as scapy does)
at "seq". Each result: {"ok", "error", "hex"}.

scapy 2.5 leaves the ESN high bits out of the HMAC of non-AEAD ESP (it only adds them for
AH), so for HMAC transforms with ESN the ICV is computed here as RFC 4303 3.3.2.2 requires:
HMAC over ESP header .. trailer || seq_hi. scapy 2.5 also writes the NAT-T UDP length before
it appends the ESP payload (UDP length 8; fix_udp_length() corrects it), reads a sequence
number argument of 0 as "not given" (so the SA's counter is set instead), and slices the
padding from already-stripped data (so trailer() decrypts the trailer with
python-cryptography). Everything else is scapy's code.
"""
import json
import struct
import sys

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from scapy.layers.inet import IP, UDP
from scapy.layers.ipsec import ESP, SecurityAssociation

AUTH = {"aes-cbc-hmac-sha256": ("SHA2-256-128", hashes.SHA256, 16),
        "aes-cbc-hmac-sha1": ("HMAC-SHA1-96", hashes.SHA1, 12)}


def make_sa(sa):
    enc_key = bytes.fromhex(sa["enc_key"])
    udp = sa.get("udp")
    nat_t = UDP(sport=udp[0], dport=udp[1]) if udp else None
    tunnel = IP(src=sa["tunnel_src"], dst=sa["tunnel_dst"])
    if sa["transform"] == "aes-gcm16":
        return SecurityAssociation(ESP, spi=sa["spi"], crypt_algo="AES-GCM",
                                   crypt_key=enc_key + struct.pack("!I", sa["salt"]),
                                   auth_algo="NULL", tunnel_header=tunnel, nat_t_header=nat_t,
                                   esn_en=sa["esn"])
    return SecurityAssociation(ESP, spi=sa["spi"], crypt_algo="AES-CBC", crypt_key=enc_key,
                               auth_algo=AUTH[sa["transform"]][0],
                               auth_key=bytes.fromhex(sa["auth_key"]), tunnel_header=tunnel,
                               nat_t_header=nat_t, esn_en=sa["esn"])


def esn_icv(sa, esp_without_icv, seq_hi):
    _, digest, icv_len = AUTH[sa["transform"]]
    mac = hmac.HMAC(bytes.fromhex(sa["auth_key"]), digest())
    mac.update(esp_without_icv + struct.pack("!I", seq_hi))
    return mac.finalize()[:icv_len]


def esp_offset(datagram):
    ihl = (datagram[0] & 0x0F) * 4
    return ihl + (8 if datagram[9] == 17 else 0)


def decrypt_one(sa, ssa, seq, wire):
    seq_hi = seq >> 32
    hmac_esn = sa["esn"] and sa["transform"] != "aes-gcm16"
    pkt = IP(wire)
    if ESP not in pkt:
        return {"ok": False, "error": "scapy found no ESP layer"}
    if pkt[ESP].spi != sa["spi"]:
        return {"ok": False, "error": "SPI 0x%08x, expected 0x%08x" % (pkt[ESP].spi, sa["spi"])}
    if hmac_esn:
        icv_len = AUTH[sa["transform"]][2]
        esp = wire[esp_offset(wire):]
        if esn_icv(sa, esp[:-icv_len], seq_hi) != esp[-icv_len:]:
            return {"ok": False, "error": "ICV (with ESN high bits) does not verify"}
    padding, next_header = trailer(sa, wire, seq_hi)
    padding_ok = padding == bytes(range(1, len(padding) + 1))
    # The full tunnel-mode decapsulation, ICV verified by scapy unless done above.
    inner = ssa.decrypt(IP(wire), verify=not hmac_esn, esn_en=sa["esn"], esn=seq_hi)
    inner_bytes = bytes(inner)
    return {"ok": True, "error": "", "inner": inner_bytes.hex(), "padding_ok": padding_ok,
            "next_header": next_header, "rebuilt": rebuild(sa, seq, inner_bytes).hex()}


def trailer(sa, wire, seq_hi):
    """(padding, next header) of an ESP packet, decrypted with python-cryptography directly:
    scapy 2.5's CryptAlgo.decrypt slices the padding from the already-stripped data."""
    esp = wire[esp_offset(wire):]
    key = bytes.fromhex(sa["enc_key"])
    if sa["transform"] == "aes-gcm16":
        nonce = struct.pack("!I", sa["salt"]) + esp[8:16]
        aad = esp[:4] + (struct.pack("!I", seq_hi) if sa["esn"] else b"") + esp[4:8]
        plain = AESGCM(key).decrypt(nonce, esp[16:], aad)
    else:
        icv_len = AUTH[sa["transform"]][2]
        dec = Cipher(algorithms.AES(key), modes.CBC(esp[8:24])).decryptor()
        plain = dec.update(esp[24:-icv_len]) + dec.finalize()
    pad_len = plain[-2]
    return plain[-2 - pad_len:-2], plain[-1]


def rebuild(sa, seq, inner_bytes):
    """scapy's encryption of inner_bytes with the shared wire format's deterministic fields."""
    enc_key = bytes.fromhex(sa["enc_key"])
    if sa["transform"] == "aes-gcm16":
        iv = struct.pack("!Q", seq)
    else:
        ecb = Cipher(algorithms.AES(enc_key), modes.ECB()).encryptor()
        iv = ecb.update(b"\0" * 8 + struct.pack("!Q", seq)) + ecb.finalize()
    inner = IP(inner_bytes)
    tunnel = IP(src=sa["tunnel_src"], dst=sa["tunnel_dst"], tos=inner.tos, id=seq & 0xFFFF,
                ttl=sa.get("ttl", 64), flags="DF" if inner.flags.DF else 0)
    ssa = make_sa(sa)
    ssa.tunnel_header = tunnel
    ssa.seq_num = seq & 0xFFFFFFFF  # not seq_num=: scapy reads a 0 argument as "not given"
    out = bytes(ssa.encrypt(inner, iv=iv, esn_en=sa["esn"], esn=seq >> 32))
    return fix_esn_icv(sa, seq, out)


def fix_udp_length(out):
    if out[9] != 17:
        return out
    ihl = (out[0] & 0x0F) * 4
    return out[:ihl + 4] + struct.pack("!H", len(out) - ihl) + out[ihl + 6:]


def fix_esn_icv(sa, seq, out):
    out = fix_udp_length(out)
    if not sa["esn"] or sa["transform"] == "aes-gcm16":
        return out
    icv_len = AUTH[sa["transform"]][2]
    off = esp_offset(out)
    return out[:-icv_len] + esn_icv(sa, out[off:-icv_len], seq >> 32)


def encrypt_one(sa, ssa, seq, inner_bytes):
    ssa.seq_num = seq & 0xFFFFFFFF
    out = bytes(ssa.encrypt(IP(inner_bytes), esn_en=sa["esn"], esn=seq >> 32))
    return {"ok": True, "error": "", "hex": fix_esn_icv(sa, seq, out).hex()}


def main():
    request = json.load(sys.stdin)
    reply = {"jobs": []}
    for job in request["jobs"]:
        sa = job["sa"]
        ssa = make_sa(sa)
        results = []
        for p in job["packets"]:
            data = bytes.fromhex(p["hex"])
            try:
                if job["op"] == "decrypt":
                    results.append(decrypt_one(sa, ssa, p["seq"], data))
                else:
                    results.append(encrypt_one(sa, ssa, p["seq"], data))
            except Exception as e:  # a peer's refusal is a result, reported per packet
                results.append({"ok": False, "error": "%s: %s" % (type(e).__name__, e)})
        reply["jobs"].append({"results": results})
    json.dump(reply, sys.stdout)


if __name__ == "__main__":
    main()
