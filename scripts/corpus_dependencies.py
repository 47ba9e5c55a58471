#!/usr/bin/env python3
"""The solutions each real package needs, read from its manifest's <MissingDependencies>.

Written from the exported XML alone (it shares no code or logic with dvlint's Rust sources),
so that tests/environments_corpus.rs can check dvlint's dependency rules against it.

Usage:
    python3 scripts/corpus_dependencies.py [--corpus DIR]    # default: ../shared/corpus
    python3 scripts/corpus_dependencies.py PATH...           # these packages only

A package is found as scripts/corpus_inventory.py finds one: an exported zip (its
`solution.xml` member), an unpacked folder (`Other/Solution.xml`) or an extracted export
(`solution.xml` beside `customizations.xml`). Only packages with at least one
<MissingDependency> are printed:

    {"packages": [{
        "path": "...", "solution": "UniqueName", "dependencies": 21,
        "required": [{"name": "msdynce_Service", "version": "9.0.5.56"}],
        "active": [{"type": "1", "id": "ud_testentity4", "defined": false}]
    }]}

`required`: the distinct solutions named by `solution="Name (1.2.3.4)"` on <Required>, each
with the highest version any dependency names (null when none does), sorted by lower-case
name; the exporting environment's unmanaged layer (`Active`) and `System` are not solutions.
`active`: the distinct components required from `Active`, with an id where the type has
one (table: lower-case schema name; column: `table.column`; connection reference:
`connectionreference/<logical name>`; custom connector, type 372: `connector/<name>`),
else null; `defined` says whether the package itself carries that component.
Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus_inventory import find_packages  # noqa: E402  (the one definition of "a package")

DEFAULT_CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "corpus")

# `msdynce_Service (9.0.5.56)`; a name alone is allowed too.
SOLUTION = re.compile(r"^\s*(?P<name>[^()]*?)\s*(?:\((?P<version>[^()]*)\))?\s*$")
NOT_SOLUTIONS = {"active", "system"}


class Package:
    """The files of one package, by lower-case relative path."""

    def __init__(self, path: str):
        self.path = path
        self._zip = None
        self.files: dict[str, str] = {}
        if os.path.isfile(path):
            self._zip = zipfile.ZipFile(path)
            for info in self._zip.infolist():
                if not info.is_dir():
                    self.files[info.filename.replace("\\", "/").lstrip("/").lower()] = info.filename
        else:
            for root, _dirs, names in os.walk(path):
                for name in names:
                    full = os.path.join(root, name)
                    self.files[os.path.relpath(full, path).replace(os.sep, "/").lower()] = full

    def read(self, lower: str) -> bytes | None:
        real = self.files.get(lower)
        if real is None:
            return None
        if self._zip is not None:
            return self._zip.read(real)
        with open(real, "rb") as f:
            return f.read()

    def unpacked(self) -> bool:
        return "other/solution.xml" in self.files

    def manifest(self) -> bytes:
        data = self.read("other/solution.xml") if self.unpacked() else self.read("solution.xml")
        if data is None:
            raise ValueError("no solution.xml")
        return data


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def children(element: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in element if local(c.tag) == name]


def first(element: ET.Element | None, *path: str) -> ET.Element | None:
    for name in path:
        if element is None:
            return None
        found = children(element, name)
        element = found[0] if found else None
    return element


def version_key(version: str | None) -> tuple[int, ...]:
    """Numeric parts, a missing part counting as 0: `9.0.4.0066` is 9.0.4.66."""
    if not version:
        return (-1,)
    parts = []
    for part in version.split("."):
        parts.append(int(part) if part.strip().isdigit() else -1)
    while len(parts) < 4:
        parts.append(0)
    return tuple(parts)


def active_id(required: ET.Element) -> str | None:
    kind = (required.get("type") or "").strip()
    schema = (required.get("schemaName") or "").lower() or None
    if kind == "1":
        return schema
    if kind == "2":
        parent = (required.get("parentSchemaName") or "").lower()
        return f"{parent}.{schema}" if parent and schema else None
    if kind.lower() == "connectionreference":
        name = required.get("id.connectionreferencelogicalname")
        return f"connectionreference/{name.lower()}" if name else None
    if kind == "372":
        return f"connector/{schema}" if schema else None
    return None


# ------------------------------------------------------------------------------------------
# What the package itself carries (for `defined`): tables and columns, connection
# references and custom connectors, not counting references (`unmodified="1"`).


def parse(data: bytes) -> ET.Element:
    return ET.fromstring(data)


def entities_of(root: ET.Element, out: dict[str, set[str]]) -> None:
    """`<Entity><Name>` with its `<EntityInfo><entity><attributes>`."""
    for entity in root.iter():
        if local(entity.tag) != "Entity":
            continue
        name = first(entity, "Name")
        if name is None or not (name.text or "").strip():
            continue
        info = first(entity, "EntityInfo", "entity")
        if info is not None and info.get("unmodified") == "1":
            continue
        columns = out.setdefault(name.text.strip().lower(), set())
        attributes = first(info, "attributes")
        for attribute in children(attributes, "attribute") if attributes is not None else []:
            if attribute.get("unmodified") == "1":
                continue
            logical = first(attribute, "LogicalName")
            column = (logical.text if logical is not None else None) or attribute.get("PhysicalName")
            if column:
                columns.add(column.strip().lower())


def defined_ids(package: Package) -> set[str]:
    tables: dict[str, set[str]] = {}
    ids: set[str] = set()
    names = (["other/customizations.xml"] if package.unpacked() else ["customizations.xml"]) + [
        f for f in package.files if f.startswith("entities/") and f.endswith("/entity.xml")
    ]
    for name in names:
        data = package.read(name)
        if data is None:
            continue
        root = parse(data)
        entities_of(root, tables)
        for element in root.iter():
            tag = local(element.tag)
            if tag == "connectionreference" and element.get("unmodified") != "1":
                logical = element.get("connectionreferencelogicalname")
                if logical:
                    ids.add(f"connectionreference/{logical.lower()}")
            elif tag == "Connector":
                connector = first(element, "name")
                if connector is not None and connector.text:
                    ids.add(f"connector/{connector.text.strip().lower()}")
    for name in package.files:
        if name.startswith("connectors/") and name.endswith(".xml") and name.count("/") == 1:
            connector = first(parse(package.read(name) or b"<x/>"), "name")
            if connector is not None and connector.text:
                ids.add(f"connector/{connector.text.strip().lower()}")
    for table, columns in tables.items():
        ids.add(table)
        ids.update(f"{table}.{column}" for column in columns)
    return ids


# ------------------------------------------------------------------------------------------


def dependencies(path: str) -> dict | None:
    package = Package(path)
    root = parse(package.manifest())
    manifest = first(root, "SolutionManifest")
    unique = first(manifest, "UniqueName")
    listed = first(manifest, "MissingDependencies")
    entries = children(listed, "MissingDependency") if listed is not None else []
    if not entries:
        return None
    required: dict[str, dict] = {}
    active: dict[str, dict] = {}
    for entry in entries:
        element = first(entry, "Required")
        if element is None:
            continue
        solution = element.get("solution")
        if solution is None:
            continue
        match = SOLUTION.match(solution)
        name = (match.group("name") if match else solution).strip()
        version = ((match.group("version") or "").strip() or None) if match else None
        if name.lower() == "active":
            key = active_id(element) or f"(unmapped) {element.get('type')} {element.get('displayName')}"
            active.setdefault(key, {"type": element.get("type"), "id": active_id(element)})
            continue
        if name.lower() in NOT_SOLUTIONS:
            continue
        seen = required.setdefault(name.lower(), {"name": name, "version": version})
        if version_key(version) > version_key(seen["version"]):
            seen["version"] = version
    defined = defined_ids(package) if active else set()
    for item in active.values():
        item["defined"] = item["id"] in defined
    return {
        "path": path,
        "solution": (unique.text or "").strip() if unique is not None else None,
        "dependencies": len(entries),
        "required": [required[k] for k in sorted(required)],
        "active": [active[k] for k in sorted(active)],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", metavar="PATH")
    ap.add_argument("--corpus", metavar="DIR")
    a = ap.parse_args(argv)
    paths = list(a.paths)
    if a.corpus or not paths:
        paths.extend(find_packages(a.corpus or DEFAULT_CORPUS))
    out = []
    status = 0
    for path in paths:
        try:
            found = dependencies(path)
        except (ValueError, OSError, zipfile.BadZipFile, ET.ParseError) as e:
            print(f"corpus_dependencies: {path}: {e}", file=sys.stderr)
            status = 1
            continue
        if found is not None:
            out.append(found)
    json.dump({"packages": out}, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return status


if __name__ == "__main__":
    sys.exit(main())
