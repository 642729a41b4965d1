//! What `inception lint` reports about the `hot-reload` and `debug`
//! concessions: a tier grants one, and a service it cannot apply to (an
//! `image` or `chart` service, an unknown runtime, hot reload of a Go
//! binary, no command to wrap, a job) runs without it. Said, never silent;
//! but a note (severity advice), not a failing finding: a concession is
//! granted to a whole tier, the services it does apply to get it, and the
//! others run as in every other tier. A tier of several runtimes (the
//! polyglot reference) could otherwise grant none.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use super::types::{Concession, Model};
use crate::plan::concession::{self, Gap};

/// One concession finding.
#[derive(Debug, Error, Diagnostic)]
pub enum ConcessionFinding {
    /// A granted concession does not apply to a service.
    #[error("tier `{tier}` grants `{concession}`, which does not apply to {what} `{service}`: {why}")]
    #[diagnostic(
        code(inception::lint::concession_not_applied),
        severity(Advice),
        help("the {what} runs in `{tier}` without `{concession}`; {fix}")
    )]
    NotApplied {
        /// The tier.
        tier: String,
        /// The concession.
        concession: &'static str,
        /// `service` or `job`.
        what: &'static str,
        /// The service.
        service: String,
        /// Why not.
        why: &'static str,
        /// What to do.
        fix: &'static str,
        /// The service's name.
        #[label("no `{concession}` here")]
        span: SourceSpan,
    },
}

fn fix(gap: Gap) -> &'static str {
    match gap {
        Gap::NotBuilt => "only `build` services get the concession tools and their source mounted",
        Gap::NoCommand => "declare `run` (and `entrypoint` if the image's must be replaced)",
        Gap::UnknownRuntime => {
            "declare `runtime python`, `runtime node` or `runtime go` if it is one; other runtimes (Java, .NET) have none"
        }
        Gap::NotNode => "start `run` with `node` (e.g. `run node server.js`)",
        Gap::GoReload => "`debug` still applies; rebuild the image to run a change",
        Gap::Job => "run the job's command in the dev container to debug it",
    }
}

/// Every concession finding of a valid model: for each tier granting
/// `hot-reload` or `debug`, each `build`, `image` or `chart` service it
/// cannot apply to (backing services are not the team's code: not reported).
pub(crate) fn findings(model: &Model) -> Vec<ConcessionFinding> {
    let mut found = Vec::new();
    for tier in &model.tiers {
        for kind in [Concession::HotReload, Concession::Debug] {
            if !tier.has(kind) {
                continue;
            }
            for service in model.services.iter().filter(|s| s.backing().is_none()) {
                if let Err(gap) = concession::check(service, kind) {
                    found.push(ConcessionFinding::NotApplied {
                        tier: tier.name.value.clone(),
                        concession: kind.as_str(),
                        what: if service.batch().is_some() { "job" } else { "service" },
                        service: service.name.value.clone(),
                        why: gap.why(),
                        fix: fix(gap),
                        span: service.name.span.into(),
                    });
                }
            }
        }
    }
    found
}
