//! One module per subcommand.

pub mod demo;
pub mod policy_decide;
pub mod policy_file;
pub mod policy_fmt;
pub mod run;
pub mod validate;
