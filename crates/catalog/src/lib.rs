//! toolgate's tool catalogue: know every tool before an agent calls it.
//!
//! * [`classify`] reads a tool definition (name, description, input schema, annotations)
//!   and says what it does — Read, Write, Execute, Destructive, Financial or Other — how
//!   risky that is, which risk signals its schema carries, and which rule to start from,
//!   quoting the evidence. Deterministic: table look-ups, no model.
//! * [`scaffold`] turns a `tools/list` result into a commented native policy (or
//!   PolicyLayer JSON, or a Markdown report) that `toolgate_policy::load` accepts.
//! * [`PinFile`] pins each tool's definition by hash in a lockfile and reports drift
//!   (a changed description is how a "rug pull" starts).
//! * [`ArgValidator`] validates call arguments against the pinned input schema, offline.
//!
//! The crate is pure: the only I/O is reading and writing the pin file.
#![forbid(unsafe_code)]

pub mod classify;
pub mod diff;
pub mod error;
pub mod model;
pub mod pin;
pub mod scaffold;
pub mod schema;
pub mod validate;
pub mod vocab;
pub mod words;

pub use classify::classify;
pub use error::CatalogError;
pub use model::{Category, Classification, Flag, FlagKind, RecommendedRule, Risk, RuleAction};
pub use pin::{Drift, DriftKind, DriftMode, Pin, PinFile, canonical_hash, canonical_json};
pub use scaffold::{Format, scaffold};
pub use validate::{ArgValidator, ValidatorCache};
