#!/usr/bin/env python3
"""The wiring check: does every tier of a generated tree come up wired?

usage: wiring_check.py --helm HELM [--charts DIR] TREE...

For each tier listed in TREE/deploy/wiring.json (the provider catalog of
src/providers.rs resolved for the spec), it renders every Application of
deploy/argocd/TIER/ the way Argo CD does:

  - the generic chart (deploy/charts/service) with the Application's value
    files and its valuesObject (valuesObject wins), release and namespace;
    an operator's azure-TIER.yaml, absent from a generated tree, is replaced
    by a sample with placeholder ids so that the Key Vault objects render;
  - a directory source (Kafka's resources) by reading its files;
  - a third-party chart from --charts DIR (DIR/NAME-VERSION.tgz or
    DIR/NAME-VERSION/), or else `helm pull` from its repository; when neither
    works it says so plainly and relies on the catalog's facts for it.

Then it asserts, against the catalog:

  host       every *_HOST variable names a Service that the render or the
             catalog (a provider or its operator) creates in the namespace, and
             the *_PORT beside a rendered Service's host is one of its ports
  secret     every secretKeyRef names a Secret (and key) that exists before the
             pod starts: rendered, synced by a SecretProviderClass, made by the
             tier's bootstrap (local), or made by the provider per the catalog
  backing    each backing service's Application points its provider at the
             catalog's credentials Secret and release name
  image      every image (rendered, and the catalog's) is pinned by a tag other
             than latest or by digest, and none comes from docker.io/bitnami
  random     rendering twice gives the same bytes (nothing random at render time)
  project    every rendered object lands in the tier's namespace, and every cluster-scoped
             kind is in the tier's AppProject clusterResourceWhitelist
  network    the tier's NetworkPolicies (every file of deploy/network/TIER/, synced by its Application)
             admit every `needs` edge (a pod's *_HOST/*_PORT: from its pods to the pods the named
             Service selects, on the port it targets) and every flow wiring.json lists (a
             provider's own traffic, the Kubernetes API), in both directions (the source's egress
             and the destination's ingress), workers, Jobs and CronJobs included; every Ingress's
             backend admits the tier's ingress controller's namespace (wiring.json's
             ingressController) on the port its Service targets; and the namespace has a default deny
  minikube   a Minikube tier's requests (rendered workloads + the catalog's
             providers and allowances) fit the size its bootstrap starts
             Minikube with, and that size is wiring.json's

Prints `ok  wiring  TREE:TIER` or `FAIL  wiring  TREE:TIER` followed by one
indented line per finding, and for each third-party chart whether it was
rendered (`proven`) or not (`not proven`, with why). Exits 1 on any finding.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

GENERIC_CHART = "deploy/charts/service"
SAMPLE_AZURE = {
    "azure": {
        "clientId": "00000000-0000-0000-0000-000000000001",
        "tenantId": "00000000-0000-0000-0000-000000000002",
        "keyVaultName": "kv-wiring-sample",
    }
}
POD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod", "ReplicaSet"}
CLUSTER_KINDS = {
    "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration", "Namespace", "PriorityClass", "StorageClass", "PersistentVolume",
    "APIService", "IngressClass", "RuntimeClass", "CSIDriver", "ClusterIssuer",
}


def load_docs(text: str) -> list[dict]:
    return [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]


def synced_by_argocd(obj: dict) -> bool:
    """Argo CD never runs Helm test hooks (`helm.sh/hook: test`): they are not part of a sync."""
    hooks = ((obj.get("metadata") or {}).get("annotations") or {}).get("helm.sh/hook", "")
    return not any(h.strip().startswith("test") for h in hooks.split(","))


def cpu_millis(q) -> int:
    if q is None:
        return 0
    q = str(q)
    if q.endswith("m"):
        return int(float(q[:-1]) + 0.999)
    return int(float(q) * 1000 + 0.999)


UNITS = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024, "Ti": 1024 * 1024, "k": 1000 / 1048576,
         "M": 1e6 / 1048576, "G": 1e9 / 1048576, "T": 1e12 / 1048576}


def memory_mib(q) -> int:
    if q is None:
        return 0
    q = str(q)
    for suffix in sorted(UNITS, key=len, reverse=True):
        if q.endswith(suffix):
            return int(float(q[: -len(suffix)]) * UNITS[suffix] + 0.999)
    return int(float(q) / 1048576 + 0.999)


def pod_template(obj: dict) -> dict | None:
    """A workload's pod template (a Pod: itself); None for anything else."""
    kind = obj.get("kind")
    if kind == "Pod":
        return obj
    if kind in POD_KINDS:
        spec = obj.get("spec") or {}
        if kind == "CronJob":
            spec = (spec.get("jobTemplate") or {}).get("spec") or {}
        return spec.get("template") or {}
    return None


def pod_spec(obj: dict) -> dict | None:
    template = pod_template(obj)
    return None if template is None else template.get("spec") or {}


def containers(spec: dict) -> list[dict]:
    return list(spec.get("initContainers") or []) + list(spec.get("containers") or [])


def selects(selector: dict | None, labels: dict) -> bool:
    """A LabelSelector against a pod's labels (an empty selector selects every pod)."""
    selector = selector or {}
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for e in selector.get("matchExpressions") or []:
        key, op, values = e["key"], e["operator"], e.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def rule_admits(peers: list | None, ports: list | None, labels: dict | None, port: int) -> bool:
    """One ingress or egress rule: any peer (none: everything) on any port (none: every port).
    `labels` None is the Kubernetes API, which only an ipBlock admits; a pod of the tier's
    namespace is admitted by a podSelector without namespaceSelector."""
    if ports and not any(p.get("port") == port and p.get("protocol", "TCP") == "TCP" for p in ports):
        return False
    if not peers:
        return True
    for peer in peers:
        if labels is None:
            if "ipBlock" in peer:
                return True
        elif "podSelector" in peer and "namespaceSelector" not in peer and "ipBlock" not in peer:
            if selects(peer["podSelector"], labels):
                return True
    return False


def rule_admits_namespace(peers: list | None, ports: list | None, namespace: str, port: int) -> bool:
    """An ingress rule admitting every pod of another namespace (by its name label) on `port`."""
    if ports and not any(p.get("port") == port and p.get("protocol", "TCP") == "TCP" for p in ports):
        return False
    if not peers:
        return True
    return any(
        "namespaceSelector" in peer and "ipBlock" not in peer
        and selects(peer["namespaceSelector"], {"kubernetes.io/metadata.name": namespace})
        and not (peer.get("podSelector") or {})
        for peer in peers
    )


def fmt(labels: dict | None) -> str:
    return ",".join(f"{k}={v}" for k, v in (labels or {}).items()) or "every pod"


def image_problem(image: str) -> str | None:
    if "bitnami/" in image or image.startswith("bitnami"):
        return f"image {image} comes from Bitnami"
    if "@sha256:" in image:
        return None
    name = image.rsplit("/", 1)[-1]
    if ":" not in name:
        return f"image {image} is not pinned (no tag, no digest)"
    if name.rsplit(":", 1)[1] in ("latest", ""):
        return f"image {image} is not pinned (latest)"
    return None


class Tier:
    def __init__(self, tree: Path, wiring: dict, helm: str, charts: Path | None, work: Path, pulled: dict):
        self.tree, self.w, self.helm, self.charts, self.work = tree, wiring, helm, charts, work
        self.pulled = pulled  # (chart, version) -> path of the chart, or why it could not be had
        self.name = wiring["name"]
        self.namespace = wiring["namespace"]
        self.findings: list[str] = []
        self.proven: dict[str, str] = {}  # application file -> chart rendered
        self.objects: list[tuple[str, dict]] = []  # (application file, object)
        self.generic: set[str] = set()  # application files of the generic chart
        self.catalog_services = {s["name"]: s for b in wiring["backing"] for s in b["services"]}
        self.catalog_services |= {s["name"]: s for o in wiring.get("observability", []) for s in o["services"]}

    def fail(self, message: str) -> None:
        self.findings.append(message)

    # --- rendering ----------------------------------------------------------------
    def helm_template(self, chart: str, release: str, values: list[str], label: str, sets: list[str] | None = None) -> str | None:
        cmd = [self.helm, "template", release, chart, "--namespace", self.namespace]
        for v in values:
            cmd += ["-f", v]
        for s in sets or []:
            cmd += ["--set-string", s]  # the Application's helm.parameters (Argo CD passes them the same way)
        outputs = []
        for _ in range(2):
            run = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
            if run.returncode != 0:
                self.fail(f"{label}: helm template failed: {run.stderr.strip()[:400]}")
                return None
            outputs.append(run.stdout)
        if outputs[0] != outputs[1]:
            self.fail(f"random: {label} renders differently twice (a value made at render time)")
        return outputs[0]

    def fetch(self, chart: str, version: str, repo: str) -> str | None:
        key = (chart, str(version))
        if key not in self.pulled:
            self.pulled[key] = self.pull(chart, str(version), repo)
        found = self.pulled[key]
        return found if found and not found.startswith("!") else None

    def pull(self, chart: str, version: str, repo: str) -> str:
        if self.charts:
            for candidate in (self.charts / f"{chart}-{version}.tgz", self.charts / f"{chart}-{version}"):
                if candidate.exists():
                    return str(candidate)
        dest = self.work.parent / f"pull-{chart}-{version}"
        dest.mkdir(parents=True, exist_ok=True)
        if repo.startswith("http"):
            cmd = [self.helm, "pull", chart, "--repo", repo, "--version", version, "-d", str(dest)]
        else:
            cmd = [self.helm, "pull", f"oci://{repo}/{chart}", "--version", version, "-d", str(dest)]
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
        except subprocess.TimeoutExpired:
            return "!timed out"
        found = glob.glob(str(dest / "*.tgz"))
        if run.returncode == 0 and found:
            return found[0]
        text = run.stderr
        why = "the network is unreachable" if ("no such host" in text or "dial tcp" in text) else (text.strip().splitlines() or ["no chart"])[-1][:160]
        return "!" + why

    def third_party(self, app: str, source: dict, values_file: str | None) -> str | None:
        chart, version, repo = source.get("chart"), source.get("targetRevision"), source.get("repoURL", "")
        ref = self.fetch(chart, version, repo)
        if ref is None:
            return None
        text = self.helm_template(ref, source["helm"]["releaseName"], [values_file] if values_file else [], f"{app} ({chart} {version})")
        if text is not None:
            self.proven[app] = f"{chart} {version}"
        return text

    def render(self) -> None:
        folder = self.tree / "deploy/argocd" / self.name
        for path in sorted(folder.glob("*.yaml")):
            for doc in load_docs(path.read_text()):
                if doc.get("kind") == "Application":
                    self.render_app(path.name, doc)

    def render_app(self, file: str, app: dict) -> None:
        spec = app.get("spec") or {}
        source = spec.get("source") or {}
        dest = (spec.get("destination") or {}).get("namespace")
        helm = source.get("helm") or {}
        name = app["metadata"]["name"]
        values_file = None
        if "valuesObject" in helm:
            values_file = str(self.work / f"{name}.values.yaml")
            Path(values_file).write_text(yaml.safe_dump(helm["valuesObject"]))
        if source.get("path") == GENERIC_CHART:
            chart = self.tree / GENERIC_CHART
            files = []
            for vf in helm.get("valueFiles") or []:
                target = (chart / vf).resolve()
                if target.exists():
                    files.append(str(target))
                elif helm.get("ignoreMissingValueFiles") and Path(vf).name.startswith("azure-"):
                    sample = self.work / "azure-sample.yaml"
                    sample.write_text(yaml.safe_dump(SAMPLE_AZURE))
                    files.append(str(sample))
                else:
                    self.fail(f"{file}: value file {vf} does not exist")
            if values_file:
                files.append(values_file)
            sets = [f"{p['name']}={p['value']}" for p in helm.get("parameters") or []]
            text = self.helm_template(str(chart), helm.get("releaseName", name), files, file, sets)
            if text is not None and dest == self.namespace:
                self.generic.add(file)
                self.objects += [(file, o) for o in load_docs(text)]
        elif source.get("chart"):
            if dest != self.namespace:
                return  # Argo CD itself, in its own namespace
            text = self.third_party(file, source, values_file)
            if text is not None:
                rendered = [o for o in load_docs(text) if synced_by_argocd(o)]
                self.objects += [(file, o) for o in rendered]
                self.prove(file, rendered)
        elif source.get("directory") is not None and source.get("path", "").startswith(("deploy/backing/", "deploy/network")):
            include = source["directory"].get("include") or "*.yaml"
            for path in sorted((self.tree / source["path"]).glob(include)):
                self.objects += [(file, o) for o in load_docs(path.read_text())]

    def prove(self, file: str, rendered: list[dict]) -> None:
        """A provider chart rendered: the Services the catalog says it creates must be there."""
        names = {o["metadata"]["name"] for o in rendered if o.get("kind") == "Service"}
        for b in self.w["backing"]:
            if f"{b['service']}.yaml" != file:
                continue
            for service in b["services"]:
                if service["createdBy"].startswith("chart") and service["name"] not in names:
                    self.fail(f"host: the catalog says {service['createdBy']} creates Service {service['name']}; its render has {sorted(names)}")

    # --- assertions ---------------------------------------------------------------
    def check(self) -> None:
        services = {o["metadata"]["name"] for _, o in self.objects if o.get("kind") == "Service"}
        service_ports = {
            o["metadata"]["name"]: {str(p.get("port")) for p in (o.get("spec") or {}).get("ports") or []}
            for _, o in self.objects
            if o.get("kind") == "Service"
        }
        services |= set(self.catalog_services)
        secrets: dict[str, set[str] | None] = {}
        for _, o in self.objects:
            if o.get("kind") == "Secret":
                secrets[o["metadata"]["name"]] = set((o.get("data") or {}) | (o.get("stringData") or {}))
            if o.get("kind") == "SecretProviderClass" and self.w["cluster"] == "aks":
                for so in (o.get("spec") or {}).get("secretObjects") or []:
                    secrets[so["secretName"]] = {d["key"] for d in so.get("data") or []}
        for o in self.w.get("observability", []):
            for provided in o["secrets"]:
                secrets[provided["name"]] = set(provided["keys"])
        bootstrap = self.tree / "deploy/bootstrap" / f"{self.name}.sh"
        script = bootstrap.read_text() if bootstrap.exists() else ""
        for s in self.w["secrets"]:
            if self.w["cluster"] == "minikube":
                if re.search(rf"create secret generic {re.escape(s['name'])}( |$)", script, re.M):
                    secrets[s["name"]] = set(s["keys"])
                else:
                    self.fail(f"secret: {s['name']} is listed as made by {bootstrap.name}, which does not make it")
            elif s["name"] not in secrets and "credentials" in s["madeBy"]:
                self.fail(f"secret: {s['name']} should be synced from Key Vault, but no SecretProviderClass of the tier syncs it")

        project = self.tree / "deploy/argocd" / self.name / "project.yaml"
        allowed = set()
        if project.exists():
            for doc in load_docs(project.read_text()):
                allowed |= {w["kind"] for w in (doc.get("spec") or {}).get("clusterResourceWhitelist") or []}
        for file, o in self.objects:
            where = f"{file}: {o.get('kind')} {o.get('metadata', {}).get('name')}"
            namespace = (o.get("metadata") or {}).get("namespace")
            if o.get("kind") in CLUSTER_KINDS:
                if o.get("kind") not in allowed:
                    self.fail(f"project: {where}: cluster-scoped {o.get('kind')} is not in the AppProject's clusterResourceWhitelist")
            elif namespace not in (None, self.namespace):
                self.fail(f"project: {where} lands in namespace {namespace}, which the AppProject does not allow")
            spec = pod_spec(o)
            if spec is not None:
                for c in containers(spec):
                    problem = image_problem(str(c.get("image", "")))
                    if problem:
                        self.fail(f"image: {where}: {problem}")
                    for env in c.get("env") or []:
                        value = env.get("value")
                        if env["name"].endswith("_HOST") and isinstance(value, str) and value and "." not in value and "$(" not in value:
                            if value not in services:
                                self.fail(f"host: {where}: {env['name']}={value} names no Service in {self.namespace}")
                            port_name = env["name"][: -len("_HOST")] + "_PORT"
                            port = next((e.get("value") for e in c.get("env") or [] if e["name"] == port_name), None)
                            if port is not None and value in service_ports and str(port) not in service_ports[value]:
                                self.fail(f"host: {where}: {port_name}={port}, but Service {value} serves {sorted(service_ports[value])}")
                        ref = (env.get("valueFrom") or {}).get("secretKeyRef")
                        if ref:
                            self.secret_ref(where, ref, secrets)
            if o.get("kind") == "KafkaUser":
                ref = (((o.get("spec") or {}).get("authentication") or {}).get("password") or {}).get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    self.secret_ref(where, ref, secrets)
        for b in self.w["backing"]:
            for image in b["images"]:
                problem = image_problem(image)
                if problem:
                    self.fail(f"image: catalog {b['kind']}: {problem}")
            if b.get("chart"):
                app = self.tree / "deploy/argocd" / self.name / f"{b['service']}.yaml"
                doc = load_docs(app.read_text())[0] if app.exists() else {}
                values = json.dumps((((doc.get("spec") or {}).get("source") or {}).get("helm") or {}).get("valuesObject"))
                if f'"{b["secret"]}"' not in values:
                    self.fail(f"backing: {app.name} does not point {b['kind']} at its credentials Secret {b['secret']}")
                if f'"fullnameOverride": "{b["service"]}"' not in values:
                    self.fail(f"backing: {app.name} does not pin the provider's names to {b['service']} (fullnameOverride)")
        for o in self.w["operators"]:
            for image in o["images"]:
                problem = image_problem(image)
                if problem:
                    self.fail(f"image: catalog operator {o['id']}: {problem}")
        if self.w["cluster"] == "minikube":
            self.fit(script)
        if "network" in self.w:
            self.network()

    # --- network policies -----------------------------------------------------------
    def network(self) -> None:
        policies = [o for _, o in self.objects if o.get("kind") == "NetworkPolicy"]
        if not any(not (p["spec"].get("podSelector") or {}) and set(p["spec"].get("policyTypes") or []) == {"Ingress", "Egress"}
                   and not p["spec"].get("ingress") and not p["spec"].get("egress") for p in policies):
            self.fail("network: no default-deny NetworkPolicy (empty podSelector, Ingress and Egress, no rules)")
        # workload name -> (pod labels, container ports by name, the workload): Deployments and
        # StatefulSets, and the generic chart's Jobs and CronJobs (a worker is a Deployment).
        pods: dict[str, tuple[dict, dict, dict]] = {}
        for _, o in self.objects:
            template = pod_template(o)
            if template is None or o.get("kind") not in ("Deployment", "StatefulSet", "Job", "CronJob"):
                continue
            spec = template.get("spec") or {}
            labels = (template.get("metadata") or {}).get("labels") or {}
            named = {p.get("name"): p.get("containerPort") for c in spec.get("containers") or [] for p in c.get("ports") or []}
            kind = "" if o["kind"] in ("Deployment", "StatefulSet") else f"{o['kind']} "
            pods[f"{kind}{o['metadata']['name']}"] = (labels, named, o)
        services = {o["metadata"]["name"]: o for _, o in self.objects if o.get("kind") == "Service"}
        catalog = {s["name"]: s for b in self.w["backing"] for s in b["services"]}
        for name, (labels, _, obj) in sorted(pods.items()):
            env = {e["name"]: e.get("value") for c in containers(pod_spec(obj)) for e in c.get("env") or []}
            for key, host in sorted(env.items()):
                if not key.endswith("_HOST") or not isinstance(host, str):
                    continue
                port = env.get(key[: -len("_HOST")] + "_PORT")
                if port is None or not str(port).isdigit():
                    continue
                port = int(port)
                target = self.target(host, port, services, catalog, pods)
                if target is None:
                    continue  # the host check reports a Service that does not exist
                to, target_port = target
                self.allowed(policies, f"{name} needs {host}:{port}", labels, to, target_port)
        for flow in self.w["network"]["flows"]:
            for port in flow["ports"]:
                self.allowed(policies, flow["what"], flow["from"], flow.get("to"), port)
        # Every Ingress's backend admits the tier's ingress controller's namespace on the port
        # the backend Service targets (the controller reads the endpoints: the container port).
        controller = self.w["network"].get("ingressController") or {}
        for _, o in self.objects:
            if o.get("kind") != "Ingress":
                continue
            name = o["metadata"]["name"]
            spec = o.get("spec") or {}
            if spec.get("ingressClassName") != controller.get("className"):
                self.fail(f"network: Ingress {name}: class {spec.get('ingressClassName')}, but the tier's controller is {controller.get('className')}")
                continue
            namespace = controller["namespace"]
            for rule in spec.get("rules") or []:
                for path in ((rule.get("http") or {}).get("paths")) or []:
                    backend = (path.get("backend") or {}).get("service") or {}
                    port = (backend.get("port") or {}).get("number")
                    if port is None:  # by the Service port's name
                        service = services.get(backend.get("name")) or {}
                        port = next((sp.get("port") for sp in (service.get("spec") or {}).get("ports") or []
                                     if sp.get("name") == (backend.get("port") or {}).get("name")), None)
                    target = self.target(backend.get("name"), port, services, catalog, pods)
                    if target is None:
                        self.fail(f"network: Ingress {name}: backend {backend.get('name')}:{port} is no Service port")
                        continue
                    dst, target_port = target
                    inn = [p for p in policies if "Ingress" in (p["spec"].get("policyTypes") or []) and selects(p["spec"].get("podSelector"), dst)]
                    if inn and not any(rule_admits_namespace(r.get("from"), r.get("ports"), namespace, target_port)
                                       for p in inn for r in p["spec"].get("ingress") or []):
                        self.fail(f"network: Ingress {name}: no NetworkPolicy lets {fmt(dst)} receive from namespace {namespace} on {target_port}")

    def target(self, host, port, services, catalog, pods):
        service = services.get(host)
        if service is not None and (service.get("spec") or {}).get("selector"):
            selector = service["spec"]["selector"]
            for sp in service["spec"].get("ports") or []:
                if sp.get("port") == port:
                    target = sp.get("targetPort", port)
                    if isinstance(target, str):
                        target = next((named[target] for labels, named, _ in pods.values()
                                       if all(labels.get(k) == v for k, v in selector.items()) and target in named), None)
                    return (selector, target) if isinstance(target, int) else None
            return None
        if host in catalog and catalog[host].get("podLabels"):
            return catalog[host]["podLabels"], port
        return None

    def allowed(self, policies, what, src, dst, port) -> None:
        """`dst` None: the Kubernetes API (an ipBlock egress on `port`)."""
        out = [p for p in policies if "Egress" in (p["spec"].get("policyTypes") or []) and selects(p["spec"].get("podSelector"), src)]
        if out and not any(rule_admits(r.get("to"), r.get("ports"), dst, port) for p in out for r in p["spec"].get("egress") or []):
            self.fail(f"network: {what}: no NetworkPolicy lets {fmt(src)} send to {fmt(dst) if dst is not None else 'the Kubernetes API'} on {port}")
        if dst is None:
            return
        inn = [p for p in policies if "Ingress" in (p["spec"].get("policyTypes") or []) and selects(p["spec"].get("podSelector"), dst)]
        if inn and not any(rule_admits(r.get("from"), r.get("ports"), src, port) for p in inn for r in p["spec"].get("ingress") or []):
            self.fail(f"network: {what}: no NetworkPolicy lets {fmt(dst)} receive from {fmt(src)} on {port}")

    def secret_ref(self, where: str, ref: dict, secrets: dict) -> None:
        name, key = ref.get("name"), ref.get("key")
        if ref.get("optional"):
            return
        if name not in secrets:
            self.fail(f"secret: {where}: secretKeyRef {name}/{key} names no Secret that exists before the pod starts")
        elif secrets[name] is not None and key not in secrets[name]:
            self.fail(f"secret: {where}: Secret {name} has no key {key}")

    def fit(self, script: str) -> None:
        size = self.w.get("minikube") or {}
        cpu = mem = 0
        for file, o in self.objects:
            spec = pod_spec(o)
            if spec is None or file not in self.generic or o.get("kind") not in ("Deployment", "StatefulSet", "Job", "CronJob"):
                continue
            replicas = (o.get("spec") or {}).get("replicas", 1) or 0
            for c in spec.get("containers") or []:
                req = ((c.get("resources") or {}).get("requests")) or {}
                cpu += replicas * cpu_millis(req.get("cpu"))
                mem += replicas * memory_mib(req.get("memory"))
        backing = {b["service"] for b in self.w["backing"]}
        for line in size.get("requests", []):
            what = line["what"]
            if what.startswith("service ") and what.split()[1] not in backing:
                continue  # a generic-chart service: counted from its render above
            cpu += line["requests"]["cpuMillis"]
            mem += line["requests"]["memoryMib"]
        cpus, memory = size.get("cpus", 0), size.get("memoryMib", 0)
        if cpu > cpus * 1000 or mem > memory:
            self.fail(f"minikube: the tier requests {cpu}m CPU and {mem} MiB; Minikube gets {cpus} CPUs and {memory} MiB")
        started = re.search(r"minikube start [^\n]*--cpus=(\d+) --memory=(\d+)", script)
        if not started:
            self.fail("minikube: the bootstrap does not start Minikube with --cpus and --memory")
        elif (int(started.group(1)), int(started.group(2))) != (cpus, memory):
            self.fail(f"minikube: the bootstrap starts Minikube with {started.group(1)} CPUs and {started.group(2)} MiB, wiring.json says {cpus} and {memory}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--helm", required=True)
    parser.add_argument("--charts", type=Path, default=None)
    parser.add_argument("trees", nargs="+", type=Path)
    args = parser.parse_args()
    failed = 0
    with tempfile.TemporaryDirectory(prefix="wiring-") as tmp:
        pulled: dict = {}
        for tree in args.trees:
            wiring_file = tree / "deploy/wiring.json"
            if not wiring_file.exists():
                print(f"ok  wiring  {tree}: no Argo CD tiers (no deploy/wiring.json)")
                continue
            wiring = json.loads(wiring_file.read_text())
            for tier_wiring in wiring["tiers"]:
                work = Path(tmp) / f"{tree.name}-{tier_wiring['name']}"
                work.mkdir(parents=True, exist_ok=True)
                tier = Tier(tree, tier_wiring, args.helm, args.charts, work, pulled)
                tier.render()
                tier.check()
                label = f"{tree}:{tier.name}"
                if tier.findings:
                    failed += 1
                    print(f"FAIL  wiring  {label}")
                    for f in tier.findings:
                        print(f"    {f}")
                else:
                    print(f"ok  wiring  {label} ({len(tier.objects)} objects rendered)")
                for app, chart in sorted(tier.proven.items()):
                    print(f"    proven against the real chart: {app} ({chart})")
        missing = sorted(f"{c} {v}: {why[1:]}" for (c, v), why in pulled.items() if why.startswith("!"))
        if missing:
            print("wiring: NOT proven against the real charts (the catalog's facts stand for them):")
            for line in missing:
                print(f"    {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
