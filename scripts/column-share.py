#!/usr/bin/env python3
"""What share of a solution XML file is column metadata.

    scripts/column-share.py customizations.xml [more files…]
    unzip -p pair/base.zip customizations.xml | scripts/column-share.py -

Column metadata is every `<attributes>…</attributes>` element: the columns of a
table, inside its `<EntityInfo>` (exported customizations.xml) or its
Entity.xml (unpacked source). FetchXML's `<attribute name=… />` in views is not
counted: it is a view's bulk, which dvlint's compactor drops. Prints, per file,
its size, the bytes of column metadata, their share, and how many `<attribute`
elements there are in `<attributes>`; with several files, their total last.
"""

import sys

OPEN = b"<attributes>"
CLOSE = b"</attributes>"


def share(data):
    """(bytes of column metadata, columns) of one file's bytes."""
    inside = 0
    columns = 0
    at = data.find(OPEN)
    while at >= 0:
        end = data.find(CLOSE, at)
        if end < 0:
            end = len(data)
        else:
            end += len(CLOSE)
        inside += end - at
        columns += data.count(b"<attribute ", at, end)
        at = data.find(OPEN, end)
    return inside, columns


def main(paths):
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    total = [0, 0, 0]
    for path in paths:
        if path == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as f:
                data = f.read()
        inside, columns = share(data)
        for i, n in enumerate((len(data), inside, columns)):
            total[i] += n
        print(f"{path}: {len(data) / 1e6:.1f} MB, column metadata {inside / 1e6:.1f} MB "
              f"({100 * inside / max(len(data), 1):.0f} %), {columns} columns")
    if len(paths) > 1:
        size, inside, columns = total
        print(f"total: {size / 1e6:.1f} MB, column metadata {inside / 1e6:.1f} MB "
              f"({100 * inside / max(size, 1):.0f} %), {columns} columns")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
