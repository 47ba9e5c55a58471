#!/usr/bin/env python3
"""Independent component inventory of Dataverse solution packages.

Written from the id-scheme spec (components.md) and the real packages only; it does not share
code or logic with dvlint's Rust sources, so it can be used to cross-check dvlint's inventory.

Usage:
    python3 scripts/corpus_inventory.py PATH...            # JSON inventory on stdout
    python3 scripts/corpus_inventory.py --counts PATH...   # per-kind table instead
    python3 scripts/corpus_inventory.py --corpus DIR       # every package found under DIR

A PATH is an exported solution zip, an extracted export folder (solution.xml +
customizations.xml), or an unpacked SolutionPackager / pac folder (holding Other/Solution.xml).

Output: {"packages": [{"path", "solution", "components": [{"kind", "id", "name", "reference"}]}]}
with components deduplicated by id and sorted by (kind, id).

Anything under a component folder that is not understood is reported on stderr (never fatal).
Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import zipfile
import xml.etree.ElementTree as ET

# ----------------------------------------------------------------------------------------------
# diagnostics

VERBOSE = False


def warn(pkg: str, msg: str) -> None:
    print(f"corpus_inventory: warning: {pkg}: {msg}", file=sys.stderr)


def note(pkg: str, msg: str) -> None:
    """Known, deliberately skipped things; only shown with --verbose."""
    if VERBOSE:
        print(f"corpus_inventory: note: {pkg}: {msg}", file=sys.stderr)


# ----------------------------------------------------------------------------------------------
# package sources: a mapping of posix relative path -> bytes loader


class Source:
    def __init__(self, path: str):
        self.path = path
        self.files: dict[str, object] = {}  # relpath (as written) -> loader
        if os.path.isfile(path) and zipfile.is_zipfile(path):
            self.kind = "zip"
            self._zip = zipfile.ZipFile(path)
            for info in self._zip.infolist():
                if info.is_dir():
                    continue
                name = info.filename.replace("\\", "/").lstrip("/")
                self.files[name] = (lambda n=info.filename: self._zip.read(n))
        elif os.path.isdir(path):
            self.kind = "dir"
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for f in sorted(files):
                    full = os.path.join(root, f)
                    rel = os.path.relpath(full, path).replace(os.sep, "/")
                    self.files[rel] = (lambda p=full: _read(p))
        else:
            raise ValueError(f"not a zip file or folder: {path}")
        # case-insensitive lookup
        self.lower = {k.lower(): k for k in self.files}

    def read(self, rel: str) -> bytes:
        return self.files[rel]()

    def find(self, rel_lower: str) -> str | None:
        return self.lower.get(rel_lower.lower())


def _read(p: str) -> bytes:
    with open(p, "rb") as fh:
        return fh.read()


# ----------------------------------------------------------------------------------------------
# small XML helpers


def parse(src: Source, rel: str) -> ET.Element | None:
    try:
        return ET.fromstring(src.read(rel))
    except ET.ParseError as e:
        warn(src.path, f"{rel}: XML parse error: {e}")
        return None


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def child(el: ET.Element, name: str) -> ET.Element | None:
    """First direct child whose local name equals name (case-insensitive)."""
    n = name.lower()
    for c in el:
        if local(c.tag).lower() == n:
            return c
    return None


def children(el: ET.Element | None, name: str) -> list[ET.Element]:
    if el is None:
        return []
    n = name.lower()
    return [c for c in el if local(c.tag).lower() == n]


def path(el: ET.Element | None, *names: str) -> list[ET.Element]:
    """All elements reached by following direct-child names (case-insensitive)."""
    cur = [el] if el is not None else []
    for n in names:
        cur = [c for e in cur for c in children(e, n)]
    return cur


def text(el: ET.Element | None, name: str) -> str | None:
    c = child(el, name) if el is not None else None
    if c is None or c.text is None:
        return None
    t = c.text.strip()
    return t or None


def attr(el: ET.Element, name: str) -> str | None:
    """Attribute by case-insensitive local name."""
    n = name.lower()
    for k, v in el.attrib.items():
        if local(k).lower() == n:
            v = v.strip()
            return v or None
    return None


def guid(v: str | None) -> str | None:
    if not v:
        return None
    return v.strip().strip("{}").lower() or None


def first_localized(el: ET.Element) -> str | None:
    for ln in path(el, "LocalizedNames", "LocalizedName"):
        d = attr(ln, "description")
        if d:
            return d
    return None


def first_displayname(el: ET.Element) -> str | None:
    for dn in path(el, "displaynames", "displayname"):
        d = attr(dn, "description")
        if d:
            return d
    return None


def is_unmodified(el: ET.Element | None) -> bool:
    return el is not None and attr(el, "unmodified") == "1"


def is_empty(el: ET.Element) -> bool:
    return len(el) == 0 and not (el.text or "").strip()


# ----------------------------------------------------------------------------------------------
# the inventory


class Inventory:
    def __init__(self, src: Source):
        self.src = src
        self.by_id: dict[str, dict] = {}

    def add(self, kind: str, cid: str | None, name: str | None, reference: bool, where: str) -> None:
        if not cid:
            warn(self.src.path, f"{where}: {kind} without a key, skipped")
            return
        cid = cid.lower()
        rec = {"kind": kind, "id": cid, "name": name or cid.split("/", 1)[-1], "reference": bool(reference)}
        old = self.by_id.get(cid)
        if old is None:
            self.by_id[cid] = rec
        elif old["kind"] != kind:
            warn(self.src.path, f"{where}: id {cid} used by both {old['kind']} and {kind}")
        elif old["reference"] and not reference:
            # a definition wins over a reference to the same component
            self.by_id[cid] = rec

    def components(self) -> list[dict]:
        return sorted(self.by_id.values(), key=lambda c: (c["kind"], c["id"]))


# --- customizations.xml (zip / extracted export; also unpacked Other/Customizations.xml) --------

# sections of <ImportExportXml> that hold no component of the spec; silently skipped when empty,
# noted when not
NON_COMPONENT_SECTIONS = {"languages", "templates", "organizationsettings", "entitydataproviders"}


def entity_components(inv: Inventory, ent: ET.Element, where: str) -> None:
    """<Entity> as in customizations.xml <Entities> or unpacked Entities/<T>/Entity.xml."""
    name_el = child(ent, "Name")
    info = child(ent, "EntityInfo")
    info_ent = child(info, "entity") if info is not None else None
    logical = None
    if name_el is not None and name_el.text and name_el.text.strip():
        logical = name_el.text.strip()
    elif info_ent is not None:
        logical = attr(info_ent, "Name")
    if not logical:
        warn(inv.src.path, f"{where}: <Entity> without <Name>, skipped")
        return
    logical = logical.lower()
    display = None
    if name_el is not None:
        display = attr(name_el, "LocalizedName")
    if not display and info_ent is not None:
        display = first_localized(info_ent)
    inv.add("entity", logical, display or logical, is_unmodified(ent) or is_unmodified(info_ent), where)

    # columns
    for a in path(info_ent, "attributes", "attribute"):
        an = text(a, "LogicalName") or attr(a, "PhysicalName") or text(a, "Name")
        if not an:
            warn(inv.src.path, f"{where}: attribute without a name in {logical}")
            continue
        an = an.lower()
        inv.add("attribute", f"{logical}.{an}", first_displayname(a) or an, is_unmodified(a), where)

    # forms, views, charts carried inside the entity
    for f in path(ent, "FormXml", "forms", "systemform"):
        form_component(inv, f, where)
    for q in path(ent, "SavedQueries", "savedqueries", "savedquery"):
        savedquery_component(inv, q, where)
    for v in path(ent, "Visualizations", "visualization"):
        visualization_component(inv, v, where)

    known = {"name", "entityinfo", "formxml", "savedqueries", "visualizations", "ribbondiffxml",
             "objecttypecode", "customcontroldefaultconfigs"}
    for c in ent:
        if local(c.tag).lower() not in known and (len(c) or (c.text or "").strip()):
            note(inv.src.path, f"{where}: entity {logical}: element <{local(c.tag)}> not inventoried")


def form_component(inv: Inventory, f: ET.Element, where: str) -> None:
    fid = guid(text(f, "formid") or text(f, "FormId"))
    inv.add("systemform", f"systemform/{fid}" if fid else None, first_localized(f), is_unmodified(f), where)


def dashboard_component(inv: Inventory, d: ET.Element, where: str) -> None:
    fid = guid(text(d, "FormId") or text(d, "formid"))
    inv.add("systemform", f"systemform/{fid}" if fid else None, first_localized(d), is_unmodified(d), where)


def savedquery_component(inv: Inventory, q: ET.Element, where: str) -> None:
    qid = guid(text(q, "savedqueryid"))
    inv.add("savedquery", f"savedquery/{qid}" if qid else None, first_localized(q), is_unmodified(q), where)


def visualization_component(inv: Inventory, v: ET.Element, where: str) -> None:
    vid = guid(text(v, "savedqueryvisualizationid"))
    inv.add("savedqueryvisualization", f"savedqueryvisualization/{vid}" if vid else None,
            first_localized(v), is_unmodified(v), where)


def relationship_component(inv: Inventory, r: ET.Element, where: str) -> None:
    n = attr(r, "Name")
    inv.add("entityrelationship", n.lower() if n else None, n, is_unmodified(r), where)


def optionset_component(inv: Inventory, o: ET.Element, where: str) -> None:
    n = attr(o, "Name")
    inv.add("optionset", n.lower() if n else None,
            first_displayname(o) or attr(o, "localizedName") or n, is_unmodified(o), where)


def workflow_component(inv: Inventory, w: ET.Element, where: str) -> None:
    wid = guid(attr(w, "WorkflowId"))
    inv.add("workflow", f"workflow/{wid}" if wid else None, attr(w, "Name"), is_unmodified(w), where)


def role_component(inv: Inventory, r: ET.Element, where: str) -> None:
    rid = guid(attr(r, "id"))
    inv.add("role", f"role/{rid}" if rid else None, attr(r, "name"), is_unmodified(r), where)


def webresource_component(inv: Inventory, w: ET.Element, where: str) -> None:
    n = text(w, "Name")
    inv.add("webresource", f"webresource/{n}" if n else None, text(w, "DisplayName") or n,
            is_unmodified(w), where)


def canvasapp_component(inv: Inventory, c: ET.Element, where: str) -> None:
    n = text(c, "Name")
    inv.add("canvasapp", f"canvasapp/{n}" if n else None, text(c, "DisplayName") or n, is_unmodified(c), where)


def appmodule_component(inv: Inventory, a: ET.Element, where: str) -> None:
    n = text(a, "UniqueName")
    inv.add("appmodule", f"appmodule/{n}" if n else None, first_localized(a) or n, is_unmodified(a), where)


def sitemap_component(inv: Inventory, s: ET.Element, where: str) -> None:
    n = text(s, "SiteMapUniqueName")
    inv.add("appmodulesitemap", f"appmodulesitemap/{n}" if n else None,
            text(s, "SiteMapName") or first_localized(s) or n, is_unmodified(s), where)


def customcontrol_component(inv: Inventory, c: ET.Element, where: str) -> None:
    n = text(c, "Name")
    inv.add("customcontrol", f"customcontrol/{n}" if n else None, n, is_unmodified(c), where)


def pluginassembly_component(inv: Inventory, p: ET.Element, where: str) -> None:
    full = attr(p, "FullName")
    simple = full.split(",", 1)[0].strip() if full else None
    inv.add("pluginassembly", f"pluginassembly/{simple}" if simple else None, simple, is_unmodified(p), where)


def step_component(inv: Inventory, s: ET.Element, where: str) -> None:
    sid = guid(attr(s, "SdkMessageProcessingStepId"))
    inv.add("sdkmessageprocessingstep", f"sdkmessageprocessingstep/{sid}" if sid else None,
            attr(s, "Name"), is_unmodified(s), where)


def connector_component(inv: Inventory, c: ET.Element, where: str) -> None:
    n = text(c, "name")
    inv.add("connector", f"connector/{n}" if n else None, text(c, "displayname") or n, is_unmodified(c), where)


def connref_component(inv: Inventory, c: ET.Element, where: str) -> None:
    n = attr(c, "connectionreferencelogicalname")
    inv.add("connectionreference", f"connectionreference/{n}" if n else None,
            text(c, "connectionreferencedisplayname") or n, is_unmodified(c), where)


def fsp_component(inv: Inventory, f: ET.Element, where: str) -> None:
    fid = guid(attr(f, "fieldsecurityprofileid"))
    inv.add("fieldsecurityprofile", f"fieldsecurityprofile/{fid}" if fid else None, attr(f, "name"),
            is_unmodified(f), where)


def entitymap_component(inv: Inventory, m: ET.Element, where: str) -> None:
    s, t = text(m, "EntitySource"), text(m, "EntityTarget")
    if not s or not t:
        warn(inv.src.path, f"{where}: <EntityMap> without source or target, skipped")
        return
    inv.add("entitymap", f"entitymap/{s.lower()}-{t.lower()}", f"{s} → {t}", is_unmodified(m), where)


def default_label(el: ET.Element, name: str) -> str | None:
    c = child(el, name)
    if c is None:
        return None
    d = attr(c, "default")
    if d:
        return d
    for lab in children(c, "label"):
        d = attr(lab, "description")
        if d:
            return d
    return None


def envvar_component(inv: Inventory, e: ET.Element, where: str) -> None:
    n = attr(e, "schemaname")
    inv.add("environmentvariabledefinition", f"environmentvariabledefinition/{n}" if n else None,
            default_label(e, "displayname") or n, is_unmodified(e), where)


# section tag (lower) -> (item tag, handler)
SECTIONS = {
    "entities": ("Entity", entity_components),
    "roles": ("Role", role_component),
    "workflows": ("Workflow", workflow_component),
    "fieldsecurityprofiles": ("FieldSecurityProfile", fsp_component),
    "entitymaps": ("EntityMap", entitymap_component),
    "entityrelationships": ("EntityRelationship", relationship_component),
    "optionsets": ("optionset", optionset_component),
    "webresources": ("WebResource", webresource_component),
    "customcontrols": ("CustomControl", customcontrol_component),
    "solutionpluginassemblies": ("PluginAssembly", pluginassembly_component),
    "sdkmessageprocessingsteps": ("SdkMessageProcessingStep", step_component),
    "appmodulesitemaps": ("AppModuleSiteMap", sitemap_component),
    "appmodules": ("AppModule", appmodule_component),
    "canvasapps": ("CanvasApp", canvasapp_component),
    "connectors": ("Connector", connector_component),
    "connectionreferences": ("connectionreference", connref_component),
    "dashboards": ("Dashboard", dashboard_component),
    "environmentvariabledefinitions": ("environmentvariabledefinition", envvar_component),
}


def customizations(inv: Inventory, rel: str) -> None:
    root = parse(inv.src, rel)
    if root is None:
        return
    if local(root.tag) != "ImportExportXml":
        warn(inv.src.path, f"{rel}: root <{local(root.tag)}>, expected <ImportExportXml>")
    for sec in root:
        t = local(sec.tag).lower()
        if t in SECTIONS:
            item, handler = SECTIONS[t]
            for c in sec:
                if local(c.tag).lower() == item.lower():
                    handler(inv, c, rel)
                else:
                    warn(inv.src.path, f"{rel}: <{local(sec.tag)}> holds <{local(c.tag)}>, not understood")
        elif len(sec) or (sec.text or "").strip():
            if t in NON_COMPONENT_SECTIONS:
                note(inv.src.path, f"{rel}: section <{local(sec.tag)}> is not a component kind of the spec")
            else:
                warn(inv.src.path, f"{rel}: non-empty section <{local(sec.tag)}> not understood")


# --- generic lower-case folders <plural>/<key>/<kind>.xml (nesting allowed) ----------------------

KEY_ATTRS = ("uniquename", "schemaname", "name", "logicalname")


def generic_key(root: ET.Element) -> str | None:
    attrs = {local(k).lower(): v.strip() for k, v in root.attrib.items()
             if not k.startswith("{http://www.w3.org/2000/xmlns/}") and local(k).lower() != "unmodified"}
    if len(attrs) == 1:
        return next(iter(attrs.values())) or None
    for k in KEY_ATTRS:
        if attrs.get(k):
            return attrs[k]
    return None


def generic_folder(inv: Inventory, rels: list[str]) -> None:
    """rels: every file of the package under one lower-case top-level folder."""
    src = inv.src
    # definitions: <plural>/<key>/<kind>.xml, nested <plural>/<key>/<subplural>/<subkey>/<subkind>.xml
    defs: dict[tuple[str, ...], tuple[str, ET.Element]] = {}  # folder parts -> (rel, root)
    for rel in sorted(rels, key=lambda r: (r.count("/"), r.lower().endswith("_managed.xml"), r.lower())):
        parts = rel.split("/")
        low = rel.lower()
        if not low.endswith(".xml"):
            continue
        if len(parts) % 2 == 0 or len(parts) < 3:
            warn(src.path, f"{rel}: XML file in generic folder not at <plural>/<key>/<kind>.xml, not understood")
            continue
        folder = tuple(parts[:-1])
        stem = parts[-1][:-4]
        if stem.lower().endswith("_managed"):
            stem = stem[: -len("_managed")]
        root = parse(src, rel)
        if root is None:
            continue
        kind = local(root.tag).lower()
        if kind != stem.lower():
            warn(src.path, f"{rel}: root <{local(root.tag)}> does not match the file name, not understood")
            continue
        if folder in defs:
            if defs[folder][1].tag != root.tag:
                warn(src.path, f"{rel}: second definition file in {'/'.join(folder)}, not understood")
            continue  # X.xml and X_managed.xml: one component
        defs[folder] = (rel, root)

    def full_key(folder: tuple[str, ...]) -> str | None:
        rel, root = defs[folder]
        own = generic_key(root)
        if own is None:
            warn(src.path, f"{rel}: no single key attribute on <{local(root.tag)}>; using folder name")
            own = folder[-1]
        if len(folder) > 2:
            parent = folder[:-2]
            pk = full_key(parent) if parent in defs else parent[-1]
            if parent not in defs:
                warn(src.path, f"{rel}: parent folder {'/'.join(parent)} has no definition; using folder name")
            return f"{pk}.{own}"
        return own

    for folder, (rel, root) in defs.items():
        kind = local(root.tag).lower()
        key = full_key(folder)
        # an app action (command) is labelled by its button
        name = (default_label(root, "displayname") or default_label(root, "buttonlabeltext")
                or text(root, "name") or generic_key(root) or key)
        inv.add(kind, f"{kind}/{key}", name, is_unmodified(root) or is_empty(root), rel)


# --- the package walk -------------------------------------------------------------------------

# top-level folders of the unpacked form with a fixed layout (lower case)
KNOWN_TOP = {"other", "entities", "optionsets", "workflows", "webresources", "roles", "canvasapps",
             "appmodules", "appmodulesitemaps", "controls", "pluginassemblies",
             "sdkmessageprocessingsteps", "dashboards", "connectors", "connector"}


def single_root(inv: Inventory, rel: str, expected: str, handler, where: str | None = None) -> None:
    root = parse(inv.src, rel)
    if root is None:
        return
    if local(root.tag).lower() != expected.lower():
        warn(inv.src.path, f"{rel}: root <{local(root.tag)}>, expected <{expected}>; not understood")
        return
    handler(inv, root, where or rel)


def wrapped(inv: Inventory, rel: str, wrapper: str, item: str, handler) -> None:
    root = parse(inv.src, rel)
    if root is None:
        return
    if local(root.tag).lower() == item.lower():
        handler(inv, root, rel)
        return
    if local(root.tag).lower() != wrapper.lower():
        warn(inv.src.path, f"{rel}: root <{local(root.tag)}>, expected <{wrapper}>; not understood")
        return
    for c in root:
        if local(c.tag).lower() == item.lower():
            handler(inv, c, rel)
        else:
            warn(inv.src.path, f"{rel}: <{local(root.tag)}> holds <{local(c.tag)}>, not understood")


def referenced_files(src: Source) -> set[str]:
    """Content files named by FileName / XamlFileName / JsonFileName anywhere in the package XML
    (lower case, without the leading slash)."""
    out: set[str] = set()
    for rel in src.files:
        if not rel.lower().endswith(".xml"):
            continue
        try:
            data = src.read(rel)
        except Exception:  # pragma: no cover
            continue
        if b"FileName>" not in data:
            continue
        try:
            root = ET.fromstring(data)
        except ET.ParseError:
            continue
        for el in root.iter():
            if local(el.tag).lower() in ("filename", "xamlfilename", "jsonfilename") and el.text:
                out.add(el.text.strip().lstrip("/").lower())
    return out


def solution_name(src: Source, rel: str | None) -> str | None:
    if rel is None:
        return None
    root = parse(src, rel)
    if root is None:
        return None
    for m in path(root, "SolutionManifest"):
        return text(m, "UniqueName")
    return None


def inventory(p: str) -> dict:
    src = Source(p)
    inv = Inventory(src)
    unpacked_sol = src.find("Other/Solution.xml")
    export_sol = src.find("solution.xml")
    if unpacked_sol:
        form = "unpacked"
        sol_rel = unpacked_sol
        cust_rel = src.find("Other/Customizations.xml")
    elif export_sol and src.find("customizations.xml"):
        form = "export"
        sol_rel = export_sol
        cust_rel = src.find("customizations.xml")
    else:
        warn(p, "neither Other/Solution.xml nor solution.xml + customizations.xml: not a package")
        return {"path": p, "solution": None, "components": []}

    solution = solution_name(src, sol_rel)
    if cust_rel:
        customizations(inv, cust_rel)
    else:
        warn(p, "no customizations.xml")

    content = referenced_files(src)
    generic: dict[str, list[str]] = {}

    # X.xml before X_managed.xml so the unmanaged copy names the component
    order = sorted(src.files, key=lambda r: (r.lower().replace("_managed.xml", ".xml"),
                                              r.lower().endswith("_managed.xml")))
    for rel in order:
        low = rel.lower()
        parts = rel.split("/")
        lparts = low.split("/")
        if rel in (sol_rel, cust_rel):
            continue
        if len(parts) == 1:
            if low in ("[content_types].xml", "filteredcomponents.xml"):
                note(p, f"{rel}: package metadata, no components")
            elif low.endswith(".xml"):
                warn(p, f"{rel}: XML file at the package root not understood")
            continue
        top = lparts[0]
        if top not in KNOWN_TOP:
            if parts[0] == parts[0].lower():
                generic.setdefault(parts[0], []).append(rel)
            elif low.endswith(".xml"):
                warn(p, f"{rel}: XML file in unknown folder {parts[0]}/ not understood")
            continue
        if not low.endswith(".xml"):
            continue  # binary / json / xaml bodies etc.
        if low in content:
            note(p, f"{rel}: content file of a component")
            continue
        handled = dispatch(inv, rel, lparts, form)
        if not handled:
            warn(p, f"{rel}: XML file under a component folder not understood")

    for folder in sorted(generic):
        generic_folder(inv, generic[folder])

    return {"path": p, "solution": solution, "components": inv.components()}


def dispatch(inv: Inventory, rel: str, lp: list[str], form: str) -> bool:
    """Handle one .xml file of a fixed-layout folder; False if not understood."""
    p = inv.src.path
    top, n = lp[0], len(lp)
    name = lp[-1]
    if top == "other":
        if n == 2 and name == "relationships.xml":
            note(p, f"{rel}: relationship index (empty elements), not definitions")
            return True
        if n == 3 and lp[1] == "relationships":
            wrapped(inv, rel, "EntityRelationships", "EntityRelationship", relationship_component)
            return True
        if n == 2 and name == "fieldsecurityprofiles.xml":
            wrapped(inv, rel, "FieldSecurityProfiles", "FieldSecurityProfile", fsp_component)
            return True
        if n == 2 and name == "entitymaps.xml":
            wrapped(inv, rel, "EntityMaps", "EntityMap", entitymap_component)
            return True
        return False
    if top == "entities":
        if n == 3 and name == "entity.xml":
            single_root(inv, rel, "Entity", entity_components)
            return True
        if n == 3 and name == "ribbondiff.xml":
            note(p, f"{rel}: ribbon diff, no components")
            return True
        if n == 5 and lp[2] == "formxml":
            wrapped(inv, rel, "forms", "systemform", form_component)
            return True
        if n == 4 and lp[2] == "savedqueries":
            wrapped(inv, rel, "savedqueries", "savedquery", savedquery_component)
            return True
        if n == 4 and lp[2] == "visualizations":
            wrapped(inv, rel, "visualizations", "visualization", visualization_component)
            return True
        return False
    if top == "optionsets" and n == 2:
        single_root(inv, rel, "optionset", optionset_component)
        return True
    if top == "workflows":
        if name.endswith(".data.xml"):
            single_root(inv, rel, "Workflow", workflow_component)
            return True
        return False
    if top == "webresources":
        if name.endswith(".data.xml"):
            single_root(inv, rel, "WebResource", webresource_component)
            return True
        return False
    if top == "roles" and n == 2:
        single_root(inv, rel, "Role", role_component)
        return True
    if top == "canvasapps":
        if n == 2 and name.endswith(".meta.xml"):
            single_root(inv, rel, "CanvasApp", canvasapp_component)
            return True
        if n > 2 and lp[1] == "src":
            note(p, f"{rel}: canvas app source (control templates / WADL), no components")
            return True
        return False
    if top == "appmodules" and n == 3 and name.startswith("appmodule"):
        single_root(inv, rel, "AppModule", appmodule_component)
        return True
    if top == "appmodulesitemaps" and n == 3 and name.startswith("appmodulesitemap"):
        single_root(inv, rel, "AppModuleSiteMap", sitemap_component)
        return True
    if top == "controls" and n == 3:
        if name == "controlmanifest.xml.data.xml":
            single_root(inv, rel, "CustomControl", customcontrol_component)
            return True
        if name == "controlmanifest.xml":
            note(p, f"{rel}: PCF manifest, not the component definition")
            return True
        return False
    if top == "pluginassemblies" and n == 3 and name.endswith(".dll.data.xml"):
        single_root(inv, rel, "PluginAssembly", pluginassembly_component)
        return True
    if top == "sdkmessageprocessingsteps" and n == 2:
        single_root(inv, rel, "SdkMessageProcessingStep", step_component)
        return True
    if top == "dashboards" and n == 2:
        single_root(inv, rel, "Dashboard", dashboard_component)
        return True
    if top == "connectors" and n == 2:
        single_root(inv, rel, "Connector", connector_component)
        return True
    return False


# ----------------------------------------------------------------------------------------------
# corpus discovery


def find_packages(d: str) -> list[str]:
    out: list[str] = []
    for root, dirs, files in os.walk(d):
        rel = os.path.relpath(root, d)
        if rel.split(os.sep)[0] == "yaml":
            dirs[:] = []
            continue
        dirs.sort()
        lf = {f.lower(): f for f in files}
        for f in sorted(files):
            if f.lower().endswith(".zip"):
                out.append(os.path.join(root, f))
        other = next((x for x in dirs if x.lower() == "other"), None)
        if other and any(x.lower() == "solution.xml" for x in os.listdir(os.path.join(root, other))):
            out.append(root)
            dirs[:] = []  # the package's own folders are not packages
            continue
        if "solution.xml" in lf and "customizations.xml" in lf:
            out.append(root)
    return out


# ----------------------------------------------------------------------------------------------


def counts_table(pkg: dict) -> str:
    per: dict[str, list[int]] = {}
    for c in pkg["components"]:
        row = per.setdefault(c["kind"], [0, 0])
        row[0] += 1
        row[1] += 1 if c["reference"] else 0
    lines = [f"## {pkg['path']}  (solution {pkg['solution']})"]
    w = max([len("kind")] + [len(k) for k in per])
    lines.append(f"{'kind':<{w}}  {'count':>5}  {'references':>10}")
    for k in sorted(per):
        lines.append(f"{k:<{w}}  {per[k][0]:>5}  {per[k][1]:>10}")
    total = sum(v[0] for v in per.values())
    refs = sum(v[1] for v in per.values())
    lines.append(f"{'(total)':<{w}}  {total:>5}  {refs:>10}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    global VERBOSE
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", metavar="PATH", help="package: zip, extracted export or unpacked folder")
    ap.add_argument("--corpus", metavar="DIR", action="append", default=[],
                    help="inventory every package found under DIR (the yaml/ subfolder is skipped)")
    ap.add_argument("--counts", action="store_true", help="print a per-kind table instead of JSON")
    ap.add_argument("--verbose", action="store_true", help="also note on stderr the files skipped on purpose")
    a = ap.parse_args(argv)
    VERBOSE = a.verbose
    paths = list(a.paths)
    for d in a.corpus:
        paths.extend(find_packages(d))
    if not paths:
        ap.error("no package given (PATH... or --corpus DIR)")
    pkgs = []
    status = 0
    for p in paths:
        try:
            pkgs.append(inventory(p))
        except (ValueError, OSError, zipfile.BadZipFile) as e:
            warn(p, str(e))
            status = 1
    if a.counts:
        print("\n\n".join(counts_table(k) for k in pkgs))
    else:
        json.dump({"packages": pkgs}, sys.stdout, indent=2, ensure_ascii=False)
        print()
    return status


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # e.g. piped into head
        sys.stderr.close()
        sys.exit(0)
