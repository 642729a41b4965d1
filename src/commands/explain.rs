//! `inception explain FILE[:LINE]`: the spec nodes a generated file, or one
//! line of it, comes from. Answers from the provenance the renderers kept
//! while rendering (`render::trace`), never from matching text afterwards.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::json;

use crate::cli::{Format, OutArgs, SpecArgs};
use crate::commands::load;
use crate::error::{Error, Result};
use crate::model::suggest::closest;
use crate::pipeline::Compiled;
use crate::plan::Origin;
use crate::render::Rendered;

/// One source of the explained file or line.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    /// The node, e.g. `service pricing/tier prod`.
    pub node: String,
    /// The spec file.
    pub file: String,
    /// 1-based line in the spec.
    pub line: usize,
    /// That line of the spec, trimmed.
    pub text: String,
}

/// Split `FILE:LINE` (LINE optional).
fn parse_target(target: &str) -> (&str, Option<usize>) {
    match target.rsplit_once(':') {
        Some((file, line)) if !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit()) => (file, line.parse().ok()),
        _ => (target, None),
    }
}

/// `path` made absolute against `cwd`, with symbolic links resolved as far
/// as the path exists (so `/tmp/x` and its real path compare equal).
fn real(path: &Path, cwd: &Path) -> PathBuf {
    let absolute = cwd.join(path);
    if let Ok(real) = absolute.canonicalize() {
        return real;
    }
    match (absolute.parent(), absolute.file_name()) {
        (Some(parent), Some(name)) => real(parent, cwd).join(name),
        _ => absolute,
    }
}

/// The generated path `file` names: absolute, relative to the current folder,
/// or relative to the generated tree's root.
fn resolve_path(file: &str, root: &Path, cwd: &Path, compiled: &Compiled) -> Result<String> {
    let generated = |p: &str| compiled.artifact(p).is_some();
    let root = real(root, cwd);
    let from_cwd = real(Path::new(file), cwd);
    if let Ok(inside) = from_cwd.strip_prefix(&root) {
        let relative = inside.to_string_lossy().replace('\\', "/");
        if generated(&relative) {
            return Ok(relative);
        }
    }
    let relative = file.trim_start_matches("./").replace('\\', "/");
    if Path::new(file).is_relative() && generated(&relative) {
        return Ok(relative);
    }
    let paths = compiled.artifacts.iter().map(Rendered::path);
    let help = match closest(&relative, paths) {
        Some(close) => format!("did you mean `{close}`?"),
        None => "run `inception compile` and pass one of the files it writes".to_owned(),
    };
    Err(Error::Usage { message: format!("`{file}` is not a file inception generates"), help })
}

/// The sources of `path` (a whole file) or of one of its lines.
pub fn sources(compiled: &Compiled, path: &str, line: Option<usize>) -> Result<(Vec<Source>, bool)> {
    let rendered = compiled.artifact(path);
    let artifact = rendered.map(|r| r.artifact.sources.clone()).unwrap_or_default();
    let (origins, exact): (Vec<Origin>, bool) = match line {
        None => (artifact, true),
        Some(n) => {
            let lines = rendered.map(|r| r.lines.as_slice()).unwrap_or_default();
            let Some(origins) = n.checked_sub(1).and_then(|i| lines.get(i)) else {
                return Err(Error::Usage {
                    message: format!("`{path}` has {} lines; there is no line {n}", lines.len()),
                    help: "give a line number from 1 to the file's length".to_owned(),
                });
            };
            if origins.is_empty() { (artifact, false) } else { (origins.to_vec(), true) }
        }
    };
    let source = &compiled.loaded.source;
    let found = origins
        .into_iter()
        .map(|o| {
            let line = source.line_of(o.span.into());
            Source {
                node: o.node.to_string(),
                file: source.name().to_owned(),
                line,
                text: source.line_text(line).trim().to_owned(),
            }
        })
        .collect();
    Ok((found, exact))
}

/// Explain `target`.
///
/// # Errors
/// An invalid spec, or a target that is not a generated file or line.
pub fn run(target: &str, spec: &SpecArgs, out: &OutArgs, format: Format) -> Result<()> {
    let (file, line) = parse_target(target);
    let cwd = load::current_dir()?;
    // Without --spec, the spec is found from the explained file upwards.
    let start = real(Path::new(file), &cwd).parent().map_or_else(|| cwd.clone(), Path::to_path_buf);
    let input = load::read_from(spec, Some(out), &start)?;
    let compiled = input.compile()?;
    let path = resolve_path(file, &input.location.root, &cwd, &compiled)?;
    let (found, exact) = sources(&compiled, &path, line)?;
    if format == Format::Json {
        let value = json!({ "file": path, "line": line, "exact": exact, "sources": found });
        crate::outln!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
        return Ok(());
    }
    match line {
        Some(n) => {
            let text = compiled.artifact(&path).and_then(|r| r.text.lines().nth(n - 1)).unwrap_or("");
            crate::outln!("{path}:{n}: {}", text.trim());
            if exact {
                crate::outln!("comes from:");
            } else {
                crate::outln!("is fixed text of this file, which comes from:");
            }
        }
        None => crate::outln!("{path} comes from:"),
    }
    for source in found {
        crate::outln!("  {}:{}  {}", source.file, source.line, source.node);
        crate::outln!("      {}", source.text);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_target;

    #[test]
    fn targets_split_at_a_numeric_suffix_only() {
        assert_eq!(parse_target("a/b.yaml:12"), ("a/b.yaml", Some(12)));
        assert_eq!(parse_target("a/b.yaml"), ("a/b.yaml", None));
        assert_eq!(parse_target("c:/x"), ("c:/x", None));
    }
}
