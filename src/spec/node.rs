//! Raw spec nodes: the KDL document as names, values and spans, before any
//! meaning is given to it. Nothing here knows what a `service` is.

use miette::SourceSpan;
use serde::{Serialize, Serializer};

/// A byte range in the spec file. Unlike miette's `SourceSpan` it has a
/// default (the empty span at 0), which partial models need while errors are
/// being collected. Held in 32 bits each (a spec is at most
/// [`crate::spec::limits::MAX_SPEC_BYTES`]): a big spec's model and plan hold
/// hundreds of thousands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    /// Byte offset of the start.
    offset: u32,
    /// Length in bytes.
    len: u32,
}

impl Span {
    /// A span from its offset and length (an offset past 4 GiB, which no
    /// spec reaches, is held as the last one).
    pub fn new(offset: usize, len: usize) -> Self {
        let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Self { offset: narrow(offset), len: narrow(len) }
    }

    /// Byte offset of the start.
    pub fn offset(self) -> usize {
        self.offset as usize
    }

    /// Length in bytes.
    pub fn len(self) -> usize {
        self.len as usize
    }

    /// Whether it spans nothing.
    pub fn is_empty(self) -> bool {
        self.len == 0
    }

    /// The byte just past the end.
    pub fn end(self) -> usize {
        self.offset() + self.len()
    }
}

impl From<SourceSpan> for Span {
    fn from(span: SourceSpan) -> Self {
        Self::new(span.offset(), span.len())
    }
}

impl From<Span> for SourceSpan {
    fn from(span: Span) -> Self {
        SourceSpan::new(span.offset().into(), span.len())
    }
}

/// A value with the place in the spec it was written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Wrap a value with its span.
    pub fn new(value: T, span: impl Into<Span>) -> Self {
        Self { value, span: span.into() }
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Spanned<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

impl<T: Serialize> Serialize for Spanned<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

/// A KDL scalar, as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// A string, quoted or a bare identifier.
    String(String),
    /// An integer.
    Integer(i128),
    /// A float (`3.10` lands here as `3.1`, which is why versions must be quoted).
    Float(f64),
    /// `#true` or `#false`.
    Bool(bool),
    /// `#null`.
    Null,
}

impl Scalar {
    /// What kind of value this is, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Scalar::String(_) => "a string",
            Scalar::Integer(_) => "an integer",
            Scalar::Float(_) => "a number",
            Scalar::Bool(_) => "a boolean",
            Scalar::Null => "#null",
        }
    }
}

/// An argument or property value with its source spelling and span.
#[derive(Debug, Clone, PartialEq)]
pub struct RawValue {
    /// The parsed value.
    pub value: Scalar,
    /// How it was spelled in the file (`3.10`, `"3.10"`, `#true`).
    pub repr: String,
    /// The span of the value itself (for a property, not including `key=`).
    pub span: Span,
}

/// A `key=value` property.
#[derive(Debug, Clone, PartialEq)]
pub struct RawProp {
    /// The key, with its span.
    pub key: Spanned<String>,
    /// The value.
    pub value: RawValue,
}

/// One KDL node.
#[derive(Debug, Clone, PartialEq)]
pub struct RawNode {
    /// The node name, with the span of the identifier only.
    pub name: Spanned<String>,
    /// Positional arguments, in order.
    pub args: Vec<RawValue>,
    /// Properties, in order (a repeated key is kept twice; the model rejects it).
    pub props: Vec<RawProp>,
    /// Child nodes, if the node has a `{ }` block.
    pub children: Option<Vec<RawNode>>,
    /// The whole node, from its name to its end.
    pub span: Span,
}

impl RawNode {
    /// The child nodes, or none.
    pub fn children(&self) -> &[RawNode] {
        self.children.as_deref().unwrap_or(&[])
    }

    /// A property by key (the last one if repeated).
    pub fn prop(&self, key: &str) -> Option<&RawProp> {
        self.props.iter().rev().find(|p| p.key.value == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_holds_what_a_spec_can_reach_and_saturates_beyond() {
        let span = Span::new(4 << 20, 17);
        assert_eq!((span.offset(), span.len(), span.end()), (4 << 20, 17, (4 << 20) + 17));
        assert!(!span.is_empty() && Span::default().is_empty());
        assert_eq!(SourceSpan::from(span), SourceSpan::new((4 << 20).into(), 17));
        assert_eq!(Span::from(SourceSpan::new(5.into(), 2)), Span::new(5, 2));
        // No spec reaches 4 GiB: held as the last offset, never wrapped.
        let far = Span::new(usize::MAX, usize::MAX);
        assert_eq!((far.offset(), far.len()), (u32::MAX as usize, u32::MAX as usize));
    }
}
