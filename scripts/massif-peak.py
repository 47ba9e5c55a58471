#!/usr/bin/env python3
"""What holds dvlint's heap at its peak, from a valgrind massif profile.

    valgrind --tool=massif --massif-out-file=massif.out --depth=40 dvlint check …
    scripts/massif-peak.py massif.out [rows]

Groups the peak snapshot's allocations by the innermost dvlint function that
made them and by what they are (a growing Vec, a B-tree node). Massif counts a
Vec's capacity, while RSS counts only the pages touched: a 128 MiB buffer
holding 101 MB of text weighs 134 MB here and about 101 MB in RSS.
"""

import collections
import re
import sys


def snapshots(lines):
    start = None
    for i, line in enumerate(lines):
        if line.startswith("snapshot="):
            if start is not None:
                yield lines[start:i]
            start = i
    if start is not None:
        yield lines[start:]


def value(snapshot, key):
    return int(next(l for l in snapshot if l.startswith(key + "=")).split("=")[1])


def main(path, rows):
    lines = open(path).read().split("\n")
    snaps = list(snapshots(lines))
    peak = next((s for s in snaps if "heap_tree=peak" in s), None) or max(
        snaps, key=lambda s: value(s, "mem_heap_B"))
    total = value(peak, "mem_heap_B")
    tree = peak[next(i for i, l in enumerate(peak) if l.startswith("heap_tree=")) + 1:]
    stack, held = [], collections.Counter()
    for line in tree:
        m = re.match(r"( *)n(\d+): (\d+) (.*)", line)
        if not m:
            continue
        depth, children, size, frame = len(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)
        stack = stack[:depth] + [frame]
        if children or not size:
            continue
        frames = stack[1:]
        ours = next((f for f in frames if "dvlint::" in f), "(below massif's threshold or outside dvlint)")
        ours = re.sub(r" \(.*", "", re.sub(r"^0x[0-9A-Fa-f]+: ", "", ours))[:90]
        kind = next(("B-tree node" if "btree" in f else "growing Vec" for f in frames
                     if "btree" in f or "finish_grow" in f), "")
        held[(ours, kind)] += size
    print(f"peak heap {total / 1e6:.1f} MB")
    for (ours, kind), size in held.most_common(rows):
        print(f"{size / 1e6:8.2f} MB {100 * size / total:5.1f} %  {ours}" + (f"  [{kind}]" if kind else ""))


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) == 3 else 12)
