//! Workload shapes (issue 9): workers without a port, run-once and scheduled
//! jobs, a Service port apart from the container's, and services exposed
//! through an Ingress per tier. Renders with the goldens' chart through
//! `helm` and `kubernetes-validate` from `$INCEPTION_TOOLS` (default
//! `.tools`, installed by `scripts/install-tools`): a missing tool fails.

use std::path::{Path, PathBuf};
use std::process::Command;

use inception::pipeline::{self, Compiled};
use inception::source::SourceFile;

use crate::support::{TempDir, inception, root, text};

fn tools() -> PathBuf {
    std::env::var_os("INCEPTION_TOOLS").map_or_else(|| root().join(".tools"), PathBuf::from)
}

/// The minimal environment's spec, with `from` replaced by `to`.
fn minimal_with(from: &str, to: &str) -> String {
    let spec = std::fs::read_to_string(root().join("environments/minimal/inception.kdl")).expect("minimal spec");
    assert!(spec.contains(from), "the minimal spec has no {from:?}");
    spec.replacen(from, to, 1)
}

fn compile(text: &str) -> Compiled {
    let source = SourceFile::new("inception.kdl", text);
    match pipeline::compile_source(&source, "inception.kdl") {
        Ok(compiled) => compiled,
        Err(error) => panic!("does not compile:\n{:?}", miette::Report::new(error)),
    }
}

/// `inception lint` of a spec: its exit code and every error's headline.
fn lint(spec: &str) -> (i32, Vec<String>) {
    let dir = TempDir::new("workloads");
    std::fs::write(dir.path().join("inception.kdl"), spec).expect("write spec");
    let output = inception(dir.path(), &["lint"]);
    let (_, stderr) = text(&output);
    let headlines = stderr
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("× "))
        .filter(|l| !l.contains("nothing was written"))
        .map(str::to_owned)
        .collect();
    (output.status.code().unwrap_or(-1), headlines)
}

/// `helm template` of a service of a golden tree in a tier, with extra values files.
fn render(tree: &str, service: &str, tier: &str, extra: &[&Path]) -> String {
    let deploy = root().join("golden").join(tree).join("deploy");
    let mut command = Command::new(tools().join("bin/helm"));
    command
        .args(["template", service])
        .arg(deploy.join("charts/service"))
        .arg("-f")
        .arg(deploy.join(format!("values/{service}/values.yaml")))
        .arg("-f")
        .arg(deploy.join(format!("values/{service}/values-{tier}.yaml")))
        .args(["--namespace", tier]);
    for file in extra {
        command.arg("-f").arg(file);
    }
    let out = command.output().expect("run helm (scripts/install-tools)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// kubernetes-validate --strict, as `scripts/validate` runs it: success and its output.
fn kubernetes_validate(documents: &str) -> (bool, String) {
    let dir = TempDir::new("kv");
    let file = dir.path().join("rendered.yaml");
    std::fs::write(&file, documents).expect("write render");
    let out = Command::new(tools().join("venv/bin/kubernetes-validate"))
        .args(["--strict", "-k", "1.30"])
        .arg(&file)
        .output()
        .expect("run kubernetes-validate (scripts/install-tools)");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success() && !text.contains("WARN"), text)
}

fn kinds(documents: &str) -> Vec<&str> {
    documents.lines().filter_map(|l| l.strip_prefix("kind: ")).collect()
}

#[test]
fn a_worker_renders_no_service_and_only_the_probe_it_declares() {
    let worker = render("minimal", "worker", "local", &[]);
    assert_eq!(kinds(&worker), ["ServiceAccount", "Deployment"], "{worker}");
    assert!(!worker.contains("containerPort"), "{worker}");
    for probe in ["startupProbe:", "readinessProbe:", "livenessProbe:"] {
        let at = worker.find(probe).unwrap_or_else(|| panic!("{probe} declared with `health exec`:\n{worker}"));
        assert!(worker[at..].trim_start_matches(probe).trim_start().starts_with("exec:"), "{worker}");
    }
    // Without `health`, no probe at all.
    let dir = TempDir::new("worker");
    let compiled = compile(&minimal_with("    health exec cat \"/tmp/ready\"\n", ""));
    let values = compiled.artifact("deploy/values/worker/values.yaml").expect("worker values").text.clone();
    assert!(!values.contains("probe") && !values.contains("port"), "{values}");
    let file = dir.path().join("values.yaml");
    std::fs::write(&file, &values).expect("write values");
    let out = Command::new(tools().join("bin/helm"))
        .args(["template", "worker"])
        .arg(root().join("golden/minimal/deploy/charts/service"))
        .arg("-f")
        .arg(&file)
        .output()
        .expect("run helm");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bare = String::from_utf8_lossy(&out.stdout);
    assert!(!bare.contains("Probe:") && !bare.contains("kind: Service\n"), "{bare}");
}

#[test]
fn a_scheduled_job_renders_a_cronjob_kubernetes_validate_accepts() {
    let cronjob = render("minimal", "nightly-report", "local", &[]);
    assert_eq!(kinds(&cronjob), ["ServiceAccount", "CronJob"], "{cronjob}");
    for line in [
        "  schedule: \"0 2 * * *\"\n",
        "  timeZone: \"Europe/London\"\n",
        "  concurrencyPolicy: Forbid\n",
        "  successfulJobsHistoryLimit: 3\n",
        "  failedJobsHistoryLimit: 3\n",
        "      backoffLimit: 2\n",
        "      activeDeadlineSeconds: 1800\n",
        "          restartPolicy: Never\n",
    ] {
        assert!(cronjob.contains(line), "{line:?} in:\n{cronjob}");
    }
    assert!(!cronjob.contains("Probe:") && !cronjob.contains("preStop"), "{cronjob}");
    let (ok, report) = kubernetes_validate(&cronjob);
    assert!(ok, "kubernetes-validate refused the CronJob:\n{report}");
    // The validator reads the CronJob: a time zone that is not a string fails.
    let (ok, report) = kubernetes_validate(&cronjob.replace("timeZone: \"Europe/London\"", "timeZone: 5"));
    assert!(!ok, "kubernetes-validate accepted a broken CronJob:\n{report}");
}

#[test]
fn a_job_runs_again_when_what_it_runs_changes_and_not_on_a_resync() {
    let name = |documents: &str| {
        let at = documents.find("kind: Job\n").expect("a Job");
        documents[at..].lines().find_map(|l| l.strip_prefix("  name: ")).expect("its name").to_owned()
    };
    let first = render("minimal", "migrate", "local", &[]);
    assert!(first.contains("  backoffLimit: 1\n") && first.contains("      restartPolicy: Never\n"), "{first}");
    assert!(!first.contains("ttlSecondsAfterFinished"), "Argo CD would re-create a deleted Job");
    let again = render("minimal", "migrate", "local", &[]);
    assert_eq!(name(&first), name(&again), "the same revision: the same Job");
    assert!(name(&first).starts_with("migrate-") && name(&first).len() == "migrate-".len() + 8, "{}", name(&first));
    let dir = TempDir::new("job");
    let release = dir.path().join("release.yaml");
    std::fs::write(&release, "image:\n  tag: 9713c433\n").expect("write values");
    assert_ne!(name(&first), name(&render("minimal", "migrate", "local", &[&release])), "a new image: a new Job");
    let (ok, report) = kubernetes_validate(&first);
    assert!(ok, "{report}");
}

#[test]
fn needs_injects_the_service_port_and_the_service_maps_it_to_the_container() {
    let worker = std::fs::read_to_string(root().join("golden/minimal/deploy/values/worker/values.yaml")).unwrap();
    assert!(worker.contains("  WEB_PUBLIC_HOST: web-public\n  WEB_PUBLIC_PORT: \"80\"\n"), "{worker}");
    let web = render("minimal", "web-public", "local", &[]);
    assert!(web.contains("    - name: app\n      port: 80\n      targetPort: app\n"), "{web}");
    assert!(web.contains("            - name: app\n              containerPort: 8080\n"), "{web}");
    // The tier's NetworkPolicy admits the consumer on the container's port, where the traffic
    // arrives (polyglot: web needs gateway, `port 8080 service=80`).
    let polyglot = root().join("golden/polyglot/deploy");
    let values = std::fs::read_to_string(polyglot.join("values/web/values.yaml")).unwrap();
    assert!(values.contains("  GATEWAY_HOST: gateway\n  GATEWAY_PORT: \"80\"\n"), "{values}");
    let gateway = std::fs::read_to_string(polyglot.join("network/local/service-gateway.yaml")).unwrap();
    assert!(gateway.contains("  name: service-gateway\n"), "gateway's policy:\n{gateway}");
    assert!(
        gateway.contains("  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          app.kubernetes.io/name: web\n    ports:\n    - protocol: TCP\n      port: 8080\n"),
        "{gateway}"
    );
    // `needs` on a run-once job orders, and injects nothing.
    let web = std::fs::read_to_string(root().join("golden/minimal/deploy/values/web/values.yaml")).unwrap();
    assert!(!web.contains("MIGRATE_"), "{web}");
}

#[test]
fn an_exposed_service_gets_an_ingress_per_tier_with_tls_in_the_cloud() {
    let prod = render("serenity", "api", "prod", &[]);
    let ingress = &prod[prod.find("kind: Ingress\n").expect("an Ingress in prod")..];
    for line in [
        "    kubernetes.azure.com/tls-cert-keyvault-uri: \"https://kv-serenity-prod-",
        "  ingressClassName: \"webapprouting.kubernetes.azure.com\"\n",
        "        - \"api.serenity.example.com\"\n      secretName: \"keyvault-api\"\n",
        "    - host: \"api.serenity.example.com\"\n",
        "                name: api\n                port:\n                  name: app\n",
    ] {
        assert!(ingress.contains(line), "{line:?} in:\n{ingress}");
    }
    // The tier's NetworkPolicy admits the controller's namespace on the container port.
    let golden_network = |tier: &str| {
        let path = format!("golden/serenity/deploy/network/{tier}/service-api.yaml");
        let text = std::fs::read_to_string(root().join(path)).unwrap();
        assert!(text.contains("  name: service-api\n"), "api's policy:\n{text}");
        text
    };
    let admits = |namespace: &str| {
        format!(
            "  - from:\n    - namespaceSelector:\n        matchLabels:\n          kubernetes.io/metadata.name: {namespace}\n    ports:\n    - protocol: TCP\n      port: 8080\n"
        )
    };
    assert!(golden_network("prod").contains(&admits("app-routing-system")), "the controller reaches the pods");
    let local = render("serenity", "api", "local", &[]);
    assert!(local.contains("  ingressClassName: \"nginx\"\n"), "{local}");
    assert!(local.contains("    - host: \"api.local.serenity.example.com\"\n"), "{local}");
    assert!(!local.contains("tls:") && !local.contains("tls-cert-keyvault-uri"), "no TLS on Minikube:\n{local}");
    assert!(golden_network("local").contains(&admits("ingress-nginx")), "Minikube's controller reaches the pods");
    let golden = root().join("golden/serenity");
    let read = |path: &str| std::fs::read_to_string(golden.join(path)).unwrap();
    let cluster = read("infra/modules/cluster.bicep");
    assert!(cluster.contains("    ingressProfile: {\n      webAppRouting: {\n        enabled: true\n"), "{cluster}");
    assert!(read("infra/modules/key-vault.bicep").contains("principalId: ingressPrincipalId"));
    assert!(
        read(".devcontainer/devcontainer.json")
            .contains("minikube start --driver=docker --kubernetes-version=v1.36.0 --addons=ingress")
    );
    assert!(read("deploy/bootstrap/local.sh").contains("--addons=ingress"));
    // No exposure on Minikube, no addon.
    let minimal = compile(&minimal_with("    expose host=\"web.hello.localhost\"\n", ""));
    assert!(!minimal.artifact(".devcontainer/devcontainer.json").unwrap().text.contains("--addons"));
}

#[test]
fn symmetry_attributes_the_host_to_the_tier_or_its_override() {
    let spec = root().join("environments/serenity");
    let spec = spec.to_str().unwrap();
    let run = |from: &str, to: &str| {
        let output = inception(&root(), &["symmetry", from, to, "--spec", spec]);
        assert!(output.status.success(), "{}", text(&output).1);
        text(&output).0
    };
    let near = run("dev", "staging");
    let identity = near.find("tier identity").expect("identity differences");
    let host = near.find("ingress.host: api.dev.serenity.example.com → api.staging.serenity.example.com").expect(&near);
    assert!(host > identity, "the host differs by the tier's name:\n{near}");
    let far = run("beta", "prod");
    let over = far.find("override of api in prod").expect(&far);
    let host = far.find("ingress.host: api.beta.serenity.example.com → api.serenity.example.com").expect(&far);
    assert!(host > over && far[over..host].lines().count() <= 2, "prod's host is its override's:\n{far}");
}

#[test]
fn shapes_are_refused_where_they_cannot_work_each_with_one_error() {
    let cases: [(&str, &str, &str); 9] = [
        ("    port 8000\n", "    port 0\n", "port 0 is not a port"),
        ("    needs migrate ", "    needs migrate worker ", "worker `worker` has no port, nothing can reach it"),
        (
            "    needs migrate ",
            "    needs nightly-report ",
            "job `nightly-report` runs on a schedule; nothing can wait for it",
        ),
        ("\"0 2 * * *\"", "\"0 25 * * *\"", "`0 25 * * *` is not a cron schedule"),
        ("time-zone=\"Europe/London\"", "time-zone=\"BST\"", "`BST` is not an IANA time zone name"),
        (" time-zone=\"Europe/London\"", "", "`schedule` needs `time-zone=`"),
        ("host=\"web.hello.localhost\"", "host=\"*.hello.localhost\"", "`*.hello.localhost` is not a host name"),
        ("    health exec cat \"/tmp/ready\"\n", "    health \"/ready\"\n", "service `worker` has no port to probe"),
        ("    retries 1\n", "    retries 1\n    port 8080\n", "unknown"),
    ];
    for (from, to, expected) in cases {
        let (code, errors) = lint(&minimal_with(from, to));
        assert_eq!(code, 2, "{to:?}: {errors:?}");
        assert_eq!(errors.len(), 1, "{to:?}: one error, not {errors:?}");
        assert!(errors[0].contains(expected), "{to:?}: {errors:?}");
    }
    // A refused `port 0` is not a worker too: needing it adds nothing.
    let spec = minimal_with("    port 8000\n", "    port 0\n").replacen(
        "    needs web-public ",
        "    needs web-public web ",
        1,
    );
    let (code, errors) = lint(&spec);
    assert_eq!((code, errors.len()), (2, 1), "{errors:?}");
}

#[test]
fn a_job_takes_no_reloader_or_debugger_that_would_keep_it_running() {
    let compiled = compile(&minimal_with(
        "    revision HEAD\n",
        "    revision HEAD\n    concession hot-reload\n    concession debug\n",
    ));
    let values =
        |service: &str| compiled.artifact(&format!("deploy/values/{service}/values-local.yaml")).unwrap().text.clone();
    assert!(values("web").contains("watchfiles") && values("web").contains("debugpy"), "{}", values("web"));
    for job in ["migrate", "nightly-report"] {
        let text = values(job);
        assert!(
            !text.contains("watchfiles") && !text.contains("debugpy") && !text.contains("command"),
            "{job}: {text}"
        );
    }
}
