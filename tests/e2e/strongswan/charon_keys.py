#!/usr/bin/python3
# Reads a charon filelog written with `ike = 4` and `chd = 4` (strongSwan 5.9) and writes the
# Wireshark UATs that decrypt a capture: ikev1_decryption_table (RFC 2409 initiator cookie,
# encryption key Ka) and esp_sa (RFC 4303 SAs, both directions). A test-only key oracle.
#
# Which key belongs to which SPI is not guessed from labels: charon dumps each Quick Mode
# KEYMAT seed (RFC 2409 5.5: [g(qm)^xy] | protocol | SPI | Ni_b | Nr_b) before the keys it
# expands from it, so the SPI is read from the seed itself.
import argparse
import os
import re
import sys

DUMP = re.compile(r"^(?:\S+ )?(\d+\[\w+\]) (.+?) => (\d+) bytes @ 0x[0-9a-f]+$")
HEXLINE = re.compile(r"^(?:\S+ )?(\d+\[\w+\])\s+(\d+): ((?:[0-9A-F]{2} ){1,16})")


def read_dumps(path):
    """[(thread, label, bytes)] in log order."""
    lines = open(path, errors="replace").read().splitlines()
    out = []
    for i, line in enumerate(lines):
        m = DUMP.match(line)
        if not m:
            continue
        thread, label, n = m.group(1), m.group(2), int(m.group(3))
        data = ""
        for j in range(i + 1, min(i + 2 + n // 16 + 50, len(lines))):
            if len(data) >= 2 * n:
                break
            h = HEXLINE.match(lines[j])
            if not h or h.group(1) != thread:
                continue  # another thread's line interleaved
            data += h.group(3).replace(" ", "")
        if len(data) >= 2 * n:
            out.append((thread, label, bytes.fromhex(data[: 2 * n])))
    return out


def esp_keys(dumps):
    """{spi_hex: (enc, integ)} from seed -> key sequences, per thread."""
    keys, pending = {}, {}  # pending[(thread, role)] = seed
    for thread, label, data in dumps:
        m = re.fullmatch(r"(initiator|responder) SA seed", label)
        if m:
            pending[(thread, m.group(1))] = data
            continue
        m = re.fullmatch(r"(encryption|integrity) (initiator|responder) key", label)
        if m and (thread, m.group(2)) in pending:
            keys.setdefault((thread, m.group(2)), {})[m.group(1)] = data
            keys[(thread, m.group(2))]["seed"] = pending[(thread, m.group(2))]
    return list(keys.values())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--cookies", required=True, help='"ICOOKIE RCOOKIE" (hex)')
    ap.add_argument("--spis", required=True, help='"IN OUT" SPIs of the local gateway (hex)')
    ap.add_argument("--local", required=True)
    ap.add_argument("--remote", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    dumps = read_dumps(a.log)
    kas = [d for _, label, d in dumps if label == "encryption key Ka"]
    spis = a.spis.split()
    cookies = a.cookies.split()
    if not kas or len(spis) != 2 or len(cookies) != 2:
        sys.exit(f"charon_keys: incomplete input (Ka dumps {len(kas)}, spis '{a.spis}', cookies '{a.cookies}')")
    sas = esp_keys(dumps)
    rows = []
    for spi, src, dst in ((spis[0], a.remote, a.local), (spis[1], a.local, a.remote)):
        want = bytes.fromhex(spi)
        # The protocol byte (3 = ESP) sits right before the SPI in the seed.
        match = [s for s in sas if (b"\x03" + want) in s["seed"] and "encryption" in s]
        if not match:
            sys.exit(f"charon_keys: no KEYMAT seed carries SPI {spi}")
        s = match[-1]
        enc, integ = s["encryption"], s.get("integrity", b"")
        if integ:
            rows.append(f'"IPv4","{src}","{dst}","0x{spi}","AES-CBC [RFC3602]","0x{enc.hex()}",'
                        f'"HMAC-SHA-256-128 [RFC4868]","0x{integ.hex()}"')
        else:  # RFC 4106: KEYMAT = key || 4-byte salt, which is what Wireshark wants
            rows.append(f'"IPv4","{src}","{dst}","0x{spi}","AES-GCM with 16 octet ICV [RFC4106]",'
                        f'"0x{enc.hex()}","NULL",""')
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "esp_sa"), "w") as f:
        f.write("\n".join(rows) + "\n")
    with open(os.path.join(a.out, "ikev1_decryption_table"), "w") as f:
        f.write(f"{cookies[0]},{kas[-1].hex()}\n")  # hex fields: unquoted
    print(f"esp_sa: {len(rows)} SAs, ikev1_decryption_table: cookie {cookies[0]}")


if __name__ == "__main__":
    main()
