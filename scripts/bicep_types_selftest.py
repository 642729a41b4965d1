#!/usr/bin/env python3
"""Shows that the type check catches what it is for: deliberately broken copies.

usage: bicep_types_selftest.py TYPES_DIR MODULES_DIR

Takes generated modules (infra/modules/ of a golden tree: cluster.bicep, key-vault.bicep) and
the main.bicep beside them, and writes one copy per breakage below, each changing one line;
runs scripts/bicep_types_check.py on the intact files (they must pass) and on each copy (it
must fail with the expected finding). A copy of main.bicep sits beside a link to the modules,
so its module calls resolve.
A breakage whose line is no longer in the file fails too: the test never passes vacuously.
Prints one line per case; exits 1 if any case does not behave, 2 on bad usage.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

CHECKER = Path(__file__).with_name("bicep_types_check.py")

# (name, module, line to find, its replacement, text the finding must contain)
CASES = [
    (
        "unknown property",
        "cluster.bicep",
        "    disableLocalAccounts: true\n",
        "    disableLocalAccounts: true\n    disableLocalAcounts: true\n",
        "properties.disableLocalAcounts: unknown property",
    ),
    (
        "wrong enum",
        "key-vault.bicep",
        "      name: 'standard'\n",
        "      name: 'standart'\n",
        "properties.sku.name: 'standart' is not one of 'standard' | 'premium'",
    ),
    (
        "wrong enum in an @allowed parameter value",
        "key-vault.bicep",
        "  'recover'\n",
        "  'recovery'\n",
        "properties.createMode: 'recovery' is not one of 'recover' | 'default' (an @allowed value of parameter 'createMode')",
    ),
    (
        "missing required property",
        "cluster.bicep",
        "        name: 'system'\n",
        "",
        "properties.agentPoolProfiles.[0].name: required property is missing",
    ),
    (
        "wrong type",
        "cluster.bicep",
        "        maxPods: 110\n",
        "        maxPods: '110'\n",
        "properties.agentPoolProfiles.[0].maxPods: expected int, got '110'",
    ),
    (
        "read-only property",
        "cluster.bicep",
        "    disableLocalAccounts: true\n",
        "    disableLocalAccounts: true\n    provisioningState: 'Succeeded'\n",
        "properties.provisioningState: read-only property",
    ),
    (
        "unknown module parameter",
        "../main.bicep",
        "    nodeSubnetPrefix: nodeSubnetPrefix\n",
        "    nodeSubnetPrefix: nodeSubnetPrefix\n    nodeSubnetPrefx: nodeSubnetPrefix\n",
        "params.nodeSubnetPrefx: the module declares no such parameter",
    ),
    (
        "missing module parameter",
        "../main.bicep",
        "    nodeSubnetPrefix: nodeSubnetPrefix\n",
        "",
        "params.nodeSubnetPrefix: required parameter is missing",
    ),
    (
        "unknown API version",
        "cluster.bicep",
        "'Microsoft.ContainerService/managedClusters@",
        "'Microsoft.ContainerService/managedClusters@2000-01-01-x",
        "unknown resource type or API version",
    ),
]


def run(types, path):
    out = subprocess.run(
        [sys.executable, str(CHECKER), str(types), str(path)], capture_output=True, text=True, check=False
    )
    return out.returncode, out.stdout + out.stderr


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    types, modules = argv[0], Path(argv[1])
    bad = 0
    for module in sorted({case[1] for case in CASES}):
        code, output = run(types, modules / module)
        if code != 0:
            print(f"FAIL  intact {modules / module}: the checker should pass it (exit {code}):\n{output}")
            bad += 1
        else:
            print(f"ok  intact {modules / module} passes")
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "modules").symlink_to(modules.resolve(), target_is_directory=True)
        for i, (name, module, find, replace, expect) in enumerate(CASES):
            original = modules / module
            text = original.read_text(encoding="utf-8")
            if find not in text:
                print(f"FAIL  {name}: the line to break ({find.strip()!r}) is not in {original}")
                bad += 1
                continue
            copy = Path(tmp) / f"broken-{i}.bicep"  # beside modules/, as main.bicep is
            copy.write_text(text.replace(find, replace, 1), encoding="utf-8")
            code, output = run(types, copy)
            if code == 1 and expect in output:
                finding = next(l for l in output.splitlines() if expect in l)
                print(f"ok  {name} caught: {finding.split(': error: ', 1)[-1]}")
            else:
                print(f"FAIL  {name}: expected exit 1 and {expect!r}, got exit {code}:\n{output}")
                bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
