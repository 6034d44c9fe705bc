#!/usr/bin/python3
# Re-injects ESP from a capture onto the outside link (run with /usr/bin/python3, which has
# scapy, inside the sending gateway's namespace):
#   replay : the last ESP packet from SRC, byte for byte (RFC 4303 3.4.3: must fail the
#            anti-replay check)
#   tamper : the same packet with a fresh sequence number, so the replay check passes and the
#            ICV check (RFC 4303 3.4.4) must fail
# Raw ESP (IP protocol 50) and RFC 3948 UDP-encapsulated ESP are both handled.
import struct
import sys

from scapy.all import IP, rdpcap, send  # noqa: E402


def esp_offset(raw: bytes) -> int:
    ihl = (raw[0] & 0x0F) * 4
    proto = raw[9]
    if proto == 50:
        return ihl
    if proto == 17 and struct.unpack("!H", raw[ihl + 2:ihl + 4])[0] == 4500:
        return ihl + 8
    return -1


def main() -> int:
    mode, pcap, src = sys.argv[1], sys.argv[2], sys.argv[3]
    candidates = []
    for pkt in rdpcap(pcap):
        if IP not in pkt or pkt[IP].src != src:
            continue
        raw = bytes(pkt[IP])
        off = esp_offset(raw)
        if off > 0:
            candidates.append((raw, off))
    if not candidates:
        print(f"no ESP from {src} in {pcap}", file=sys.stderr)
        return 1
    raw, off = candidates[-1]
    spi, seq = struct.unpack("!II", raw[off:off + 8])
    if mode == "tamper":
        raw = raw[:off + 4] + struct.pack("!I", seq + 1000) + raw[off + 8:]
    elif mode != "replay":
        print(f"unknown mode {mode}", file=sys.stderr)
        return 2
    ihl = (raw[0] & 0x0F) * 4
    if off > ihl:
        # UDP-encapsulated: the captured checksum is a veth offload leftover (or no longer
        # matches the tampered bytes); zero it, as RFC 3948 section 2.1 allows, so the
        # kernel hands the datagram to the ESP socket. The ESP bytes stay as described.
        raw = raw[:ihl + 6] + b"\x00\x00" + raw[ihl + 8:]
    send(IP(raw), verbose=False)
    print(f"{mode}: spi 0x{spi:08x} seq {seq}{' -> %d' % (seq + 1000) if mode == 'tamper' else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
