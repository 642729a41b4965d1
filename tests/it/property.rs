//! Property test (issue 13): random valid specs, full of the characters that
//! break formats (quotes, `#`, `: `, `${`, YAML 1.1 words, trailing spaces,
//! line breaks, tabs, non-ASCII), are compiled; every output is parsed by its
//! own format's parser (YAML, JSON; Bicep and the Dockerfile by a lexical
//! check) and the values that came from the spec are compared with it.
//!
//! `INCEPTION_PROPERTY_CASES=N` runs N specs (default 60);
//! `INCEPTION_PROPERTY_SEED=S` replays a run.

use inception::pipeline;
use inception::source::SourceFile;
use serde_json::Value;

/// A small deterministic generator, so a failure can be replayed.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// A string value made of hostile pieces.
    fn value(&mut self, multi_line: bool) -> String {
        let pieces: &[&str] = &[
            "a", "yes", "on", "~", "null", "1e3", "0x1F", "012", "1_000", "12:30", "#", " # x", ": ", "- ", "? ", "'",
            "\"", "\\", "${x}", "$y", "{{ z }}", "*a", "&b", "!t", "%p", "@q", "`r`", "[s]", "{t}", "|", ">", "ü",
            "日本", "🚀", " ", "  ", ",", "=", "--", ";", "\t",
        ];
        let count = 1 + self.below(5);
        let mut value: String = (0..count).map(|_| self.pick(pieces)).collect();
        if multi_line && self.below(3) == 0 {
            value.push_str(self.pick(&[" \n", "\n", "\n  indented", "\n\n", " \nb ", "\n- item"]));
            value.push_str(self.pick(&["", "tail", "tail ", " "]));
        }
        value
    }
}

/// A KDL v2 string literal of `text`.
fn kdl(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A service's name, `run` arguments and `env` pairs.
type ServiceValues = (String, Vec<String>, Vec<(String, String)>);

/// What a generated spec should produce.
struct Expected {
    /// Each service's values.
    services: Vec<ServiceValues>,
    /// tier → revision.
    tiers: Vec<(String, String)>,
    /// (service, tier, reason, replicas) of each override.
    overrides: Vec<(String, String, String, u32)>,
    /// The value of `setting "x.y"`.
    setting: String,
    /// The host path of the one mount.
    mount: String,
}

/// The first value under `key` anywhere in `value`.
fn find<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    match value {
        Value::Object(map) => map.get(key).or_else(|| map.values().find_map(|v| find(v, key))),
        Value::Array(items) => items.iter().find_map(|v| find(v, key)),
        _ => None,
    }
}

fn spec(random: &mut Random) -> (String, Expected) {
    let mut text = String::from(
        "inception 1\nproject prop {\n    registry \"propacr.azurecr.io\"\n    repo \"https://github.com/o/prop.git\"\n}\n",
    );
    text.push_str(
        "toolchain {\n    base \"debian:12\"\n    tool minikube \"1.33.1\"\n    docker-in-docker \"26.1.4\"\n",
    );
    let setting = random.value(true);
    let mount = format!("/tmp/{}", random.value(false).replace(',', ""));
    text.push_str(&format!("    setting \"x.y\" {}\n", kdl(&setting)));
    text.push_str(&format!("    mount {} \"/home/vscode/m\"\n}}\n", kdl(&mount)));
    let mut expected = Expected { services: Vec::new(), tiers: Vec::new(), overrides: Vec::new(), setting, mount };
    let tier_names = ["local", "dev", "prod"];
    let tier_count = 1 + random.below(3);
    for (index, name) in tier_names.iter().take(tier_count).enumerate() {
        let cluster = if index == 0 { "minikube" } else { "aks" };
        // A cloud tier runs a commit (#12); a local one any revision.
        let revision = if index == 0 {
            random.pick(&["HEAD", "main", "release/2.4", "v1.0.0-rc.1", "3f2a9c1", "yes", "on", "1.10", "feature/é"])
        } else {
            random.pick(&["0123456789abcdef0123456789abcdef01234567", "ffffffffffffffffffffffffffffffffffffffff"])
        };
        text.push_str(&format!("tier {name} {{\n    cluster {cluster}\n    revision {}\n}}\n", kdl(revision)));
        expected.tiers.push(((*name).to_owned(), revision.to_owned()));
    }
    for s in 0..1 + random.below(3) {
        let name = format!("svc{s}");
        let run: Vec<String> = (0..1 + random.below(4)).map(|_| random.value(true)).collect();
        let env: Vec<(String, String)> = (0..random.below(4)).map(|i| (format!("E{i}"), random.value(true))).collect();
        text.push_str(&format!(
            "service {name} {{\n    image \"postgres:16.3@sha256:{}\"\n    port 8080\n",
            "a".repeat(64)
        ));
        text.push_str(&format!("    run {}\n", run.iter().map(|a| kdl(a)).collect::<Vec<_>>().join(" ")));
        if !env.is_empty() {
            let pairs: Vec<String> = env.iter().map(|(k, v)| format!("{k}={}", kdl(v))).collect();
            text.push_str(&format!("    env {}\n", pairs.join(" ")));
        }
        if tier_count > 1 && random.below(2) == 0 {
            let reason = random.value(false).replace('\t', " ");
            let reason = format!("r{reason}");
            let replicas = 2 + random.below(5) as u32;
            let tier = tier_names[1];
            text.push_str(&format!(
                "    tier {tier} reason={} {{\n        replicas {replicas}\n    }}\n",
                kdl(&reason)
            ));
            expected.overrides.push((name.clone(), tier.to_owned(), reason, replicas));
        }
        text.push_str("}\n");
        expected.services.push((name, run, env));
    }
    (text, expected)
}

/// Parse one output with its format's parser.
fn parse(path: &str, text: &str) -> Option<Value> {
    if path.contains("/templates/") {
        // The chart's Go templates are static files, YAML only once Helm renders them.
        return None;
    }
    if path.ends_with(".yaml") || path.ends_with(".yml") {
        if text.contains("\n---\n") {
            // A stream of documents (a tier's NetworkPolicies, a backing service's resources).
            let documents: Vec<Value> =
                serde_saphyr::from_multiple(text).unwrap_or_else(|e| panic!("{path} is not YAML: {e}\n{text}"));
            return Some(Value::Array(documents));
        }
        let value: Value = serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("{path} is not YAML: {e}\n{text}"));
        return Some(value);
    }
    if path.ends_with(".json") || path.ends_with(".lock") {
        // devcontainer.json is JSONC: its banner is a `//` line.
        let json: String = text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
        let value: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{path} is not JSON: {e}\n{text}"));
        return Some(value);
    }
    if path.ends_with(".bicep") || path.ends_with(".bicepparam") {
        bicep_lexes(path, text);
    }
    if path.ends_with("Dockerfile") {
        dockerfile_lexes(path, text);
    }
    None
}

/// Every Bicep string closes on its line, comments stay comments, and
/// brackets balance outside strings.
fn bicep_lexes(path: &str, text: &str) {
    let mut depth: i64 = 0;
    let mut in_multi = false;
    for (number, line) in text.lines().enumerate() {
        let mut chars = line.chars().peekable();
        let mut in_string = false;
        while let Some(c) = chars.next() {
            if in_multi {
                if line.contains("'''") {
                    in_multi = false;
                }
                break;
            }
            match c {
                '\\' if in_string => {
                    chars.next();
                }
                '\'' if !in_string && line.contains("'''") => {
                    in_multi = line.matches("'''").count() % 2 == 1;
                    break;
                }
                '\'' => in_string = !in_string,
                '/' if !in_string && chars.peek() == Some(&'/') => break,
                '{' | '[' | '(' if !in_string => depth += 1,
                '}' | ']' | ')' if !in_string => depth -= 1,
                _ => {}
            }
        }
        assert!(!in_string, "{path}:{}: an unclosed string: {line}", number + 1);
    }
    assert_eq!(depth, 0, "{path}: brackets do not balance");
}

/// Every line is a comment, an instruction, or continues one.
fn dockerfile_lexes(path: &str, text: &str) {
    let instructions = ["FROM", "RUN", "ENV", "USER", "SHELL", "WORKDIR", "ARG", "COPY", "LABEL"];
    let mut continued = false;
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let ok = continued
            || trimmed.is_empty()
            || trimmed.starts_with('#')
            || instructions.iter().any(|i| trimmed.starts_with(&format!("{i} ")));
        assert!(ok, "{path}:{}: not an instruction: {line}", number + 1);
        continued = trimmed.ends_with('\\') || (continued && trimmed.starts_with('#'));
    }
}

#[test]
fn random_valid_specs_compile_to_outputs_that_parse_and_keep_the_spec_values() {
    let cases = std::env::var("INCEPTION_PROPERTY_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    let seed = std::env::var("INCEPTION_PROPERTY_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(13_u64);
    let mut random = Random(seed);
    for case in 0..cases {
        let (text, expected) = spec(&mut random);
        // The fast spec parser reads every such spec, to exactly the nodes
        // and spans of the `kdl` crate.
        let (fast, kdl) = inception::spec::readers(&text);
        let fast = fast.unwrap_or_else(|| panic!("seed {seed} case {case}: the fast parser declined\n{text}"));
        assert_eq!(Some(format!("{fast:?}")), kdl.map(|k| format!("{k:?}")), "seed {seed} case {case}\n{text}");
        let compiled = pipeline::compile_source(&SourceFile::new("inception.kdl", text.as_str()), "inception.kdl")
            .unwrap_or_else(|e| panic!("seed {seed} case {case}: a valid spec was refused: {e:?}\n{text}"));
        let outputs = compiled.outputs();
        let parsed: std::collections::BTreeMap<&str, Value> =
            outputs.iter().filter_map(|(path, body)| parse(path, body).map(|v| (path.as_str(), v))).collect();
        let devcontainer = &parsed[".devcontainer/devcontainer.json"];
        assert_eq!(
            find(devcontainer, "x.y").and_then(Value::as_str),
            Some(expected.setting.as_str()),
            "seed {seed} case {case}"
        );
        let volumes = &parsed[".devcontainer/docker-compose.yml"]["services"];
        let sources: Vec<String> = volumes
            .as_object()
            .into_iter()
            .flat_map(|services| services.values())
            .flat_map(|service| service["volumes"].as_array().into_iter().flatten())
            .filter_map(|volume| volume["source"].as_str())
            // What compose reads after its own interpolation: `$$` is a `$`.
            .map(|source| source.replace("$$", "$"))
            .collect();
        assert!(sources.contains(&expected.mount), "seed {seed} case {case}: {sources:?} lacks {:?}", expected.mount);
        for (service, run, env) in &expected.services {
            let values = &parsed[format!("deploy/values/{service}/values.yaml").as_str()];
            // `run` is the container's args, after the image's ENTRYPOINT.
            let args: Vec<&str> = values["args"].as_array().expect("args").iter().filter_map(Value::as_str).collect();
            assert_eq!(args, *run, "seed {seed} case {case}: run of {service}\n{text}");
            for (key, value) in env {
                assert_eq!(
                    values["env"][key].as_str(),
                    Some(value.as_str()),
                    "seed {seed} case {case}: env {key}\n{text}"
                );
            }
        }
        for (tier, revision) in expected.tiers.iter().skip(1) {
            let service = &expected.services[0].0;
            let app = &parsed[format!("deploy/argocd/{tier}/{service}.yaml").as_str()];
            assert_eq!(
                app["spec"]["source"]["targetRevision"].as_str(),
                Some(revision.as_str()),
                "seed {seed} case {case}"
            );
        }
        for (service, tier, reason, replicas) in &expected.overrides {
            let path = format!("deploy/values/{service}/values-{tier}.yaml");
            assert_eq!(
                parsed[path.as_str()]["replicas"].as_u64(),
                Some(u64::from(*replicas)),
                "seed {seed} case {case}"
            );
            let line = outputs[&path].lines().find(|l| l.starts_with("replicas:")).expect("replicas line");
            let words: Vec<&str> = reason.split_whitespace().collect();
            assert!(line.ends_with(&format!("# reason: {}", words.join(" "))), "seed {seed} case {case}: {line}");
        }
    }
}
