#!/usr/bin/env python3
"""Make the validators' derived schemas from the fetched third-party data.

usage: derive_schemas.py SCHEMAS      (the folder fetch_third_party.py filled)

Writes, inside SCHEMAS:
  devcontainer/devContainer.offline.schema.json
      upstream devContainer.schema.json, with its two references to the VS Code
      repository's main branch replaced by the pinned local copies;
  devcontainer/vscode/devContainer.vscode.offline.schema.json
      the VS Code part with `vscode://schemas/settings/machine` (only VS Code itself
      resolves it) replaced by "any object";
  argocd/jsonschema-strict/<kind>.json
      the openAPIV3Schema of each Argo CD CRD's v1alpha1 version as a standalone JSON
      Schema: int-or-string and nullable spelled in JSON Schema, apiVersion and kind
      pinned, a metadata schema, and unknown fields refused wherever the CRD lists the
      fields of an object and does not preserve unknown ones (what the API server does
      under strict field validation);
  bicep-types/index.json
      "Microsoft.X/type@apiVersion" -> ["generated/.../types.json#/N", ...] for every
      resource type in the fetched types.json files.

Deterministic: the same inputs give the same bytes. Needs PyYAML (the validators venv).
"""

import copy
import glob
import json
import os
import sys

import yaml

VSCODE_SETTINGS_REF = "vscode://schemas/settings/machine"

# RFC 1123 names, as the API server checks metadata.name and metadata.namespace.
METADATA = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "maxLength": 253,
                 "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"},
        "namespace": {"type": "string", "maxLength": 63, "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
        "finalizers": {"type": "array", "items": {"type": "string"}},
    },
}


def write_json(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(value, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


def devcontainer(schemas):
    folder = os.path.join(schemas, "devcontainer")
    write_json(os.path.join(folder, "devContainer.offline.schema.json"), {
        "allOf": [
            {"$ref": "./devContainer.base.schema.json"},
            {"$ref": "./vscode/devContainer.codespaces.schema.json"},
            {"$ref": "./vscode/devContainer.vscode.offline.schema.json"},
        ]
    })

    def offline(node):
        if isinstance(node, list):
            return [offline(x) for x in node]
        if not isinstance(node, dict):
            return node
        out = {k: offline(v) for k, v in node.items()}
        if out.get("$ref") == VSCODE_SETTINGS_REF:
            del out["$ref"]
            out["type"] = "object"
        return out

    with open(os.path.join(folder, "vscode", "devContainer.vscode.schema.json"), encoding="utf-8") as f:
        vscode = json.load(f)
    converted = offline(vscode)
    if VSCODE_SETTINGS_REF in json.dumps(converted):
        sys.exit("derive: a vscode:// reference is left in the VS Code schema")
    write_json(os.path.join(folder, "vscode", "devContainer.vscode.offline.schema.json"), converted)


def strict(node):
    if isinstance(node, list):
        return [strict(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: strict(v) for k, v in node.items()}
    if out.pop("x-kubernetes-int-or-string", False):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if out.pop("nullable", False) and "type" in out:
        kinds = out["type"] if isinstance(out["type"], list) else [out["type"]]
        out["type"] = kinds + ["null"]
    keeps_unknown = out.get("x-kubernetes-preserve-unknown-fields", False)
    if "properties" in out and "additionalProperties" not in out and not keeps_unknown:
        out["additionalProperties"] = False
    return out


def argocd(schemas):
    crds = sorted(glob.glob(os.path.join(schemas, "argocd", "crds", "*.yaml")))
    if not crds:
        sys.exit("derive: no Argo CD CRDs in argocd/crds/")
    for path in crds:
        with open(path, encoding="utf-8") as f:
            documents = [d for d in yaml.safe_load_all(f) if d and d.get("kind") == "CustomResourceDefinition"]
        for crd in documents:
            spec = crd["spec"]
            group, kind = spec["group"], spec["names"]["kind"]
            for version in spec["versions"]:
                schema = strict(copy.deepcopy(version["schema"]["openAPIV3Schema"]))
                properties = schema.setdefault("properties", {})
                properties["apiVersion"] = {"type": "string", "enum": [f"{group}/{version['name']}"]}
                properties["kind"] = {"type": "string", "enum": [kind]}
                properties["metadata"] = METADATA
                required = schema.setdefault("required", [])
                schema["required"] = ["apiVersion", "kind", "metadata"] + [r for r in required if r not in
                                                                         ("apiVersion", "kind", "metadata")]
                schema["$schema"] = "http://json-schema.org/draft-07/schema#"
                schema["$comment"] = (f"derived by scripts/derive_schemas.py from CRD {crd['metadata']['name']} "
                                      f"version {version['name']} ({os.path.basename(path)})")
                name = f"{kind.lower()}-{group.split('.')[0]}-{version['name']}.json"
                write_json(os.path.join(schemas, "argocd", "jsonschema-strict", name), schema)


def bicep_index(schemas):
    root = os.path.join(schemas, "bicep-types")
    files = sorted(glob.glob(os.path.join(root, "generated", "**", "types.json"), recursive=True))
    if not files:
        sys.exit("derive: no bicep-types/generated/**/types.json")
    resources = {}
    for path in files:
        relative = os.path.relpath(path, root).replace(os.sep, "/")
        with open(path, encoding="utf-8") as f:
            nodes = json.load(f)
        for index, node in enumerate(nodes):
            if node.get("$type") == "ResourceType":
                resources.setdefault(node["name"], []).append(f"{relative}#/{index}")
    write_json(os.path.join(root, "index.json"), resources)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    schemas = sys.argv[1]
    devcontainer(schemas)
    argocd(schemas)
    bicep_index(schemas)
    print(f"derive: offline devcontainer schema, strict Argo CD schemas and the bicep-types index in {schemas}")


if __name__ == "__main__":
    main()
