#!/usr/bin/env python3
"""Where the CPU of a dvlint run goes, by layer of the reading pipeline.

Usage:
    perf record -F 1500 --call-graph dwarf,16384 -o perf.data dvlint check cand.zip --baseline base.zip
    perf script -i perf.data --comm dvlint -F pid,tid,time,ip,sym --inline > perf.txt
    scripts/perf-layers.py perf.txt

A sample in a page fault is a page fault wherever it was taken; otherwise it goes
to the innermost frame that names a layer (so memchr or memcpy goes to the layer
that called it). Unlike scripts/perf-phases.py, which counts kept.rs as model
building, this splits the stream (kept.rs), the cursor (xml.rs) and quick-xml.
"""

import collections
import re
import sys

LAYERS = [
    ("inflate (zlib-rs, zip)", ["zlib_rs", "flate2::", "zip::"]),
    ("stream: UTF-8, NUL, lines, copies (kept.rs)", ["package::kept::", "Kept::", "Stream::"]),
    ("quick-xml", ["quick_xml::"]),
    ("cursor (xml.rs)", ["XmlCursor", "package::xml::"]),
    ("allocation", ["malloc", "free", "realloc", "alloc::raw_vec", "sysmalloc"]),
    ("model (customizations.rs, maps)", ["package::customizations::", "dvlint::model::", "btree"]),
    ("rules and report", ["dvlint::rules", "dvlint::engine", "dvlint::report"]),
]
FAULT = ("page faults (kernel)", ["page_fault", "clear_page"])


def samples(path):
    frames = None
    with open(path, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if line and not line[0].isspace():
                if frames is not None:
                    yield frames
                frames = []
                continue
            parts = line.split(None, 1)
            if len(parts) == 2 and frames is not None:
                frames.append(re.sub(r"\+0x[0-9a-f]+.*$", "", parts[1].strip()))
    if frames is not None:
        yield frames


def layer(frames):
    if any(key in frame for frame in frames for key in FAULT[1]):
        return FAULT[0]
    for frame in frames:
        for name, keys in LAYERS:
            if any(key in frame for key in keys):
                return name
    return "other"


def main(path):
    counts = collections.Counter(layer(frames) for frames in samples(path))
    total = sum(counts.values())
    for name, count in counts.most_common():
        print(f"{100 * count / total:5.1f} %  {name}")
    print(f"{total} samples")


if __name__ == "__main__":
    main(sys.argv[1])
