//! One module per subcommand.

pub mod approvals;
pub mod audit;
pub mod demo;
pub mod mcp_client;
pub mod pin;
pub mod policy_decide;
pub mod policy_diff;
pub mod policy_file;
pub mod policy_fmt;
pub mod policy_test;
pub mod run;
pub mod run_http;
pub mod run_upstream;
pub mod scan;
pub mod state;
pub mod status;
pub mod validate;
