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

/// Where a read's result is a secret: a secret noun in a tool's name (`get_env`,
/// `get_secret`, `list_credentials`, `get_api_key`) or in the first sentence of a
/// description that leads with a verb that hands data back ("Returns all environment
/// variables"). Returns the words that matched, as quoted evidence.
///
/// Descriptions need the stronger phrases: a bare "environment" or "token" in prose is too
/// often a deployment environment or a currency token, and a check of keys ("validate all
/// API keys") hands back a status, not the keys.
pub fn secret_object(
    name_words: &[String],
    lead_words: &[String],
) -> Option<(&'static str, String)> {
    if let Some(w) = name_words.iter().find(|w| is_secret_noun(w)) {
        return Some(("name", w.clone()));
    }
    if let Some(p) = secret_pair(name_words) {
        return Some(("name", p));
    }
    let discloses = lead_words.first().is_some_and(|w| is_disclosing_verb(w));
    if !discloses {
        return None;
    }
    lead_words
        .iter()
        .find(|w| is_secret_noun(w) && !matches!(w.as_str(), "env" | "envs" | "environ"))
        .cloned()
        .or_else(|| secret_pair(lead_words))
        .map(|w| ("description", w))
}

/// A noun that is a secret by itself.
fn is_secret_noun(word: &str) -> bool {
    matches!(
        word,
        "secret"
            | "secrets"
            | "credential"
            | "credentials"
            | "password"
            | "passwords"
            | "passwd"
            | "passphrase"
            | "apikey"
            | "apikeys"
            | "privatekey"
            | "vault"
            | "env"
            | "envs"
            | "environ"
            | "dotenv"
    )
}

/// Two words that name a secret together: `api key`, `private keys`, `access token`,
/// `environment variables`.
fn secret_pair(words: &[String]) -> Option<String> {
    words.windows(2).find_map(|pair| {
        let (a, b) = (pair[0].as_str(), pair[1].as_str());
        let key = matches!(
            a,
            "api" | "private" | "access" | "ssh" | "signing" | "bearer"
        ) && matches!(b, "key" | "keys" | "token" | "tokens");
        let env = a == "environment" && matches!(b, "variable" | "variables" | "vars");
        (key || env).then(|| format!("{a} {b}"))
    })
}

/// Verbs whose result is the object itself (not a status about it).
fn is_disclosing_verb(word: &str) -> bool {
    matches!(
        word,
        "get"
            | "gets"
            | "return"
            | "returns"
            | "list"
            | "lists"
            | "read"
            | "reads"
            | "retrieve"
            | "retrieves"
            | "fetch"
            | "fetches"
            | "show"
            | "shows"
            | "print"
            | "prints"
            | "dump"
            | "dumps"
            | "reveal"
            | "reveals"
            | "display"
            | "displays"
            | "export"
            | "exports"
            | "view"
            | "views"
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

    fn words(s: &str) -> Vec<String> {
        crate::words::text_words(s)
    }

    #[test]
    fn secrets_as_the_object_of_a_read() {
        let none: Vec<String> = Vec::new();
        let name = |n: &str| secret_object(&crate::words::identifier_words(n), &none);
        assert_eq!(name("get-env"), Some(("name", "env".into())));
        assert_eq!(name("get_secret"), Some(("name", "secret".into())));
        assert_eq!(name("getApiKey"), Some(("name", "api key".into())));
        assert_eq!(name("printEnv"), Some(("name", "env".into())));
        assert_eq!(name("get_token_balance"), None);
        assert_eq!(name("list_environments"), None);
        let desc = |d: &str| secret_object(&none, &words(d));
        assert_eq!(
            desc("Returns all environment variables"),
            Some(("description", "environment variables".into()))
        );
        assert_eq!(
            desc("Retrieve a decrypted vault entry by key"),
            Some(("description", "vault".into()))
        );
        assert_eq!(
            desc("Check connectivity and validate all known API keys"),
            None
        );
        assert_eq!(desc("Get token balances for a wallet address"), None);
        assert_eq!(desc("Returns the deployment environment's status"), None);
    }
}
