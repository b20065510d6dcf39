//! toolgate-state.
#![forbid(unsafe_code)]
