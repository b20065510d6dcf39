//! toolgate-mcp.
#![forbid(unsafe_code)]
