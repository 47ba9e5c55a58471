#!/usr/bin/env python3
"""Independent reading of the environment variables and connection references of solution packages.

Written from the solution file formats and the real packages only, without dvlint's Rust sources,
so that tests/deployment_corpus.rs can hold dvlint's model against it. Package discovery and the
file access of a zip or folder are those of corpus_inventory.py (which is written the same way).

Usage:
    python3 scripts/corpus_deployment.py PATH...          # JSON on stdout
    python3 scripts/corpus_deployment.py --corpus DIR     # every package found under DIR

Output:
    {"packages": [{"path", "solution",
                   "environment_variables": [{"schema_name", "display_name", "type",
                                              "default_value", "value"}],
                   "connection_references": [{"logical_name", "display_name", "connector_id"}]}]}
each list sorted by its lower-case name.

What is read, and from where:
- customizations.xml (an export's, or Other/Customizations.xml of unpacked source):
  <connectionreferences><connectionreference connectionreferencelogicalname=...> and
  <environmentvariabledefinitions><environmentvariabledefinition schemaname=...>;
- component folders (unpacked source and newer zips):
  environmentvariabledefinitions/<name>/environmentvariabledefinition.xml, with the current value,
  when one was exported, in environmentvariablevalues.json beside it
  ({"environmentvariablevalues": {"environmentvariablevalue": {...} or [{...}, ...]}}); and
  connectionreferences/<name>/connectionreference.xml in the same layout, should a writer use it.
A definition marked unmodified="1", or an element with nothing in it, is a reference to a component
another solution holds, not a definition: it is left out. Texts are stripped; an empty one is null.
`type` is the code as written ("" when there is no <type>). `value` is the definition's own nested
<environmentvariablevalues><environmentvariablevalue><value> (older exports), else the first entry of
the JSON file whose "value" is not empty. A JSON file that does not parse or is not of that shape is
an error: the script exits 1 and names it.

Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import xml.etree.ElementTree as ET
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from corpus_inventory import Source, find_packages  # noqa: E402  (the shared discovery)


class Malformed(Exception):
    pass


def local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def attribute(el: ET.Element, name: str) -> str | None:
    for key, value in el.attrib.items():
        if local(key).lower() == name.lower():
            return value.strip()
    return None


def first_child(el: ET.Element, name: str) -> ET.Element | None:
    for c in el:
        if local(c.tag).lower() == name.lower():
            return c
    return None


def stripped(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def own_text(el: ET.Element) -> str:
    """The element's own text, without that of its children."""
    return (el.text or "") + "".join(c.tail or "" for c in el)


def child_text(el: ET.Element, name: str) -> str | None:
    c = first_child(el, name)
    return None if c is None else stripped(own_text(c))


def only_a_reference(el: ET.Element) -> bool:
    if (attribute(el, "unmodified") or "").lower() in ("1", "true"):
        return True
    return len(el) == 0 and not own_text(el).strip()


def display_name(el: ET.Element) -> str | None:
    c = first_child(el, "displayname")
    if c is None:
        return None
    return stripped(attribute(c, "default")) or stripped(own_text(c))


def nested_value(definition: ET.Element) -> str | None:
    values = first_child(definition, "environmentvariablevalues")
    if values is None:
        return None
    for entry in values:
        if local(entry.tag).lower() == "environmentvariablevalue":
            found = child_text(entry, "value")
            if found:
                return found
    return None


def json_value(raw: bytes, where: str) -> str | None:
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise Malformed(f"{where}: {e}") from None
    if not isinstance(doc, dict):
        raise Malformed(f"{where}: not an object")
    outer = doc.get("environmentvariablevalues")
    if outer is None:
        return None
    if not isinstance(outer, dict):
        raise Malformed(f"{where}: environmentvariablevalues is not an object")
    entries = outer.get("environmentvariablevalue")
    if entries is None:
        return None
    if isinstance(entries, dict):
        entries = [entries]
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise Malformed(f"{where}: environmentvariablevalue is not an object or a list of them")
    for entry in entries:
        value = entry.get("value")
        if value is None:
            continue
        if not isinstance(value, str):
            raise Malformed(f"{where}: a value that is not text")
        if value.strip():
            return value.strip()
    return None


def variable(el: ET.Element, current: str | None) -> dict | None:
    name = attribute(el, "schemaname")
    if not name or only_a_reference(el):
        return None
    return {
        "schema_name": name,
        "display_name": display_name(el),
        "type": child_text(el, "type") or "",
        "default_value": child_text(el, "defaultvalue"),
        "value": nested_value(el) or current,
    }


def reference(el: ET.Element) -> dict | None:
    name = attribute(el, "connectionreferencelogicalname")
    if not name or only_a_reference(el):
        return None
    # Only the direct child: <customconnectorid><connectorid> holds a custom connector's GUID.
    return {
        "logical_name": name,
        "display_name": child_text(el, "connectionreferencedisplayname"),
        "connector_id": child_text(el, "connectorid"),
    }


def read(p: str) -> dict:
    src = Source(p)
    solution_rel = src.find("Other/Solution.xml") or src.find("solution.xml")
    customizations_rel = src.find("Other/Customizations.xml") if src.find("Other/Solution.xml") \
        else src.find("customizations.xml")
    solution = None
    if solution_rel:
        manifest = ET.fromstring(src.read(solution_rel))
        for m in manifest.iter():
            if local(m.tag) == "SolutionManifest":
                solution = child_text(m, "UniqueName")
                break
    variables: dict[str, dict] = {}
    references: dict[str, dict] = {}

    def add(into: dict[str, dict], found: dict | None, key: str) -> None:
        if found is not None:
            into.setdefault(found[key].lower(), found)

    if customizations_rel:
        root = ET.fromstring(src.read(customizations_rel))
        for section in root:
            tag = local(section.tag)
            if tag == "environmentvariabledefinitions":
                for el in section:
                    if local(el.tag) == "environmentvariabledefinition":
                        add(variables, variable(el, None), "schema_name")
            elif tag == "connectionreferences":
                for el in section:
                    if local(el.tag) == "connectionreference":
                        add(references, reference(el), "logical_name")

    for rel in sorted(src.files):
        parts = rel.split("/")
        if len(parts) != 3:
            continue
        top, _, name = parts
        if top == "environmentvariabledefinitions" and name.lower() == "environmentvariabledefinition.xml":
            el = ET.fromstring(src.read(rel))
            if local(el.tag).lower() != "environmentvariabledefinition":
                continue
            values_rel = src.find(f"{parts[0]}/{parts[1]}/environmentvariablevalues.json")
            current = json_value(src.read(values_rel), f"{p}!/{values_rel}") if values_rel else None
            add(variables, variable(el, current), "schema_name")
        elif top == "connectionreferences" and name.lower() == "connectionreference.xml":
            el = ET.fromstring(src.read(rel))
            if local(el.tag).lower() == "connectionreference":
                add(references, reference(el), "logical_name")

    return {
        "path": p,
        "solution": solution,
        "environment_variables": [variables[k] for k in sorted(variables)],
        "connection_references": [references[k] for k in sorted(references)],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", metavar="PATH", help="package: zip, extracted export or unpacked folder")
    ap.add_argument("--corpus", metavar="DIR", action="append", default=[],
                    help="every package found under DIR (its yaml/ subfolder is skipped)")
    a = ap.parse_args(argv)
    paths = list(a.paths)
    for d in a.corpus:
        paths.extend(find_packages(d))
    if not paths:
        ap.error("no package given (PATH... or --corpus DIR)")
    packages = []
    status = 0
    for p in paths:
        try:
            packages.append(read(p))
        except (Malformed, ET.ParseError, ValueError, OSError, zipfile.BadZipFile) as e:
            print(f"corpus_deployment: error: {p}: {e}", file=sys.stderr)
            status = 1
    json.dump({"packages": packages}, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return status


if __name__ == "__main__":
    sys.exit(main())
