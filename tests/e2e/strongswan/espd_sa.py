#!/usr/bin/python3
# Reads `espctl --json show crypto ipsec sa detail` on stdin and prints, for the proxy pair
# whose local ident is LOCAL_ADDR, shell assignments the interop scripts eval: inbound and
# outbound ESP SPIs (8 hex digits, lower case, space-separated), counters, udp_encap.
# Usage: espd_sa.py LOCAL_ADDR
import json
import sys

data = json.load(sys.stdin)
for itf in data.get("interfaces", []):
    for pair in itf.get("proxy_pairs", []):
        if pair["local_ident"]["addr"] != sys.argv[1]:
            continue
        ins = [f"{sa['spi']:08x}" for sa in pair.get("inbound_esp_sas", [])]
        outs = [f"{sa['spi']:08x}" for sa in pair.get("outbound_esp_sas", [])]
        print(f"ESPD_IN='{' '.join(ins)}'")
        print(f"ESPD_OUT='{' '.join(outs)}'")
        c = pair.get("counters", {})
        print(f"ESPD_ENCAPS={int(c.get('encaps', -1))}")
        print(f"ESPD_DECAPS={int(c.get('decaps', -1))}")
        udp = any(sa.get("udp_encap") for sa in pair.get("inbound_esp_sas", []))
        print(f"ESPD_UDP_ENCAP={int(udp)}")
        sys.exit(0)
print("ESPD_IN='' ESPD_OUT='' ESPD_ENCAPS=-1 ESPD_DECAPS=-1 ESPD_UDP_ENCAP=0")
