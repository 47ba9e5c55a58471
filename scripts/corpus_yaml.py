#!/usr/bin/env python3
"""Independent reading of the YAML source format of Dataverse Git integration (checks dvlint).

Written from ../shared/format-yaml.md, ../shared/DESIGN.md (component ids), the README's YAML
section and the rule pages (rules/*.md) only; it shares no code or logic with dvlint's Rust
sources. PyYAML reads every file with BaseLoader, so each scalar stays the text it is written as
(`9.2`, `1.0`, `'0'`), and the node marks give each finding's line.

Usage:
    python3 scripts/corpus_yaml.py ROOT [--solution NAME]
    python3 scripts/corpus_yaml.py BASELINE CANDIDATE [--solution NAME]
    python3 scripts/corpus_yaml.py --self-test [--corpus DIR]
    python3 scripts/corpus_yaml.py --emit-cases DIR [--corpus DIR]

ROOT is a YAML root (the folder holding `solutions/<name>/solution.yml`) or a folder up to three
levels above one. With one ROOT it prints the components its files define that belong to the
solution, and what the rules that need no baseline find in it:
    {"solution", "version", "components": [{kind, id, name, reference, file, line}],
     "missing_paths": [{path, file, line}], "missing_roots": [{component, type, file, line}],
     "findings": [{rule, component, side, file, line}]}
With BASELINE and CANDIDATE it prints the findings a diff of the two trees predicts:
    {"solution", "from", "to", "findings": [{rule, component, side, file, line}]}
`side` is "baseline" or "candidate", `file` is relative to that side's root, lines count from 1.
A malformed tree (the documentation's `- Path:` shape of solutioncomponents.yml, a file that is
not YAML) is exit status 2 with `corpus_yaml: error: FILE:LINE: ...` on stderr.

What belongs to the solution (README, "The YAML source format"): a component file belongs when
solutioncomponents.yml lists its path, with or without the leading `/`, in any case, as the file
itself (`<path>` or `<path>.yml`) or a folder holding it. A listed `\\` reads as `/` (as pac on
Windows reads it). A table's folder brings its entity.yml and its columns; a form or view needs a
listed path at or below its table's `formxml/` or `savedqueries/` folder (pac's prefix filter,
format-yaml.md section 1.4). Forms or views listed without their table's folder make the table
present without metadata (no `EntityInfo`), as a table whose only forms travel is in XML
(DESIGN.md section 4): it is not removed, its custom columns are. Publishers are not components.

Rules modelled (each as its page says; only an upgrade, same unique name, is modelled):
    no baseline: component-path-missing, root-component-missing, version-invalid,
                 package-version-edited
    baseline:    version-not-incremented, version-decreased, managed-state-changed,
                 entity-removed, attribute-removed, relationship-removed, optionset-removed,
                 option-removed, component-removed, attribute-type-changed,
                 attribute-length-reduced
Not modelled (they cannot fire on these files, or need a policy or an environment): the patch,
update and baseline-mismatch rules, dependency-unmanaged (no `solution="Active"` dependency in the
corpus), package-version-too-new, version-bump-insufficient, the environment rules.

--self-test reads the six corpus roots and the bundled examples/yaml roots, checks the counts read
by hand from their files, runs every real history pair (forward, reversed, skipping one) and each
root against itself, and the edited copies of real roots (a column file, a table folder, a
solutioncomponents entry, a root's source, options, a global choice, a relationship folder, a
column's type and length, backslash and upper-case paths, the doc's `- Path:` shape), each against
findings written by hand. --emit-cases writes those edited copies under DIR and prints every case
as JSON for tests/yaml_corpus.rs. What each pair shows: scripts/corpus_yaml.md.

Python 3.11 and PyYAML.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


class Malformed(Exception):
    """A tree dvlint must refuse (exit 2): the message names the file and line."""


def warn(msg: str) -> None:
    print(f"corpus_yaml: warning: {msg}", file=sys.stderr)


# ----------------------------------------------------------------------------------------------
# YAML as a tree of nodes that keep their text and line


class Node:
    """A scalar (str), a mapping (dict key -> (key line, Node)) or a sequence (list of Node)."""

    __slots__ = ("value", "line")

    def __init__(self, value, line: int) -> None:
        self.value = value
        self.line = line

    def get(self, key: str) -> Node | None:
        if isinstance(self.value, dict):
            hit = self.value.get(key)
            return hit[1] if hit else None
        return None

    def key_line(self, key: str) -> int | None:
        if isinstance(self.value, dict) and key in self.value:
            return self.value[key][0]
        return None

    def at(self, *keys: str) -> Node | None:
        n: Node | None = self
        for k in keys:
            n = n.get(k) if n is not None else None
        return n


def convert(node, rel: str) -> Node:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        return Node(node.value, line)
    if isinstance(node, yaml.SequenceNode):
        return Node([convert(n, rel) for n in node.value], line)
    out: dict = {}
    for k, v in node.value:
        if not isinstance(k, yaml.ScalarNode):
            raise Malformed(f"{rel}:{k.start_mark.line + 1}: a key that is not a name")
        if k.value in out:
            raise Malformed(f"{rel}:{k.start_mark.line + 1}: key `{k.value}` given twice")
        out[k.value] = (k.start_mark.line + 1, convert(v, rel))
    return Node(out, line)


def read_yaml(root: str, rel: str) -> Node | None:
    with open(os.path.join(root, rel), "rb") as f:
        data = f.read()
    try:
        node = yaml.compose(data, Loader=yaml.BaseLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise Malformed(f"{rel}:{mark.line + 1 if mark else 0}: {e.problem or e}") from None
    except yaml.YAMLError as e:
        raise Malformed(f"{rel}: {e}") from None
    return convert(node, rel) if node is not None else None


def items(n: Node | None) -> list[Node]:
    """One element is a mapping, several a sequence (the Json.NET rule): always a list."""
    if n is None:
        return []
    if isinstance(n.value, list):
        return n.value
    if isinstance(n.value, dict):
        return [n]
    return []


def text(n: Node | None) -> str | None:
    """An element's text: a scalar, or the `#text` of a mapping; stripped, empty = None."""
    if n is None:
        return None
    if isinstance(n.value, dict):
        n = n.get("#text")
        if n is None:
            return None
    if isinstance(n.value, str):
        return n.value.strip() or None
    return None


def text_line(n: Node | None) -> int | None:
    if n is None:
        return None
    if isinstance(n.value, dict) and n.get("#text") is not None:
        return n.get("#text").line
    return n.line


def guid(v: str | None) -> str | None:
    return v.strip().strip("{}").strip().lower() if v else None


def first_description(n: Node | None, holder: str, item: str) -> str | None:
    """`@description` of the first `<holder>/<item>` that has one (LocalizedNames/LocalizedName)."""
    for i in items(n.get(holder) if n is not None else None):
        for x in items(i.get(item)):
            d = text(x.get("@description"))
            if d:
                return d
    return None


def flag(n: Node | None, key: str) -> bool:
    return n is not None and text(n.get(key)) == "1"


# ----------------------------------------------------------------------------------------------
# one YAML root, one solution


def find_roots(path: str, depth: int = 3) -> list[str]:
    """Folders holding solutions/<U>/solution.yml, at `path` or up to `depth` levels below."""
    found = []
    sols = ci_child(path, "solutions")
    if sols and any(ci_child(os.path.join(sols, d), "solution.yml")
                    for d in sorted(os.listdir(sols)) if os.path.isdir(os.path.join(sols, d))):
        found.append(path)
    if depth and not found:
        for d in sorted(os.listdir(path)):
            p = os.path.join(path, d)
            if os.path.isdir(p) and not os.path.islink(p):
                found += find_roots(p, depth - 1)
    return found


def ci_child(folder: str, name: str) -> str | None:
    """The entry of `folder` named `name` in any case."""
    try:
        for e in os.listdir(folder):
            if e.lower() == name.lower():
                return os.path.join(folder, e)
    except (NotADirectoryError, FileNotFoundError):
        pass
    return None


def normalize_path(raw: str) -> str:
    """A solutioncomponents.yml path as compared: `\\` as `/`, no leading or trailing `/`, lower."""
    return raw.strip().replace("\\", "/").strip("/").lower()


def version_parts(v: str | None) -> list[int] | None:
    if v is None or not re.fullmatch(r"[0-9]+(\.[0-9]+){1,3}", v):
        return None
    parts = [int(x) for x in v.split(".")]
    return parts + [0] * (4 - len(parts))


class Component:
    def __init__(self, kind: str, cid: str, name: str | None, rel: str, line: int, node: Node):
        self.kind, self.id, self.name, self.file, self.line = kind, cid, name, rel, line
        self.reference = flag(node, "@unmodified") or flag(node, "unmodified")
        self.node = node
        self.table: str | None = None  # forms, views: their table; flows: PrimaryEntity

    def row(self) -> dict:
        return {"kind": self.kind, "id": self.id, "name": self.name, "reference": self.reference,
                "file": self.file, "line": self.line}


class Package:
    def __init__(self, path: str, solution: str | None = None) -> None:
        roots = find_roots(path)
        if not roots:
            raise Malformed(f"{path}: no solutions/<name>/solution.yml here or below")
        if len(roots) > 1:
            raise Malformed(f"{path}: several YAML roots: {', '.join(roots)}")
        self.root = roots[0]
        sols = ci_child(self.root, "solutions")
        names = sorted(d for d in os.listdir(sols)
                       if ci_child(os.path.join(sols, d), "solution.yml"))
        if solution:
            match = [d for d in names if d.lower() == solution.lower()]
            if not match:
                raise Malformed(f"{path}: no solution {solution} (has {', '.join(names)})")
            folder = match[0]
        elif len(names) == 1:
            folder = names[0]
        else:
            raise Malformed(f"{path}: holds {len(names)} solutions ({', '.join(names)}); name one")
        self.sol_dir = f"{os.path.basename(sols)}/{folder}"
        self.files: dict[str, str] = {}  # lower relative path -> relative path
        self.dirs: set[str] = set()
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames.sort()
            rel_dir = os.path.relpath(dirpath, self.root).replace(os.sep, "/")
            if rel_dir != ".":
                self.dirs.add(rel_dir.lower())
            for f in sorted(filenames):
                rel = f if rel_dir == "." else f"{rel_dir}/{f}"
                self.files[rel.lower()] = rel
        self.read_manifest()
        self.read_listed_paths()
        self.read_roots()
        self.read_components()

    # -- the manifests

    def manifest_file(self, name: str) -> str | None:
        rel = f"{self.sol_dir}/{name}".lower()
        return self.files.get(rel)

    def read_manifest(self) -> None:
        rel = self.manifest_file("solution.yml")
        doc = read_yaml(self.root, rel)
        top = doc.get("ImportExportXml") if doc else None
        man = top.get("SolutionManifest") if top else None
        if man is None:
            raise Malformed(f"{rel}:1: no ImportExportXml/SolutionManifest")
        self.manifest_rel = rel
        self.uniquename = text(man.get("UniqueName"))
        self.version = text(man.get("Version"))
        self.version_line = text_line(man.get("Version")) or man.line
        self.managed = text(man.get("Managed"))
        self.managed_line = text_line(man.get("Managed")) or man.line
        self.package_version = text(top.get("@SolutionPackageVersion"))
        self.package_version_line = text_line(top.get("@SolutionPackageVersion")) or top.line
        self.platform_version = text(top.get("@version"))
        self.parent = man.get("ParentSolution")

    def read_listed_paths(self) -> None:
        """[(normalized path, line)] from solutioncomponents.yml."""
        self.listed: list[tuple[str, int]] = []
        rel = self.manifest_file("solutioncomponents.yml")
        self.components_rel = rel
        if rel is None:
            warn(f"{self.root}: no solutioncomponents.yml: nothing belongs to the solution")
            return
        doc = read_yaml(self.root, rel)
        top = doc.get("SolutionComponents") if doc else None
        if top is None:
            raise Malformed(f"{rel}:{doc.line if doc else 1}: no SolutionComponents")
        if isinstance(top.value, list):
            first = top.value[0].line if top.value else top.line
            raise Malformed(f"{rel}:{first}: SolutionComponents is a list (the documentation's "
                            "`- Path: …` shape, which pac refuses); write `Component:` items "
                            "with `'@path'`")
        for c in items(top.get("Component")):
            p = c.get("@path")
            if p is None or text(p) is None:
                raise Malformed(f"{rel}:{c.line}: a Component without '@path'")
            self.listed.append((normalize_path(text(p)), p.line))

    def read_roots(self) -> None:
        self.roots: list[dict] = []
        rel = self.manifest_file("rootcomponents.yml")
        self.roots_rel = rel
        if rel is None:
            return
        doc = read_yaml(self.root, rel)
        top = doc.get("RootComponents") if doc else None
        for r in items(top.get("RootComponent") if top else None):
            self.roots.append({"type": text(r.get("@type")), "schemaName": text(r.get("@schemaName")),
                               "id": guid(text(r.get("@id"))), "behavior": text(r.get("@behavior")),
                               "line": r.line})

    # -- membership

    def path_exists(self, p: str) -> bool:
        return p in self.dirs or any(f"{p}{suffix}" in self.files for suffix in FILE_SUFFIXES)

    def listed_holding(self, rel_lower: str) -> list[str]:
        """The listed paths that name this file or a folder holding it."""
        return [p for p, _ in self.listed
                if p and (any(rel_lower == f"{p}{suffix}" for suffix in FILE_SUFFIXES)
                          or rel_lower.startswith(p + "/"))]

    # -- the components

    def read_components(self) -> None:
        self.tables: dict[str, dict] = {}  # id -> {id, name, file, line, info, reference}
        self.columns: dict[tuple[str, str], dict] = {}
        self.others: dict[tuple[str, str], Component] = {}  # every other kind, by (kind, id)
        self.rels: dict[str, dict] = {}
        self.optionsets: dict[str, dict] = {}
        table_folders: dict[str, dict] = {}  # lower folder name -> {entity, columns, forms, views}
        other_files = []
        for low, rel in sorted(self.files.items()):
            parts = low.split("/")
            if parts[0] in ("solutions", "publishers") or not low.endswith(".yml"):
                continue
            if parts[0] == "entities" and len(parts) >= 3:
                t = table_folders.setdefault(parts[1], {"folder": rel.split("/")[1], "entity": None,
                                                        "columns": [], "forms": [], "views": []})
                if len(parts) == 3 and parts[2] == "entity.yml":
                    t["entity"] = rel
                elif parts[2] == "attributes" and len(parts) == 4:
                    t["columns"].append(rel)
                elif parts[2] == "formxml":
                    t["forms"].append(rel)
                elif parts[2] == "savedqueries":
                    t["views"].append(rel)
                continue
            if self.listed_holding(low):
                other_files.append(rel)
        for folder in sorted(table_folders):
            self.read_table(table_folders[folder])
        for rel in other_files:
            self.read_other(rel)

    def member(self, rel: str, below: str | None = None) -> bool:
        """Listed; with `below`, by a path at or below that folder (forms, views)."""
        held = self.listed_holding(rel.lower())
        if below is None:
            return bool(held)
        below = below.lower()
        return any(p == below or p.startswith(below + "/") for p in held)

    def read_table(self, t: dict) -> None:
        folder = t["folder"]
        base = f"entities/{folder}"
        forms = [f for f in t["forms"] if self.member(f, f"{base}/formxml")]
        views = [v for v in t["views"] if self.member(v, f"{base}/savedqueries")]
        columns = [c for c in t["columns"] if self.member(c)]
        if t["entity"] is None:
            if columns or forms or views:
                warn(f"{self.root}: {base} has no entity.yml: its parts are not read")
            return
        # Columns travel inside the table's <EntityInfo><entity> (pac appends the column files
        # there, format-yaml.md section 1.8): a listed column brings the table's metadata, as its
        # folder does. Forms and views alone travel with the table's <Name> only (DESIGN.md
        # section 4: a table present without <EntityInfo>).
        metadata = self.member(t["entity"]) or bool(columns)
        if not (metadata or forms or views):
            return
        doc = read_yaml(self.root, t["entity"])
        ent = doc.get("Entity") if doc else None
        name_node = ent.get("Name") if ent else None
        tid = (text(name_node) or folder).lower()
        info = ent.at("EntityInfo", "entity") if ent and metadata else None
        display = text(name_node.get("@LocalizedName")) if name_node is not None else None
        if not display and info is not None:
            display = first_description(info, "LocalizedNames", "LocalizedName")
        table = {"id": tid, "name": display or text(name_node) or folder, "file": t["entity"],
                 "line": text_line(name_node) or (doc.line if doc else 1),
                 "info": info is not None,
                 "reference": flag(info, "@unmodified") or flag(ent, "@unmodified")}
        if tid in self.tables:
            warn(f"{self.root}: table {tid} defined twice; the first is kept")
            return
        self.tables[tid] = table
        if info is not None:
            for rel in columns:
                self.read_column(tid, rel)
        elif columns:
            warn(f"{self.root}: {t['entity']} has no EntityInfo/entity: its columns are not read")
        for rel in forms:
            self.read_child(rel, "systemform", "formid", tid)
        for rel in views:
            self.read_child(rel, "savedquery", "savedqueryid", tid)

    def read_column(self, tid: str, rel: str) -> None:
        doc = read_yaml(self.root, rel)
        a = doc.get("attribute") if doc else None
        if a is None:
            warn(f"{rel}: no `attribute:`")
            return
        logical = text(a.get("LogicalName")) or text(a.get("Name")) or text(a.get("@PhysicalName"))
        if not logical:
            warn(f"{rel}: a column without a name")
            return
        cid = (tid, logical.lower())
        if cid in self.columns:
            warn(f"{rel}: column {cid} defined twice; the first is kept")
            return
        type_ = text(a.get("Type"))
        options: dict[str, dict] = {}
        choice = a.get("optionset")
        if choice is not None:
            options = choice_options(choice, rel)
        self.columns[cid] = {
            "id": f"{tid}.{logical.lower()}", "file": rel, "line": doc.key_line("attribute"),
            "name": first_description(a, "displaynames", "displayname") or logical,
            "reference": flag(a, "@unmodified"),
            "type": norm_type(type_), "type_line": text_line(a.get("Type")),
            "maxlength": text(a.get("MaxLength")), "maxlength_line": text_line(a.get("MaxLength")),
            "custom": text(a.get("IsCustomField")) != "0",
            "primaryname": "primaryname" in (text(a.get("DisplayMask")) or "").lower().split("|"),
            "calculationof": (text(a.get("CalculationOf")) or "").lower() or None,
            "options": options,
        }

    def read_child(self, rel: str, root_key: str, id_key: str, tid: str) -> None:
        doc = read_yaml(self.root, rel)
        n = doc.get(root_key) if doc else None
        if n is None:
            warn(f"{rel}: no `{root_key}:`")
            return
        key = guid(text(n.get(id_key)))
        if not key:
            warn(f"{rel}: no {id_key}")
            return
        c = Component(root_key, f"{root_key}/{key}", first_description(n, "LocalizedNames", "LocalizedName"),
                      rel, doc.key_line(root_key), n)
        c.table = tid
        self.add(c)

    def add(self, c: Component) -> None:
        if (c.kind, c.id) in self.others:
            warn(f"{c.file}: {c.id} defined twice; the first is kept")
            return
        self.others[(c.kind, c.id)] = c

    def read_other(self, rel: str) -> None:
        doc = read_yaml(self.root, rel)
        if doc is None or not isinstance(doc.value, dict) or len(doc.value) != 1:
            warn(f"{rel}: not one component")
            return
        (key,) = doc.value
        n = doc.get(key)
        line = doc.key_line(key)
        k = key.lower()
        if k == "entityrelationship":
            self.read_relationship(n, rel, line)
        elif k == "entityrelationships":
            for r in items(n.get("EntityRelationship")):
                self.read_relationship(r, rel, r.line)
        elif k == "optionset":
            name = text(n.get("@Name"))
            if not name:
                warn(f"{rel}: a choice without @Name")
                return
            oid = name.lower()
            if oid in self.optionsets:
                warn(f"{rel}: choice {oid} defined twice; the first is kept")
                return
            self.optionsets[oid] = {
                "id": oid, "file": rel, "line": line, "reference": flag(n, "@unmodified"),
                "name": text(n.get("@localizedName")) or first_description(n, "displaynames", "displayname") or name,
                "options": choice_options(n, rel)}
        elif k in SIMPLE:
            kind, key_of, name_of = SIMPLE[k]
            cid = key_of(n)
            if not cid:
                warn(f"{rel}: {kind} without its key")
                return
            c = Component(kind, f"{kind}/{cid}", name_of(n), rel, line, n)
            if kind == "workflow":
                c.table = (text(n.get("PrimaryEntity")) or "").lower() or None
            self.add(c)
        else:
            warn(f"{rel}: `{key}` is no component this script reads")

    def read_relationship(self, n: Node, rel: str, line: int) -> None:
        name = text(n.get("@Name")) or text(n.get("Name"))
        if not name:
            warn(f"{rel}: a relationship without @Name")
            return
        rid = name.lower()
        if rid in self.rels:
            return  # one relationship in several files counts once: the first
        tables = {(text(n.get(k)) or "").lower()
                  for k in ("ReferencingEntityName", "ReferencedEntityName",
                            "FirstEntityName", "SecondEntityName")} - {""}
        self.rels[rid] = {"id": rid, "name": name, "file": rel, "line": line,
                          "reference": flag(n, "@unmodified"), "tables": tables,
                          "referencing": (text(n.get("ReferencingEntityName")) or "").lower(),
                          "lookup": (text(n.get("ReferencingAttributeName")) or "").lower()}

    # -- what the listing shows

    def component_rows(self) -> list[dict]:
        rows = [{"kind": "entity", "id": t["id"], "name": t["name"], "reference": t["reference"],
                 "file": t["file"], "line": t["line"]} for t in self.tables.values()]
        rows += [{"kind": "attribute", "id": c["id"], "name": c["name"], "reference": c["reference"],
                  "file": c["file"], "line": c["line"]} for c in self.columns.values()]
        rows += [{"kind": "entityrelationship", "id": r["id"], "name": r["name"],
                  "reference": r["reference"], "file": r["file"], "line": r["line"]}
                 for r in self.rels.values()]
        rows += [{"kind": "optionset", "id": o["id"], "name": o["name"], "reference": o["reference"],
                  "file": o["file"], "line": o["line"]} for o in self.optionsets.values()]
        rows += [c.row() for c in self.others.values()]
        return sorted(rows, key=lambda r: (r["kind"], r["id"]))

    def missing_paths(self) -> list[dict]:
        return [{"path": p, "file": self.components_rel, "line": line}
                for p, line in self.listed if not self.path_exists(p)]

    def has(self, kind: str, key: str) -> bool:
        if kind == "entity":
            return key in self.tables
        if kind == "optionset":
            return key in self.optionsets
        if kind == "pluginassembly":
            return any(k == "pluginassembly" and i.split("/", 1)[1].split("@")[0] == key
                       for k, i in self.others)
        return (kind, f"{kind}/{key}") in self.others

    def missing_roots(self) -> list[dict]:
        out = []
        for r in self.roots:
            t = r["type"]
            if t not in ROOT_KINDS:
                if t in ROOT_UNREAD:
                    warn(f"{self.roots_rel}:{r['line']}: root type {t} not modelled here: skipped")
                continue
            kind, by = ROOT_KINDS[t]
            if kind == "entity" and r["behavior"] == "2":
                continue
            raw = r["schemaName"] if by == "schemaName" else r["id"]
            if not raw:
                continue
            key = raw.split(",")[0].strip().lower() if kind == "pluginassembly" else raw.lower()
            if not self.has(kind, key):
                cid = key if kind in ("entity", "optionset") else f"{kind}/{key}"
                out.append({"component": cid, "type": t, "file": self.roots_rel, "line": r["line"]})
        return out

    def table_behavior(self, tid: str) -> str | None:
        for r in self.roots:
            if r["type"] == "1" and (r["schemaName"] or "").lower() == tid:
                return r["behavior"]
        return None


# a listed path names the file itself, or the file of that name with `.yml`, or `.meta.yml` (the
# canvas app file `canvasapps/<name>.meta.yml`, format-yaml.md section 1.8, is named `<name>`)
FILE_SUFFIXES = ("", ".yml", ".meta.yml")


def norm_type(t: str | None) -> str | None:
    if not t:
        return None
    t = t.lower()
    return "ntext" if t == "memo" else t


def choice_options(choice: Node, rel: str) -> dict[str, dict]:
    """value -> {label, line} of a choice's options, states and statuses."""
    out: dict[str, dict] = {}
    for holder, item in (("options", "option"), ("states", "state"), ("statuses", "status")):
        for h in items(choice.get(holder)):
            for o in items(h.get(item)):
                v = text(o.get("@value"))
                if v is None:
                    continue
                try:
                    v = str(int(v))
                except ValueError:
                    pass
                label = None
                for ls in items(o.get("labels")):
                    for lab in items(ls.get("label")):
                        label = label or text(lab.get("@description"))
                out.setdefault(v, {"label": label, "file": rel, "line": o.line})
    return out


def simple_name(full: str | None) -> str | None:
    return full.split(",")[0].strip().lower() if full else None


def lower(v: str | None) -> str | None:
    return v.lower() if v else None


# root key (lower case) -> (kind, key, display name)
SIMPLE = {
    "workflow": ("workflow", lambda n: guid(text(n.get("@WorkflowId"))), lambda n: text(n.get("@Name"))),
    "canvasapp": ("canvasapp", lambda n: lower(text(n.get("Name"))), lambda n: text(n.get("DisplayName"))),
    "appmodule": ("appmodule", lambda n: lower(text(n.get("UniqueName"))),
                  lambda n: first_description(n, "LocalizedNames", "LocalizedName")),
    "appmodulesitemap": ("appmodulesitemap", lambda n: lower(text(n.get("SiteMapUniqueName"))),
                         lambda n: first_description(n, "LocalizedNames", "LocalizedName")),
    "connectionreference": ("connectionreference",
                            lambda n: lower(text(n.get("@connectionreferencelogicalname"))),
                            lambda n: text(n.get("connectionreferencedisplayname"))),
    "environmentvariabledefinition": ("environmentvariabledefinition",
                                      lambda n: lower(text(n.get("@schemaname"))),
                                      lambda n: text(n.at("displayname", "@default"))),
    "role": ("role", lambda n: guid(text(n.get("@id"))), lambda n: text(n.get("@name"))),
    "webresource": ("webresource", lambda n: lower(text(n.get("Name"))), lambda n: text(n.get("DisplayName"))),
    "pluginassembly": ("pluginassembly", lambda n: simple_name(text(n.get("@FullName"))),
                       lambda n: (text(n.get("@FullName")) or "").split(",")[0].strip() or None),
    "sdkmessageprocessingstep": ("sdkmessageprocessingstep",
                                 lambda n: guid(text(n.get("@SdkMessageProcessingStepId"))),
                                 lambda n: text(n.get("@Name"))),
}

# root component type -> (kind, matched by), as rules/root-component-missing.md lists them
ROOT_KINDS = {
    "1": ("entity", "schemaName"), "9": ("optionset", "schemaName"),
    "61": ("webresource", "schemaName"), "62": ("appmodulesitemap", "schemaName"),
    "80": ("appmodule", "schemaName"), "300": ("canvasapp", "schemaName"),
    "380": ("environmentvariabledefinition", "schemaName"), "91": ("pluginassembly", "schemaName"),
    "20": ("role", "id"), "26": ("savedquery", "id"), "29": ("workflow", "id"),
    "60": ("systemform", "id"), "92": ("sdkmessageprocessingstep", "id"),
}
# checked by dvlint, but of kinds this script does not read (none in the corpus)
ROOT_UNREAD = {"31", "36", "59", "63", "66", "70", "371", "372", "401"}
KNOWN_PACKAGE_VERSIONS = {"6.0", "6.1", "7.0", "7.1", "8.0", "8.1", "8.2", "9.0", "9.1", "9.2"}


# ----------------------------------------------------------------------------------------------
# findings


def finding(rule: str, component: str | None, side: str, rel: str, line: int) -> dict:
    return {"rule": rule, "component": component, "side": side, "file": rel, "line": line}


def alone(p: Package, side: str = "candidate") -> list[dict]:
    """The rules that need no baseline."""
    out = [finding("component-path-missing", m["path"], side, m["file"], m["line"])
           for m in p.missing_paths()]
    out += [finding("root-component-missing", m["component"], side, m["file"], m["line"])
            for m in p.missing_roots()]
    if p.version is None or version_parts(p.version) is None:
        out.append(finding("version-invalid", None, side, p.manifest_rel, p.version_line))
    spv = p.package_version
    if spv is not None:
        edited = False
        m = re.fullmatch(r"([0-9]+)\.([0-9]+)", spv)
        if not m:
            edited = True
        else:
            mine = (int(m.group(1)), int(m.group(2)))
            pm = re.match(r"([0-9]+)\.([0-9]+)", p.platform_version or "")
            exporting = (int(pm.group(1)), int(pm.group(2))) if pm else None
            if exporting and mine > exporting:
                edited = True
            elif spv not in KNOWN_PACKAGE_VERSIONS and mine != exporting:
                edited = True
        if edited:
            out.append(finding("package-version-edited", None, side, p.manifest_rel, p.package_version_line))
    return out


def same_files(a: Package, b: Package) -> bool:
    if sorted(a.files.values()) != sorted(b.files.values()):
        return False
    for rel in a.files.values():
        with open(os.path.join(a.root, rel), "rb") as x, open(os.path.join(b.root, rel), "rb") as y:
            if x.read() != y.read():
                return False
    return True


def compare(b: Package, c: Package) -> list[dict]:
    out = alone(c)
    if (b.uniquename or "").lower() != (c.uniquename or "").lower() or c.parent is not None \
            or re.search(r"_Patch_[0-9a-fA-F]{8}$", c.uniquename or ""):
        warn(f"{c.root}: not an upgrade of {b.root}: only upgrades are modelled")
        return out
    bv, cv = version_parts(b.version), version_parts(c.version)
    decreased = False
    if bv is not None and cv is not None:
        if cv == bv and not same_files(b, c):
            out.append(finding("version-not-incremented", None, "candidate", c.manifest_rel, c.version_line))
        elif cv < bv:
            decreased = True
            out.append(finding("version-decreased", None, "candidate", c.manifest_rel, c.version_line))
    if {b.managed, c.managed} == {"0", "1"}:
        out.append(finding("managed-state-changed", None, "candidate", c.manifest_rel, c.managed_line))
    if not decreased:
        out += removals(b, c)
    return out


def removals(b: Package, c: Package) -> list[dict]:
    out = []
    B = "baseline"
    # tables: metadata in the baseline, nothing at all in the candidate
    removed_tables = set()
    for tid, t in b.tables.items():
        if not t["info"] or t["reference"] or tid in c.tables or "_" not in tid:
            continue
        if "2" in (b.table_behavior(tid), c.table_behavior(tid)):
            continue
        removed_tables.add(tid)
        out.append(finding("entity-removed", tid, B, t["file"], t["line"]))
    # relationships
    removed_rels = set()
    for rid, r in b.rels.items():
        if rid in c.rels or r["reference"]:
            continue
        removed_rels.add(rid)
        if r["tables"] & removed_tables:
            continue  # counted in the table's finding
        out.append(finding("relationship-removed", rid, B, r["file"], r["line"]))
    folded_lookups = {(b.rels[r]["referencing"], b.rels[r]["lookup"]) for r in removed_rels}
    kept_lookups = {(r["referencing"], r["lookup"]) for r in c.rels.values()}
    # columns
    gone = []
    for cid, col in b.columns.items():
        tid = cid[0]
        if col["reference"] or not col["custom"] or cid in c.columns:
            continue
        if tid not in c.tables:
            if tid in removed_tables:
                continue
            behavior2 = "2" in (b.table_behavior(tid), c.table_behavior(tid))
            if "_" in tid and not behavior2:
                continue
        elif col["primaryname"]:
            continue
        if cid in kept_lookups or cid in folded_lookups:
            continue
        gone.append(cid)
    gone_set = set(gone)
    for cid in gone:
        col = b.columns[cid]
        if col["calculationof"] and (cid[0], col["calculationof"]) in gone_set:
            continue
        out.append(finding("attribute-removed", col["id"], B, col["file"], col["line"]))
    # global choices and their options
    for oid, o in b.optionsets.items():
        if o["reference"]:
            continue
        other = c.optionsets.get(oid)
        if other is None:
            out.append(finding("optionset-removed", oid, B, o["file"], o["line"]))
        elif not other["reference"]:
            for v, opt in o["options"].items():
                if v not in other["options"]:
                    out.append(finding("option-removed", f"{oid}:{v}", B, opt["file"], opt["line"]))
    # columns on both sides: local options, type, length
    for cid, col in b.columns.items():
        other = c.columns.get(cid)
        if other is None or col["reference"] or other["reference"]:
            continue
        for v, opt in col["options"].items():
            if v not in other["options"]:
                out.append(finding("option-removed", f"{col['id']}:{v}", B, opt["file"], opt["line"]))
        if col["type"] and other["type"] and col["type"] != other["type"]:
            out.append(finding("attribute-type-changed", col["id"], "candidate", other["file"], other["type_line"]))
        if col["type"] in TEXT_TYPES and other["type"] in TEXT_TYPES:
            try:
                shrank = int(other["maxlength"]) < int(col["maxlength"])
            except (TypeError, ValueError):
                shrank = False
            if shrank:
                out.append(finding("attribute-length-reduced", col["id"], "candidate", other["file"],
                                   other["maxlength_line"]))
    # every other kind
    for key, comp in b.others.items():
        if key in c.others or comp.reference:
            continue
        if comp.kind == "pluginassembly" and c.has("pluginassembly", comp.id.split("/", 1)[1].split("@")[0]):
            continue
        if text(comp.node.get("CanBeDeleted")) == "0":
            continue
        if comp.kind in ("systemform", "savedquery", "workflow") and comp.table in removed_tables:
            continue
        out.append(finding("component-removed", comp.id, B, comp.file, comp.line))
    return out


TEXT_TYPES = {"nvarchar", "ntext"}


def sort_findings(fs: list[dict]) -> list[dict]:
    return sorted(fs, key=lambda f: (f["rule"], f["component"] or "", f["side"], f["file"], f["line"]))


def inventory(p: Package) -> dict:
    return {"solution": p.uniquename, "version": p.version, "components": p.component_rows(),
            "missing_paths": p.missing_paths(), "missing_roots": p.missing_roots(),
            "findings": sort_findings(alone(p))}


def diff(b: Package, c: Package) -> dict:
    return {"solution": c.uniquename, "from": b.version, "to": c.version,
            "findings": sort_findings(compare(b, c))}


# ----------------------------------------------------------------------------------------------
# the corpus, the pairs and the edits


def corpus_roots(corpus: str) -> list[str]:
    y = os.path.join(corpus, "yaml")
    return [os.path.join(y, s, c) for s in sorted(os.listdir(y)) for c in sorted(os.listdir(os.path.join(y, s)))]


# what each root holds, read by hand from its files: (components, missing paths, missing roots)
ROOT_COUNTS = {
    "ppat/e1cc8c6": (3, 0, 0), "ppat/1a74dce": (0, 0, 0), "ppat/6393f33": (3, 2, 2),
    "dverse/3556aa8": (7, 0, 0), "dverse/b121d71": (8, 0, 0), "dverse/26f296f": (13, 0, 0),
}
# the bundled examples: (root, components: one per .yml file outside solutions/ and publishers/)
EXAMPLES = [("examples/yaml/ContosoCore_1_1_0_0", 44), ("examples/yaml/ContosoCore_1_2_0_0", 55)]

PPAT_APP = "ppat_powerplatformadministrationtool"
PPAT_FLOW = "workflow/ca27d5d6-2bc3-f111-a05c-70a8a507ac5b"
PPAT_6393_ALONE = [("component-path-missing", f"appmodules/{PPAT_APP}"),
                   ("component-path-missing", f"appmodulesitemaps/{PPAT_APP}"),
                   ("root-component-missing", f"appmodule/{PPAT_APP}"),
                   ("root-component-missing", f"appmodulesitemap/{PPAT_APP}")]
VNI = ("version-not-incremented", None)

# (baseline, candidate, expected (rule, component)), read by hand from the files
PAIRS = [
    ("ppat/e1cc8c6", "ppat/1a74dce", [VNI, ("component-removed", f"appmodule/{PPAT_APP}"),
                                      ("component-removed", f"appmodulesitemap/{PPAT_APP}"),
                                      ("component-removed", "canvasapp/ppat_ppattemplate_97904")]),
    ("ppat/1a74dce", "ppat/6393f33", [VNI] + PPAT_6393_ALONE),
    ("ppat/e1cc8c6", "ppat/6393f33", [VNI, ("component-removed", f"appmodule/{PPAT_APP}"),
                                      ("component-removed", f"appmodulesitemap/{PPAT_APP}")] + PPAT_6393_ALONE),
    ("ppat/1a74dce", "ppat/e1cc8c6", [VNI]),
    ("ppat/6393f33", "ppat/1a74dce", [VNI, ("component-removed", PPAT_FLOW),
                                      ("component-removed", "connectionreference/ppat_powerplatformadminsv2"),
                                      ("component-removed", "canvasapp/ppat_ppattemplate_97904")]),
    ("ppat/6393f33", "ppat/e1cc8c6", [VNI, ("component-removed", PPAT_FLOW),
                                      ("component-removed", "connectionreference/ppat_powerplatformadminsv2")]),
    ("dverse/3556aa8", "dverse/b121d71", []),
    ("dverse/b121d71", "dverse/26f296f", []),
    ("dverse/3556aa8", "dverse/26f296f", []),
    ("dverse/b121d71", "dverse/3556aa8", [("version-decreased", None)]),
    ("dverse/26f296f", "dverse/b121d71", [("version-decreased", None)]),
    ("dverse/26f296f", "dverse/3556aa8", [("version-decreased", None)]),
]

# the bundled example pair, without a policy: the README's five findings and the one the
# example's policy accepts (`account.cts_legacyaccountnumber`)
EXAMPLE_PAIR = [
    ("attribute-removed", "cts_project.cts_legacycode"),
    ("attribute-removed", "account.cts_legacyaccountnumber"),
    ("attribute-length-reduced", "cts_project.cts_code"),
    ("attribute-type-changed", "cts_projecttask.cts_category"),
    ("option-removed", "cts_project.cts_stage:100000002"),
    ("option-removed", "cts_priority:100000003"),
]


class Tree:
    """An edited copy of a root."""

    def __init__(self, path: str) -> None:
        self.path = path

    def p(self, rel: str) -> str:
        return os.path.join(self.path, rel)

    def edit(self, rel: str, old: str, new: str) -> None:
        with open(self.p(rel), encoding="utf-8", newline="") as f:
            data = f.read()
        if old not in data:
            raise AssertionError(f"{rel}: no {old!r}")
        with open(self.p(rel), "w", encoding="utf-8", newline="") as f:
            f.write(data.replace(old, new, 1))

    def remove(self, rel: str) -> None:
        p = self.p(rel)
        shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)

    def write(self, rel: str, data: str) -> None:
        os.makedirs(os.path.dirname(self.p(rel)), exist_ok=True)
        with open(self.p(rel), "w", encoding="utf-8", newline="") as f:
            f.write(data)


DV = "solutions/DVerseCore"
DV_ENT = "entities/dv_matter"


def dv_bump(t: Tree) -> None:
    t.edit(f"{DV}/solution.yml", "Version: 0.6.0.0", "Version: 0.6.1.0")


def ppat_bump(t: Tree) -> None:
    t.edit("solutions/ppat_core/solution.yml", "Version: 1.0.0.0", "Version: 1.0.0.1")


def dv_unlist(t: Tree, path: str) -> None:
    t.edit(f"{DV}/solutioncomponents.yml", f"    - '@path': {path}\n", "")


GLOBAL_CHOICE = """optionset:
  '@Name': dv_priority
  '@localizedName': Priority
  OptionSetType: picklist
  IsGlobal: '1'
  IntroducedVersion: '1.0'
  displaynames:
    displayname:
      '@description': Priority
      '@languagecode': '1033'
  options:
    option:
      - '@value': '202600000'
        labels:
          label:
            '@description': Low
            '@languagecode': '1033'
      - '@value': '202600001'
        labels:
          label:
            '@description': High
            '@languagecode': '1033'
"""

LOCAL_CHOICE = """attribute:
  '@PhysicalName': dv_Stage
  Type: picklist
  Name: dv_stage
  LogicalName: dv_stage
  RequiredLevel: none
  IsCustomField: '1'
  AppDefaultValue: '202600000'
  optionset:
    '@Name': dv_matter_dv_stage
    OptionSetType: picklist
    IsGlobal: '0'
    options:
      option:
        - '@value': '202600000'
          labels:
            label:
              '@description': Open
              '@languagecode': '1033'
        - '@value': '202600001'
          labels:
            label:
              '@description': Closed
              '@languagecode': '1033'
  displaynames:
    displayname:
      '@description': Stage
      '@languagecode': '1033'
"""


def dv_with_choices(t: Tree) -> None:
    """A global choice (listed by its folder) and a local choice column added."""
    t.write("optionsets/dv_priority/optionset.yml", GLOBAL_CHOICE)
    t.write(f"{DV_ENT}/attributes/dv_stage.yml", LOCAL_CHOICE)
    t.edit(f"{DV}/solutioncomponents.yml", "    - '@path': canvasapps\n",
           "    - '@path': canvasapps\n    - '@path': optionsets/dv_priority\n")


def drop_option(t: Tree, rel: str, value: str) -> None:
    """Removes the option item of `value` (through the line before the next item or key)."""
    with open(t.p(rel), encoding="utf-8") as f:
        lines = f.read().split("\n")
    start = next(i for i, l in enumerate(lines) if l.strip() == f"- '@value': '{value}'")
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines) and lines[end].strip() and len(lines[end]) - len(lines[end].lstrip()) > indent:
        end += 1
    t.write(rel, "\n".join(lines[:start] + lines[end:]))


def dv_options_dropped(t: Tree) -> None:
    dv_with_choices(t)
    dv_bump(t)
    drop_option(t, "optionsets/dv_priority/optionset.yml", "202600001")
    drop_option(t, f"{DV_ENT}/attributes/dv_stage.yml", "202600000")


def dv_choice_removed(t: Tree) -> None:
    dv_with_choices(t)
    dv_bump(t)
    t.remove("optionsets")


def dv_type_and_length(t: Tree) -> None:
    dv_bump(t)
    t.edit(f"{DV_ENT}/attributes/dv_openedon.yml", "Type: datetime", "Type: nvarchar")
    t.edit(f"{DV_ENT}/attributes/dv_matternumber.yml", "MaxLength: '100'", "MaxLength: '50'")


def noop(t: Tree) -> None:
    pass


DV_FORM = "systemform/8d5fde37-9293-4b1e-97bb-2691167f3ee0"
DV_CANVAS = "canvasapp/dv_mattercanvas_791bc"

# (label, source root, edit of the baseline copy, edit of the candidate copy, expected (rule,
# component) or the error "file:line")
EDITS = [
    ("dverse: version raised, nothing else", "dverse/26f296f", None, dv_bump, []),
    ("dverse: a column file removed", "dverse/26f296f", None,
     lambda t: (dv_bump(t), t.remove(f"{DV_ENT}/attributes/dv_openedon.yml")),
     [("attribute-removed", "dv_matter.dv_openedon")]),
    ("dverse: the table folder removed", "dverse/26f296f", None,
     lambda t: (dv_bump(t), t.remove(DV_ENT)),
     # its form, view and relationship are counted in the table; three listed paths and the root
     [("entity-removed", "dv_matter"), ("component-path-missing", "entities/dv_matter"),
      ("component-path-missing", "entities/dv_matter/formxml/main"),
      ("component-path-missing", "entities/dv_matter/savedqueries"),
      ("root-component-missing", "dv_matter")]),
    ("dverse: the canvasapps entry removed", "dverse/26f296f", None,
     lambda t: (dv_bump(t), dv_unlist(t, "canvasapps")),
     [("component-removed", DV_CANVAS), ("root-component-missing", DV_CANVAS)]),
    ("dverse: the form's entry removed", "dverse/26f296f", None,
     lambda t: (dv_bump(t), dv_unlist(t, f"{DV_ENT}/FormXml/main")),
     [("component-removed", DV_FORM)]),
    # the view cannot be deleted (CanBeDeleted 0): it is never reported
    ("dverse: the view's entry removed", "dverse/26f296f", None,
     lambda t: (dv_bump(t), dv_unlist(t, f"{DV_ENT}/SavedQueries")), []),
    ("dverse: the relationship folder removed", "dverse/26f296f", None,
     lambda t: (dv_bump(t), t.remove("entityrelationships")),
     [("relationship-removed", "dv_matter_sharepointdocumentlocations"),
      ("component-path-missing", "entityrelationships")]),
    ("dverse: an option of a global and of a local choice removed", "dverse/26f296f",
     dv_with_choices, dv_options_dropped,
     [("option-removed", "dv_priority:202600001"), ("option-removed", "dv_matter.dv_stage:202600000")]),
    ("dverse: a global choice removed", "dverse/26f296f", dv_with_choices, dv_choice_removed,
     [("optionset-removed", "dv_priority"), ("component-path-missing", "optionsets/dv_priority")]),
    ("dverse: a column's type and another's length", "dverse/26f296f", None, dv_type_and_length,
     [("attribute-type-changed", "dv_matter.dv_openedon"),
      ("attribute-length-reduced", "dv_matter.dv_matternumber")]),
    ("dverse: backslash paths", "dverse/26f296f", None,
     lambda t: (dv_bump(t), t.edit(f"{DV}/solutioncomponents.yml", "- '@path': entities/dv_matter\n",
                                   "- '@path': entities\\dv_matter\n"),
                t.edit(f"{DV}/solutioncomponents.yml", "'@path': entities/dv_matter/FormXml/main",
                       "'@path': \\entities\\dv_matter\\FormXml\\main")), []),
    # a backslash path naming nothing is reported as the path with `/`
    ("dverse: a backslash path naming nothing", "dverse/26f296f", None,
     lambda t: (dv_bump(t), t.edit(f"{DV}/solutioncomponents.yml", "    - '@path': canvasapps\n",
                                   "    - '@path': canvasapps\n    - '@path': \\connectionreferences\\dv_Gone\n")),
     [("component-path-missing", "connectionreferences/dv_gone")]),
    ("dverse: upper-case paths with a leading /", "dverse/26f296f", None,
     lambda t: (dv_bump(t), t.edit(f"{DV}/solutioncomponents.yml", "- '@path': entities/dv_matter\n",
                                   "- '@path': /ENTITIES/DV_MATTER\n")), []),
    # the table's folder unlisted, its form and view still listed: the table travels without its
    # metadata, so its custom columns go (not the primary name column dv_name)
    ("dverse: forms and views of a table not in the solution", "dverse/26f296f", None,
     lambda t: (dv_bump(t), dv_unlist(t, DV_ENT)),
     [("attribute-removed", "dv_matter.dv_matternumber"), ("attribute-removed", "dv_matter.dv_openedon")]),
    # a column listed by its own file, without its table's folder: the table comes with it
    ("dverse: one column listed, not its table's folder", "dverse/26f296f", None,
     lambda t: (dv_bump(t), t.edit(f"{DV}/solutioncomponents.yml", "- '@path': entities/dv_matter\n",
                                   "- '@path': entities/dv_matter/attributes/dv_name.yml\n")),
     [("attribute-removed", "dv_matter.dv_matternumber"), ("attribute-removed", "dv_matter.dv_openedon")]),
    ("dverse: the canvas app listed by name (its file is <name>.meta.yml)", "dverse/26f296f", None,
     lambda t: (dv_bump(t), t.edit(f"{DV}/solutioncomponents.yml", "- '@path': canvasapps\n",
                                   "- '@path': /canvasapps/dv_mattercanvas_791bc\n")), []),
    ("dverse: the documentation's - Path: shape", "dverse/26f296f", None,
     lambda t: t.write(f"{DV}/solutioncomponents.yml", "SolutionComponents:\n  - Path: entities/dv_matter\n"),
     f"{DV}/solutioncomponents.yml:2"),
    ("ppat: a root's source removed (the flow's JSON stays)", "ppat/6393f33", None,
     lambda t: (ppat_bump(t), t.remove("modernflows/ca27d5d6-2bc3-f111-a05c-70a8a507ac5b/workflow.yml")),
     [("component-removed", PPAT_FLOW), ("root-component-missing", PPAT_FLOW)] + PPAT_6393_ALONE),
    ("ppat: the flow's solutioncomponents entry removed", "ppat/6393f33", None,
     lambda t: (ppat_bump(t), t.edit("solutions/ppat_core/solutioncomponents.yml",
                                     "  - '@path': /modernflows/ca27d5d6-2bc3-f111-a05c-70a8a507ac5b\r\n", "")),
     [("component-removed", PPAT_FLOW), ("root-component-missing", PPAT_FLOW)] + PPAT_6393_ALONE),
    ("ppat: the connection reference folder removed", "ppat/6393f33", None,
     lambda t: (ppat_bump(t), t.remove("connectionreferences")),
     [("component-removed", "connectionreference/ppat_powerplatformadminsv2"),
      ("component-path-missing", "connectionreferences/ppat_powerplatformadminsv2")] + PPAT_6393_ALONE),
]


def build_cases(corpus: str, out: str) -> list[dict]:
    """Every case: {label, baseline, candidate, expected} or {label, root, error}."""
    y = os.path.join(corpus, "yaml")
    cases = [{"label": f"{a} -> {b}", "baseline": os.path.join(y, a), "candidate": os.path.join(y, b),
              "expected": exp} for a, b, exp in PAIRS]
    cases += [{"label": f"{r} against itself", "baseline": os.path.join(y, r), "candidate": os.path.join(y, r),
               "expected": PPAT_6393_ALONE if r == "ppat/6393f33" else []} for r in ROOT_COUNTS]
    old, new = (os.path.join(REPO, e) for e, _ in EXAMPLES)
    cases.append({"label": "examples/yaml 1.1.0.0 -> 1.2.0.0", "baseline": old, "candidate": new,
                  "expected": EXAMPLE_PAIR})
    for i, (label, src, base_edit, cand_edit, expected) in enumerate(EDITS):
        source = os.path.join(y, src)
        baseline = source
        if base_edit is not None:
            baseline = os.path.join(out, f"edit{i}", "baseline")
            shutil.copytree(source, baseline)
            base_edit(Tree(baseline))
        candidate = os.path.join(out, f"edit{i}", "candidate")
        shutil.copytree(source, candidate)
        cand_edit(Tree(candidate))
        if isinstance(expected, str):
            cases.append({"label": label, "root": candidate, "error": expected})
        else:
            cases.append({"label": label, "baseline": baseline, "candidate": candidate, "expected": expected})
    return cases


def pairs_of(fs: list[dict]) -> list[tuple]:
    return sorted((f["rule"], f["component"] or "") for f in fs)


def self_test(corpus: str) -> int:
    failures = 0

    def report(ok: bool, label: str, detail: str, problems: list[str] = ()) -> None:
        nonlocal failures
        failures += 0 if ok else 1
        print(f"{'ok  ' if ok else 'FAIL'} {label}: {detail}")
        for p in problems:
            print(f"       {p}")

    for root in corpus_roots(corpus):
        short = os.path.relpath(root, os.path.join(corpus, "yaml"))
        inv = inventory(Package(root))
        got = (len(inv["components"]), len(inv["missing_paths"]), len(inv["missing_roots"]))
        report(got == ROOT_COUNTS.get(short), short,
               f"{got[0]} components, {got[1]} missing paths, {got[2]} missing roots")
    for ex, count in EXAMPLES:
        inv = inventory(Package(os.path.join(REPO, ex)))
        n = len(inv["components"])
        report(n == count and not inv["findings"], ex, f"{n} components, {len(inv['findings'])} findings")
    with tempfile.TemporaryDirectory(prefix="corpus_yaml.") as tmp:
        for case in build_cases(corpus, tmp):
            label = case["label"]
            if "error" in case:
                try:
                    Package(case["root"])
                    report(False, label, "read without an error")
                except Malformed as e:
                    report(str(e).startswith(case["error"] + ":"), label, str(e)[:100])
                continue
            res = diff(Package(case["baseline"]), Package(case["candidate"]))
            got = pairs_of(res["findings"])
            want = sorted((r, c or "") for r, c in case["expected"])
            problems = [f"missing {x}" for x in want if x not in got] + \
                       [f"unexpected {x}" for x in got if x not in want]
            report(got == want, label, f"{len(got)} findings", problems)
    print(f"{failures} failed")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("roots", nargs="*", help="ROOT, or BASELINE CANDIDATE")
    ap.add_argument("--solution", help="the solution of a root holding several")
    ap.add_argument("--self-test", action="store_true", help="check the corpus against hand-read counts")
    ap.add_argument("--emit-cases", metavar="DIR", help="write the edited roots under DIR, print the cases")
    ap.add_argument("--corpus", default=os.path.join(os.path.dirname(REPO), "shared", "corpus"),
                    help="the corpus folder (holding yaml/)")
    a = ap.parse_args(argv)
    if a.emit_cases:
        os.makedirs(a.emit_cases, exist_ok=True)
        json.dump(build_cases(a.corpus, a.emit_cases), sys.stdout, indent=2)
        print()
        return 0
    if a.self_test:
        return self_test(a.corpus)
    if len(a.roots) not in (1, 2):
        ap.error("give ROOT, or BASELINE CANDIDATE (or --self-test)")
    try:
        if len(a.roots) == 1:
            res = inventory(Package(a.roots[0], a.solution))
        else:
            res = diff(Package(a.roots[0], a.solution), Package(a.roots[1], a.solution))
    except Malformed as e:
        print(f"corpus_yaml: error: {e}", file=sys.stderr)
        return 2
    json.dump(res, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
