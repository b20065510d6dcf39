//! The classifier: from a tool definition to a category, a risk, flags and a rule, with the
//! evidence quoted.
//!
//! Deterministic and explainable by construction: the decision is a short chain of table
//! look-ups over the tool's own words (see [`crate::vocab`]) and schema paths (see
//! [`crate::schema`]); no model is consulted. The chain, strongest evidence first:
//!
//! 1. the first action word of the **name** (`delete_repo` → Destructive);
//! 2. without one: money nouns in the name (`high_refund_ratio`), information nouns
//!    (`llm_context`), the **description**'s leading verb, then the strongest action word
//!    anywhere in the description;
//! 3. money as the object upgrades a write or execution to Financial (`create_refund`);
//! 4. server **annotations** may raise the result (`destructiveHint`, `readOnlyHint:false`)
//!    but never lower it — they are untrusted.
//!
//! Risk then follows the category ([`Category::risk`]); flags never lower it. One flag
//! raises it: a Read tool (or one with no action word) whose result is a secret — `get-env` ("Returns all
//! environment variables"), `get_secret`, `list_credentials` — is flagged Credentials
//! (path `name` or `description`: the secret is in the output, not an input) and rated
//! High, and the scaffold holds it for a person: reading a credential is the step before
//! using it anywhere, and the audit log can't take it back.

use serde_json::Value;

use crate::model::{Category, Classification, Flag, FlagKind, RecommendedRule, Risk, RuleAction};
use crate::schema::{self, flag};
use crate::vocab::{self, Verb};
use crate::words::{first_sentence, identifier_words, text_words};

/// Calls per minute the scaffold allows for reads, writes and `Other` tools.
pub const READ_PER_MINUTE: u32 = 60;
pub const WRITE_PER_MINUTE: u32 = 10;
pub const OTHER_PER_MINUTE: u32 = 30;

/// Classifies one tool definition (an element of a `tools/list` result: `name`,
/// `description`, `inputSchema`, `annotations`). Missing fields count as empty.
pub fn classify(tool: &Value) -> Classification {
    let name = tool.get("name").and_then(Value::as_str).unwrap_or("");
    let description = tool
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("");
    let schema = tool.get("inputSchema").unwrap_or(&Value::Null);
    let annotations = tool.get("annotations").unwrap_or(&Value::Null);

    let (mut flags, schema_notes) = schema::flags(schema);
    let name_words = identifier_words(name);
    let (mut category, mut evidence) = base_category(name, &name_words, description);

    if let Some(upgrade) = money_upgrade(category, &name_words, description, schema, &flags) {
        evidence.push(upgrade);
        category = Category::Financial;
    }
    if !flags.iter().any(|f| f.kind == FlagKind::Bulk)
        && let Some(w) = name_words.iter().find(|w| vocab::is_bulk_word(w))
    {
        flags.push(flag(
            FlagKind::Bulk,
            "name",
            format!("Bulk/array input — affects multiple targets (name: \"{w}\")"),
        ));
    }
    let hints = apply_annotations(&mut category, annotations, &mut flags);
    evidence.extend(hints);
    let lead_words = text_words(first_sentence(description));
    // Reads, and tools with no action word at all (`env`, `secrets`); not auth housekeeping
    // (`refresh_access_token` hands out a token by design).
    let reads = category == Category::Read
        || (category == Category::Other && !name_words.iter().any(|w| vocab::verb(w).is_some()));
    let secret = reads
        .then(|| vocab::secret_object(&name_words, &lead_words))
        .flatten();
    if let Some((place, what)) = &secret {
        evidence.push(format!(
            "its result is a secret (\"{what}\" in the {place}): rated High"
        ));
        flags.insert(
            0,
            flag(
                FlagKind::Credentials,
                place,
                format!("Discloses secrets or credentials ({place}: \"{what}\")"),
            ),
        );
    }

    let risk = if secret.is_some() {
        category.risk().max(Risk::High)
    } else {
        category.risk()
    };
    let recommended = recommend(category, &flags);
    let mut rationale = format!("{category} / {risk} risk: {}.", evidence.join("; "));
    let lead = first_sentence(description).trim();
    if !lead.is_empty() {
        rationale.push_str(&format!(" Description: \"{}\".", clip(lead, 100)));
    }
    if !flags.is_empty() {
        let list: Vec<&str> = flags.iter().map(|f| f.text.as_str()).collect();
        rationale.push_str(&format!(" Flags: {}.", list.join("; ")));
    }
    if !schema_notes.is_empty() {
        rationale.push_str(&format!(" Also: {}.", schema_notes.join(", ")));
    }
    Classification {
        category,
        risk,
        flags,
        rationale,
        recommended,
    }
}

/// Steps 1 and 2: the category the tool's own words give, and why.
fn base_category(name: &str, name_words: &[String], description: &str) -> (Category, Vec<String>) {
    if let Some((word, verb)) = name_words
        .iter()
        .find_map(|w| vocab::verb(w).map(|v| (w, v)))
    {
        return resolve_verb(
            word,
            verb,
            name_words,
            description,
            &format!("in the name \"{name}\""),
        );
    }
    if let Some(w) = name_words.iter().find(|w| vocab::is_money_noun(w)) {
        return (
            Category::Financial,
            vec![format!("money noun \"{w}\" in the name \"{name}\"")],
        );
    }
    let desc_words = text_words(description);
    if let Some(w) = name_words.iter().find(|w| vocab::is_billing_noun(w))
        && let Some(m) = desc_words.iter().find(|d| vocab::is_money_text(d))
    {
        return (
            Category::Financial,
            vec![format!(
                "\"{w}\" in the name with \"{m}\" in the description"
            )],
        );
    }
    if let Some(w) = name_words.iter().find(|w| vocab::is_info_noun(w)) {
        return (
            Category::Read,
            vec![format!(
                "the name \"{name}\" names information (\"{w}\"), no action word"
            )],
        );
    }
    let lead = text_words(first_sentence(description));
    let instruction = matches!(
        (
            lead.first().map(String::as_str),
            lead.get(1).map(String::as_str)
        ),
        (Some("call" | "use"), Some("this" | "when" | "whenever"))
    );
    if !instruction
        && let Some(first) = lead.first()
        && let Some(verb) = vocab::verb(first)
    {
        return resolve_verb(
            first,
            verb,
            name_words,
            description,
            "leading the description",
        );
    }
    if let Some((word, category)) = strongest_description_verb(&desc_words) {
        return (
            category,
            vec![format!(
                "strongest action word in the description: \"{word}\""
            )],
        );
    }
    (
        Category::Other,
        vec![format!(
            "no action word in the name \"{name}\" or its description"
        )],
    )
}

fn resolve_verb(
    word: &str,
    verb: Verb,
    name_words: &[String],
    description: &str,
    place: &str,
) -> (Category, Vec<String>) {
    match verb {
        Verb::Is(category) => (category, vec![format!("verb \"{word}\" {place}")]),
        Verb::Transfer => {
            let lead = text_words(first_sentence(description));
            let money = name_words
                .iter()
                .chain(lead.iter())
                .find(|w| vocab::is_money_text(w));
            match money {
                Some(m) => (
                    Category::Financial,
                    vec![format!("verb \"{word}\" {place} moves money (\"{m}\")")],
                ),
                None => (Category::Write, vec![format!("verb \"{word}\" {place}")]),
            }
        }
        Verb::Refresh => match name_words.iter().find(|w| vocab::is_session_noun(w)) {
            Some(obj) => (
                Category::Other,
                vec![format!(
                    "verb \"{word}\" {place} renews a credential (\"{obj}\"): auth housekeeping, no business data"
                )],
            ),
            None => (Category::Write, vec![format!("verb \"{word}\" {place}")]),
        },
    }
}

/// The most severe action word of a description, skipping negated ones ("does not delete").
fn strongest_description_verb(words: &[String]) -> Option<(String, Category)> {
    let mut best: Option<(String, Category)> = None;
    for (i, w) in words.iter().enumerate() {
        let negated = words[i.saturating_sub(3)..i].iter().any(|p| {
            matches!(
                p.as_str(),
                "not" | "no" | "never" | "without" | "cannot" | "t"
            )
        });
        if negated {
            continue;
        }
        if let Some(Verb::Is(c)) = vocab::verb(w)
            && c != Category::Other
            && best.as_ref().is_none_or(|(_, b)| c.rank() > b.rank())
        {
            best = Some((w.clone(), c));
        }
    }
    best
}

/// Step 3: a write, execution or unknown whose object is money is Financial.
fn money_upgrade(
    category: Category,
    name_words: &[String],
    description: &str,
    schema: &Value,
    flags: &[Flag],
) -> Option<String> {
    if !matches!(
        category,
        Category::Write | Category::Execute | Category::Other
    ) {
        return None;
    }
    if let Some(w) = name_words.iter().find(|w| vocab::is_money_noun(w)) {
        return Some(format!("the object is money (\"{w}\" in the name)"));
    }
    if category != Category::Other {
        let lead = text_words(first_sentence(description));
        if let Some(w) = lead.iter().find(|w| vocab::is_money_noun(w)) {
            return Some(format!("the object is money (\"{w}\" in the description)"));
        }
    }
    let amount = flags.iter().find(|f| f.kind == FlagKind::MoneyAmount)?;
    (!amount.path.contains('.') && schema::has_currency(schema))
        .then(|| format!("takes a money amount with a currency ({})", amount.path))
}

/// Step 4: annotations raise, never lower. Returns the evidence lines.
fn apply_annotations(
    category: &mut Category,
    annotations: &Value,
    flags: &mut Vec<Flag>,
) -> Vec<String> {
    let hint = |k: &str| annotations.get(k).and_then(Value::as_bool);
    let mut notes = Vec::new();
    let read_only = hint("readOnlyHint");
    if hint("destructiveHint") == Some(true) && read_only != Some(true) {
        if category.rank() < Category::Destructive.rank() {
            notes.push(format!(
                "annotations.destructiveHint=true raises {category} to Destructive"
            ));
            *category = Category::Destructive;
        }
    } else if read_only == Some(false) && matches!(category, Category::Read | Category::Other) {
        notes.push(format!(
            "annotations.readOnlyHint=false raises {category} to Write (the server says it modifies its environment)"
        ));
        *category = Category::Write;
    }
    if read_only == Some(true) {
        if *category == Category::Other {
            notes.push("annotations.readOnlyHint=true and nothing contrary: Read".to_owned());
            *category = Category::Read;
        } else if *category != Category::Read {
            notes.push(format!(
                "annotations.readOnlyHint=true ignored: hints never lower a {category} tool"
            ));
        }
    }
    if hint("openWorldHint") == Some(true) {
        flags.push(flag(
            FlagKind::OpenWorld,
            "annotations.openWorldHint",
            "Reaches external systems (annotations.openWorldHint)".to_owned(),
        ));
    }
    notes
}

/// Whether a Credentials flag was raised by the tool's name or description (its result is
/// a secret) rather than by an input property.
pub fn discloses_secrets(flags: &[Flag]) -> bool {
    flags.iter().any(|f| {
        f.kind == FlagKind::Credentials && matches!(f.path.as_str(), "name" | "description")
    })
}

/// The scaffold's rule for a category: reads and auxiliaries allowed under a cap, writes
/// under a tighter cap, everything irreversible or argument-dependent behind a person,
/// and so is a read whose result is a secret.
pub fn recommend(category: Category, flags: &[Flag]) -> RecommendedRule {
    let creds = flags.iter().any(|f| f.kind == FlagKind::Credentials);
    if discloses_secrets(flags) && matches!(category, Category::Read | Category::Other) {
        return RecommendedRule {
            action: RuleAction::Approve,
            per_minute: None,
            reason: "Discloses secrets or credentials; a person approves each call".to_owned(),
        };
    }
    let (action, per_minute, reason) = match category {
        Category::Read => (
            RuleAction::Allow,
            Some(READ_PER_MINUTE),
            "Read-only; capped to control cost",
        ),
        Category::Other => (
            RuleAction::Allow,
            Some(OTHER_PER_MINUTE),
            "Auxiliary operation; capped",
        ),
        Category::Write => (
            RuleAction::Allow,
            Some(WRITE_PER_MINUTE),
            "Writes are capped to stop runaway changes",
        ),
        Category::Execute => (
            RuleAction::Approve,
            None,
            "Runs commands or workflows; a person approves each call",
        ),
        Category::Destructive => (
            RuleAction::Approve,
            None,
            "Irreversible; a person approves each call",
        ),
        Category::Financial => (
            RuleAction::Approve,
            None,
            "Moves money; a person approves each call",
        ),
    };
    let mut reason = reason.to_owned();
    if creds {
        reason.push_str(" (handles credentials: review who may call it)");
    }
    RecommendedRule {
        action,
        per_minute,
        reason,
    }
}

fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(max).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
#[path = "classify_tests.rs"]
mod tests;
