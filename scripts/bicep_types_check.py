#!/usr/bin/env python3
"""Type check of Bicep resource bodies against the Azure resource type definitions.

usage: bicep_types_check.py TYPES_DIR FILE.bicep...

TYPES_DIR holds the definitions the Bicep compiler itself checks against, in the layout of
Azure/bicep-types-az: `index.json` ("Type@apiVersion" -> ["generated/.../types.json#/N"])
and `generated/**/types.json`. scripts/install-tools puts them in
$INCEPTION_TOOLS/schemas/bicep-types; a missing folder is an error (exit 2), never a skip.

For every `resource` of every file, at its exact `Type@apiVersion`:
  - the type and API version exist in the definitions (an `existing` resource too);
  - every property path of the body exists (Bicep's BCP037), is not read-only, and its
    value has the declared type: string, int (with its bounds), bool, array, object, and
    for a string literal the declared enum (Bicep's BCP036/BCP088);
  - every required property is present (Bicep's BCP035);
  - a value that is a parameter is checked by the parameter's declared type and, when it
    has @allowed values, each allowed value against the enum.
  - every `module` call passes only the parameters the module declares, and every one it
    declares without a default.
Expressions (function calls, property accesses, interpolated strings) have a type only
the Bicep compiler can infer: their values are not checked, their property paths are.

Prints one line per finding, "FILE:LINE: error: Type@apiVersion PATH: MESSAGE", and a
summary line on stderr; exits 1 if there is any finding, 2 on bad usage or a missing
TYPES_DIR. Run it with the validators venv's python (pycep-parser).
"""

import json
import re
import sys
from pathlib import Path

from lark import Token
from pycep import BicepParser
from pycep.transformer import BicepToJson

REQUIRED, READ_ONLY = 1, 2
# Keys of a resource declaration that are Bicep's, not the resource body's.
BICEP_KEYS = {"parent", "scope", "dependsOn"}


class Ref(str):
    """An identifier in a value position: a parameter, variable, resource or loop item."""


class Lit(str):
    """A string literal without interpolation: its value is known."""


class Interp(str):
    """A string with interpolation: a string whose value is not known."""


class Transformer(BicepToJson):
    """pycep's transformer, keeping apart what it writes as plain strings."""

    def string(self, arg):
        token = arg[0]
        text = super().string(arg)
        if isinstance(token, Token) and token.type == "STRING":
            return Ref(text)
        if "${" in str(token):
            return Interp(text)
        return Lit(text)

    def multi_line_string(self, arg):
        return Lit(super().multi_line_string(arg))


class Types:
    """The definitions: the index and the type arrays, loaded on demand."""

    def __init__(self, root):
        self.root = Path(root)
        self.index = json.loads((self.root / "index.json").read_text(encoding="utf-8"))
        self.files = {}

    def resource(self, type_version):
        """(file, body node) of a `Type@apiVersion`, or None."""
        refs = self.index.get(type_version)
        if refs is None:
            lower = type_version.lower()
            refs = next((v for k, v in self.index.items() if k.lower() == lower), None)
        if not refs:
            return None
        path, _, n = refs[0].partition("#/")
        nodes = self.load(path)
        resource = nodes[int(n)]
        return nodes, self.deref(nodes, resource["body"])

    def load(self, path):
        if path not in self.files:
            self.files[path] = json.loads((self.root / path).read_text(encoding="utf-8"))
        return self.files[path]

    @staticmethod
    def deref(nodes, ref):
        return nodes[int(ref["$ref"][2:])]

    def versions(self, type_name):
        prefix = type_name.lower() + "@"
        return sorted(k.split("@", 1)[1] for k in self.index if k.lower().startswith(prefix))


def describe(nodes, node, depth=0):
    """A short rendering of a type, as Bicep prints it."""
    t = node["$type"]
    if t == "StringLiteralType":
        return f"'{node['value']}'"
    if t == "UnionType" and depth < 2:
        return " | ".join(describe(nodes, Types.deref(nodes, e), depth + 1) for e in node["elements"])
    return {
        "StringType": "string",
        "IntegerType": "int",
        "BooleanType": "bool",
        "ArrayType": "array",
        "ObjectType": "object",
        "DiscriminatedObjectType": "object",
        "AnyType": "any",
    }.get(t, t)


def kind_of(value):
    """The Bicep type of a literal value, or None when it is an expression."""
    if isinstance(value, (Lit, Interp)):
        return "string"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        if "loop_type" in value and "config" in value:
            return "array"
        if set(value) <= {"function", "operator"} or "lambda" in value or not value:
            return None if value else "object"
        return "object"
    return None


PARAM_KINDS = {"string": "string", "int": "int", "bool": "bool", "array": "array", "object": "object"}


class Checker:
    def __init__(self, types, path, tree, lines):
        self.types = types
        self.path = path
        self.tree = tree
        self.lines = lines
        self.findings = []
        self.params = tree.get("parameters") or {}

    # --- reporting -------------------------------------------------------------------------
    def line_of(self, span, key):
        """The first line within SPAN that writes KEY:, else the span's first line."""
        start, end = span
        pattern = re.compile(r"^\s*'?" + re.escape(key) + r"'?\s*:")
        for n in range(start, min(end, len(self.lines)) + 1):
            if pattern.match(self.lines[n - 1]):
                return n
        return start

    def report(self, span, where, path, key, message):
        line = self.line_of(span, key) if key else span[0]
        shown = ".".join(path) if path else "(body)"
        self.findings.append(f"{self.path}:{line}: error: {where} {shown}: {message}")

    # --- resources -------------------------------------------------------------------------
    def check(self):
        for resource in (self.tree.get("resources") or {}).values():
            self.resource(resource)
        for module in (self.tree.get("modules") or {}).values():
            self.module(module)
        return self.findings

    def resource(self, resource):
        where = f"{resource['type']}@{resource['api_version']}"
        span = (resource.get("__start_line__", 1), resource.get("__end_line__", len(self.lines)))
        found = self.types.resource(where)
        if found is None:
            known = self.types.versions(resource["type"])
            hint = f"; the definitions hold {', '.join(known)}" if known else "; no version of this type is defined"
            self.report(span, where, [], None, f"unknown resource type or API version{hint}")
            return
        if resource.get("existing"):
            return
        nodes, body = found
        config = unwrap(resource["config"])
        if not isinstance(config, dict):
            return
        config = {k: v for k, v in config.items() if k not in BICEP_KEYS}
        self.object(nodes, body, config, [], span, where)

    def object(self, nodes, node, value, path, span, where):
        """Check an object literal VALUE against an ObjectType or DiscriminatedObjectType."""
        if node["$type"] == "DiscriminatedObjectType":
            key = node["discriminator"]
            chosen = value.get(key)
            props = dict(node.get("baseProperties", {}))
            if isinstance(chosen, Lit):
                element = node["elements"].get(chosen)
                if element is None:
                    allowed = " | ".join(f"'{k}'" for k in sorted(node["elements"]))
                    self.report(span, where, path + [key], key, f"'{chosen}' is not one of {allowed}")
                    return
                props.update(Types.deref(nodes, element).get("properties", {}))
            elif chosen is None:
                self.report(span, where, path, None, f"the required discriminator '{key}' is missing")
                return
            else:
                return  # an expression chooses the element: only the compiler knows which
            additional = None
        else:
            props = node.get("properties", {})
            additional = node.get("additionalProperties")
        for key, item in value.items():
            here = path + [key]
            declared = props.get(key)
            if declared is None:
                if additional is not None:
                    self.value(nodes, Types.deref(nodes, additional), item, here, span, where)
                    continue
                close = [k for k in props if k.lower() == key.lower()]
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.report(span, where, here, key, f"unknown property{hint}")
                continue
            flags = declared.get("flags", 0)
            if flags & READ_ONLY and not flags & REQUIRED:
                self.report(span, where, here, key, "read-only property: Azure sets it, a template cannot")
                continue
            self.value(nodes, Types.deref(nodes, declared["type"]), item, here, span, where)
        for key, declared in props.items():
            flags = declared.get("flags", 0)
            if flags & REQUIRED and not flags & READ_ONLY and key not in value:
                self.report(span, where, path + [key], None, "required property is missing")

    def value(self, nodes, node, value, path, span, where):
        t = node["$type"]
        key = path[-1] if path else None
        if t == "AnyType":
            return
        if isinstance(value, dict) and "loop_type" in value and "config" in value:
            if t == "ArrayType":
                self.value(nodes, Types.deref(nodes, node["itemType"]), unwrap(value), path + ["[]"], span, where)
            else:
                self.report(span, where, path, key, f"expected {describe(nodes, node)}, got a `for` loop (an array)")
            return
        if isinstance(value, dict) and set(value) == {"operator"} and value["operator"].get("type") == "conditional":
            operands = value["operator"]["operands"]
            self.value(nodes, node, operands["true_value"], path, span, where)
            self.value(nodes, node, operands["false_value"], path, span, where)
            return
        if value is None:
            return  # null: Bicep omits the property
        if isinstance(value, Ref):
            self.reference(nodes, node, value, path, span, where)
            return
        kind = kind_of(value)
        if kind is None:
            return  # an expression
        if t == "UnionType":
            elements = [Types.deref(nodes, e) for e in node["elements"]]
            if kind == "string" and isinstance(value, Lit):
                literals = [e["value"] for e in elements if e["$type"] == "StringLiteralType"]
                if value in literals or any(e["$type"] in ("StringType", "AnyType") for e in elements):
                    return
                if literals and all(e["$type"] == "StringLiteralType" for e in elements):
                    self.report(span, where, path, key, f"'{value}' is not one of {describe(nodes, node)}")
                    return
            for element in elements:
                if self.matches(nodes, element, value):
                    if kind == "object":
                        self.value(nodes, element, value, path, span, where)
                    return
            self.report(span, where, path, key, f"expected {describe(nodes, node)}, got {kind}")
            return
        if not self.matches(nodes, node, value):
            expected = describe(nodes, node)
            got = f"'{value}'" if isinstance(value, Lit) else kind
            self.report(span, where, path, key, f"expected {expected}, got {got}")
            return
        if t in ("ObjectType", "DiscriminatedObjectType"):
            self.object(nodes, node, value, path, span, where)
        elif t == "ArrayType" and isinstance(value, list):
            item = Types.deref(nodes, node["itemType"])
            for i, element in enumerate(value):
                self.value(nodes, item, element, path + [f"[{i}]"], span, where)
        elif t == "IntegerType":
            low, high = node.get("minValue"), node.get("maxValue")
            if (low is not None and value < low) or (high is not None and value > high):
                self.report(span, where, path, key, f"{value} is outside {low}..{high}")
        elif t == "StringType" and isinstance(value, Lit):
            low, high = node.get("minLength"), node.get("maxLength")
            if (low is not None and len(value) < low) or (high is not None and len(value) > high):
                self.report(span, where, path, key, f"'{value}' has {len(value)} characters, not {low}..{high}")

    def matches(self, nodes, node, value):
        """Whether a literal VALUE has the type NODE (shape only)."""
        t = node["$type"]
        kind = kind_of(value)
        if t == "AnyType" or kind is None:
            return True
        if t == "UnionType":
            return any(self.matches(nodes, Types.deref(nodes, e), value) for e in node["elements"])
        if t == "StringLiteralType":
            return kind == "string" and (not isinstance(value, Lit) or value == node["value"])
        return {
            "StringType": "string",
            "IntegerType": "int",
            "BooleanType": "bool",
            "ArrayType": "array",
            "ObjectType": "object",
            "DiscriminatedObjectType": "object",
        }.get(t) == kind

    def reference(self, nodes, node, name, path, span, where):
        """A parameter passed as a value: its declared type, and its @allowed values."""
        param = self.params.get(name)
        if param is None or not isinstance(param.get("type"), str):
            return  # a variable, resource or loop item: only the compiler infers its type
        kind = PARAM_KINDS.get(param["type"])
        key = path[-1] if path else None
        allowed = next((d.get("argument") for d in param.get("decorators") or [] if d.get("type") == "allowed"), None)
        if allowed:
            for option in allowed:
                literal = Lit(option) if isinstance(option, str) else option
                probe = Checker(self.types, self.path, self.tree, self.lines)
                probe.value(nodes, node, literal, path, span, where)
                for finding in probe.findings:
                    self.findings.append(f"{finding} (an @allowed value of parameter '{name}')")
            return
        if kind is None:
            return
        sample = {"string": Interp(""), "int": 0, "bool": False, "array": [], "object": {}}[kind]
        if not self.matches(nodes, node, sample):
            self.report(span, where, path, key, f"expected {describe(nodes, node)}, got parameter '{name}' of type {kind}")

    # --- modules ---------------------------------------------------------------------------
    def module(self, module):
        detail = module.get("detail") or {}
        if module.get("type") != "local" or not detail.get("path"):
            return
        target = (Path(self.path).parent / detail["path"]).resolve()
        span = (module.get("__start_line__", 1), module.get("__end_line__", len(self.lines)))
        where = f"module {detail['path']}"
        try:
            declared = parse(target).get("parameters") or {}
        except Exception as exc:  # noqa: BLE001 - a module that does not parse is a finding
            self.report(span, where, [], None, f"cannot read the module: {exc}")
            return
        config = unwrap(module.get("config"))
        given = (config or {}).get("params") or {}
        if not isinstance(given, dict):
            return
        for key in given:
            if key not in declared:
                self.report(span, where, ["params", key], key, "the module declares no such parameter")
        for key, param in declared.items():
            if param.get("default") is None and key not in given and not param.get("nullable"):
                self.report(span, where, ["params", key], None, "required parameter is missing")


def unwrap(config):
    """The object of a resource or item behind `if (...)` and `[for ...]` wrappers."""
    while isinstance(config, dict) and "config" in config and ("condition" in config or "loop_type" in config):
        config = config["config"]
    return config


PARSER = None


def parse(path):
    global PARSER
    if PARSER is None:
        PARSER = BicepParser(add_line_numbers=True)
    tree = PARSER._create_tree(text=None, file_path=Path(path))
    return Transformer(add_line_numbers=True).transform(tree)


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    root = Path(argv[0])
    if not (root / "index.json").is_file():
        print(
            f"bicep_types_check: no type definitions at {root} (expected index.json and generated/**/types.json):"
            " run scripts/install-tools",
            file=sys.stderr,
        )
        return 2
    types = Types(root)
    findings = 0
    for f in argv[1:]:
        try:
            tree = parse(f)
        except Exception as exc:  # noqa: BLE001 - a file that does not parse is a finding
            print(f"{f}:1: error: does not parse: {str(exc).splitlines()[0]}")
            findings += 1
            continue
        lines = Path(f).read_text(encoding="utf-8").splitlines()
        for finding in Checker(types, f, tree, lines).check():
            print(finding)
            findings += 1
    sys.stdout.flush()
    print(f"bicep-types: {len(argv) - 1} file(s), {findings} finding(s)", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
