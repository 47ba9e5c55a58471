#!/usr/bin/env python3
"""Builds the fuzz targets' seed corpora in fuzz/corpus/<target>/ from the rule
fixtures, the examples and ../shared/corpus (real packages). Seeds over a size
cap are left out: libFuzzer mutates small inputs far faster."""
import hashlib, io, json, os, pathlib, re, sys, zipfile

here = pathlib.Path(__file__).resolve().parent
root = here.parent
corpus = here / "corpus"
sources = [root / "tests" / "fixtures", root / "examples", root.parent / "shared" / "corpus"]
CAP = 256 * 1024

# The order of KINDS in src/fuzzing.rs: the first byte of an xml_file input.
def kind(rel):
    parts = [p.lower() for p in rel.parts]
    name = parts[-1]
    if parts[-2:] == ["other", "solution.xml"]:
        return 2
    if parts[-2:] == ["other", "customizations.xml"]:
        return 6
    if name == "customizations.xml":
        return 0
    if name == "solution.xml":
        return 1
    if name == "entity.xml" and "entities" in parts:
        return 3
    if "optionsets" in parts and name.endswith(".xml"):
        return 4
    if "relationships" in parts and name.endswith(".xml"):
        return 5
    return None

# The order of COMPONENT_FILES in src/fuzzing.rs: the first byte of a
# component_file input is 2 * index, + 1 for unpacked source.
COMPONENT_PATTERNS = [
    ("workflows", "*.data.xml"), ("webresources", "*.data.xml"), ("roles", "*.xml"),
    ("canvasapps", "*.meta.xml"), ("appmodules", "*.xml"), ("appmodulesitemaps", "*.xml"),
    ("controls", "*.data.xml"), ("pluginassemblies", "*.data.xml"),
    ("sdkmessageprocessingsteps", "*.xml"), ("dashboards", "*.xml"), ("connectors", "*.xml"),
    ("formxml", "*.xml"), ("savedqueries", "*.xml"), ("visualizations", "*.xml"),
    ("other", "fieldsecurityprofiles.xml"),
    ("environmentvariabledefinitions", "environmentvariabledefinition.xml"),
    ("customapis", "customapi.xml"), ("customapirequestparameters", "customapirequestparameter.xml"),
    ("appactions", "appaction.xml"),
]

# The order of TREE in src/fuzzing/yaml.rs: the first byte of a yaml_file input,
# by the file's name (and, for the solution's manifests, its folder).
YAML_KINDS = ["solution.yml", "solutioncomponents.yml", "rootcomponents.yml",
              "missingdependencies.yml", "publisher.yml", "entity.yml", "attributes",
              "systemform.yml", "savedquery.yml", "optionset.yml", "entityrelationship.yml",
              "workflow.yml", "environmentvariabledefinition.yml", "connectionreference.yml",
              "canvasapp.yml"]

def yaml_kind(rel):
    parts = [p.lower() for p in rel.parts]
    if len(parts) >= 2 and parts[-2] == "attributes":
        return YAML_KINDS.index("attributes")
    if parts[-1] in YAML_KINDS:
        return YAML_KINDS.index(parts[-1])
    if "formxml" in parts:
        return YAML_KINDS.index("systemform.yml")
    if "savedqueries" in parts:
        return YAML_KINDS.index("savedquery.yml")
    if "entityrelationships" in parts:
        return YAML_KINDS.index("entityrelationship.yml")
    return None

def component_kind(rel):
    parts = [p.lower() for p in rel.parts]
    for index, (folder, pattern) in enumerate(COMPONENT_PATTERNS):
        if folder in parts[:-1] and pathlib.PurePosixPath(parts[-1]).match(pattern):
            return 2 * index + 1
    return None

# What json_reader, solutions_file and settings_file start from: every JSON file,
# and for every manifest and customizations file, the Web API listing of the
# solutions it requires and the deployment settings `pac solution create-settings`
# would write for its variables and connection references.
REQUIRED = re.compile(rb'<Required\b[^>]*?\bsolution="([^"(]+?)\s*\(([^)"]*)\)"')
VARIABLE = re.compile(rb'<environmentvariabledefinition\b[^>]*?\bschemaname="([^"]+)"')
REFERENCE = re.compile(rb'<connectionreference\b[^>]*?\bconnectionreferencelogicalname="([^"]+)"')

def save_json(data):
    save("json_reader", data)
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return
    if isinstance(doc, dict):
        keys = {k.lower() for k in doc}
        if "value" in keys:
            save("solutions_file", data)
        if keys & {"environmentvariables", "connectionreferences"}:
            save("settings_file", data)

def derived_seeds(xml):
    required = sorted(set(REQUIRED.findall(xml)))
    if required:
        rows = [{"@odata.etag": f'W/"{i}"', "uniquename": n.decode("utf-8", "replace"),
                 "version": v.decode("utf-8", "replace"), "ismanaged": True,
                 "publisherid": {"uniquename": "microsoftdynamics"}} for i, (n, v) in enumerate(required)]
        save_json(json.dumps({"@odata.context": "https://org.crm.dynamics.com/api/data/v9.2/$metadata#solutions", "value": rows}, indent=2).encode())
    variables = sorted(set(VARIABLE.findall(xml)))
    references = sorted(set(REFERENCE.findall(xml)))
    if variables or references:
        doc = {
            "EnvironmentVariables": [{"SchemaName": v.decode("utf-8", "replace"), "Value": ""} for v in variables],
            "ConnectionReferences": [{"LogicalName": r.decode("utf-8", "replace"), "ConnectionId": "",
                                      "ConnectorId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps"} for r in references],
        }
        save_json(("\ufeff" + json.dumps(doc, indent=2)).encode())

def save(target, data):
    if len(data) > CAP:
        return
    out = corpus / target
    out.mkdir(parents=True, exist_ok=True)
    (out / hashlib.sha1(data).hexdigest()).write_bytes(data)

def zip_folder(folder):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                z.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()

for source in sources:
    if not source.exists():
        print(f"seed.py: {source} is missing, skipped", file=sys.stderr)
        continue
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if path.is_dir():
            if (path / "Other" / "Solution.xml").exists() or (path / "solution.xml").exists() \
                    or any((path / "solutions").glob("*/solution.yml")):
                save("zip_package", zip_folder(path))
            continue
        lower = path.name.lower()
        if lower.endswith(".zip"):
            data = path.read_bytes()
            save("zip_package", data)
            try:
                with zipfile.ZipFile(path) as z:
                    for member in z.namelist():
                        k = kind(pathlib.PurePosixPath(member))
                        if k is not None:
                            save("xml_file", bytes([k]) + z.read(member))
                            derived_seeds(z.read(member))
            except zipfile.BadZipFile:
                pass
        elif lower.endswith(".json"):
            save_json(path.read_bytes())
        elif lower.endswith(".xml"):
            k = kind(rel)
            if k is not None:
                save("xml_file", bytes([k]) + path.read_bytes())
            derived_seeds(path.read_bytes())
            k = component_kind(rel)
            if k is not None:
                save("component_file", bytes([k]) + path.read_bytes())
        elif lower.endswith(".yml") and yaml_kind(rel) is not None:
            save("yaml_file", bytes([yaml_kind(rel)]) + path.read_bytes())
        elif lower.endswith((".yaml", ".yml")):
            save("policy", path.read_bytes())

# Policies: the YAML examples of the README and the design notes; JSON: theirs.
for doc in (root / "README.md", root.parent / "shared" / "DESIGN.md"):
    if doc.exists():
        for block in re.findall(r"```yaml\n(.*?)```", doc.read_text(encoding="utf-8"), re.S):
            save("policy", block.encode())
        for block in re.findall(r"```json\n(.*?)```", doc.read_text(encoding="utf-8"), re.S):
            save_json(block.encode())
# And every input that once crashed a target, or was written to show an edge.
for target in ("json_reader", "solutions_file", "settings_file"):
    for path in sorted((here / "regressions" / target).glob("*")):
        save(target, path.read_bytes())

for target in ("zip_package", "xml_file", "component_file", "yaml_file", "policy",
               "json_reader", "solutions_file", "settings_file"):
    count = len(list((corpus / target).glob("*"))) if (corpus / target).exists() else 0
    print(f"{target}: {count} seeds")
