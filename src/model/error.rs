//! Errors of the `model` stage: the spec is valid KDL but does not mean
//! anything inception can build. Variants are sorted by name; each has a code,
//! a label at the offending token and a help line that names the fix.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

/// One problem with the meaning of a spec.
#[derive(Debug, Error, Diagnostic)]
pub enum ModelError {
    /// A concession on a tier whose cluster is not Minikube.
    #[error("concession `{concession}` on tier `{tier}`, which runs on `{cluster}`")]
    #[diagnostic(
        code(inception::model::concession_on_cloud_tier),
        help("concessions are local-only differences: move it to a `cluster minikube` tier, or remove it")
    )]
    ConcessionOnCloudTier {
        /// The concession's spelling.
        concession: String,
        /// The tier.
        tier: String,
        /// The tier's cluster.
        cluster: String,
        /// The concession node.
        #[label(primary, "not allowed on a cloud tier")]
        span: SourceSpan,
        /// The tier's `cluster` node.
        #[label("this tier runs on `{cluster}`")]
        cluster_span: SourceSpan,
    },

    /// Two distinct names that would become one generated name.
    #[error("{what} `{name}` collides with `{other}` in generated names")]
    #[diagnostic(code(inception::model::collision), help("{help}"))]
    Collision {
        /// What kind of thing (`service`, `tier`).
        what: String,
        /// The second name.
        name: String,
        /// The first name.
        other: String,
        /// The second declaration.
        #[label(primary, "becomes the same Azure or Bicep name…")]
        span: SourceSpan,
        /// The first declaration.
        #[label("…as this one")]
        first: SourceSpan,
        /// How to fix it.
        help: String,
    },

    /// The same name declared twice.
    #[error("{what} `{name}` is declared twice")]
    #[diagnostic(code(inception::model::duplicate), help("{help}"))]
    Duplicate {
        /// What kind of thing (`service`, `tier`, `env key`…).
        what: String,
        /// The repeated name.
        name: String,
        /// The second declaration.
        #[label(primary, "declared again here")]
        span: SourceSpan,
        /// The first declaration.
        #[label("first declared here")]
        first: SourceSpan,
        /// How to fix it.
        help: String,
    },

    /// A sha256 digest or checksum that is not one.
    #[error("{message}")]
    #[diagnostic(code(inception::model::invalid_digest), help("{help}"))]
    InvalidDigest {
        /// What is wrong.
        message: String,
        /// Where.
        #[label("{label}")]
        span: SourceSpan,
        /// The label.
        label: String,
        /// How to fix it.
        help: String,
    },

    /// A URL or path that cannot work where it is written: not https, relative, outside the repository, or with shell characters.
    #[error("{message}")]
    #[diagnostic(code(inception::model::invalid_location), help("{help}"))]
    InvalidLocation {
        /// What is wrong.
        message: String,
        /// Where.
        #[label("{label}")]
        span: SourceSpan,
        /// The label.
        label: String,
        /// How to fix it.
        help: String,
    },

    /// A Kubernetes quantity that is not one, or a request above its limit.
    #[error("{message}")]
    #[diagnostic(code(inception::model::invalid_quantity), help("{help}"))]
    InvalidQuantity {
        /// What is wrong.
        message: String,
        /// Where.
        #[label("{label}")]
        span: SourceSpan,
        /// The label.
        label: String,
        /// How to fix it.
        help: String,
    },

    /// A value without the form of where it lands: a DNS label, an
    /// environment variable, a package, a user, an extension, a secret, a blob
    /// container, an Azure name, a registry host, a revision, a version, a
    /// group id, an address range.
    #[error("{message}")]
    #[diagnostic(code(inception::model::malformed_value), help("{help}"))]
    MalformedValue {
        /// What is wrong.
        message: String,
        /// Where.
        #[label("{label}")]
        span: SourceSpan,
        /// The label.
        label: String,
        /// How to fix it.
        help: String,
    },

    /// A value valid on its own that has no place here: settings on a `chart` service, `repo=` on an `oci://` chart, a digest inline in a reference, separate values where `KEY=VALUE` properties go.
    #[error("{message}")]
    #[diagnostic(code(inception::model::misplaced_value), help("{help}"))]
    MisplacedValue {
        /// What is wrong.
        message: String,
        /// Where.
        #[label("{label}")]
        span: SourceSpan,
        /// The label.
        label: String,
        /// How to fix it.
        help: String,
    },

    /// A node that needs an argument or child that is not there.
    #[error("{message}")]
    #[diagnostic(code(inception::model::missing), help("{help}"))]
    Missing {
        /// What is missing.
        message: String,
        /// The node that lacks it.
        #[label("{label}")]
        span: SourceSpan,
        /// The label.
        label: String,
        /// How to fix it.
        help: String,
    },

    /// A cloud tier that would run something a registry or a branch can move
    /// under it: a revision that is not a commit, or a `build` service without
    /// an image digest.
    #[error("{message}")]
    #[diagnostic(code(inception::model::mutable_release), help("{help}"))]
    MutableRelease {
        /// What is wrong.
        message: String,
        /// Where.
        #[label("{label}")]
        span: SourceSpan,
        /// The label.
        label: String,
        /// How to fix it.
        help: String,
    },

    /// A number or a length outside its bounds.
    #[error("{message}")]
    #[diagnostic(code(inception::model::out_of_range), help("{help}"))]
    OutOfRange {
        /// What is wrong.
        message: String,
        /// Where.
        #[label("{label}")]
        span: SourceSpan,
        /// The label.
        label: String,
        /// How to fix it.
        help: String,
    },

    /// A per-tier override without a `reason`.
    #[error("override of tier `{tier}` in service `{service}` has no reason")]
    #[diagnostic(
        code(inception::model::override_without_reason),
        help("every difference between tiers must be explained: add reason=\"…\" saying why `{tier}` differs")
    )]
    OverrideWithoutReason {
        /// The service.
        service: String,
        /// The tier.
        tier: String,
        /// The override node's name.
        #[label("needs reason=\"…\"")]
        span: SourceSpan,
    },

    /// A name taken by the files inception writes, by a release it deploys, or by inception itself.
    #[error("{message}")]
    #[diagnostic(code(inception::model::reserved_name), help("{help}"))]
    ReservedName {
        /// What is wrong.
        message: String,
        /// Where.
        #[label("{label}")]
        span: SourceSpan,
        /// The label.
        label: String,
        /// How to fix it.
        help: String,
    },

    /// More arguments than the node takes.
    #[error("`{node}` takes {expected}")]
    #[diagnostic(code(inception::model::too_many_arguments), help("remove the extra value"))]
    TooManyArguments {
        /// The node name.
        node: String,
        /// What it takes.
        expected: String,
        /// The first extra argument.
        #[label("unexpected")]
        span: SourceSpan,
    },

    /// A node name not known in this place.
    #[error("unknown node `{name}` in {context}")]
    #[diagnostic(code(inception::model::unknown_node), help("{help}"))]
    UnknownNode {
        /// The name.
        name: String,
        /// Where it stands (`toolchain`, `service api`…).
        context: String,
        /// The name's span.
        #[label("not a {context} node")]
        span: SourceSpan,
        /// Did you mean, or where it belongs.
        help: String,
    },

    /// A property the node does not take.
    #[error("unknown property `{key}` on `{node}`")]
    #[diagnostic(code(inception::model::unknown_property), help("{help}"))]
    UnknownProperty {
        /// The key.
        key: String,
        /// The node name.
        node: String,
        /// The key's span.
        #[label("not a property of `{node}`")]
        span: SourceSpan,
        /// Did you mean, or the list of properties.
        help: String,
    },

    /// A reference to a tier or service that is not declared.
    #[error("unknown {what} `{name}`")]
    #[diagnostic(code(inception::model::unknown_reference), help("{help}"))]
    UnknownReference {
        /// `tier` or `service`.
        what: String,
        /// The name.
        name: String,
        /// Its span.
        #[label("no {what} of this name")]
        span: SourceSpan,
        /// Did you mean, or the declared names.
        help: String,
    },

    /// A tool that is neither in the catalog nor given a `url=`.
    #[error("unknown tool `{name}`")]
    #[diagnostic(code(inception::model::unknown_tool), help("{help}"))]
    UnknownTool {
        /// The tool name.
        name: String,
        /// Its span.
        #[label("not in the built-in catalog")]
        span: SourceSpan,
        /// Did you mean, or how to add a custom tool.
        help: String,
    },

    /// A word outside its closed set: an Azure region, a cluster, a concession, a logging stack, a health check.
    #[error("{message}")]
    #[diagnostic(code(inception::model::unknown_value), help("{help}"))]
    UnknownValue {
        /// What is wrong.
        message: String,
        /// Where.
        #[label("{label}")]
        span: SourceSpan,
        /// The label.
        label: String,
        /// How to fix it.
        help: String,
    },

    /// A version that is not an exact pin.
    #[error("{what} version `{version}` is not pinned")]
    #[diagnostic(code(inception::model::unpinned_version), help("{help}"))]
    UnpinnedVersion {
        /// What the version is of.
        what: String,
        /// The version as written.
        version: String,
        /// Its span.
        #[label("{reason}")]
        span: SourceSpan,
        /// Why it is not exact.
        reason: String,
        /// What to write instead.
        help: String,
    },

    /// A format version other than 1.
    #[error("unsupported format version `{version}`")]
    #[diagnostic(
        code(inception::model::unsupported_format),
        help("this inception reads format 1: write `inception 1` as the first node")
    )]
    UnsupportedFormat {
        /// The version as written.
        version: String,
        /// Its span.
        #[label("expected 1")]
        span: SourceSpan,
    },

    /// A value of the wrong KDL type.
    #[error("`{node}` expects {expected}, found {found}")]
    #[diagnostic(code(inception::model::wrong_type), help("{help}"))]
    WrongType {
        /// The node (or `node key=`).
        node: String,
        /// The expected type.
        expected: String,
        /// What was found.
        found: String,
        /// The value's span.
        #[label("this is {found}")]
        span: SourceSpan,
        /// How to write it.
        help: String,
    },
}

/// Which rule a value breaks, each with its own error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Invalid {
    /// `inception::model::invalid_digest`.
    Digest,
    /// `inception::model::invalid_location`.
    Location,
    /// `inception::model::malformed_value`.
    Malformed,
    /// `inception::model::invalid_quantity`.
    Quantity,
    /// `inception::model::misplaced_value`.
    Misplaced,
    /// `inception::model::out_of_range`.
    OutOfRange,
    /// `inception::model::reserved_name`.
    Reserved,
    /// `inception::model::unknown_value`.
    Unknown,
}

impl Invalid {
    /// The error for a value breaking this rule.
    pub(crate) fn error(self, message: String, span: SourceSpan, label: String, help: String) -> ModelError {
        match self {
            Invalid::Digest => ModelError::InvalidDigest { message, span, label, help },
            Invalid::Location => ModelError::InvalidLocation { message, span, label, help },
            Invalid::Malformed => ModelError::MalformedValue { message, span, label, help },
            Invalid::Quantity => ModelError::InvalidQuantity { message, span, label, help },
            Invalid::Misplaced => ModelError::MisplacedValue { message, span, label, help },
            Invalid::OutOfRange => ModelError::OutOfRange { message, span, label, help },
            Invalid::Reserved => ModelError::ReservedName { message, span, label, help },
            Invalid::Unknown => ModelError::UnknownValue { message, span, label, help },
        }
    }
}
