#!/usr/bin/env python3
"""Independent `diff` of two releases of a Dataverse solution package (checks `dvlint diff`).

Written from scripts/diff-spec.md, the format notes and the real packages only; it shares no code or
logic with dvlint's Rust sources. Presence, ids, names and reference flags come from
scripts/corpus_inventory.py (itself independent of dvlint); the details the spec adds (column
type / MaxLength / RequiredLevel / display name / local choice, global choice options and labels,
table display names, environment variable defaults and types, connection reference connectors,
the manifest) are read here with that script's Source / parse helpers.

Usage:
    python3 scripts/corpus_diff.py BASELINE CANDIDATE
    python3 scripts/corpus_diff.py --self-test [--corpus DIR]

BASELINE and CANDIDATE are each an exported zip, an extracted export folder (solution.xml +
customizations.xml) or an unpacked SolutionPackager / pac folder (holding Other/Solution.xml).

Output (stdout, JSON):
    {"solution": <candidate unique name>, "from": <baseline version>, "to": <candidate version>,
     "changes": [{"change": "added|removed|changed", "kind": ..., "component": ...,
                  "aspects": [...]}]}            # aspects only on "changed" rows, sorted
with the changes sorted by (kind, component, change).

--self-test diffs every package of the corpus (default /work/shared/corpus, yaml/ skipped)
against itself (must give no change), then the real history pairs and same-release twins listed
in PAIRS, printing one line of (change kind) counts per pair; it also checks that every pair
reversed gives the mirror image (added <-> removed, the same changed rows and aspects). Last,
it edits real packages in a temporary folder (the tc-ca zip, the Business Approvals Kit unpacked
folder) with one known change each (a MaxLength, a label, an option, a reference, a removed
table, an environment variable default, ...) and checks that exactly the expected rows come out.
Exit status 1 if any check fails. What each real pair shows is written down in
scripts/corpus_diff.md.

Choices where scripts/diff-spec.md is silent (also in corpus_diff.md):
- Values are stripped, and an empty attribute (`LocalizedName=""`, `localizedName=""`,
  `description=""`) counts as absent, as corpus_inventory.py's helpers do; "the first <LocalizedName>/<displayname>" is the first one
  with a non-empty description (document order, whatever its language).
- An option's label is the first <label> of its first <labels> child; no label, or an empty
  description, is "no label" (then the label is not compared).
- Option values are normalised as integers when they parse ("0100" = "100"); ids print the
  integer.
- A column's local choice options are listed only when both sides have a <Type> and the types
  are equal (lower case, memo = ntext), or both sides lack a <Type>.
- `<defaultvalue>` and `<type>` of an environment variable are compared with surrounding
  whitespace stripped; whitespace-only counts as empty (= absent).
- `<MaxLength>` that does not parse as an integer is compared as text.
- Version parts that are not numbers are compared as text; missing trailing parts are 0.
- Solution-row aspects follow the general rule too: a value absent on one side is not a change.
- Components are matched by (kind, id), so an id that is an entity on one side and a relationship
  on the other is a removal plus an addition, not a change.

Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass, field

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus_inventory as ci  # noqa: E402

ET = ci.ET


def warn(pkg: str, msg: str) -> None:
    print(f"corpus_diff: warning: {pkg}: {msg}", file=sys.stderr)


# ----------------------------------------------------------------------------------------------
# the model of one package: the inventory plus the details the spec compares


@dataclass
class Package:
    path: str
    form: str
    manifest: dict
    comps: dict  # (kind, id) -> inventory record {kind, id, name, reference}
    details: dict = field(default_factory=dict)  # (kind, id) -> {aspect: value, ...}


class Details:
    """Collects per-component details with the inventory's precedence: the first element of an
    id wins, except that a definition replaces an earlier reference."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, str], tuple[dict, bool]] = {}

    def put(self, kind: str, cid: str | None, rec: dict, reference: bool) -> None:
        if not cid:
            return
        key = (kind, cid.lower())
        old = self.by_key.get(key)
        if old is None or (old[1] and not reference):
            self.by_key[key] = (rec, reference)


def norm_type(t: str | None) -> str | None:
    if t is None:
        return None
    t = t.strip().lower()
    return "ntext" if t == "memo" else (t or None)


def as_int_or_text(v: str | None):
    if v is None:
        return None
    try:
        return int(v)
    except ValueError:
        return v


def option_value(v: str | None) -> str | None:
    if v is None:
        return None
    v = v.strip()
    if not v:
        return None
    try:
        return str(int(v))
    except ValueError:
        return v


def option_label(o: ET.Element) -> str | None:
    labels = ci.child(o, "labels")
    if labels is None:
        return None
    first = ci.child(labels, "label")
    if first is None:
        return None
    return ci.attr(first, "description")


def choice_options(os_el: ET.Element) -> dict[str, str | None]:
    """value -> label of the <option>/<state>/<status> elements directly under the choice's
    <options>/<states>/<statuses> children (the first of a repeated value wins)."""
    out: dict[str, str | None] = {}
    for holder, item in (("options", "option"), ("states", "state"), ("statuses", "status")):
        for h in ci.children(os_el, holder):
            for o in ci.children(h, item):
                v = option_value(ci.attr(o, "value"))
                if v is None:
                    continue
                if v not in out:
                    out[v] = option_label(o)
    return out


def entity_details(d: Details, ent: ET.Element) -> None:
    name_el = ci.child(ent, "Name")
    info = ci.child(ent, "EntityInfo")
    info_ent = ci.child(info, "entity") if info is not None else None
    logical = None
    if name_el is not None and name_el.text and name_el.text.strip():
        logical = name_el.text.strip()
    elif info_ent is not None:
        logical = ci.attr(info_ent, "Name")
    if not logical:
        return
    logical = logical.lower()
    display = ci.attr(name_el, "LocalizedName") if name_el is not None else None
    if not display and info_ent is not None:
        display = ci.first_localized(info_ent)
    d.put("entity", logical, {"name": display},
          ci.is_unmodified(ent) or ci.is_unmodified(info_ent))
    for a in ci.path(info_ent, "attributes", "attribute"):
        an = ci.text(a, "LogicalName") or ci.attr(a, "PhysicalName") or ci.text(a, "Name")
        if not an:
            continue
        local_choice = ci.child(a, "optionset")
        d.put("attribute", f"{logical}.{an.lower()}", {
            "name": ci.first_displayname(a),
            "type": norm_type(ci.text(a, "Type")),
            "length": as_int_or_text(ci.text(a, "MaxLength")),
            "required": (ci.text(a, "RequiredLevel") or "").lower() or None,
            "choice": choice_options(local_choice) if local_choice is not None else None,
        }, ci.is_unmodified(a))


def optionset_details(d: Details, o: ET.Element) -> None:
    n = ci.attr(o, "Name")
    if not n:
        return
    name = ci.attr(o, "localizedName") or ci.first_displayname(o)
    d.put("optionset", n.lower(), {"name": name, "options": choice_options(o)}, ci.is_unmodified(o))


def envvar_details(d: Details, e: ET.Element, key: str | None, reference: bool) -> None:
    if not key:
        return
    d.put("environmentvariabledefinition", f"environmentvariabledefinition/{key}", {
        "default": ci.text(e, "defaultvalue"),
        "variabletype": ci.text(e, "type"),
    }, reference)


def connref_details(d: Details, c: ET.Element) -> None:
    n = ci.attr(c, "connectionreferencelogicalname")
    if not n:
        return
    conn = ci.text(c, "connectorid")  # the reference's own child only
    d.put("connectionreference", f"connectionreference/{n}",
          {"connector": conn.lower() if conn else None}, ci.is_unmodified(c))


def customizations_details(d: Details, src: ci.Source, rel: str) -> None:
    root = ci.parse(src, rel)
    if root is None:
        return
    for sec in root:
        t = ci.local(sec.tag).lower()
        for c in sec:
            ct = ci.local(c.tag).lower()
            if t == "entities" and ct == "entity":
                entity_details(d, c)
            elif t == "optionsets" and ct == "optionset":
                optionset_details(d, c)
            elif t == "environmentvariabledefinitions" and ct == "environmentvariabledefinition":
                envvar_details(d, c, ci.attr(c, "schemaname"), ci.is_unmodified(c))
            elif t == "connectionreferences" and ct == "connectionreference":
                connref_details(d, c)


def manifest(src: ci.Source, rel: str) -> dict:
    root = ci.parse(src, rel)
    m = ci.child(root, "SolutionManifest") if root is not None else None
    if m is None:
        return {}
    pub = ci.child(m, "Publisher")
    return {
        "uniquename": ci.text(m, "UniqueName"),
        "version": ci.text(m, "Version"),
        "managed": ci.text(m, "Managed"),
        "publisher": ci.text(pub, "UniqueName") if pub is not None else None,
        "prefix": ci.text(pub, "CustomizationPrefix") if pub is not None else None,
    }


class NotAPackage(Exception):
    pass


def load(p: str) -> Package:
    src = ci.Source(p)
    unpacked_sol = src.find("Other/Solution.xml")
    if unpacked_sol:
        form, sol_rel, cust_rel = "unpacked", unpacked_sol, src.find("Other/Customizations.xml")
    elif src.find("solution.xml") and src.find("customizations.xml"):
        form, sol_rel, cust_rel = "export", src.find("solution.xml"), src.find("customizations.xml")
    else:
        raise NotAPackage(f"{p}: neither Other/Solution.xml nor solution.xml + customizations.xml")
    inv = ci.inventory(p)

    d = Details()
    if cust_rel:
        customizations_details(d, src, cust_rel)
    if form == "unpacked":
        # the inventory's order: X.xml before X_managed.xml
        order = sorted(src.files, key=lambda r: (r.lower().replace("_managed.xml", ".xml"),
                                                  r.lower().endswith("_managed.xml")))
        envvar_folders: set[str] = set()
        for rel in order:
            lp = rel.lower().split("/")
            if lp[0] == "entities" and len(lp) == 3 and lp[2] == "entity.xml":
                root = ci.parse(src, rel)
                if root is not None and ci.local(root.tag).lower() == "entity":
                    entity_details(d, root)
            elif lp[0] == "optionsets" and len(lp) == 2 and lp[1].endswith(".xml"):
                root = ci.parse(src, rel)
                if root is not None and ci.local(root.tag).lower() == "optionset":
                    optionset_details(d, root)
            elif (lp[0] == "environmentvariabledefinitions" and len(lp) == 3
                  and lp[2] in ("environmentvariabledefinition.xml",
                                "environmentvariabledefinition_managed.xml")):
                if lp[1] in envvar_folders:
                    continue  # the _managed twin of a folder already read
                root = ci.parse(src, rel)
                if root is None or ci.local(root.tag).lower() != "environmentvariabledefinition":
                    continue
                envvar_folders.add(lp[1])
                key = ci.generic_key(root) or rel.split("/")[1]
                envvar_details(d, root, key, ci.is_unmodified(root) or ci.is_empty(root))

    comps = {(c["kind"], c["id"]): c for c in inv["components"]}
    pkg = Package(p, form, manifest(src, sol_rel), comps, {k: v[0] for k, v in d.by_key.items()})

    # cross-check: the details read here and the inventory must name the same components
    detail_kinds = {"entity", "attribute", "optionset", "environmentvariabledefinition",
                    "connectionreference"}
    for key, (_, ref) in d.by_key.items():
        c = comps.get(key)
        if c is None:
            warn(p, f"{key[0]} {key[1]}: read for details but not in the inventory")
        elif c["reference"] != ref:
            warn(p, f"{key[0]} {key[1]}: reference flag {ref} here, {c['reference']} in the inventory")
    for key in comps:
        if key[0] in detail_kinds and key not in d.by_key:
            warn(p, f"{key[0]} {key[1]}: in the inventory but no details read")
    return pkg


# ----------------------------------------------------------------------------------------------
# the diff


def version_key(v: str) -> list:
    parts = []
    for x in v.strip().split("."):
        try:
            parts.append(int(x))
        except ValueError:
            parts.append(x.strip().lower())
    return parts


def valid_version(v: str) -> bool:
    """2 to 4 dot-separated runs of digits: what Dataverse accepts as a solution version."""
    parts = v.strip().split(".")
    return 2 <= len(parts) <= 4 and all(p.isdigit() and p.isascii() for p in parts)


def versions_equal(a: str, b: str) -> bool:
    # An invalid version cannot be compared as numbers: any other text is a change.
    if not (valid_version(a) and valid_version(b)):
        return a.strip() == b.strip()
    ka, kb = version_key(a), version_key(b)
    n = max(len(ka), len(kb))
    ka += [0] * (n - len(ka))
    kb += [0] * (n - len(kb))
    return ka == kb


def both(a, b) -> bool:
    return a is not None and b is not None


def diff_options(owner: str, bo: dict, co: dict) -> list[dict]:
    rows = []
    for v in set(bo) | set(co):
        cid = f"{owner}:{v}"
        if v not in bo:
            rows.append({"change": "added", "kind": "option", "component": cid})
        elif v not in co:
            rows.append({"change": "removed", "kind": "option", "component": cid})
        elif both(bo[v], co[v]) and bo[v] != co[v]:
            rows.append({"change": "changed", "kind": "option", "component": cid, "aspects": ["label"]})
    return rows


def diff(base: Package, cand: Package) -> dict:
    rows: list[dict] = []
    B, C = base.comps, cand.comps
    tables_b = {cid for (k, cid) in B if k == "entity"}
    tables_c = {cid for (k, cid) in C if k == "entity"}

    for key in sorted(set(B) | set(C)):
        kind, cid = key
        b, c = B.get(key), C.get(key)
        if (b is not None and b["reference"]) or (c is not None and c["reference"]):
            continue
        if kind == "attribute":
            table = cid.split(".", 1)[0]
            if table not in tables_b or table not in tables_c:
                continue  # folded into its added / removed table
        if b is None:
            rows.append({"change": "added", "kind": kind, "component": cid})
            continue
        if c is None:
            rows.append({"change": "removed", "kind": kind, "component": cid})
            continue
        db, dc = base.details.get(key, {}), cand.details.get(key, {})
        aspects: list[str] = []
        if kind in ("entity", "attribute", "optionset"):
            if both(db.get("name"), dc.get("name")) and db["name"] != dc["name"]:
                aspects.append("name")
        elif kind != "entityrelationship":
            if b["name"] != c["name"]:
                aspects.append("name")
        if kind == "attribute":
            tb, tc = db.get("type"), dc.get("type")
            type_changed = both(tb, tc) and tb != tc
            if type_changed:
                aspects.append("type")
            if both(db.get("length"), dc.get("length")) and db["length"] != dc["length"]:
                aspects.append("length")
            if both(db.get("required"), dc.get("required")) and db["required"] != dc["required"]:
                aspects.append("required")
            if tb == tc and both(db.get("choice"), dc.get("choice")):
                rows.extend(diff_options(cid, db["choice"], dc["choice"]))
        elif kind == "optionset":
            rows.extend(diff_options(cid, db.get("options", {}), dc.get("options", {})))
        elif kind == "environmentvariabledefinition":
            if db.get("default") != dc.get("default"):  # absent vs present is a change here
                aspects.append("default")
            if both(db.get("variabletype"), dc.get("variabletype")) and db["variabletype"] != dc["variabletype"]:
                aspects.append("variabletype")
        elif kind == "connectionreference":
            if both(db.get("connector"), dc.get("connector")) and db["connector"] != dc["connector"]:
                aspects.append("connector")
        if aspects:
            rows.append({"change": "changed", "kind": kind, "component": cid, "aspects": sorted(aspects)})

    mb, mc = base.manifest, cand.manifest
    sol_aspects = []
    if both(mb.get("version"), mc.get("version")) and not versions_equal(mb["version"], mc["version"]):
        sol_aspects.append("version")
    if both(mb.get("managed"), mc.get("managed")) and mb["managed"] != mc["managed"]:
        sol_aspects.append("managed")
    for a in ("publisher", "prefix", "uniquename"):
        if both(mb.get(a), mc.get(a)) and mb[a].lower() != mc[a].lower():
            sol_aspects.append(a)
    if sol_aspects:
        rows.append({"change": "changed", "kind": "solution",
                     "component": f"solution/{(mc.get('uniquename') or '').lower()}",
                     "aspects": sorted(sol_aspects)})

    rows.sort(key=lambda r: (r["kind"], r["component"], r["change"]))
    return {"solution": mc.get("uniquename"), "from": mb.get("version"), "to": mc.get("version"),
            "changes": rows}


# ----------------------------------------------------------------------------------------------
# self-test

# (label, baseline, candidate) relative to the corpus folder
PAA = "powerapps-samples"
SRS = "model-driven-apps/custom-connectors/SecondaryRecordSource/solution/SecondaryRecordSource_SampleSolution_{}_managed.zip"
XCI = "xrm-ci-framework/0a3c67fd/MSDYNV9/Xrm.Framework.CI/Xrm.Framework.CI.Common.IntegrationTests/Artifacts/"
PLK = "dataverse/webapi/PS/PolymorphicLookup/polymorphiclookupexamplesolution.zip"
CLS = f"{PAA}/741e97f0/dataverse/webapi/PS/ColumnLevelSecurity/ExportedFiles/ColumnLevelSecuritySampleSolution"
XRB = "xrm-ci-framework/4f47a19c/Sample/Lib/Solutions/xRMCIBase/xRMCIBase"

PAIRS = [
    # real history
    ("scriptmaster 8.0.1.79 -> 8.2.2.112",
     "scriptmaster/ScriptMaster_8_0_1_79.zip", "scriptmaster/ScriptMaster_8_2_2_112.zip"),
    ("xrm-ci Success 1.0.0.0 -> 1.1.0.0 (unmanaged)", XCI + "Success_1_0_0_0.zip", XCI + "Success_1_1_0_0.zip"),
    ("xrm-ci Success 1.0.0.0 -> 1.1.0.0 (managed)",
     XCI + "Success_1_0_0_0_managed.zip", XCI + "Success_1_1_0_0_managed.zip"),
    ("business-approvals-kit 8ef497a9 -> c6ab3169",
     "business-approvals-kit/8ef497a9/src", "business-approvals-kit/c6ab3169/src"),
    ("SecondaryRecordSource 1.21111.1 -> 1.22033.1",
     f"{PAA}/b84aca96/" + SRS.format("1_21111_1"), f"{PAA}/5aeed664/" + SRS.format("1_22033_1")),
    ("SecondaryRecordSource 1.22033.1 -> 1.23091.1",
     f"{PAA}/5aeed664/" + SRS.format("1_22033_1"), f"{PAA}/741e97f0/" + SRS.format("1_23091_1")),
    ("SecondaryRecordSource 1.21111.1 -> 1.23091.1 (span)",
     f"{PAA}/b84aca96/" + SRS.format("1_21111_1"), f"{PAA}/741e97f0/" + SRS.format("1_23091_1")),
    ("polymorphiclookup add5a8ed -> 741e97f0", f"{PAA}/add5a8ed/{PLK}", f"{PAA}/741e97f0/{PLK}"),
    # the same release in two forms
    ("tc-ca 1.0.0.6 zip -> unpacked folder",
     "tc-ca-security-screening/SecurityScreening_unmanaged_1_0_0_6.zip", "tc-ca-security-screening/1.0.0.6"),
    ("xrm-ci Success 1.0.0.0 unmanaged -> managed", XCI + "Success_1_0_0_0.zip", XCI + "Success_1_0_0_0_managed.zip"),
    ("xrm-ci Success 1.1.0.0 unmanaged -> managed", XCI + "Success_1_1_0_0.zip", XCI + "Success_1_1_0_0_managed.zip"),
    ("xrm-ci MissingDependency 1.0.0.0 unmanaged -> managed",
     XCI + "MissingDependency_1_0_0_0.zip", XCI + "MissingDependency_1_0_0_0_managed.zip"),
    ("xrm-ci xRMCIBase 1.0.0.1 unmanaged -> managed", XRB + ".zip", XRB + "_managed.zip"),
    ("ColumnLevelSecurity 1.0.0.0 unmanaged -> managed", CLS + ".zip", CLS + "_managed.zip"),
]


def count_line(res: dict) -> str:
    cnt = Counter((r["change"], r["kind"]) for r in res["changes"])
    parts = [f"{ch} {k} {n}" for (ch, k), n in sorted(cnt.items(), key=lambda x: (x[0][1], x[0][0]))]
    sol = [r for r in res["changes"] if r["kind"] == "solution"]
    if sol:
        parts[-1 if parts[-1].startswith("changed solution") else 0] += f" [{', '.join(sol[0]['aspects'])}]"
    return f"{len(res['changes'])} changes" + (": " + ", ".join(parts) if parts else "")


def mirrored(fwd: dict, rev: dict) -> list[str]:
    """Differences between diff(A,B) and diff(B,A) mirrored; the solution row is compared by its
    aspects only (its id names the candidate)."""
    flip = {"added": "removed", "removed": "added", "changed": "changed"}

    def rows(res, flipit):
        out = set()
        for r in res["changes"]:
            comp = "solution" if r["kind"] == "solution" else r["component"]
            out.add((flip[r["change"]] if flipit else r["change"], r["kind"], comp,
                     tuple(r.get("aspects", []))))
        return out

    a, b = rows(fwd, False), rows(rev, True)
    return [f"only forward: {x}" for x in sorted(a - b)] + [f"only reversed: {x}" for x in sorted(b - a)]


def self_test(corpus: str) -> int:
    failures = 0
    cache: dict[str, Package] = {}

    def get(p: str) -> Package:
        if p not in cache:
            cache[p] = load(p)
        return cache[p]

    pkgs = ci.find_packages(corpus)
    print(f"# {len(pkgs)} packages, each against itself")
    for p in pkgs:
        rel = os.path.relpath(p, corpus)
        res = diff(get(p), get(p))
        if res["changes"]:
            failures += 1
            print(f"FAIL self {rel}: {count_line(res)}")
        else:
            print(f"ok   self {rel}: 0 changes")

    print(f"\n# {len(PAIRS)} pairs (baseline -> candidate)")
    covered: set[tuple[str, str]] = set()
    for label, a, b in PAIRS:
        pa, pb = os.path.join(corpus, a), os.path.join(corpus, b)
        if not (os.path.exists(pa) and os.path.exists(pb)):
            failures += 1
            print(f"FAIL {label}: missing {pa if not os.path.exists(pa) else pb}")
            continue
        covered.add((os.path.normpath(pa), os.path.normpath(pb)))
        fwd, rev = diff(get(pa), get(pb)), diff(get(pb), get(pa))
        bad = mirrored(fwd, rev)
        status = "ok  " if not bad else "FAIL"
        failures += 1 if bad else 0
        print(f"{status} {label} [{fwd['from']} -> {fwd['to']}]: {count_line(fwd)}")
        for line in bad[:10]:
            print(f"       not mirrored, {line}")

    # any other package sharing a unique name with another, not covered above
    by_name: dict[str, list[str]] = {}
    for p in pkgs:
        u = (get(p).manifest.get("uniquename") or "").lower()
        by_name.setdefault(u, []).append(os.path.normpath(p))
    in_pairs = {x for pair in covered for x in pair}
    for u, ps in sorted(by_name.items()):
        if len(ps) > 1:
            for x in ps:
                if x not in in_pairs:
                    print(f"note: {os.path.relpath(x, corpus)} shares the unique name {u} with another "
                          f"package but is in no listed pair")
    print("\n# synthetic edits of real packages (expected rows exactly, and mirrored)")
    failures += edit_tests(corpus)
    print(f"\n{'FAILED: ' + str(failures) + ' check(s)' if failures else 'all checks passed'}")
    return 1 if failures else 0


# ----------------------------------------------------------------------------------------------
# synthetic edits of real packages: each edit is a known change, the diff must list exactly it

XSI = "http://www.w3.org/2001/XMLSchema-instance"
ET.register_namespace("xsi", XSI)


def _first(el: ET.Element | None, *names: str) -> ET.Element:
    found = ci.path(el, *names)
    if not found:
        raise KeyError("/".join(names))
    return found[0]


def _entity(cust: ET.Element, logical: str) -> ET.Element:
    for e in ci.path(cust, "Entities", "Entity"):
        if (ci.child(e, "Name").text or "").strip().lower() == logical:
            return e
    raise KeyError(logical)


def _column(ent: ET.Element, logical: str) -> ET.Element:
    for a in ci.path(ent, "EntityInfo", "entity", "attributes", "attribute"):
        if (ci.text(a, "LogicalName") or "").lower() == logical:
            return a
    raise KeyError(logical)


def _by_attr(holder: ET.Element, tag: str, name: str, value: str) -> ET.Element:
    for c in ci.children(holder, tag):
        if ci.attr(c, name) == value:
            return c
    raise KeyError(f"{tag} {name}={value}")


def _set_text(el: ET.Element, name: str, value: str | None) -> None:
    c = ci.child(el, name)
    if value is None:
        if c is not None:
            el.remove(c)
        return
    if c is None:
        c = ET.SubElement(el, name)
    c.text = value


def _option(parent: ET.Element, tag: str, value: str, label: str, **extra: str) -> ET.Element:
    o = ET.SubElement(parent, tag, {"value": value, **extra})
    labels = ET.SubElement(o, "labels")
    ET.SubElement(labels, "label", {"description": label, "languagecode": "1033"})
    return o


def _xml(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=False)


def _mutated_zip(orig: str, out: str, edit) -> None:
    """Rewrite solution.xml and customizations.xml of orig through ElementTree after edit(sol, cust)."""
    with zipfile.ZipFile(orig) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        names = {n.lower(): n for n in zin.namelist()}
        sol = ET.fromstring(zin.read(names["solution.xml"]))
        cust = ET.fromstring(zin.read(names["customizations.xml"]))
        edit(sol, cust)
        for info in zin.infolist():
            low = info.filename.lower()
            data = _xml(sol) if low == "solution.xml" else _xml(cust) if low == "customizations.xml" \
                else zin.read(info.filename)
            zout.writestr(info.filename, data)


class _Tree:
    """An unpacked folder copied to a temporary place, edited file by file."""

    def __init__(self, root: str):
        self.root = root

    def edit(self, rel: str, fn) -> None:
        full = os.path.join(self.root, rel)
        el = ET.fromstring(ci._read(full))
        fn(el)
        with open(full, "wb") as fh:
            fh.write(_xml(el))


def _zip_cases():
    T = "ss_securityapplications"

    def noop(sol, cust):
        pass

    def version_same(sol, cust):
        _first(sol, "SolutionManifest", "Version").text = "01.0.0.0006"
        pub = _first(sol, "SolutionManifest", "Publisher")
        _set_text(pub, "UniqueName", "SECURITYSCREENINGPUBLISHER")
        _set_text(pub, "CustomizationPrefix", "SS")

    def version_managed(sol, cust):
        _first(sol, "SolutionManifest", "Version").text = "1.0.1"
        _first(sol, "SolutionManifest", "Managed").text = "1"

    def publisher_patch(sol, cust):
        m = _first(sol, "SolutionManifest")
        _set_text(m, "UniqueName", "SecurityScreening_Patch_0a1b2c3d")
        pub = ci.child(m, "Publisher")
        _set_text(pub, "UniqueName", "OtherPublisher")
        _set_text(pub, "CustomizationPrefix", "xx")

    def columns(sol, cust):
        e = _entity(cust, T)
        _set_text(_column(e, "ss_justification"), "MaxLength", "100")
        _first(_column(e, "ss_candidateemail"), "displaynames", "displayname").set("description", "E-mail")
        _set_text(_column(e, "ss_candidatesurname"), "RequiredLevel", "None")       # case only
        _set_text(_column(e, "ss_faxnumber"), "RequiredLevel", "required")
        _set_text(_column(e, "ss_grouplevel"), "Type", "NVARCHAR")                  # case only
        _set_text(_column(e, "ss_datecreatednumber"), "Type", "bigint")
        _set_text(_column(e, "ss_positionnumber"), "MaxLength", None)               # absent: no change
        # a second-language display name only: not compared
        dn = ci.path(_column(e, "statecode"), "displaynames")[0]
        ET.SubElement(dn, "displayname", {"description": "Statut", "languagecode": "1036"})

    def memo(sol, cust):
        e = _entity(cust, T)
        _set_text(_column(e, "ss_justification"), "Type", "ntext")
        _set_text(_column(e, "ss_grouplevel"), "Type", "ntext")
        return e

    def memo_cand(sol, cust):
        e = memo(sol, cust)
        _set_text(_column(e, "ss_justification"), "Type", "memo")    # memo = ntext
        _set_text(_column(e, "ss_grouplevel"), "Type", "nvarchar")   # a real type change

    def local_options(sol, cust):
        e = _entity(cust, T)
        statuses = _first(_column(e, "statuscode"), "optionset", "statuses")
        _option(statuses, "status", "100000000", "Pending", state="0")
        statuses.remove(_by_attr(statuses, "status", "value", "2"))
        active = _by_attr(statuses, "status", "value", "1")
        _first(active, "labels", "label").set("description", "Open")
        # a second-language label only: not compared
        states = _first(_column(e, "statecode"), "optionset", "states")
        lab = _first(_by_attr(states, "state", "value", "0"), "labels")
        ET.SubElement(lab, "label", {"description": "Actif", "languagecode": "1036"})

    def type_and_options(sol, cust):
        e = _entity(cust, T)
        a = _column(e, "statecode")
        _set_text(a, "Type", "picklist")
        _option(_first(a, "optionset", "states"), "state", "2", "Parked")

    def references(sol, cust):
        e = _entity(cust, T)
        c = _column(e, "ss_employername")
        c.set("unmodified", "1")
        _set_text(c, "MaxLength", "4000")
        pt = _entity(cust, "ss_positiontype")
        _first(pt, "EntityInfo", "entity").set("unmodified", "1")
        ci.child(pt, "Name").set("LocalizedName", "Renamed table (a reference)")
        _set_text(_column(pt, "ss_englishname"), "MaxLength", "200")

    def remove_table(sol, cust):
        ents = _first(cust, "Entities")
        ents.remove(_entity(cust, "ss_levelrequested"))

    def add_remove_column(sol, cust):
        e = _entity(cust, T)
        attrs = _first(e, "EntityInfo", "entity", "attributes")
        attrs.remove(_column(e, "ss_faxnumber"))
        new = ET.fromstring(ET.tostring(_column(e, "ss_grouplevel")))
        new.set("PhysicalName", "ss_NewColumn")
        _set_text(new, "Name", "ss_newcolumn")
        _set_text(new, "LogicalName", "ss_newcolumn")
        attrs.append(new)
        # a new column of a new table is folded into the table
        t = ET.fromstring(ET.tostring(_entity(cust, "ss_positiontype")))
        ci.child(t, "Name").text = "ss_NewTable"
        _first(t, "EntityInfo", "entity").set("Name", "ss_NewTable")
        for n, q in enumerate(ci.path(t, "SavedQueries", "savedqueries", "savedquery")):
            _set_text(q, "savedqueryid", "{00000000-0000-0000-0000-%012d}" % n)  # new views
        _first(cust, "Entities").append(t)

    def table_name(sol, cust):
        ci.child(_entity(cust, "ss_requesttype"), "Name").set("LocalizedName", "Request Kind")

    def connrefs(sol, cust):
        crs = _first(cust, "connectionreferences")
        a = _by_attr(crs, "connectionreference", "connectionreferencelogicalname", "si_sharedcommondataservice_69276")
        ci.child(a, "connectorid").text = "/PROVIDERS/Microsoft.PowerApps/apis/SHARED_commondataservice"
        cc = ET.SubElement(a, "customconnectorid")
        ET.SubElement(cc, "connectorid").text = "a6fa6a98-5844-49fa-aa1e-ac7ffcc1b1b8"
        b = _by_attr(crs, "connectionreference", "connectionreferencelogicalname", "ss_sharedexcelonlinebusiness_52ac5")
        ci.child(b, "connectorid").text = "/providers/Microsoft.PowerApps/apis/shared_excelonline"
        c = _by_attr(crs, "connectionreference", "connectionreferencelogicalname", "ss_sharedcommondataserviceforapps_aaf57")
        ci.child(c, "connectionreferencedisplayname").text = "Dataverse"

    def workflow_and_relationship(sol, cust):
        wfs = _first(cust, "Workflows")
        _by_attr(wfs, "Workflow", "Name", "Import data").set("Name", "Import the data")
        rels = _first(cust, "EntityRelationships")
        r = _by_attr(rels, "EntityRelationship", "Name", "business_unit_ss_positiontype")
        _set_text(r, "CascadeDelete", "Cascade")                                     # no aspect
        rels.remove(_by_attr(rels, "EntityRelationship", "Name", "business_unit_ss_levelrequested"))

    A = "attribute"
    return [
        ("zip: re-serialised, nothing edited", noop, noop, []),
        ("zip: 1.0.0.6 = 01.0.0.0006, publisher and prefix case", noop, version_same, []),
        ("zip: version and managed", noop, version_managed,
         [("changed", "solution", "solution/securityscreening", ("managed", "version"))]),
        ("zip: patch name, other publisher and prefix", noop, publisher_patch,
         [("changed", "solution", "solution/securityscreening_patch_0a1b2c3d", ("prefix", "publisher", "uniquename"))]),
        ("zip: column aspects", noop, columns,
         [("changed", A, f"{T}.ss_candidateemail", ("name",)),
          ("changed", A, f"{T}.ss_datecreatednumber", ("type",)),
          ("changed", A, f"{T}.ss_faxnumber", ("required",)),
          ("changed", A, f"{T}.ss_justification", ("length",))]),
        ("zip: memo = ntext", memo, memo_cand, [("changed", A, f"{T}.ss_grouplevel", ("type",))]),
        ("zip: local choice options", noop, local_options,
         [("added", "option", f"{T}.statuscode:100000000", ()),
          ("changed", "option", f"{T}.statuscode:1", ("label",)),
          ("removed", "option", f"{T}.statuscode:2", ())]),
        ("zip: type change hides the options", noop, type_and_options,
         [("changed", A, f"{T}.statecode", ("type",))]),
        ("zip: references never count", noop, references,
         [("changed", A, "ss_positiontype.ss_englishname", ("length",))]),
        ("zip: table removed, its columns folded", noop, remove_table, None),  # expected computed
        ("zip: column added and removed; a new table's columns folded", noop, add_remove_column, None),
        ("zip: table display name", noop, table_name, [("changed", "entity", "ss_requesttype", ("name",))]),
        ("zip: connection references", noop, connrefs,
         [("changed", "connectionreference", "connectionreference/ss_sharedcommondataserviceforapps_aaf57", ("name",)),
          ("changed", "connectionreference", "connectionreference/ss_sharedexcelonlinebusiness_52ac5", ("connector",))]),
        ("zip: workflow renamed, relationship edited and removed", noop, workflow_and_relationship,
         [("removed", "entityrelationship", "business_unit_ss_levelrequested", ()),
          ("changed", "workflow", "workflow/963886ee-e6ca-eb11-bacc-000d3a09c7a4", ("name",))]),
    ]


def _dir_cases():
    OS = "OptionSets/cat_bizappr_operand.xml"
    EV = "environmentvariabledefinitions/{0}/environmentvariabledefinition.xml"

    def noop(t):
        pass

    def global_choice(t):
        def f(o):
            o.set("localizedName", "Condition Operand")
            opts = ci.child(o, "options")
            _option(opts, "option", "809069999", "Contains")
            opts.remove(_by_attr(opts, "option", "value", "809060001"))
            _first(_by_attr(opts, "option", "value", "809060002"), "labels", "label").set("description", "<=")
        t.edit(OS, f)

        def g(o):  # empty localizedName: the display name (the same text) is the name
            o.set("localizedName", "")
        t.edit("OptionSets/cat_bizappr_approvaltype.xml", g)

    def choice_reference(t):
        def f(o):
            o.set("unmodified", "1")
            o.set("localizedName", "Condition Operand")
            _option(ci.child(o, "options"), "option", "809069999", "Contains")
        t.edit(OS, f)

    def envvars(t):
        t.edit(EV.format("cat_ApprovalKitOrgUrl"), lambda e: _set_text(e, "defaultvalue", "https://example.crm.dynamics.com"))
        t.edit(EV.format("cat_EnableOffice365MailboxSettings"), lambda e: _set_text(e, "defaultvalue", None))

        def h(e):
            _set_text(e, "type", "100000000")
            ci.child(e, "displayname").set("default", "Out-of-office check days")
        t.edit(EV.format("cat_OutOfOfficeCheckDays"), h)

    def envvar_empty_default(t):
        t.edit(EV.format("cat_ApprovalKitOrgUrl"), lambda e: _set_text(e, "defaultvalue", "  "))

    def unpacked_column(t):
        def f(ent):
            _set_text(_column(ent, "cat_details"), "MaxLength", "1000")
        t.edit("Entities/cat_BusinessApprovalRuntimeException/Entity.xml", f)

    O, EVK = "option", "environmentvariabledefinition"
    return [
        ("unpacked: copied, files re-serialised", noop, []),
        ("unpacked: global choice name and options", global_choice,
         [("changed", "optionset", "cat_bizappr_operand", ("name",)),
          ("changed", O, "cat_bizappr_operand:809060002", ("label",)),
          ("removed", O, "cat_bizappr_operand:809060001", ()),
          ("added", O, "cat_bizappr_operand:809069999", ())]),
        ("unpacked: a global choice that is a reference", choice_reference, []),
        ("unpacked: environment variables", envvars,
         [("changed", EVK, f"{EVK}/cat_approvalkitorgurl", ("default",)),
          ("changed", EVK, f"{EVK}/cat_enableoffice365mailboxsettings", ("default",)),
          ("changed", EVK, f"{EVK}/cat_outofofficecheckdays", ("name", "variabletype"))]),
        ("unpacked: an empty default is no default", envvar_empty_default, []),
        ("unpacked: Entity.xml column", unpacked_column,
         [("changed", "attribute", "cat_businessapprovalruntimeexception.cat_details", ("length",))]),
    ]


def _rows(res: dict) -> set:
    return {(r["change"], r["kind"], r["component"], tuple(r.get("aspects", []))) for r in res["changes"]}


def build_edit_cases(corpus: str, tmp: str) -> list:
    """The synthetic edits written under tmp: (label, baseline, candidate, expected rows)."""
    import shutil
    zsrc = os.path.join(corpus, "tc-ca-security-screening/SecurityScreening_unmanaged_1_0_0_6.zip")
    dsrc = os.path.join(corpus, "business-approvals-kit/c6ab3169/src")
    cases = []
    orig_z = load(zsrc)
    for i, (label, base_edit, cand_edit, expected) in enumerate(_zip_cases()):
        bz, cz = os.path.join(tmp, f"b{i}.zip"), os.path.join(tmp, f"c{i}.zip")
        _mutated_zip(zsrc, bz, base_edit)
        _mutated_zip(zsrc, cz, cand_edit)
        if expected is None:
            expected = _computed_expectation(label, orig_z, load(cz))
        cases.append((label, bz, cz, expected))
    base_dir = os.path.join(tmp, "base")
    shutil.copytree(dsrc, base_dir)
    for i, (label, edit, expected) in enumerate(_dir_cases()):
        cdir = os.path.join(tmp, f"cand{i}")
        shutil.copytree(dsrc, cdir)
        edit(_Tree(cdir))
        cases.append((label, dsrc if i else base_dir, cdir, expected))
    return cases


def edit_tests(corpus: str) -> int:
    import tempfile
    failures = 0
    with tempfile.TemporaryDirectory(prefix="corpus_diff.") as tmp:
        for label, b, c, expected in build_edit_cases(corpus, tmp):
            pb, pc = load(b), load(c)
            fwd, rev = diff(pb, pc), diff(pc, pb)
            got, want = _rows(fwd), set(expected)
            bad = [f"missing {x}" for x in sorted(want - got)] + [f"unexpected {x}" for x in sorted(got - want)]
            bad += mirrored(fwd, rev)
            failures += 1 if bad else 0
            print(f"{'ok  ' if not bad else 'FAIL'} {label}: {count_line(fwd)}")
            for line in bad[:10]:
                print(f"       {line}")
    return failures


def emit_cases(corpus: str, out: str) -> int:
    """Every pair to check dvlint with: the real PAIRS, each package against itself, and the
    synthetic edits (written under out), as JSON [{label, baseline, candidate}] on stdout."""
    os.makedirs(out, exist_ok=True)
    cases = [{"label": label, "baseline": os.path.join(corpus, a), "candidate": os.path.join(corpus, b)}
             for label, a, b in PAIRS]
    cases += [{"label": label, "baseline": b, "candidate": c}
              for label, b, c, _ in build_edit_cases(corpus, out)]
    json.dump(cases, sys.stdout, indent=2)
    print()
    return 0


def _computed_expectation(label: str, orig: Package, cand: Package) -> list:
    """Expectations that depend on the real file's content, computed from the raw XML (not from
    the diff): the views of the removed table / of the new table, and the new table itself."""
    if "table removed" in label:
        src = ci.Source(orig.path)
        cust = ET.fromstring(src.read(src.find("customizations.xml")))
        ent = _entity(cust, "ss_levelrequested")
        views = [ci.guid(ci.text(q, "savedqueryid")) for q in ci.path(ent, "SavedQueries", "savedqueries", "savedquery")]
        return [("removed", "entity", "ss_levelrequested", ())] + \
               [("removed", "savedquery", f"savedquery/{v}", ()) for v in views]
    if "column added" in label:
        src = ci.Source(cand.path)
        cust = ET.fromstring(src.read(src.find("customizations.xml")))
        ent = _entity(cust, "ss_newtable")
        views = [ci.guid(ci.text(q, "savedqueryid")) for q in ci.path(ent, "SavedQueries", "savedqueries", "savedquery")]
        return [("removed", "attribute", "ss_securityapplications.ss_faxnumber", ()),
                ("added", "attribute", "ss_securityapplications.ss_newcolumn", ()),
                ("added", "entity", "ss_newtable", ())] + \
               [("added", "savedquery", f"savedquery/{v}", ()) for v in views]
    raise KeyError(label)


# ----------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("baseline", nargs="?", help="baseline package: zip, extracted export or unpacked folder")
    ap.add_argument("candidate", nargs="?", help="candidate package")
    ap.add_argument("--self-test", action="store_true",
                    help="diff every corpus package against itself and the known real pairs")
    ap.add_argument("--corpus", default="/work/shared/corpus", help="corpus folder for --self-test")
    ap.add_argument("--emit-cases", metavar="DIR",
                    help="write the synthetic edits under DIR and print every pair to check as JSON")
    a = ap.parse_args(argv)
    if a.emit_cases:
        return emit_cases(a.corpus, a.emit_cases)
    if a.self_test:
        if a.baseline or a.candidate:
            ap.error("--self-test takes no package")
        return self_test(a.corpus)
    if not (a.baseline and a.candidate):
        ap.error("BASELINE and CANDIDATE are required (or --self-test)")
    try:
        res = diff(load(a.baseline), load(a.candidate))
    except (NotAPackage, ValueError, OSError, zipfile.BadZipFile) as e:
        print(f"corpus_diff: error: {e}", file=sys.stderr)
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
