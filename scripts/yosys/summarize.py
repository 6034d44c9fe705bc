#!/usr/bin/env python3
"""Summarizes yosys `stat -json` results (one per synthesized block) as a Markdown table of
UltraScale+ resources: LUTs (logic; SRL/LUTRAM as memory), flip-flops, CARRY8/CARRY4,
block RAM, UltraRAM and DSP48E2. Usage: summarize.py block=stat.json ..."""
import json
import sys

LUT_LOGIC = {"LUT1", "LUT2", "LUT3", "LUT4", "LUT5", "LUT6", "INV"}
LUT_MEM_PREFIX = ("SRL16", "SRLC16", "SRLC32", "RAM32", "RAM64", "RAM128", "RAM256")
FF = {"FDRE", "FDSE", "FDCE", "FDPE"}
CARRY = {"CARRY4", "CARRY8"}
BRAM = {"RAMB18E2": 0.5, "RAMB36E2": 1.0}


def count(cells):
    row = {"lut": 0, "lutmem": 0, "ff": 0, "carry": 0, "muxf": 0, "bram": 0.0, "uram": 0, "dsp": 0}
    for cell, n in cells.items():
        if cell in LUT_LOGIC:
            row["lut"] += n
        elif cell.startswith(LUT_MEM_PREFIX):
            row["lutmem"] += n
        elif cell in FF:
            row["ff"] += n
        elif cell in CARRY:
            row["carry"] += n
        elif cell.startswith("MUXF"):
            row["muxf"] += n
        elif cell in BRAM:
            row["bram"] += BRAM[cell] * n
        elif cell.startswith("URAM"):
            row["uram"] += n
        elif cell.startswith("DSP"):
            row["dsp"] += n
    return row


def main(argv):
    print("| block | LUT (logic) | LUT (SRL/RAM) | FF | CARRY | MUXF7/8 | BRAM36 | URAM | DSP |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for arg in argv:
        name, path = arg.split("=", 1)
        with open(path, encoding="utf-8") as f:
            stat = json.load(f)
        r = count(stat["design"]["num_cells_by_type"])
        print(f"| {name} | {r['lut']} | {r['lutmem']} | {r['ff']} | {r['carry']} | {r['muxf']} | "
              f"{r['bram']:g} | {r['uram']} | {r['dsp']} |")


if __name__ == "__main__":
    main(sys.argv[1:])
