//! toolgate-policy.
#![forbid(unsafe_code)]
