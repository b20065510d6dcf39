//! The word lists the classifier reads evidence with.
//!
//! Kept in one place, in plain tables, so that a reviewer can see exactly which words make
//! a tool "destructive" and a change to the lists shows up as a one-line diff. Every entry
//! was chosen against the golden corpus (`tests/golden/tools.jsonl`), not guessed.

use crate::model::Category;

/// What an action word in a name or description says the tool does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Is(Category),
    /// `transfer` moves something; money if the object is funds, a write otherwise.
    Transfer,
    /// `refresh` a token or session is auth housekeeping (Other); refresh anything else is a write.
    Refresh,
}

/// Looks an action word up. Third-person and -ing forms (`Executes`, `Runs`, `deleting`)
/// are accepted for description words.
pub fn verb(word: &str) -> Option<Verb> {
    base_verb(word)
        .or_else(|| word.strip_suffix("ing").and_then(base_verb_or_e))
        .or_else(|| word.strip_suffix("es").and_then(base_verb))
        .or_else(|| word.strip_suffix('s').and_then(base_verb))
}

fn base_verb_or_e(stem: &str) -> Option<Verb> {
    base_verb(stem).or_else(|| base_verb(&format!("{stem}e")))
}

fn base_verb(word: &str) -> Option<Verb> {
    use Category::*;
    let category = match word {
        // Read: retrieval and inspection without side effects.
        "get" | "list" | "search" | "find" | "read" | "fetch" | "query" | "describe" | "show"
        | "view" | "lookup" | "retrieve" | "check" | "scan" | "inspect" | "analyze" | "analyse"
        | "count" | "validate" | "verify" | "health" | "healthcheck" | "ping" | "explain"
        | "preview" | "browse" | "download" | "export" | "summarize" | "compare" | "return"
        | "lint" | "diagnose" | "estimate" | "quote" | "select" | "load" | "peek" | "grep"
        | "tail" | "watch" | "monitor" | "audit" => Read,
        // Write: create or change data, reversibly.
        "create" | "add" | "update" | "edit" | "modify" | "set" | "put" | "post" | "send"
        | "write" | "insert" | "upload" | "import" | "save" | "patch" | "rename" | "move"
        | "copy" | "append" | "assign" | "label" | "comment" | "reply" | "publish" | "schedule"
        | "draft" | "exchange" | "register" | "submit" | "mark" | "enable" | "disable"
        | "configure" | "upsert" | "store" | "push" | "commit" | "attach" | "invite" | "share"
        | "generate" | "replace" | "merge" | "fork" | "star" | "unstar" | "subscribe" | "rate"
        | "vote" | "approve" | "dismiss" | "close" | "reopen" | "lock" | "unlock" | "pin"
        | "unpin" | "mint" | "remember" | "track" | "sync" | "restore" | "init" => Write,
        // Execute: runs something whose effect depends on the arguments.
        "execute" | "exec" | "run" | "invoke" | "trigger" | "start" | "stop" | "restart"
        | "deploy" | "build" | "launch" | "call" | "click" | "navigate" | "eval" | "evaluate"
        | "spawn" | "recreate" | "rebuild" | "dispatch" | "compile" | "press" | "hover"
        | "drag" | "fill" | "scale" | "shell" | "reboot" | "provision" | "rollout" | "rollback"
        | "apply" | "goto" | "upgrade" | "install" => Execute,
        // Destructive: no undo.
        "delete" | "remove" | "drop" | "destroy" | "purge" | "terminate" | "cancel"
        | "uninstall" | "wipe" | "erase" | "truncate" | "unpublish" | "clear" | "archive"
        | "revoke" | "kill" | "reset" | "rm" | "del" | "unlink" | "empty" | "flush" | "prune"
        | "evict" | "deprovision" | "teardown" | "overwrite" | "void" | "expunge" | "trash" => {
            Destructive
        }
        // Financial: moves money.
        "pay" | "refund" | "charge" | "purchase" | "buy" | "sell" | "trade" | "withdraw"
        | "deposit" | "payout" | "tip" | "donate" | "checkout" | "bill" | "invoice" | "settle"
        | "remit" | "wire" | "fund" | "bid" | "order" => Financial,
        // Other: authentication and session housekeeping.
        "login" | "logout" | "signin" | "signout" | "authenticate" | "auth" | "logon" => Other,
        "transfer" => return Some(Verb::Transfer),
        "refresh" => return Some(Verb::Refresh),
        _ => return None,
    };
    Some(Verb::Is(category))
}

/// Words in a name that mean money is the object (`create_refund`, `create_payment_intent`).
pub fn is_money_noun(word: &str) -> bool {
    matches!(
        word,
        "refund"
            | "refunds"
            | "payment"
            | "payments"
            | "payout"
            | "payouts"
            | "funds"
            | "money"
            | "charge"
            | "charges"
            | "purchase"
            | "purchases"
            | "remittance"
            | "wire"
            | "withdrawal"
            | "deposit"
    )
}

/// Words in a description that say money moves (`Transfer funds between wallets`).
pub fn is_money_text(word: &str) -> bool {
    is_money_noun(word) || matches!(word, "billing" | "checkout" | "usd" | "eur")
}

/// `subscription` is money only when the description speaks of billing or payment.
pub fn is_billing_noun(word: &str) -> bool {
    matches!(
        word,
        "subscription" | "subscriptions" | "billing" | "invoice"
    )
}

/// Nouns that name information rather than an action: a name made only of them
/// (`llm_context`, `execution_plan`, `safety_report`) describes something to read.
pub fn is_info_noun(word: &str) -> bool {
    matches!(
        word,
        "context"
            | "report"
            | "summary"
            | "status"
            | "info"
            | "information"
            | "details"
            | "docs"
            | "documentation"
            | "plan"
            | "balance"
            | "stats"
            | "statistics"
            | "metrics"
            | "overview"
            | "history"
            | "logs"
            | "version"
            | "schema"
            | "help"
            | "whoami"
            | "me"
            | "profile"
            | "search"
    )
}

/// Objects that make `refresh` auth housekeeping rather than a write.
pub fn is_session_noun(word: &str) -> bool {
    matches!(
        word,
        "token" | "tokens" | "session" | "jwt" | "credential" | "credentials" | "auth"
    )
}

/// Bulk wording in a name or description.
pub fn is_bulk_word(word: &str) -> bool {
    matches!(word, "bulk" | "batch" | "mass" | "all")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflected_description_verbs() {
        assert_eq!(verb("executes"), Some(Verb::Is(Category::Execute)));
        assert_eq!(verb("runs"), Some(Verb::Is(Category::Execute)));
        assert_eq!(verb("deleting"), Some(Verb::Is(Category::Destructive)));
        assert_eq!(verb("creating"), Some(Verb::Is(Category::Write)));
        assert_eq!(verb("returns"), Some(Verb::Is(Category::Read)));
        assert_eq!(verb("table"), None);
    }
}
