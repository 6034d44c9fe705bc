#!/usr/bin/python3
# Bulk TCP through the tunnel with an end-to-end digest: the receiver prints the SHA-256 of
# what arrived, the sender of what it sent (deterministic bytes). Large writes make the
# sending host's kernel build TSO super-packets, which reach espd through TUN offload.
#   tcp_transfer.py recv PORT NBYTES      (prints "<bytes> <sha256>", exits after NBYTES or 20 s)
#   tcp_transfer.py send HOST PORT NBYTES (prints "<bytes> <sha256>")
import hashlib
import socket
import sys

TIMEOUT_S = 20


def data(n: int) -> bytes:
    block = hashlib.sha256(b"espgw").digest() * 2048  # 64 KiB, not compressible to zeros
    return (block * (n // len(block) + 1))[:n]


def main() -> int:
    if sys.argv[1] == "recv":
        port, n = int(sys.argv[2]), int(sys.argv[3])
        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("0.0.0.0", port))
        srv.listen(1)
        srv.settimeout(TIMEOUT_S)
        print("listening", flush=True)
        conn, _ = srv.accept()
        conn.settimeout(TIMEOUT_S)
        h, got = hashlib.sha256(), 0
        while got < n:
            chunk = conn.recv(1 << 20)
            if not chunk:
                break
            h.update(chunk)
            got += len(chunk)
        print(got, h.hexdigest())
        return 0
    host, port, n = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    payload = data(n)
    s = socket.create_connection((host, port), timeout=TIMEOUT_S)
    s.sendall(payload)
    s.shutdown(socket.SHUT_WR)
    s.recv(1)  # wait for the receiver to close: everything was delivered
    print(len(payload), hashlib.sha256(payload).hexdigest())
    return 0


if __name__ == "__main__":
    sys.exit(main())
