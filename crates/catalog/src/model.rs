//! The classification vocabulary: categories, risk levels, flags and the rule we recommend.
//!
//! These are the words the scaffold, the Markdown report and the gateway share, so they
//! live apart from the code that decides them. Risk is never stored independently of the
//! category: [`Category::risk`] is the one place that maps behaviour to severity.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What a tool does to the world, from harmless to irreversible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Category {
    /// Retrieves data without changing state.
    Read,
    /// Creates or changes data in a way that can be undone.
    Write,
    /// Runs code, commands or workflows whose effect depends on the arguments.
    Execute,
    /// Deletes, destroys or cancels: no undo.
    Destructive,
    /// Moves money: payments, refunds, transfers, purchases.
    Financial,
    /// Auxiliary operations (sessions, authentication) or no usable evidence.
    Other,
}

impl Category {
    /// Every category, in report order (most harmless first).
    pub const ALL: [Category; 6] = [
        Category::Read,
        Category::Write,
        Category::Execute,
        Category::Destructive,
        Category::Financial,
        Category::Other,
    ];

    /// Risk follows reversibility: reads are low, reversible writes medium, execution high,
    /// destruction and money critical. `Other` is low.
    pub fn risk(self) -> Risk {
        match self {
            Category::Read | Category::Other => Risk::Low,
            Category::Write => Risk::Medium,
            Category::Execute => Risk::High,
            Category::Destructive | Category::Financial => Risk::Critical,
        }
    }

    /// Strength of the category as evidence: when two signals disagree, the stronger wins.
    /// Money beats destruction (the catalogues rank Financial first), destruction beats
    /// execution, and so on; `Other` is the weakest.
    pub(crate) fn rank(self) -> u8 {
        match self {
            Category::Other => 0,
            Category::Read => 1,
            Category::Write => 2,
            Category::Execute => 3,
            Category::Destructive => 4,
            Category::Financial => 5,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Read => "Read",
            Category::Write => "Write",
            Category::Execute => "Execute",
            Category::Destructive => "Destructive",
            Category::Financial => "Financial",
            Category::Other => "Other",
        }
    }

    /// Parses `Read`, `write`, `DESTRUCTIVE`…
    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Severity of misuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Risk {
    Low,
    Medium,
    High,
    Critical,
}

impl Risk {
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Low => "Low",
            Risk::Medium => "Medium",
            Risk::High => "High",
            Risk::Critical => "Critical",
        }
    }

    pub fn parse(s: &str) -> Option<Risk> {
        [Risk::Low, Risk::Medium, Risk::High, Risk::Critical]
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for Risk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kind of a risk signal found in a tool definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum FlagKind {
    /// A property that carries a token, password, secret, API key or authorization.
    Credentials,
    /// Many properties (counted at any depth): a large surface to validate.
    HighParameterCount,
    /// A free-form command, script, code or SQL/query string.
    FreeformCode,
    /// A URL, URI, host or endpoint.
    Url,
    /// A file-system path.
    FilePath,
    /// Raw HTML, template or document content.
    RawContent,
    /// A money amount (amount, price, total…).
    MoneyAmount,
    /// Arrays of targets or a bulk/batch operation.
    Bulk,
    /// The server says the tool reaches an open world (`openWorldHint`).
    OpenWorld,
}

/// One risk signal, with the JSON path (or `name`/`description`/`annotations.…`) that
/// triggered it and the sentence shown to operators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    pub kind: FlagKind,
    pub path: String,
    pub text: String,
}

/// What the scaffold does with a tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RuleAction {
    Allow,
    Approve,
    Deny,
}

impl RuleAction {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleAction::Allow => "allow",
            RuleAction::Approve => "approve",
            RuleAction::Deny => "deny",
        }
    }
}

/// The rule the scaffold writes for a tool: an action, an optional calls-per-minute cap,
/// and the reason shown to the agent when the rule holds the call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecommendedRule {
    pub action: RuleAction,
    /// Calls per minute, when the action lets calls through.
    pub per_minute: Option<u32>,
    pub reason: String,
}

impl RecommendedRule {
    /// One line for comments and reports: `allow, 60/minute`, `approve`.
    pub fn summary(&self) -> String {
        match self.per_minute {
            Some(n) => format!("{}, {n}/minute", self.action.as_str()),
            None => self.action.as_str().to_owned(),
        }
    }
}

/// Everything the classifier concluded about one tool, with the evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classification {
    pub category: Category,
    pub risk: Risk,
    pub flags: Vec<Flag>,
    /// Human-readable explanation quoting the evidence (verb, description words, paths).
    pub rationale: String,
    pub recommended: RecommendedRule,
}

impl Classification {
    pub fn has_flag(&self, kind: FlagKind) -> bool {
        self.flags.iter().any(|f| f.kind == kind)
    }

    /// Flag sentences joined with `; ` (the catalogue pages' format), or `-` when none.
    pub fn flag_summary(&self) -> String {
        if self.flags.is_empty() {
            "-".to_owned()
        } else {
            self.flags
                .iter()
                .map(|f| f.text.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        }
    }
}
