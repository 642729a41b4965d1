"""Extract the inline Helm values of Argo CD Applications that deploy the generic chart.

usage: inline_values.py OUTDIR APPLICATION.yaml...

For each Application whose source path is deploy/charts/service and that carries
spec.source.helm.valuesObject, writes OUTDIR/<n>.yaml and prints one line:
APPLICATION<TAB>VALUES_FILE<TAB>NAMESPACE<TAB>RELEASE
Exit 1 if a file cannot be read as YAML.
"""
import pathlib
import sys

import yaml


def main(argv):
    out = pathlib.Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    status = 0
    for n, name in enumerate(argv[2:]):
        try:
            app = yaml.safe_load(pathlib.Path(name).read_text())
        except (OSError, yaml.YAMLError) as error:
            print(f"{name}: {error}", file=sys.stderr)
            status = 1
            continue
        spec = (app or {}).get("spec", {})
        source = spec.get("source", {})
        helm = source.get("helm", {})
        if not source.get("path", "").endswith("deploy/charts/service") or "valuesObject" not in helm:
            continue
        values = out / f"{n}.yaml"
        values.write_text(yaml.safe_dump(helm["valuesObject"], sort_keys=False))
        namespace = spec.get("destination", {}).get("namespace", "default")
        release = helm.get("releaseName") or app["metadata"]["name"]
        print(f"{name}\t{values}\t{namespace}\t{release}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
