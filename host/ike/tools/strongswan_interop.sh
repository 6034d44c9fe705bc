#!/usr/bin/env bash
# IKEv1 interop between espgw's IKE stack (espgw_ike_peer) and strongSwan 5.9 (charon with
# kernel-libipsec, per /work/shared/reference/strongswan-peer.md) in two network namespaces
# joined by a veth pair. Checks that Main Mode + Quick Mode (PFS group 14, NAT-T encap,
# AES-256-CBC/HMAC-SHA256 or AES-256-GCM) complete with espgw as initiator and as responder,
# and that the ESP keys espgw installed equal the ones charon logged (compared as SHA-256
# fingerprints). Usage: strongswan_interop.sh BUILD_DIR [initiator|responder] [cbc|gcm]
set -euo pipefail
BUILD=${1:?build dir}; ROLE=${2:-initiator}; CIPHER=${3:-cbc}
PEER_BIN=$BUILD/host/ike/espgw_ike_peer
[ -x "$PEER_BIN" ] || { echo "build espgw_ike_peer first"; exit 2; }
TAG=h4ike$$
NS_E=${TAG}e; NS_S=${TAG}s
DIR=$(mktemp -d /tmp/${TAG}.XXXX)
CHARON_PID=""
cleanup() {
  [ -n "$CHARON_PID" ] && kill "$CHARON_PID" 2>/dev/null || true
  ip netns pids "$NS_S" 2>/dev/null | xargs -r kill 2>/dev/null || true
  ip netns pids "$NS_E" 2>/dev/null | xargs -r kill 2>/dev/null || true
  ip netns del "$NS_E" 2>/dev/null || true
  ip netns del "$NS_S" 2>/dev/null || true
  [ -n "$KEEP" ] || rm -rf "$DIR"
}
trap cleanup EXIT
KEEP=${KEEP:-}

ip netns add "$NS_E"; ip netns add "$NS_S"
ip link add ${TAG}a netns "$NS_E" type veth peer name ${TAG}b netns "$NS_S"
ip -n "$NS_E" addr add 10.99.0.1/24 dev ${TAG}a; ip -n "$NS_E" link set ${TAG}a up; ip -n "$NS_E" link set lo up
ip -n "$NS_S" addr add 10.99.0.2/24 dev ${TAG}b; ip -n "$NS_S" link set ${TAG}b up; ip -n "$NS_S" link set lo up
# strongSwan's side owns an address inside its protected subnet (see the recipe's pitfalls).
ip -n "$NS_S" addr add 172.21.91.1/24 dev lo

ESP=aes256-sha256-modp2048; [ "$CIPHER" = gcm ] && ESP=aes256gcm16-modp2048
mkdir -p "$DIR/run"
cat > "$DIR/strongswan.conf" <<CONF
charon {
  load_modular = no
  plugins { vici { socket = unix://$DIR/charon.vici } }
  load = random nonce openssl aes sha1 sha2 hmac gcm gmp kdf pem pkcs1 x509 pubkey kernel-libipsec kernel-netlink socket-default vici updown
  filelog {
    ike {
      path = $DIR/charon.log
      flush_line = yes
      default = 1
      ike = 4
      chd = 4
      cfg = 2
    }
  }
  install_routes = no
}
CONF
cat > "$DIR/swanctl.conf" <<CONF
connections {
  espgw {
    version = 1
    aggressive = no
    encap = yes
    local_addrs = 10.99.0.2
    remote_addrs = 10.99.0.1
    proposals = aes256-sha256-modp2048
    local {
      auth = psk
      id = 10.99.0.2
    }
    remote {
      auth = psk
      id = 10.99.0.1
    }
    children {
      net {
        mode = tunnel
        local_ts = 172.21.91.0/24
        remote_ts = 192.168.20.0/24
        esp_proposals = $ESP
        life_time = 3600s
      }
    }
  }
}
secrets {
  ike-1 {
    id-1 = 10.99.0.1
    id-2 = 10.99.0.2
    secret = cisco123
  }
}
CONF
ip netns exec "$NS_S" env STRONGSWAN_CONF="$DIR/strongswan.conf" sh -c "mount --bind $DIR/run /run && exec /usr/lib/ipsec/charon" >"$DIR/charon.out" 2>&1 &
CHARON_PID=$!
for _ in $(seq 50); do [ -S "$DIR/charon.vici" ] && break; sleep 0.1; done
swan() { local cmd=$1; shift; ip netns exec "$NS_S" swanctl "$cmd" --uri "unix://$DIR/charon.vici" "$@"; }
swan --load-all --file "$DIR/swanctl.conf" >"$DIR/load.out" 2>&1 || { cat "$DIR/load.out"; exit 1; }

ARGS=(--local 10.99.0.1 --peer 10.99.0.2 --psk cisco123 --local-net 192.168.20.0/24 --remote-net 172.21.91.0/24 --pfs 14 --timeout 15 --debug)
[ "$CIPHER" = gcm ] && ARGS+=(--gcm)
if [ "$ROLE" = initiator ]; then
  ip netns exec "$NS_E" "$PEER_BIN" "${ARGS[@]}" --initiate >"$DIR/espgw.out" 2>"$DIR/espgw.err" || true
else
  ip netns exec "$NS_E" "$PEER_BIN" "${ARGS[@]}" >"$DIR/espgw.out" 2>"$DIR/espgw.err" &
  EPID=$!
  sleep 0.5
  timeout 20 ip netns exec "$NS_S" swanctl --initiate --uri "unix://$DIR/charon.vici" --child net >"$DIR/initiate.out" 2>&1 || true
  wait $EPID || true
fi
swan --list-sas > "$DIR/sas.out" 2>&1 || true
# Stop charon so its key log is complete before it is read.
kill "$CHARON_PID" 2>/dev/null || true
wait "$CHARON_PID" 2>/dev/null || true
CHARON_PID=""
echo "--- espgw ($ROLE, $CIPHER)"; cat "$DIR/espgw.out"
echo "--- strongSwan"; grep -E "ESTABLISHED|INSTALLED|spi" "$DIR/sas.out" || true
python3 - "$DIR/charon.log" "$DIR/espgw.out" "$CIPHER" <<'PY'
import hashlib, re, sys
log = open(sys.argv[1]).read().splitlines()
gcm = sys.argv[3] == "gcm"
# charon (chd = 4) dumps each ESP key as "<label> => N bytes @ 0x..." then "  0: AA BB ..." lines.
keys = {}
for i, line in enumerate(log):
    m = re.search(r"(encryption|integrity) (initiator|responder) key => (\d+) bytes", line)
    if not m:
        continue
    # Continuation lines carry the same thread prefix ("09[CHD]"); other threads' lines may
    # interleave, so skip those rather than stop.
    thread = re.match(r"^(\d+\[\w+\])", line).group(1)
    hexs, need = "", 2 * int(m.group(3))
    for j in range(i + 1, min(i + 40, len(log))):
        if len(hexs) >= need:
            break
        if not log[j].startswith(thread):
            continue
        h = re.match(r"^(\d+): ((?:[0-9A-F]{2} ){1,16})", log[j][len(thread):].lstrip())
        if not h:
            break
        hexs += h.group(2).replace(" ", "")
    keys[(m.group(1), m.group(2))] = bytes.fromhex(hexs[: 2 * int(m.group(3))])
fp = lambda b: hashlib.sha256(b).hexdigest()[:16]
theirs = set()
for who in ("initiator", "responder"):
    enc = keys.get(("encryption", who))
    if enc is None:
        continue
    if gcm:  # RFC 4106: KEYMAT = key | 4-byte salt
        theirs.add((fp(enc[:-4]), "-", enc[-4:].hex()))
    else:
        theirs.add((fp(enc), fp(keys.get(("integrity", who), b"")), "00000000"))
ours = set(re.findall(r"enc=([0-9a-f-]+) auth=([0-9a-f-]+) salt=([0-9a-f]+)", open(sys.argv[2]).read()))
print("espgw      (enc, auth, salt):", sorted(ours))
print("strongSwan (enc, auth, salt):", sorted(theirs))
ok = len(ours) == 2 and ours == theirs
print("KEYS MATCH" if ok else "KEYS DIFFER")
sys.exit(0 if ok else 1)
PY
