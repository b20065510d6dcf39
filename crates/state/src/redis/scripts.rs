//! The five Lua scripts (reserve, settle, renew, snapshot, reset) and their shared prelude.
//!
//! Each script is the prelude (`prelude.lua`: key expiry, entry decoding, calendar and
//! rolling arithmetic, the TTL sweep) followed by its own body. They start with `#!lua`
//! (Redis 7 script flags), so Redis refuses a writing script up front when it is out of
//! memory instead of failing halfway through one. They run with `EVALSHA` through
//! [`redis::Script`], which loads them again (`SCRIPT LOAD`) when Redis answers `NOSCRIPT`,
//! e.g. after a restart.

use std::sync::LazyLock;

use redis::Script;

macro_rules! script {
    ($body:literal) => {
        concat!("#!lua\n", include_str!("prelude.lua"), include_str!($body))
    };
}

/// The compiled-in scripts (their SHA1 digests are computed once).
pub(crate) struct Scripts {
    pub reserve: Script,
    pub settle: Script,
    pub renew: Script,
    pub snapshot: Script,
    pub reset: Script,
}

pub(crate) static SCRIPTS: LazyLock<Scripts> = LazyLock::new(|| Scripts {
    reserve: Script::new(script!("reserve.lua")),
    settle: Script::new(script!("settle.lua")),
    renew: Script::new(script!("renew.lua")),
    snapshot: Script::new(script!("snapshot.lua")),
    reset: Script::new(script!("reset.lua")),
});

impl Scripts {
    pub fn all(&self) -> [(&'static str, &Script); 5] {
        [
            ("reserve", &self.reserve),
            ("settle", &self.settle),
            ("renew", &self.renew),
            ("snapshot", &self.snapshot),
            ("reset", &self.reset),
        ]
    }
}

/// `settle` outcomes as the script reports them.
pub(crate) mod outcome {
    pub const NOT_PENDING: i64 = 0;
    pub const COMMITTED: i64 = 1;
    pub const REFUNDED: i64 = 2;
    pub const COMMITTED_AFTER_EXPIRY: i64 = 3;
}

/// `renew` reply codes.
pub(crate) mod renew_code {
    pub const NOT_PENDING: i64 = 0;
    pub const RENEWED: i64 = 1;
}

/// `reserve` reply codes.
pub(crate) mod reserve_code {
    pub const LIMITED: i64 = 0;
    pub const GRANTED: i64 = 1;
    pub const ID_TAKEN: i64 = 2;
}
