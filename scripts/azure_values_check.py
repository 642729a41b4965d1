"""Check a chart rendering made with a sample azure-TIER.yaml.

usage: azure_values_check.py RENDERED.yaml OUT_BUILTIN.yaml

Writes the built-in kinds to OUT_BUILTIN.yaml (for kubernetes-validate) and
checks what kubernetes-validate has no schema for: the SecretProviderClass of
the Secrets Store CSI driver's Azure provider, the service account's
workload-identity annotation and the pod's label. Exit 1 with a message on
the first problem.
"""
import sys

import yaml


def fail(message):
    print(message)
    sys.exit(1)


def main(rendered, out):
    docs = [d for d in yaml.safe_load_all(open(rendered)) if d]
    kinds = {d["kind"]: d for d in docs}
    for kind in ("ServiceAccount", "Deployment", "SecretProviderClass"):
        if kind not in kinds:
            fail(f"{rendered}: no {kind} rendered with the Azure values")
    sa, deployment, spc = kinds["ServiceAccount"], kinds["Deployment"], kinds["SecretProviderClass"]
    if "azure.workload.identity/client-id" not in sa["metadata"].get("annotations", {}):
        fail("the service account lacks azure.workload.identity/client-id")
    pod = deployment["spec"]["template"]
    if pod["metadata"]["labels"].get("azure.workload.identity/use") != "true":
        fail('the pod lacks the label azure.workload.identity/use: "true"')
    if spc.get("apiVersion") != "secrets-store.csi.x-k8s.io/v1" or spc["spec"].get("provider") != "azure":
        fail("the SecretProviderClass is not secrets-store.csi.x-k8s.io/v1 with provider azure")
    parameters = spc["spec"].get("parameters", {})
    for key in ("usePodIdentity", "clientID", "keyvaultName", "tenantId", "objects"):
        if not isinstance(parameters.get(key), str) or not parameters[key]:
            fail(f"SecretProviderClass parameters.{key} is missing or not a string")
    objects = yaml.safe_load(parameters["objects"])["array"]
    names = [yaml.safe_load(o)["objectName"] for o in objects]
    synced = [d["objectName"] for s in spc["spec"].get("secretObjects", []) for d in s.get("data", [])]
    if sorted(names) != sorted(synced):
        fail(f"Key Vault objects {names} and the objects synced into Secrets {synced} differ")
    mounted = [v for v in pod["spec"]["volumes"] if v.get("csi", {}).get("driver") == "secrets-store.csi.k8s.io"]
    if not mounted or mounted[0]["csi"]["volumeAttributes"]["secretProviderClass"] != spc["metadata"]["name"]:
        fail("no pod volume mounts the SecretProviderClass (the driver syncs Secrets only while mounted)")
    with open(out, "w") as handle:
        yaml.safe_dump_all([d for d in docs if d["kind"] != "SecretProviderClass"], handle)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
