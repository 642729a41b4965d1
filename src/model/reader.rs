//! Reading raw nodes into values, recording every problem instead of stopping.
//!
//! Each helper reports what is wrong with one node (a missing argument, a
//! number where a string belongs, an unknown property) into the shared error
//! list and returns `None`, so that resolution carries on and the user sees
//! every problem of the file at once.

use std::collections::HashMap;

use super::error::{Invalid, ModelError};
use super::suggest::{backticked, did_you_mean};
use super::vocabulary::Context;
use crate::spec::{RawNode, RawValue, Scalar, Span, Spanned};

/// Collects the errors of one resolution.
#[derive(Debug, Default)]
pub(crate) struct Reader {
    errors: Vec<ModelError>,
}

impl Reader {
    /// Record an error.
    pub(crate) fn error(&mut self, error: ModelError) {
        self.errors.push(error);
    }

    /// The errors recorded, in the order found.
    pub(crate) fn into_errors(self) -> Vec<ModelError> {
        self.errors
    }

    /// The children of `node` that are known in `context`; each unknown one
    /// is reported with a did-you-mean, or with where it belongs.
    pub(crate) fn children<'a>(&mut self, node: &'a RawNode, context: Context, label: &str) -> Vec<&'a RawNode> {
        self.known(node.children(), context, label)
    }

    /// The nodes of `nodes` known in `context`.
    pub(crate) fn known<'a>(&mut self, nodes: &'a [RawNode], context: Context, label: &str) -> Vec<&'a RawNode> {
        let allowed = context.nodes();
        let mut known = Vec::new();
        for child in nodes {
            let name = child.name.value.as_str();
            if allowed.contains(&name) {
                known.push(child);
                continue;
            }
            let help = match (super::suggest::closest(name, allowed.iter().copied()), Context::home_of(name)) {
                (Some(close), _) => format!("did you mean `{close}`?"),
                (None, Some(home)) => format!("`{name}` belongs in {}", home.describe()),
                (None, None) => format!("expected one of: {}", backticked(allowed)),
            };
            self.error(ModelError::UnknownNode {
                name: name.to_owned(),
                context: label.to_owned(),
                span: child.name.span.into(),
                help,
            });
        }
        known
    }

    /// Report every property of `node` not in `allowed`.
    pub(crate) fn props(&mut self, node: &RawNode, allowed: &[&str]) {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for prop in &node.props {
            let key = prop.key.value.as_str();
            if !allowed.contains(&key) {
                let help = if allowed.is_empty() {
                    format!("`{}` takes no properties", node.name.value)
                } else {
                    did_you_mean(key, allowed, "property")
                };
                self.error(ModelError::UnknownProperty {
                    key: key.to_owned(),
                    node: node.name.value.clone(),
                    span: prop.key.span.into(),
                    help,
                });
            } else if let Some(first) = seen.insert(key, prop.key.span) {
                self.duplicate("property", key, first, prop.key.span, "write each property once");
            }
        }
    }

    /// Report arguments past the first `max`.
    pub(crate) fn max_args(&mut self, node: &RawNode, max: usize, expected: &str) {
        if let Some(extra) = node.args.get(max) {
            self.error(ModelError::TooManyArguments {
                node: node.name.value.clone(),
                expected: expected.to_owned(),
                span: extra.span.into(),
            });
        }
    }

    /// Report a `{ }` block on a node that takes none.
    pub(crate) fn no_children(&mut self, node: &RawNode) {
        if let Some(first) = node.children().first() {
            self.error(ModelError::UnknownNode {
                name: first.name.value.clone(),
                context: format!("`{}`", node.name.value),
                span: first.name.span.into(),
                help: format!("`{}` takes no child nodes", node.name.value),
            });
        }
    }

    /// A leaf node `NAME VALUE` with exactly one string argument and no
    /// properties or children.
    pub(crate) fn leaf_string(&mut self, node: &RawNode, what: &str) -> Option<Spanned<String>> {
        self.props(node, &[]);
        self.max_args(node, 1, "one value");
        self.no_children(node);
        self.string_arg(node, 0, what)
    }

    /// Argument `index` as a string. Integers are refused: versions and names
    /// are text, and `3.10` written bare would silently become `3.1`.
    pub(crate) fn string_arg(&mut self, node: &RawNode, index: usize, what: &str) -> Option<Spanned<String>> {
        match node.args.get(index) {
            Some(value) => self.string_value(&node.name.value, value, what),
            None => {
                self.missing_arg(node, what);
                None
            }
        }
    }

    /// Every argument from `start` on, as strings.
    pub(crate) fn string_args(&mut self, node: &RawNode, start: usize, what: &str) -> Vec<Spanned<String>> {
        let name = node.name.value.clone();
        node.args.iter().skip(start).filter_map(|v| self.string_value(&name, v, what)).collect()
    }

    /// A value that must be a string.
    pub(crate) fn string_value(&mut self, node: &str, value: &RawValue, what: &str) -> Option<Spanned<String>> {
        if let Scalar::String(s) = &value.value {
            return self.allowed_chars(s, value.span).then(|| Spanned::new(s.clone(), value.span));
        }
        let help = match &value.value {
            Scalar::Float(_) | Scalar::Integer(_) => format!("quote it: \"{}\"", value.repr),
            _ => format!("write {what} as a string"),
        };
        self.error(ModelError::WrongType {
            node: node.to_owned(),
            expected: format!("{what} (a string)"),
            found: value.value.kind().to_owned(),
            span: value.span.into(),
            help,
        });
        None
    }

    /// Whether `text` is free of the characters no spec string may carry
    /// (see [`super::grammar::forbidden_char`]); reports the first one.
    pub(crate) fn allowed_chars(&mut self, text: &str, span: Span) -> bool {
        let Some(c) = super::grammar::forbidden_char(text) else { return true };
        self.invalid(
            Invalid::Malformed,
            span,
            format!("a control character (U+{:04X}) in a string", u32::from(c)),
            "control characters are refused".to_owned(),
            "remove it: a spec string may span lines (\\n) and hold tabs, nothing else invisible".to_owned(),
        );
        false
    }

    /// Whether `value` fits its landing place; reports it with `what` and an
    /// `example` when it does not.
    pub(crate) fn fits(&mut self, value: &Spanned<String>, ok: bool, what: &str, example: &str) -> bool {
        if !ok {
            self.invalid(
                Invalid::Malformed,
                value.span,
                format!("`{}` is not {what}", value.value.escape_debug()),
                format!("not {what}"),
                format!("it is written into generated files as is; write e.g. {example}"),
            );
        }
        ok
    }

    /// A value that must be a string or an integer, as text (`cpu=2`, `run … 8080`).
    /// An integer keeps its spelling (`0x1F` stays `0x1F`, never `31`).
    pub(crate) fn text_value(&mut self, node: &str, value: &RawValue, what: &str) -> Option<Spanned<String>> {
        match &value.value {
            Scalar::Integer(_) => Some(Spanned::new(value.repr.clone(), value.span)),
            _ => self.string_value(node, value, what),
        }
    }

    /// A value that must be an integer within `range`.
    pub(crate) fn int_value(
        &mut self,
        node: &str,
        value: &RawValue,
        what: &str,
        range: std::ops::RangeInclusive<i128>,
    ) -> Option<Spanned<i128>> {
        let Scalar::Integer(i) = value.value else {
            let help = match &value.value {
                Scalar::String(s) if s.parse::<i128>().is_ok() => format!("remove the quotes: {s}"),
                _ => format!("write {what} as a whole number"),
            };
            self.error(ModelError::WrongType {
                node: node.to_owned(),
                expected: format!("{what} (an integer)"),
                found: value.value.kind().to_owned(),
                span: value.span.into(),
                help,
            });
            return None;
        };
        if range.contains(&i) {
            return Some(Spanned::new(i, value.span));
        }
        self.invalid(
            Invalid::OutOfRange,
            value.span,
            format!("{what} {i} is out of range"),
            format!("expected {} to {}", range.start(), range.end()),
            format!("use a value from {} to {}", range.start(), range.end()),
        );
        None
    }

    /// Integer argument `index`.
    pub(crate) fn int_arg(
        &mut self,
        node: &RawNode,
        index: usize,
        what: &str,
        range: std::ops::RangeInclusive<i128>,
    ) -> Option<Spanned<i128>> {
        match node.args.get(index) {
            Some(value) => self.int_value(&node.name.value, value, what, range),
            None => {
                self.missing_arg(node, what);
                None
            }
        }
    }

    /// A property that must be a string, if present.
    pub(crate) fn string_prop(&mut self, node: &RawNode, key: &str, what: &str) -> Option<Spanned<String>> {
        let prop = node.prop(key)?;
        self.string_value(&format!("{} {key}=", node.name.value), &prop.value, what)
    }

    /// A property that must be a string; reports it missing.
    pub(crate) fn required_string_prop(
        &mut self,
        node: &RawNode,
        key: &str,
        what: &str,
        example: &str,
    ) -> Option<Spanned<String>> {
        if node.prop(key).is_none() {
            self.error(ModelError::Missing {
                message: format!("`{}` needs `{key}=`", node.name.value),
                span: node.name.span.into(),
                label: format!("no {key}= here"),
                help: format!("add {key}={example}"),
            });
            return None;
        }
        self.string_prop(node, key, what)
    }

    /// Report a missing argument.
    pub(crate) fn missing_arg(&mut self, node: &RawNode, what: &str) {
        self.error(ModelError::Missing {
            message: format!("`{}` needs {what}", node.name.value),
            span: node.name.span.into(),
            label: format!("{what} missing"),
            help: format!("write it after the name: {} …", node.name.value),
        });
    }

    /// Report a value that breaks `rule`.
    pub(crate) fn invalid(&mut self, rule: Invalid, span: Span, message: String, label: String, help: String) {
        self.error(rule.error(message, span.into(), label, help));
    }

    /// Report a duplicate.
    pub(crate) fn duplicate(&mut self, what: &str, name: &str, first: Span, second: Span, help: &str) {
        self.error(ModelError::Duplicate {
            what: what.to_owned(),
            name: name.to_owned(),
            span: second.into(),
            first: first.into(),
            help: help.to_owned(),
        });
    }

    /// Report a version that is not an exact pin. `semver` asks for exactly
    /// `MAJOR.MINOR.PATCH`.
    pub(crate) fn pinned(&mut self, what: &str, version: &Spanned<String>, semver: bool, example: &str) -> bool {
        let reason =
            if semver { super::pin::not_semver(&version.value) } else { super::pin::unpinned_reason(&version.value) };
        let Some(reason) = reason else { return true };
        self.error(ModelError::UnpinnedVersion {
            what: what.to_owned(),
            version: version.value.clone(),
            span: version.span.into(),
            reason: reason.to_owned(),
            help: format!(
                "pin the exact release, e.g. \"{example}\": every developer and every tier must get the same bits"
            ),
        });
        false
    }

    /// Report a name that is not a DNS label.
    pub(crate) fn dns_label(&mut self, what: &str, name: &Spanned<String>) -> bool {
        if super::pin::is_dns_label(&name.value) {
            return true;
        }
        let suggestion: String =
            name.value.to_ascii_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
        self.invalid(
            Invalid::Malformed,
            name.span,
            format!("{what} name `{}` is not a DNS label", name.value),
            "lower-case letters, digits and `-` only, starting with a letter".to_owned(),
            format!("names become Kubernetes names and paths; try `{}`", suggestion.trim_matches('-')),
        );
        false
    }
}

/// Tracks names seen in one scope, to report duplicates at both places.
#[derive(Debug, Default)]
pub(super) struct Seen {
    names: HashMap<String, Span>,
}

impl Seen {
    /// Record `name`; report it if it was seen before. Returns whether it is new.
    pub(super) fn insert(&mut self, reader: &mut Reader, what: &str, name: &Spanned<String>, help: &str) -> bool {
        match self.names.get(&name.value) {
            Some(first) => {
                reader.duplicate(what, &name.value, *first, name.span, help);
                false
            }
            None => {
                self.names.insert(name.value.clone(), name.span);
                true
            }
        }
    }
}
