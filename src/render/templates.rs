//! The embedded minijinja templates, for the text formats (Dockerfile, Bicep).
//!
//! Templates live under `templates/` and are compiled into the binary, so the
//! tool is self-contained. Undefined variables are errors, so a renamed view
//! field fails in tests rather than in a user's repository. Templates only
//! select and loop; every value is computed in Rust and handed over in a
//! `…View` struct.

use minijinja::syntax::SyntaxConfig;
use minijinja::{Environment, UndefinedBehavior, Value};
use serde::Serialize;

use super::RenderError;

/// `templates/devcontainer/Dockerfile.j2`.
pub const TEMPLATE_DOCKERFILE: &str = "devcontainer/Dockerfile";

/// Every template: id and source.
pub const TEMPLATES: &[(&str, &str)] =
    &[(TEMPLATE_DOCKERFILE, include_str!("../../templates/devcontainer/Dockerfile.j2"))];

/// The environment every template renders in.
///
/// # Panics
/// Only if an embedded template does not compile, which the unit test below
/// rules out for every template.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    let syntax = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .expect("the default delimiters are valid");
    env.set_syntax(syntax);
    for (id, source) in TEMPLATES {
        env.add_template(id, source).expect("embedded templates compile (tested)");
    }
    env
}

/// Render template `id` with `view` for the artifact at `path`.
///
/// # Errors
/// A template error, which is a bug in inception.
pub fn render<T: Serialize>(id: &str, view: &T, path: &str) -> Result<String, RenderError> {
    let error = |e: minijinja::Error| RenderError::Template {
        path: path.to_owned(),
        template: id.to_owned(),
        message: format!("{e:#}"),
    };
    let env = environment();
    let template = env.get_template(id).map_err(error)?;
    template.render(Value::from(minijinja::value::Serde(view))).map_err(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_template_compiles() {
        let env = environment();
        for (id, _) in TEMPLATES {
            assert!(env.get_template(id).is_ok(), "{id}");
        }
    }
}
