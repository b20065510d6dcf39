//! MCP protocol revisions toolgate knows, and what differs between them on the wire.
//!
//! The version is negotiated per session (`initialize`, or per request in the stateless
//! 2026-07-28 revision); the gateway polices every era the same way but must know, for
//! instance, whether a JSON-RPC batch is legal in the session it is serving.

use std::fmt;

pub const V2024_11_05: &str = "2024-11-05";
pub const V2025_03_26: &str = "2025-03-26";
pub const V2025_06_18: &str = "2025-06-18";
pub const V2025_11_25: &str = "2025-11-25";
pub const V2026_07_28: &str = "2026-07-28";

/// A protocol revision, ordered by date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProtocolVersion {
    /// HTTP+SSE transport.
    V2024_11_05,
    /// Streamable HTTP; JSON-RPC batches allowed.
    V2025_03_26,
    /// Batches removed; elicitation; `structuredContent`.
    V2025_06_18,
    /// Tasks; URL-mode elicitation.
    V2025_11_25,
    /// Stateless: no `initialize`, no session id.
    V2026_07_28,
}

impl ProtocolVersion {
    /// Every known revision, oldest first.
    pub const ALL: [ProtocolVersion; 5] = [
        ProtocolVersion::V2024_11_05,
        ProtocolVersion::V2025_03_26,
        ProtocolVersion::V2025_06_18,
        ProtocolVersion::V2025_11_25,
        ProtocolVersion::V2026_07_28,
    ];

    /// The newest known revision.
    pub const LATEST: ProtocolVersion = ProtocolVersion::V2026_07_28;

    /// The revision named `version` (exact match), if toolgate knows it.
    pub fn parse(version: &str) -> Option<ProtocolVersion> {
        Self::ALL.into_iter().find(|v| v.as_str() == version)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ProtocolVersion::V2024_11_05 => V2024_11_05,
            ProtocolVersion::V2025_03_26 => V2025_03_26,
            ProtocolVersion::V2025_06_18 => V2025_06_18,
            ProtocolVersion::V2025_11_25 => V2025_11_25,
            ProtocolVersion::V2026_07_28 => V2026_07_28,
        }
    }

    /// Whether JSON-RPC batches are legal: only in 2025-03-26 (added there, removed in
    /// 2025-06-18).
    pub fn allows_batches(self) -> bool {
        match self {
            ProtocolVersion::V2025_03_26 => true,
            ProtocolVersion::V2024_11_05
            | ProtocolVersion::V2025_06_18
            | ProtocolVersion::V2025_11_25
            | ProtocolVersion::V2026_07_28 => false,
        }
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether the revision named `version` allows JSON-RPC batches; `false` for unknown names.
pub fn allows_batches(version: &str) -> bool {
    ProtocolVersion::parse(version).is_some_and(ProtocolVersion::allows_batches)
}

#[cfg(test)]
mod tests {
    use super::{ProtocolVersion, allows_batches};

    #[test]
    fn only_2025_03_26_allows_batches() {
        let allowing: Vec<_> = ProtocolVersion::ALL
            .into_iter()
            .filter(|v| v.allows_batches())
            .collect();
        assert_eq!(allowing, [ProtocolVersion::V2025_03_26]);
        assert!(allows_batches("2025-03-26"));
        assert!(!allows_batches("2025-06-18"));
        assert!(!allows_batches("2025-03-26 "));
        assert!(!allows_batches("bogus"));
    }

    #[test]
    fn round_trips_and_orders() {
        for v in ProtocolVersion::ALL {
            assert_eq!(ProtocolVersion::parse(v.as_str()), Some(v));
            assert_eq!(v.to_string(), v.as_str());
        }
        assert!(ProtocolVersion::V2024_11_05 < ProtocolVersion::LATEST);
        assert!(ProtocolVersion::ALL.windows(2).all(|w| w[0] < w[1]));
    }
}
