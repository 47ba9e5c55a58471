#!/usr/bin/env python3
"""Write an unpacked solution folder (SolutionPackager / `pac solution unpack`) in the
YAML source format of Dataverse Git integration, the way Git integration lays it out:

    solutions/<U>/{solution,solutioncomponents,rootcomponents,missingdependencies}.yml
    publishers/<p>/publisher.yml
    entities/<t>/entity.yml, entities/<t>/attributes/<c>.yml,
    entities/<t>/formxml/<type>/<id>/systemform.yml, entities/<t>/savedqueries/<id>/savedquery.yml
    optionsets/<n>/optionset.yml, entityrelationships/<n>/entityrelationship.yml,
    modernflows/<id>/workflow.yml (+ its JSON), roles/<id>/role.yml,
    webresources/<name>.yml (+ its content), connectionreferences/<n>/connectionreference.yml,
    <lower-case component folders> as they are, .xml -> .yml

Each XML element is written by the mapping pac reads (Json.NET's XML convention):
attributes as '@name' keys, text beside attributes as '#text', repeated elements as a
list, one as a mapping, an empty element as null. Scalars are written as Dataverse
writes them: unquoted where YAML allows, single-quoted otherwise.

This is an independent implementation of the mapping (Python's ElementTree), used to
make dvlint's bundled YAML examples from its XML ones and to check that both forms
give the same findings (tests/yaml_form.rs). Usage: xml_to_yaml.py UNPACKED OUT
"""

import json
import os
import re
import shutil
import sys
import xml.etree.ElementTree as ET

XSI = "{http://www.w3.org/2001/XMLSchema-instance}"


def name_of(tag):
    if tag.startswith(XSI):
        return "xsi:" + tag[len(XSI):]
    return tag.split("}", 1)[-1]


def to_node(el):
    """The YAML value of an element: None, a string, or a dict (list values for repeats)."""
    attrs = [("@" + name_of(k), v) for k, v in el.attrib.items()]
    if any(k == "@xsi:nil" for k, _ in attrs):
        attrs.append(("@xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"))
    children = list(el)
    text = (el.text or "").strip()
    if not attrs and not children:
        return text if text else None
    node = {}
    for k, v in attrs:
        node[k] = v
    if text:
        node["#text"] = text
    for child in children:
        key = name_of(child.tag)
        value = to_node(child)
        if key in node:
            if not isinstance(node[key], list) or not getattr(node[key], "repeated", False):
                node[key] = Repeated([node[key]])
            node[key].append(value)
        else:
            node[key] = value
    return node


class Repeated(list):
    repeated = True


PLAIN = re.compile(r"^[A-Za-z0-9_./(){}\[\]+=$%^~;,\\-][^\n\r\t]*$")


def scalar(text):
    s = str(text)
    if any(c in s for c in "\n\r\t") or any(ord(c) < 32 for c in s):
        return json.dumps(s, ensure_ascii=False)
    risky = (
        s == ""
        or s != s.strip()
        or ": " in s
        or " #" in s
        or s.endswith(":")
        or s[0] in "{}[]&*!|>'\"%@`#,?-"
        and not re.match(r"^-?\d", s)
        or not PLAIN.match(s)
    )
    if risky:
        return "'" + s.replace("'", "''") + "'"
    return s


def key_text(k):
    return scalar(k) if k.startswith(("@", "#")) else k


def emit(value, indent, out):
    pad = "  " * indent
    for k, v in value.items():
        items = v if isinstance(v, Repeated) else [v]
        if isinstance(v, Repeated):
            out.append(f"{pad}{key_text(k)}:")
            for item in items:
                if isinstance(item, dict) and item:
                    lines = []
                    emit(item, indent + 1, lines)
                    first = lines[0].lstrip()
                    out.append(f"{pad}- {first}")
                    out.extend(lines[1:])
                elif item is None or item == {}:
                    out.append(f"{pad}- ")
                else:
                    out.append(f"{pad}- {scalar(item)}")
        elif isinstance(v, dict):
            if v:
                out.append(f"{pad}{key_text(k)}:")
                emit(v, indent + 1, out)
            else:
                out.append(f"{pad}{key_text(k)}: {{}}")
        elif v is None:
            out.append(f"{pad}{key_text(k)}: ")
        else:
            out.append(f"{pad}{key_text(k)}: {scalar(v)}")


def write(path, root_name, node):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    out = []
    emit({root_name: node}, 0, out)
    with open(path, "w", encoding="utf-8", newline="\r\n") as f:
        f.write("\n".join(out) + "\n")


def find(dir_, name):
    if not os.path.isdir(dir_):
        return None
    for entry in sorted(os.listdir(dir_)):
        if entry.lower() == name.lower():
            return os.path.join(dir_, entry)
    return None


def parse(path):
    return ET.parse(path).getroot()


def convert(src, out):
    listed = []
    other = find(src, "Other")
    solution = parse(find(other, "Solution.xml"))
    manifest = solution.find("SolutionManifest")
    unique = manifest.findtext("UniqueName")
    publisher = manifest.find("Publisher")
    publisher_name = publisher.findtext("UniqueName")
    sdir = os.path.join(out, "solutions", unique)
    top = to_node(solution)
    sm = top["SolutionManifest"]
    roots = sm.pop("RootComponents", None)
    missing = sm.pop("MissingDependencies", None)
    sm["Publisher"] = {"UniqueName": publisher_name}
    write(os.path.join(sdir, "solution.yml"), "ImportExportXml", top)
    write(os.path.join(out, "publishers", publisher_name, "publisher.yml"), "Publisher", to_node(publisher))
    listed.append(f"/publishers/{publisher_name}")
    write(os.path.join(sdir, "rootcomponents.yml"), "RootComponents", roots if roots else {})
    write(os.path.join(sdir, "missingdependencies.yml"), "MissingDependencies", missing if missing else {})

    entities = find(src, "Entities")
    for table in sorted(os.listdir(entities)) if entities else []:
        tdir = os.path.join(entities, table)
        entity_xml = find(tdir, "Entity.xml")
        if not entity_xml:
            continue
        entity = parse(entity_xml)
        info = entity.find("EntityInfo/entity")
        logical = (info.get("Name") if info is not None else entity.findtext("Name")).lower()
        odir = os.path.join(out, "entities", logical)
        listed.append(f"/entities/{logical}")
        if info is not None:
            attributes = info.find("attributes")
            if attributes is not None:
                info.remove(attributes)
                for attribute in attributes.findall("attribute"):
                    column = (attribute.findtext("LogicalName") or attribute.get("PhysicalName")).lower()
                    write(os.path.join(odir, "attributes", column + ".yml"), "attribute", to_node(attribute))
        for part in list(entity):
            if name_of(part.tag) in ("FormXml", "SavedQueries"):
                entity.remove(part)
        write(os.path.join(odir, "entity.yml"), "Entity", to_node(entity))
        forms = find(tdir, "FormXml")
        for kind in sorted(os.listdir(forms)) if forms else []:
            for f in sorted(os.listdir(os.path.join(forms, kind))):
                root = parse(os.path.join(forms, kind, f))
                for form in root.iter("systemform"):
                    fid = (form.findtext("formid") or f).strip("{}").lower()
                    write(os.path.join(odir, "formxml", kind.lower(), fid, "systemform.yml"), "systemform", to_node(form))
                    listed.append(f"/entities/{logical}/formxml/{kind.lower()}/{fid}")
        views = find(tdir, "SavedQueries")
        for f in sorted(os.listdir(views)) if views else []:
            root = parse(os.path.join(views, f))
            for view in root.iter("savedquery"):
                vid = (view.findtext("savedqueryid") or f).strip("{}").lower()
                write(os.path.join(odir, "savedqueries", vid, "savedquery.yml"), "savedquery", to_node(view))
                listed.append(f"/entities/{logical}/savedqueries/{vid}")

    option_sets = find(src, "OptionSets")
    for f in sorted(os.listdir(option_sets)) if option_sets else []:
        root = parse(os.path.join(option_sets, f))
        name = root.get("Name")
        write(os.path.join(out, "optionsets", name, "optionset.yml"), "optionset", to_node(root))
        listed.append(f"/optionsets/{name}")

    relationships = find(other, "Relationships")
    seen = set()
    for f in sorted(os.listdir(relationships)) if relationships else []:
        for rel in parse(os.path.join(relationships, f)).findall("EntityRelationship"):
            name = rel.get("Name")
            if name.lower() in seen:
                continue
            seen.add(name.lower())
            write(os.path.join(out, "entityrelationships", name, "entityrelationship.yml"), "EntityRelationship", to_node(rel))
            listed.append(f"/entityrelationships/{name}")

    workflows = find(src, "Workflows")
    for f in sorted(os.listdir(workflows)) if workflows else []:
        if not f.lower().endswith(".data.xml"):
            continue
        root = parse(os.path.join(workflows, f))
        wid = root.get("WorkflowId").strip("{}").lower()
        node = to_node(root)
        json_name = f[: -len(".data.xml")]
        if os.path.exists(os.path.join(workflows, json_name)):
            os.makedirs(os.path.join(out, "modernflows", wid), exist_ok=True)
            shutil.copy(os.path.join(workflows, json_name), os.path.join(out, "modernflows", wid, json_name))
            node["JsonFileName"] = f"/modernflows/{wid}/{json_name}"
        write(os.path.join(out, "modernflows", wid, "workflow.yml"), "Workflow", node)
        listed.append(f"/modernflows/{wid}")

    roles = find(src, "Roles")
    for f in sorted(os.listdir(roles)) if roles else []:
        root = parse(os.path.join(roles, f))
        rid = root.get("id").strip("{}").lower()
        write(os.path.join(out, "roles", rid, "role.yml"), "Role", to_node(root))
        listed.append(f"/roles/{rid}")

    web = find(src, "WebResources")
    for dirpath, _, names in sorted(os.walk(web)) if web else []:
        for f in sorted(names):
            if not f.lower().endswith(".data.xml"):
                continue
            root = parse(os.path.join(dirpath, f))
            rel = os.path.relpath(os.path.join(dirpath, f[: -len(".data.xml")]), web).replace(os.sep, "/")
            write(os.path.join(out, "webresources", rel + ".yml"), "WebResource", to_node(root))
            content = os.path.join(dirpath, f[: -len(".data.xml")])
            if os.path.exists(content):
                shutil.copy(content, os.path.join(out, "webresources", rel))
            listed.append(f"/webresources/{rel}.yml")

    customizations = find(other, "Customizations.xml")
    if customizations:
        refs = parse(customizations).find("connectionreferences")
        for ref in refs if refs is not None else []:
            name = ref.get("connectionreferencelogicalname")
            write(os.path.join(out, "connectionreferences", name, "connectionreference.yml"), "connectionreference", to_node(ref))
            listed.append(f"/connectionreferences/{name}")

    for folder in sorted(os.listdir(src)):
        if folder != folder.lower() or not os.path.isdir(os.path.join(src, folder)):
            continue
        for key in sorted(os.listdir(os.path.join(src, folder))):
            kdir = os.path.join(src, folder, key)
            for f in sorted(os.listdir(kdir)):
                target = os.path.join(out, folder, key, f)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                if f.lower().endswith(".xml"):
                    root = parse(os.path.join(kdir, f))
                    write(target[: -len(".xml")] + ".yml", name_of(root.tag), to_node(root))
                else:
                    shutil.copy(os.path.join(kdir, f), target)
            listed.append(f"/{folder}/{key}")

    components = Repeated({"@path": p} for p in sorted(listed))
    write(os.path.join(sdir, "solutioncomponents.yml"), "SolutionComponents", {"Component": components})


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    convert(sys.argv[1], sys.argv[2])
