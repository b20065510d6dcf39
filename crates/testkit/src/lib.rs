//! toolgate-testkit.
#![forbid(unsafe_code)]
