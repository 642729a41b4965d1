//! Line provenance: what `explain` answers, and how it agrees with the lock.

use crate::support::{inception, root, text};

#[test]
fn explain_of_a_dotted_setting_names_the_setting_node() {
    let serenity = root().join("environments/serenity");
    let json = std::fs::read_to_string(root().join("golden/serenity/.devcontainer/devcontainer.json")).unwrap();
    let line = json.lines().position(|l| l.contains("\"python.defaultInterpreterPath\"")).unwrap() + 1;
    let out =
        inception(&serenity, &["explain", &format!(".devcontainer/devcontainer.json:{line}"), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(value["exact"], true, "{value}");
    assert_eq!(value["sources"][0]["node"], "toolchain/setting python.defaultInterpreterPath");
}
