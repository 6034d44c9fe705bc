#!/usr/bin/env python3
"""Summarizes yosys `stat -json` results (one per synthesized block) as Markdown tables of
UltraScale+ resources: LUTs (logic; SRL/LUTRAM as memory), flip-flops, CARRY8/CARRY4,
block RAM, UltraRAM and DSP48E2.
Usage: summarize.py block=stat.json ...            one row per block (the whole top)
       summarize.py --tree [--depth N] block=stat.json[,stat.json...]
           a hierarchically synthesized block: every module instance down to depth N with
           its totals (own cells plus its submodules' times their instance counts), then the
           whole block against the Alveo cards' device resources. Several files: parts of one
           design synthesized separately (a part's blackboxed submodule is another's top)."""
import json
import re
import sys

LUT_LOGIC = {"LUT1", "LUT2", "LUT3", "LUT4", "LUT5", "LUT6", "INV"}
LUT_MEM_PREFIX = ("SRL16", "SRLC16", "SRLC32", "RAM32", "RAM64", "RAM128", "RAM256", "RAM512")
FF = {"FDRE", "FDSE", "FDCE", "FDPE"}
CARRY = {"CARRY4", "CARRY8"}
BRAM = {"RAMB18E2": 0.5, "RAMB36E2": 1.0}
KEYS = ("lut", "lutmem", "ff", "carry", "muxf", "bram", "uram", "dsp")
# Device totals (AMD Alveo product tables; the deployment platform's shell takes a share).
DEVICES = {
    "U250 (XCU250)": {"lut": 1728000, "ff": 3456000, "bram": 2688, "uram": 1280, "dsp": 12288},
    "U280 (XCU280)": {"lut": 1303680, "ff": 2607360, "bram": 2016, "uram": 960, "dsp": 9024},
    "U55C (XCU55C)": {"lut": 1303680, "ff": 2607360, "bram": 2016, "uram": 960, "dsp": 9024},
}
HEADER = ("| LUT (logic) | LUT (SRL/RAM) | FF | CARRY | MUXF7/8 | BRAM36 | URAM | DSP |",
          "|---:|---:|---:|---:|---:|---:|---:|---:|")


def count(cells):
    row = dict.fromkeys(KEYS, 0)
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


def cells_of(row):
    return (f"{row['lut']} | {row['lutmem']} | {row['ff']} | {row['carry']} | {row['muxf']} | "
            f"{row['bram']:g} | {row['uram']} | {row['dsp']} |")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def module_key(modules, cell_type):
    """The stat key of a submodule cell type (public names carry a backslash there). A part
    synthesized on its own has its top's plain name, where its parent's netlist names the
    parameterized module ($paramod\\esp_x\\P=..) or the reverse: matched by module name when
    unique."""
    exact = next((k for k in (cell_type, "\\" + cell_type) if k in modules), None)
    if exact is not None and modules[exact]["num_cells"] > 0:
        return exact
    # The same parameters printed differently (a part's -chparam value is signed, its parent's
    # unsigned): equal once shown in decimal.
    alike = [k for k in modules if pretty(k) == pretty(cell_type) and modules[k]["num_cells"] > 0]
    if len(alike) == 1:
        return alike[0]
    base = pretty(cell_type).split(" ")[0]
    same = [k for k in modules if pretty(k).split(" ")[0] == base and modules[k]["num_cells"] > 0]
    return same[0] if len(same) == 1 else exact


def pretty(name):
    """`$paramod$<hash>\\esp_x` or `$paramod\\esp_x\\P=1` -> esp_x (P=1)."""
    name = name.lstrip("\\")
    if not name.startswith("$paramod"):
        return name
    # Parameter values as Yosys prints them (32'00..0101, s32'..): shown in decimal.
    parts = [re.sub(r"=s?\d+'([01]+)$", lambda m: "=" + str(int(m.group(1), 2)), p)
             for p in name.split("\\")[1:]]
    return parts[0] + (f" ({', '.join(parts[1:])})" if len(parts) > 1 else "")


class Hierarchy:
    def __init__(self, stats):
        self.modules = {}
        self.clashes = set()
        for stat in stats:
            for key, mod in stat["modules"].items():
                old = self.modules.get(key)
                # Two parts that are the same module at different parameters (a parent's
                # blackbox cell names the module only): the larger stands for every instance.
                if old is not None and old["num_cells"] > 0 and mod["num_cells"] > 0 and old != mod:
                    self.clashes.add(pretty(key))
                # A blackbox stands in for a part synthesized elsewhere: keep the real one.
                if old is None or mod["num_cells"] > old["num_cells"]:
                    self.modules[key] = mod
        self.memo = {}

    def children(self, key):
        cells = self.modules[key]["num_cells_by_type"]
        return [(module_key(self.modules, t), n) for t, n in sorted(cells.items())
                if module_key(self.modules, t)]

    def total(self, key):
        if key not in self.memo:
            row = count(self.modules[key]["num_cells_by_type"])
            for child, n in self.children(key):
                sub = self.total(child)
                for k in KEYS:
                    row[k] += n * sub[k]
            self.memo[key] = row
        return self.memo[key]

    def tops(self):
        """The roots, largest first: one for a whole design, several when parts are missing."""
        used = {c for key in self.modules for c, _ in self.children(key)}
        tops = [key for key in self.modules if key not in used]
        return sorted(tops, key=lambda k: -self.total(k)["lut"])


def tree(name, path, depth):
    hier = Hierarchy([load(p) for p in path.split(",")])
    print(f"| {name}: module (instances) {HEADER[0]}")
    print(f"|---{HEADER[1]}")

    def walk(key, level, mult):
        label = "&nbsp;" * (4 * level) + f"`{pretty(key)}`" + (f" × {mult}" if mult > 1 else "")
        row = hier.total(key)
        print(f"| {label} | {cells_of(row)}")
        if level < depth:
            for child, n in hier.children(key):
                walk(child, level + 1, n)

    whole = dict.fromkeys(KEYS, 0)
    for top in hier.tops():
        walk(top, 0, 1)
        for k in KEYS:
            whole[k] += hier.total(top)[k]
    for clash in sorted(hier.clashes):
        print(f"\n{clash}: parts at different parameters; every instance counted as the largest "
              "(its parent's blackbox cell does not say which)")
    print()
    print(f"| {name} on | LUT | FF | BRAM36 | URAM | DSP |")
    print("|---|---:|---:|---:|---:|---:|")
    for dev, cap in DEVICES.items():
        lut = whole["lut"] + whole["lutmem"]
        print(f"| {dev} | {100 * lut / cap['lut']:.2f} % | {100 * whole['ff'] / cap['ff']:.2f} % | "
              f"{100 * whole['bram'] / cap['bram']:.2f} % | {100 * whole['uram'] / cap['uram']:.2f} % | "
              f"{100 * whole['dsp'] / cap['dsp']:.2f} % |")


def main(argv):
    if argv and argv[0] == "--tree":
        depth = 3
        argv = argv[1:]
        if argv and argv[0] == "--depth":
            depth, argv = int(argv[1]), argv[2:]
        name, path = argv[0].split("=", 1)
        tree(name, path, depth)
        return
    print(f"| block {HEADER[0]}")
    print(f"|---{HEADER[1]}")
    for arg in argv:
        name, path = arg.split("=", 1)
        r = count(load(path)["design"]["num_cells_by_type"])
        print(f"| {name} | {cells_of(r)}")


if __name__ == "__main__":
    main(sys.argv[1:])
