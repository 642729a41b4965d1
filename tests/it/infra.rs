//! The Azure infrastructure on real rendered output: what the reference spec
//! must produce (issue 4), what specs without a cloud tier or without labs
//! produce, and that no secret value reaches any file.

use std::collections::BTreeMap;

use inception::pipeline::{self, Compiled};
use inception::source::SourceFile;

use crate::support::root;

/// Specs that exercise what the reference spec does not: labs without a
/// cloud tier, no `lab-vm`, a repository DevTest Labs cannot read, services
/// with only a secret or only storage, hyphenated and long names.
pub const EDGE_SPECS: &[(&str, &str)] = &[
    (
        "labs-only.kdl",
        r#"inception 1
project hello {
    repo "https://gitlab.com/hello/hello.git"
    registry "hello.azurecr.io"
}
toolchain {
    base "mcr.microsoft.com/devcontainers/base:1.0.9-bookworm"
    user dev
    tool minikube "1.33.1"
    docker-in-docker "26.1.4"
}
tier local {
    cluster minikube
    revision HEAD
}
service web {
    build "services/web"
    port 8000
}
azure {
    location westeurope
    lab-regions westeurope australiaeast
}
"#,
    ),
    (
        "identities.kdl",
        r#"inception 1
project a-rather-long-platform-name {
    repo "https://dev.azure.com/org/platform/_git/platform"
    registry "ghcr.io"
}
toolchain {
    base "mcr.microsoft.com/devcontainers/base:1.0.9-bookworm"
}
tier pre-production {
    cluster aks
    revision "0123456789abcdef0123456789abcdef01234567"
    image market-data "sha256:f58ff5e1e3acb63bc454ea3bef0336117d231f55e34ca93cf5be6960fb1e34f8"
    image report-writer "sha256:bbe997787c89431f1cca7168b5afdb0150ab33e2192e31b18260172fc9020b63"
    image web "sha256:4b5e57f6eb2f42b9039b3d1e13929295f231749c510cbe341cd68036d9af97e2"
}
service market-data {
    build "services/market-data"
    port 8000
    secret API_KEY="exchange-api-key"
}
service report-writer {
    build "services/report-writer"
    port 8000
    storage daily-reports archive
}
service web {
    build "services/web"
    port 8080
    secret SESSION_KEY="web-session-key" API_KEY="exchange-api-key"
    storage archive
}
azure {
    location westeurope
}
"#,
    ),
    (
        "bare-cloud.kdl",
        r#"inception 1
project bare
toolchain {
    base "mcr.microsoft.com/devcontainers/base:1.0.9-bookworm"
}
tier prod {
    cluster aks
    revision "0123456789abcdef0123456789abcdef01234567"
}
service web {
    image "nginx:1.27.0@sha256:5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65"
    port 80
}
azure {
    location northeurope
}
"#,
    ),
];

fn compile(name: &str, text: &str) -> Compiled {
    match pipeline::compile_source(&SourceFile::new(name, text), "inception.kdl") {
        Ok(compiled) => compiled,
        Err(error) => panic!("{name} does not compile:\n{:?}", miette::Report::new(error)),
    }
}

fn environment(name: &str) -> Compiled {
    let text = std::fs::read_to_string(root().join(format!("environments/{name}/inception.kdl"))).expect("spec");
    compile(name, &text)
}

fn edge(name: &str) -> Compiled {
    let (_, text) = EDGE_SPECS.iter().find(|(n, _)| *n == name).expect("edge spec");
    compile(name, text)
}

fn file<'a>(outputs: &'a BTreeMap<String, String>, path: &str) -> &'a str {
    outputs
        .get(path)
        .unwrap_or_else(|| panic!("{path} is not generated; have {:?}", outputs.keys().collect::<Vec<_>>()))
}

fn infra_paths(outputs: &BTreeMap<String, String>) -> Vec<&str> {
    outputs.keys().map(String::as_str).filter(|p| p.starts_with("infra/")).collect()
}

#[test]
fn every_cloud_tier_of_the_reference_spec_has_its_bicepparam_and_local_has_none() {
    let outputs = environment("serenity").outputs();
    for tier in ["dev", "staging", "beta", "prod"] {
        let params = file(&outputs, &format!("infra/{tier}.bicepparam"));
        assert!(params.contains("using './main.bicep'"), "{tier}");
        assert!(params.contains(&format!("param tier = '{tier}'")), "{tier}");
        assert!(params.contains(&format!("param clusterName = 'aks-serenity-{tier}'")), "{tier}");
    }
    assert!(!outputs.contains_key("infra/local.bicepparam"));
    let params: Vec<&str> = infra_paths(&outputs).into_iter().filter(|p| p.ends_with(".bicepparam")).collect();
    assert_eq!(
        params,
        [
            "infra/beta.bicepparam",
            "infra/dev.bicepparam",
            "infra/lab.bicepparam",
            "infra/prod.bicepparam",
            "infra/staging.bicepparam"
        ]
    );
}

#[test]
fn the_reference_spec_gets_a_storage_account_with_the_reports_container() {
    let outputs = environment("serenity").outputs();
    let main = file(&outputs, "infra/main.bicep");
    let storage = main.split("module storage './modules/storage.bicep'").nth(1).expect("a storage module call");
    let containers = storage.split("containers: [").nth(1).and_then(|s| s.split(']').next()).expect("containers");
    assert_eq!(containers.split_whitespace().collect::<Vec<_>>(), ["'reports'"]);
    let module = file(&outputs, "infra/modules/storage.bicep");
    assert!(module.contains("'Microsoft.Storage/storageAccounts@2026-04-01'"));
    assert!(module.contains("[for container in containers:"));
    for setting in [
        "minimumTlsVersion: 'TLS1_2'",
        "supportsHttpsTrafficOnly: true",
        "allowBlobPublicAccess: false",
        "allowSharedKeyAccess: false",
        "publicAccess: 'None'",
    ] {
        assert!(module.contains(setting), "{setting}");
    }
    let dev = file(&outputs, "infra/dev.bicepparam");
    assert!(dev.contains("param storageAccountName = 'stserenitydev6b0e3b'"), "{dev}");
    // The services' Helm values name the same account in the same tier.
    let values = file(&outputs, "deploy/values/risk/values-dev.yaml");
    assert!(values.contains("account: stserenitydev6b0e3b"), "{values}");
}

#[test]
fn the_cluster_has_workload_identity_acr_pull_key_vault_rbac_and_monitoring() {
    let outputs = environment("serenity").outputs();
    let cluster = file(&outputs, "infra/modules/cluster.bicep");
    for setting in [
        "oidcIssuerProfile: {\n      enabled: true",
        "workloadIdentity: {\n        enabled: true",
        "omsagent: {\n        enabled: true",
        "logAnalyticsWorkspaceResourceID: workspaceId",
        "'Microsoft.Insights/dataCollectionRuleAssociations@2024-03-11'",
        "disableLocalAccounts: true",
        "networkPolicy: 'cilium'",
    ] {
        assert!(cluster.contains(setting), "cluster.bicep lacks {setting:?}");
    }
    let pull = file(&outputs, "infra/modules/registry-pull.bicep");
    assert!(pull.contains("'7f951dda-4ed3-4680-a7ca-43fe172d538d'"), "AcrPull");
    let main = file(&outputs, "infra/main.bicep");
    assert!(main.contains("principalId: cluster.outputs.kubeletObjectId"), "AcrPull goes to the kubelet identity");
    assert!(main.contains("param registryName string = 'cloudwall'"), "the project's ACR");
    let vault = file(&outputs, "infra/modules/key-vault.bicep");
    for setting in ["enableRbacAuthorization: true", "enablePurgeProtection: true", "defaultAction: 'Deny'"] {
        assert!(vault.contains(setting), "key-vault.bicep lacks {setting}");
    }
}

#[test]
fn risk_gets_one_federated_identity_with_only_its_roles() {
    let outputs = environment("serenity").outputs();
    let main = file(&outputs, "infra/main.bicep");
    // Only risk reads a secret or a container, so only risk has an identity,
    // besides the credentials release that syncs the backing services' Secrets.
    assert_eq!(main.matches("'./modules/workload-identity.bicep'").count(), 2);
    let credentials = main
        .split("module credentialsIdentity './modules/workload-identity.bicep'")
        .nth(1)
        .expect("the credentials release's identity");
    let credentials = credentials.split("\n}\n").next().unwrap_or_default();
    assert!(credentials.contains("subject: 'system:serviceaccount:${tier}:credentials'"), "{credentials}");
    assert!(credentials.contains("readsSecrets: true") && credentials.contains("containers: []"), "{credentials}");
    for object in ["timescaledb-username", "timescaledb-password", "redis-password", "kafka-password"] {
        assert!(main.contains(&format!("  '{object}'\n")), "secretNames lists {object}");
    }
    let risk = main.split("module riskIdentity './modules/workload-identity.bicep'").nth(1).expect("risk's identity");
    let risk = risk.split("\n}\n").next().unwrap_or_default();
    assert!(risk.contains("subject: 'system:serviceaccount:${tier}:risk'"), "{risk}");
    assert!(risk.contains("readsSecrets: true"), "{risk}");
    assert!(risk.contains("containers: [\n      'reports'\n    ]"), "{risk}");
    assert!(main.contains("risk: riskIdentity.outputs.clientId"));
    let module = file(&outputs, "infra/modules/workload-identity.bicep");
    assert!(
        module.contains("'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2024-11-30'")
    );
    assert!(module.contains("'api://AzureADTokenExchange'"));
    assert!(module.contains("'4633458b-17de-408a-b874-0445c86b69e6'"), "Key Vault Secrets User");
    assert!(module.contains("'ba92f5b4-2d11-453d-a403-e96b0029c9fe'"), "Storage Blob Data Contributor");
    assert!(module.contains("scope: blobContainers[i]"), "scoped to the service's containers, not the account");
    assert!(module.contains("= if (readsSecrets)"), "the vault role only for a service that reads secrets");
}

#[test]
fn the_reference_spec_gets_four_labs_one_per_region_with_the_same_vm() {
    let outputs = environment("serenity").outputs();
    let params = file(&outputs, "infra/lab.bicepparam");
    assert!(params.contains("using './lab.bicep'"));
    let regions: Vec<&str> =
        params.lines().filter_map(|l| l.trim().strip_prefix("region: '")).map(|r| r.trim_end_matches('\'')).collect();
    assert_eq!(regions, ["eastus", "northeurope", "southeastasia", "japaneast"]);
    assert!(params.contains("timeZoneId: 'Tokyo Standard Time'"));
    assert!(params.contains("param vmSize = 'Standard_D8s_v5'\nparam dataDiskSizeGb = 256"));
    assert!(params.contains("param userName = 'vscode'"));
    assert!(params.contains("param repositoryUrl = 'https://github.com/cloudwall/serenity.git'"));
    let lab = file(&outputs, "infra/lab.bicep");
    assert!(lab.contains("module labDeployments './modules/lab.bicep' = [for lab in labs: {"));
    let module = file(&outputs, "infra/modules/lab.bicep");
    for resource in [
        "labs@2018-09-15",
        "labs/virtualnetworks@2018-09-15",
        "labs/formulas@2018-09-15",
        "labs/schedules@2018-09-15",
        "labs/artifactsources@2018-09-15",
    ] {
        assert!(module.contains(&format!("'Microsoft.DevTestLab/{resource}'")), "{resource}");
    }
    assert!(module.contains("taskType: 'LabVmsShutdownTask'"));
    assert!(module.contains("artifacts/linux-install-docker'"), "Docker");
    assert!(module.contains("artifacts/prepare-workspace'"), "the clone");
    assert!(outputs.contains_key("infra/lab-artifacts/prepare-workspace/Artifactfile.json"));
    let script = file(&outputs, "infra/lab-artifacts/prepare-workspace/prepare-workspace.sh");
    assert!(script.starts_with("#!/bin/bash\n# Generated by inception"), "{script}");
    assert!(script.contains("git clone -- \"$repository\" \"$directory\""), "{script}");
}

#[test]
fn a_spec_without_azure_gets_no_infrastructure() {
    let outputs = environment("minimal").outputs();
    assert!(infra_paths(&outputs).is_empty(), "{:?}", infra_paths(&outputs));
}

#[test]
fn labs_without_a_cloud_tier_get_no_main_and_an_unreadable_repo_no_artifact() {
    let outputs = edge("labs-only.kdl").outputs();
    assert_eq!(infra_paths(&outputs), ["infra/lab.bicep", "infra/lab.bicepparam", "infra/modules/lab.bicep"]);
    let params = file(&outputs, "infra/lab.bicepparam");
    assert!(!params.contains("param vmSize"), "no lab-vm: lab.bicep's default size");
    assert!(!params.contains("repository"), "gitlab.com is not an artifact source DevTest Labs reads");
    assert!(params.contains("timeZoneId: 'AUS Eastern Standard Time'"));
    assert!(params.contains("param userName = 'dev'"));
    assert!(file(&outputs, "infra/lab.bicep").contains("param vmSize string = 'Standard_D4s_v5'"));
    assert!(!file(&outputs, "infra/modules/lab.bicep").contains("prepare-workspace'"));
}

#[test]
fn each_service_gets_the_roles_of_what_it_reads_and_names_fit_azure() {
    let outputs = edge("identities.kdl").outputs();
    let main = file(&outputs, "infra/main.bicep");
    let call = |symbol: &str| {
        let body = main.split(&format!("module {symbol} './modules/workload-identity.bicep'")).nth(1);
        body.and_then(|b| b.split("\n}\n").next()).unwrap_or_else(|| panic!("no {symbol}")).to_owned()
    };
    let market = call("marketDataIdentity");
    assert!(market.contains("readsSecrets: true") && market.contains("containers: []"), "{market}");
    assert!(market.contains("subject: 'system:serviceaccount:${tier}:market-data'"), "{market}");
    let writer = call("reportWriterIdentity");
    assert!(writer.contains("readsSecrets: false"), "{writer}");
    assert!(writer.contains("'daily-reports'\n      'archive'"), "{writer}");
    let web = call("webIdentity");
    assert!(web.contains("readsSecrets: true") && web.contains("containers: [\n      'archive'\n    ]"), "{web}");
    assert!(main.contains("'market-data': marketDataIdentity.outputs.clientId"));
    // Each secret name once, in the order the services declare them.
    assert!(main.contains("output secretNames array = [\n  'exchange-api-key'\n  'web-session-key'\n]"), "{main}");
    // ghcr.io is not an ACR: the cluster pulls from one named after the project.
    assert!(main.contains("param registryName string = 'aratherlongplatformnameacr'"));
    let params = file(&outputs, "infra/pre-production.bicepparam");
    let value = |name: &str| {
        params
            .lines()
            .find_map(|l| l.strip_prefix(&format!("param {name} = '")))
            .map(|v| v.trim_end_matches('\'').to_owned())
            .unwrap_or_else(|| panic!("no {name} in {params}"))
    };
    let vault = value("keyVaultName");
    assert!(vault.len() <= 24 && vault.contains("-pre-production-") && !vault.contains("--"), "{vault}");
    let storage = value("storageAccountName");
    assert!(
        (3..=24).contains(&storage.len()) && storage.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()),
        "{storage}"
    );
    assert!(value("clusterName").len() <= 54);
    // No lab-regions: no labs.
    assert!(!outputs.contains_key("infra/lab.bicep"));
}

#[test]
fn a_cloud_tier_without_secrets_or_storage_gets_no_account_and_no_identities() {
    let outputs = edge("bare-cloud.kdl").outputs();
    let main = file(&outputs, "infra/main.bicep");
    assert!(!main.contains("module storage") && !main.contains("storageAccountNamePrefix"), "no container: no account");
    assert!(!main.contains("workload-identity"), "nobody reads a secret or a container: no identity");
    assert!(main.contains("output secretNames array = []"));
    assert!(
        main.contains("param registryName string = 'bareacr'"),
        "no registry in the spec: one named after the project"
    );
    assert!(!outputs.contains_key("infra/modules/storage.bicep"));
    assert!(!outputs.contains_key("infra/modules/workload-identity.bicep"));
    assert!(!file(&outputs, "infra/prod.bicepparam").contains("storageAccountNamePrefix"));
}

/// What a secret value in a file would look like.
const VALUE_PATTERNS: &[&str] = &[
    "AccountKey=",
    "SharedAccessSignature",
    "-----BEGIN",
    "listKeys(",
    "listSecrets(",
    "Microsoft.KeyVault/vaults/secrets",
];

/// Properties that would carry a credential.
const CREDENTIAL_PROPERTIES: &[&str] = &["password:", "adminPassword:", "securityToken: '", "sshKey: '"];

#[test]
fn no_rendered_file_holds_a_secret_value() {
    let mut compiled = vec![("serenity", environment("serenity").outputs())];
    compiled.extend(EDGE_SPECS.iter().map(|(name, text)| (*name, compile(name, text).outputs())));
    for (name, outputs) in &compiled {
        for (path, text) in outputs.iter().filter(|(p, _)| p.starts_with("infra/")) {
            for pattern in VALUE_PATTERNS {
                assert!(!text.contains(pattern), "{name}: {path} contains {pattern:?}");
            }
            for line in text.lines().map(str::trim_start) {
                assert!(!CREDENTIAL_PROPERTIES.iter().any(|p| line.starts_with(p)), "{name}: {path}: {line}");
            }
            // A @secure() parameter never has a default value.
            let lines: Vec<&str> = text.lines().collect();
            for (i, _) in lines.iter().enumerate().filter(|(_, l)| l.trim() == "@secure()") {
                let declaration = lines[i + 1..].iter().find(|l| l.starts_with("param ")).expect("a param follows");
                assert!(!declaration.contains('='), "{name}: {path}: {declaration}");
            }
            // A secure parameter is set from the deployer's environment, never from a literal.
            if path.ends_with(".bicepparam") {
                for line in text.lines().filter(|l| l.starts_with("param repositoryToken")) {
                    assert_eq!(line, "param repositoryToken = readEnvironmentVariable('LAB_REPOSITORY_TOKEN')");
                }
            }
        }
        // Secret names appear only where the Key Vault's secrets are listed.
        if let Some(main) = outputs.get("infra/main.bicep") {
            let listed = main.split("output secretNames array").nth(1).unwrap_or_default();
            for secret in ["timescaledb-password", "exchange-api-key", "web-session-key"] {
                assert!(
                    main.matches(secret).count() == listed.matches(secret).count(),
                    "{name}: {secret} outside secretNames"
                );
            }
            assert!(
                !main.contains("DB_PASSWORD") && !main.contains("SESSION_KEY"),
                "{name}: an environment key in main.bicep"
            );
        }
    }
}

#[test]
fn every_bicep_line_names_the_spec_nodes_it_comes_from() {
    let compiled = environment("serenity");
    for rendered in compiled.artifacts.iter().filter(|r| r.path().starts_with("infra/") && r.path().ends_with(".bicep"))
    {
        let path = rendered.path();
        // Line 1 is the banner; every other line belongs to a marked section.
        for (number, origins) in rendered.lines.iter().enumerate().skip(1) {
            let text = rendered.text.lines().nth(number).unwrap_or_default();
            if text.starts_with("//") || text.is_empty() {
                continue;
            }
            assert!(!origins.is_empty(), "{path}:{}: `{text}` has no origin", number + 1);
        }
    }
    let main = &compiled.artifact("infra/main.bicep").unwrap().text;
    let line = main.lines().position(|l| l.starts_with("module riskIdentity")).expect("risk's identity");
    let nodes: Vec<&str> =
        compiled.artifact("infra/main.bicep").unwrap().lines[line].iter().map(|o| &*o.node).collect();
    assert_eq!(nodes, ["service risk", "service risk/storage reports", "service risk/secret REPORTS_SIGNING_KEY"]);
    let params = &compiled.artifact("infra/lab.bicepparam").unwrap().text;
    let line = params.lines().position(|l| l.contains("region: 'japaneast'")).expect("japaneast");
    let nodes: Vec<&str> =
        compiled.artifact("infra/lab.bicepparam").unwrap().lines[line].iter().map(|o| &*o.node).collect();
    assert_eq!(nodes, ["azure/lab-regions japaneast"]);
}
