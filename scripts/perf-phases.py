#!/usr/bin/env python3
"""Splits a perf profile of dvlint into its phases, so that a profile taken
after a change compares with scripts/profile-before.md category for category.

    perf record -F 1500 --call-graph dwarf,16384 -o perf.data -- dvlint check …
    perf script -i perf.data --comm dvlint -F pid,tid,time,ip,sym --inline > perf.txt
    scripts/perf-phases.py perf.txt            # by phase
    scripts/perf-phases.py --layers perf.txt   # by layer of the reading pipeline

Each sample goes to the phase of its innermost frame that names one (leaf to
root), so a malloc called while parsing counts as parsing. Prints the share of
all samples per phase, then per thread of the first run: when it was busy and
on what (the main thread renders; one loader thread per package).

With --layers, the reading pipeline is split finer, as scripts/profile-after.md
reports it: the stream (kept.rs, which the phases count as model building), the
cursor (xml.rs) and quick-xml apart; and a sample taken in a page fault is a page
fault wherever it was taken.
"""

import collections
import sys

PHASES = [
    ("inflate", ["zlib_rs", "flate2::", "zip::"]),
    ("rendering: line index", ["count_newlines", "LineIndex", "source::line_col"]),
    ("rendering: report", ["dvlint::report"]),
    ("compaction", ["package::compact::", "Compactor"]),
    ("XML parsing", ["quick_xml::", "XmlCursor", "package::xml::", "package::markup::"]),
    ("freeing", ["drop_in_place", "cfree", "_int_free", "munmap"]),
    ("model building", ["dvlint::package::", "dvlint::model::"]),
    ("rules", ["dvlint::rules", "dvlint::engine", "dvlint::review"]),
    ("start-up and exit", ["_dl_", "dl_main", "_start", "exit_mmap", "do_exit"]),
]


LAYERS = [
    ("inflate (zlib-rs, zip)", ["zlib_rs", "flate2::", "zip::"]),
    ("stream: UTF-8, NUL, lines, copies (kept.rs)", ["package::kept::", "Kept::", "Stream::"]),
    ("tokenizer (markup.rs; quick-xml for attributes)", ["package::markup::", "quick_xml::"]),
    ("cursor (xml.rs)", ["XmlCursor", "package::xml::"]),
    ("allocation", ["malloc", "free", "realloc", "alloc::raw_vec", "sysmalloc"]),
    ("model (customizations.rs, maps)", ["package::customizations::", "dvlint::model::", "btree"]),
    ("rules and report", ["dvlint::rules", "dvlint::engine", "dvlint::report"]),
]
FAULT = ("page faults (kernel)", ["page_fault", "clear_page"])


def innermost(frames, table, other):
    for frame in frames:
        for name, keys in table:
            if any(key in frame for key in keys):
                return name
    return other


def phase(frames):
    return innermost(frames, PHASES, "other (libc or kernel, caller not unwound)")


def layer(frames):
    if any(key in frame for frame in frames for key in FAULT[1]):
        return FAULT[0]
    return innermost(frames, LAYERS, "other")


def samples(path, classify=phase):
    """(pid, tid, time, phase) of each sample of `perf script` output."""
    head, frames = None, []
    with open(path, errors="replace") as f:
        for line in f:
            if line.strip() and not line.startswith("\t"):
                if head:
                    yield (*head, classify(frames))
                fields = line.split()
                pid, tid = fields[0].split("/")
                head, frames = (pid, tid, float(fields[1].rstrip(":"))), []
            elif line.strip():
                frames.append(line.strip().split(None, 1)[-1])
    if head:
        yield (*head, classify(frames))


def main(path, classify=phase):
    all_samples = list(samples(path, classify))
    total = collections.Counter(s[3] for s in all_samples)
    count = len(all_samples)
    for name, n in total.most_common():
        print(f"{100 * n / count:5.1f} %  {name}")
    print(f"{count} samples")
    first = all_samples[0][0]
    run = [s for s in all_samples if s[0] == first]
    start = min(s[2] for s in run)
    print(f"run {first}, by thread:")
    for tid in sorted({s[1] for s in run}):
        mine = [s for s in run if s[1] == tid]
        phases = collections.Counter(s[3] for s in mine).most_common(4)
        print(f"  {tid}: {min(s[2] for s in mine) - start:.3f}-{max(s[2] for s in mine) - start:.3f} s, "
              f"{len(mine)} samples: " + ", ".join(f"{p} {n}" for p, n in phases))


if __name__ == "__main__":
    args = sys.argv[1:]
    by_layer = args[:1] == ["--layers"]
    if by_layer:
        args = args[1:]
    if len(args) != 1:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    main(args[0], layer if by_layer else phase)
