//! Azure that deploys (issue 11): a supported cluster version, the people
//! the spec names granted exactly their roles in every cloud tier, `lint`
//! naming who is locked out, and names that survive deleting a tier.

use std::collections::BTreeMap;

use inception::model::aks_versions::{self as aks, Support};
use inception::pipeline;
use inception::source::SourceFile;

use crate::support::{TempDir, inception, root, text};

fn compile(name: &str, text: &str) -> BTreeMap<String, String> {
    match pipeline::compile_source(&SourceFile::new(name, text), "inception.kdl") {
        Ok(compiled) => compiled.outputs().into_iter().collect(),
        Err(error) => panic!("{name} does not compile:\n{:?}", miette::Report::new(error)),
    }
}

fn reference() -> (String, BTreeMap<String, String>) {
    let spec = std::fs::read_to_string(root().join("environments/serenity/inception.kdl")).expect("reference spec");
    let outputs = compile("inception.kdl", &spec);
    (spec, outputs)
}

/// The string arguments of the first `NODE` line inside `tier TIER { … }` of `azure`.
fn spec_values(spec: &str, tier: &str, node: &str) -> Vec<String> {
    let azure = spec.split("\nazure {").nth(1).expect("an azure node");
    let block = azure.split(&format!("tier {tier} {{")).nth(1).expect("the tier's block");
    let block = block.split('}').next().unwrap_or_default();
    let line = block.lines().map(str::trim).find(|l| l.starts_with(&format!("{node} "))).expect("the node");
    line.split('"').skip(1).step_by(2).map(str::to_owned).collect()
}

/// The items of `param NAME = [ … ]` in a `.bicepparam`.
fn param_array(bicepparam: &str, name: &str) -> Vec<String> {
    let rest = bicepparam.split(&format!("param {name} = ")).nth(1).unwrap_or_else(|| panic!("no {name}"));
    if rest.starts_with("[]") {
        return Vec::new();
    }
    let body = rest.split(']').next().unwrap_or_default();
    body.lines().map(str::trim).filter(|l| l.starts_with('\'')).map(|l| l.trim_matches('\'').to_owned()).collect()
}

const CLOUD_TIERS: [&str; 4] = ["dev", "staging", "beta", "prod"];

#[test]
fn each_role_is_granted_in_each_cloud_tier_to_the_group_the_spec_names() {
    let (spec, outputs) = reference();
    for tier in CLOUD_TIERS {
        let params = &outputs[&format!("infra/{tier}.bicepparam")];
        for (node, param) in [
            ("cluster-admins", "clusterAdminGroupIds"),
            ("secret-operators", "secretOperatorGroupIds"),
            ("operator-ip-ranges", "operatorIpRanges"),
        ] {
            let wanted = spec_values(&spec, tier, node);
            assert!(!wanted.is_empty(), "the reference spec names {node} for {tier}");
            assert_eq!(param_array(params, param), wanted, "{tier}: {param}");
        }
    }
    let main = &outputs["infra/main.bicep"];
    assert!(main.contains("adminGroupIds: clusterAdminGroupIds"), "main.bicep passes the admins to the cluster");
    assert!(main.contains("secretOperatorGroupIds: secretOperatorGroupIds"), "and the operators to the vault");
    // Each role, by its built-in id, to groups, at the resource it governs.
    for (module, role, scope) in [
        ("infra/modules/cluster.bicep", "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b", "scope: cluster"),
        ("infra/modules/key-vault.bicep", "b86a8fe4-44ce-4948-aee5-eccb2c155cd7", "scope: vault"),
        ("infra/modules/lab.bicep", "76283e04-6283-4c54-8f91-bcf1374a3c64", "scope: lab"),
    ] {
        let text = &outputs[module];
        let role_var = text.lines().find(|l| l.contains(role)).expect("the role");
        let var = role_var.trim_start_matches("var ").split(' ').next().expect("its variable");
        let assignment = text
            .split("'Microsoft.Authorization/roleAssignments@2022-04-01' = [for group in ")
            .nth(1)
            .unwrap_or_else(|| panic!("{module}: no role assignment per group"));
        let assignment = assignment.split("}]").next().unwrap_or_default();
        for expected in [scope, &format!("roleDefinitionId: {var}"), "principalId: group", "principalType: 'Group'"] {
            assert!(assignment.contains(expected), "{module} lacks {expected}:\n{assignment}");
        }
    }
    let labs = &outputs["infra/lab.bicepparam"];
    let azure = spec.split("\nazure {").nth(1).expect("azure");
    let users = azure.lines().find(|l| l.trim().starts_with("lab-users ")).expect("lab-users");
    let users: Vec<String> = users.split('"').skip(1).step_by(2).map(str::to_owned).collect();
    assert_eq!(param_array(labs, "labUserGroupIds"), users);
}

#[test]
fn lint_names_who_is_locked_out_when_the_spec_names_no_groups() {
    let dir = TempDir::new("azure-lint");
    let spec = std::fs::read_to_string(root().join("environments/serenity/inception.kdl")).expect("reference spec");
    // The reference spec without any group: drop lab-users and the tier blocks.
    let azure_start = spec.find("\n    // Who may do what").expect("the access section");
    let stripped = format!("{}\n}}\n", &spec[..azure_start]);
    std::fs::write(dir.path().join("inception.kdl"), &stripped).expect("write");
    let out = inception(dir.path(), &["lint", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let codes: Vec<String> = value["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| format!("{} {}", f["code"].as_str().unwrap_or_default(), f["message"].as_str().unwrap_or_default()))
        .collect();
    for tier in CLOUD_TIERS {
        for (code, what) in [("no_cluster_admins", "kubectl"), ("no_secret_operators", "secrets")] {
            assert!(
                codes.iter().any(|c| c.contains(code) && c.contains(&format!("`{tier}`")) && c.contains(what)),
                "no {code} for {tier} in {codes:#?}"
            );
        }
    }
    assert!(codes.iter().any(|c| c.contains("no_lab_users")), "{codes:#?}");
    // The reference spec itself names every group: lint is clean.
    let clean = inception(&root().join("environments/serenity"), &["lint"]);
    assert_eq!(clean.status.code(), Some(0), "{:?}", text(&clean));
}

#[test]
fn lint_reports_a_kubectl_more_than_one_minor_from_the_cluster() {
    let dir = TempDir::new("azure-skew");
    let spec = std::fs::read_to_string(root().join("environments/serenity/inception.kdl")).expect("reference spec");
    let skewed = spec.replace("tool kubectl \"1.36.0\"", "tool kubectl \"1.34.2\"");
    assert_ne!(skewed, spec, "the reference spec pins kubectl 1.36.0");
    std::fs::write(dir.path().join("inception.kdl"), &skewed).expect("write");
    let out = inception(dir.path(), &["lint"]);
    assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));
    let (_, stderr) = text(&out);
    assert!(stderr.contains("inception::lint::kubectl_skew"), "{stderr}");
    assert!(
        stderr.contains("kubectl 1.34.2 is more than one minor version from the AKS clusters' Kubernetes 1.36"),
        "{stderr}"
    );
}

/// In every golden tree with AKS tiers (a tree without Azure, like
/// `minimal`, runs only Minikube and may pin any Kubernetes).
#[test]
fn no_generated_kubernetes_version_is_out_of_aks_support_on_the_tables_date() {
    let trees: Vec<std::path::PathBuf> = std::fs::read_dir(root().join("golden"))
        .expect("golden/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("infra/main.bicep").is_file())
        .collect();
    assert!(!trees.is_empty(), "a golden tree has AKS tiers");
    let mut seen = 0;
    for entry in trees.iter().flat_map(|t| walk(t)) {
        let Ok(text) = std::fs::read_to_string(&entry) else { continue };
        let mut versions: Vec<String> = Vec::new();
        if let Some(rest) = text.split("param kubernetesVersion string = '").nth(1) {
            versions.push(rest.split('\'').next().unwrap_or_default().to_owned());
        }
        for rest in text.split("--kubernetes-version=v").skip(1) {
            versions
                .push(rest.split(|c: char| !(c.is_ascii_digit() || c == '.')).next().unwrap_or_default().to_owned());
        }
        for version in versions {
            seen += 1;
            let minor = aks::minor_of(&version).unwrap_or_else(|| panic!("{}: `{version}`", entry.display()));
            assert!(
                matches!(aks::support(minor, aks::TABLE_READ), Support::Supported { .. }),
                "{}: Kubernetes {version} is not supported by AKS on {}",
                entry.display(),
                aks::show(aks::TABLE_READ)
            );
        }
    }
    assert!(seen >= 2, "the goldens name the cluster's and Minikube's Kubernetes");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable").flatten() {
        let path = entry.path();
        if path.is_dir() { files.extend(walk(&path)) } else { files.push(path) }
    }
    files
}

const WITHOUT_SETTINGS: &str = r#"inception 1
project shop {
    repo "https://github.com/shop/shop.git"
    registry "shopacr.azurecr.io"
}
toolchain {
    base "mcr.microsoft.com/devcontainers/base:1.0.9-bookworm"
}
tier dev {
    cluster aks
    revision "1111111111111111111111111111111111111111"
    image web "sha256:1111111111111111111111111111111111111111111111111111111111111111"
}
tier prod {
    cluster aks
    revision "2222222222222222222222222222222222222222"
    image web "sha256:2222222222222222222222222222222222222222222222222222222222222222"
}
service web {
    build "services/web"
    port 8080
    storage uploads
}
azure {
    location westeurope
}
"#;

#[test]
fn without_settings_the_newest_supported_minor_and_staggered_windows_apply() {
    let outputs = compile("inception.kdl", WITHOUT_SETTINGS);
    let newest = aks::newest_supported(aks::TABLE_READ).expect("a supported minor");
    let main = &outputs["infra/main.bicep"];
    assert!(main.contains(&format!("param kubernetesVersion string = '1.{newest}'")), "{main}");
    let dev = &outputs["infra/dev.bicepparam"];
    let prod = &outputs["infra/prod.bicepparam"];
    assert!(dev.contains("param maintenanceDay = 'Monday'") && prod.contains("param maintenanceDay = 'Tuesday'"));
    assert!(dev.contains("param maintenanceStartTime = '02:00'") && dev.contains("param maintenanceDurationHours = 4"));
    for param in ["clusterAdminGroupIds", "secretOperatorGroupIds", "operatorIpRanges", "apiServerAuthorizedIpRanges"] {
        assert!(param_array(dev, param).is_empty(), "{param}");
    }
}

#[test]
fn globally_named_resources_keep_their_names_and_differ_between_organisations() {
    let ours = compile("inception.kdl", WITHOUT_SETTINGS);
    let again = compile("inception.kdl", WITHOUT_SETTINGS);
    let theirs = compile("inception.kdl", &WITHOUT_SETTINGS.replace("github.com/shop/shop", "github.com/other/shop"));
    let name = |outputs: &BTreeMap<String, String>, param: &str| {
        let params = &outputs["infra/dev.bicepparam"];
        let rest = params.split(&format!("param {param} = '")).nth(1).unwrap_or_else(|| panic!("no {param}"));
        rest.split('\'').next().unwrap_or_default().to_owned()
    };
    for param in ["keyVaultName", "storageAccountName"] {
        let first = name(&ours, param);
        assert_eq!(first, name(&again, param), "{param} is deterministic");
        assert_ne!(first, name(&theirs, param), "{param} differs for another repository");
        assert!(first.len() <= 24, "{first}");
    }
    // The Helm values name the same storage account the deployment creates.
    let account = name(&ours, "storageAccountName");
    assert!(ours["deploy/values/web/values-dev.yaml"].contains(&format!("account: {account}")));
    // A soft-deleted vault is recovered, not collided with.
    let vault = &ours["infra/modules/key-vault.bicep"];
    assert!(vault.contains("createMode: createMode") && vault.contains("'recover'"), "{vault}");
}

#[test]
fn a_registry_host_that_is_no_acr_name_is_refused_with_the_rule() {
    let spec = std::fs::read_to_string(root().join("environments/serenity/inception.kdl")).expect("reference spec");
    assert!(spec.contains("registry \"cloudwall.azurecr.io\""), "the reference spec names its ACR");
    for bad in ["acme", "my-team", "a.b"] {
        let text = spec.replace("registry \"cloudwall.azurecr.io\"", &format!("registry \"{bad}.azurecr.io\""));
        let error = pipeline::load(&SourceFile::new("inception.kdl", text)).expect_err("refused");
        let report = format!("{:?}", miette::Report::new(*error));
        assert!(report.contains(&format!("`{bad}` is not an Azure Container Registry name")), "{report}");
        assert!(report.contains("5 to 50 letters and digits"), "{report}");
    }
    let upper = spec.replace("registry \"cloudwall.azurecr.io\"", "registry \"CloudWall2.azurecr.io\"");
    assert!(pipeline::load(&SourceFile::new("inception.kdl", upper)).is_ok(), "ACR names are case-insensitive");
}
