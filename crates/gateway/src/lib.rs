//! toolgate-gateway.
#![forbid(unsafe_code)]
