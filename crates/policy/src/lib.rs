//! toolgate's policy engine: one model for native, Intercept and PolicyLayer policies.
//!
//! `load` turns policy text into a validated [`Policy`] (or every located error),
//! [`fmt::to_native_yaml`] prints it canonically, and [`CompiledPolicy::decide`] judges a
//! tool call purely: no I/O, no clock, the same input always gives the same decision.
//! Who may call (`identities`, `auth`, `grants`; see `docs/identities.md`) is part of the
//! same model; [`load_identities`] reads a separate identities file and
//! [`CompiledPolicy::with_identities`] joins it to a policy.
#![forbid(unsafe_code)]

pub mod access;
pub mod compile;
pub mod conditions;
pub mod decide;
pub mod diagnostics;
pub mod fmt;
pub mod fspath;
pub mod glob;
pub mod hosts;
pub mod identity;
pub mod lookalike;
pub mod model;
pub mod parse;
pub mod path;
pub mod source;

/// Exact decimal comparison lives with the wire checks in `toolgate_mcp`; re-exported for
/// conditions and tests that name it here.
pub use toolgate_mcp::numbers;

pub use access::DefinedTwice;
pub use compile::{CompiledPolicy, RuleRef};
pub use decide::{CallContext, Decision, DenyKind, Reservation, Verdict};
pub use diagnostics::{Diagnostic, Pos, Severity};
pub use identity::{
    AuthSettings, Grant, Grantee, IdentitiesFile, Identity, JWT_PREFIX, JwksSource, JwtAlgorithm,
    JwtSettings, KeyHash,
};
pub use model::{Approval, ApprovalVia, DEFAULT_APPROVAL_TIMEOUT_S, Policy, Remember};
pub use parse::{
    Dialect, LoadError, Loaded, LoadedIdentities, is_identities_file, load, load_identities,
};
