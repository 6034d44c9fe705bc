#!/usr/bin/python3
# Reads `espctl --json show crypto ipsec sa detail` on stdin and prints one proxy pair's
# counters as KEY=VALUE lines for the e2e scripts: check_json.py LOCAL_IDENT_ADDR
import json
import sys

data = json.load(sys.stdin)
for itf in data["interfaces"]:
    for pair in itf["proxy_pairs"]:
        if pair["local_ident"]["addr"] == sys.argv[1]:
            for k, v in pair["counters"].items():
                print(f"{k}={v}")
            print(f"inbound_sas={len(pair['inbound_esp_sas'])}")
            print(f"outbound_sas={len(pair['outbound_esp_sas'])}")
            print(f"udp_encap={int(any(sa['udp_encap'] for sa in pair['inbound_esp_sas']))}")
            sys.exit(0)
sys.exit(f"no proxy pair with local ident {sys.argv[1]}")
