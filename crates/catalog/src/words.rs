//! Splitting tool names, descriptions and property names into lowercase words.
//!
//! Classification reads evidence word by word, so every input is first cut the same way:
//! `exchangeRefreshTokenForJWTWithId` → `exchange refresh token for jwt with id`,
//! `PostgreSQL_drop_schema` → `postgre sql drop schema`, `write_file(path)` → `write file path`.

/// Splits an identifier (tool or property name) into lowercase words at `_ - . : / ( ) ,`,
/// spaces, digit/letter edges and camelCase boundaries (an acronym run such as `JWT` in
/// `ForJWTWith` stays one word).
pub fn identifier_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    for chunk in name.split(|c: char| !c.is_alphanumeric()) {
        split_camel(chunk, &mut words);
    }
    words
}

fn split_camel(chunk: &str, out: &mut Vec<String>) {
    let chars: Vec<char> = chunk.chars().collect();
    let mut start = 0;
    for i in 1..chars.len() {
        let (prev, cur) = (chars[i - 1], chars[i]);
        let next_lower = chars.get(i + 1).is_some_and(|c| c.is_lowercase());
        let boundary = (prev.is_lowercase() && cur.is_uppercase())
            || (prev.is_uppercase() && cur.is_uppercase() && next_lower)
            || (prev.is_alphabetic() && cur.is_ascii_digit() && !is_short_token(&chars[start..i]))
            || (prev.is_ascii_digit() && cur.is_alphabetic() && !is_short_token(&chars[start..i]));
        if boundary {
            push_word(&chars[start..i], out);
            start = i;
        }
    }
    push_word(&chars[start..], out);
}

/// Keeps short mixed tokens such as `k8s` or `s3` whole.
fn is_short_token(run: &[char]) -> bool {
    run.len() <= 2
}

fn push_word(run: &[char], out: &mut Vec<String>) {
    if !run.is_empty() {
        out.push(run.iter().collect::<String>().to_lowercase());
    }
}

/// Splits free text into lowercase words (letters and digits only), keeping order.
/// `select/insert/update/delete` yields four words; `Soft-delete` yields `soft`, `delete`.
pub fn text_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The first sentence of a description (up to `. `, `! `, `? ` or a newline), where the
/// main action is normally stated.
pub fn first_sentence(text: &str) -> &str {
    let mut end = text.len();
    for pat in [". ", "! ", "? ", "\n"] {
        if let Some(i) = text.find(pat) {
            end = end.min(i);
        }
    }
    &text[..end]
}

/// A property name squashed for exact comparison: lowercase, separators removed
/// (`api_key`, `apiKey`, `API-Key` → `apikey`).
pub fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_with_acronyms() {
        assert_eq!(
            identifier_words("exchangeRefreshTokenForJWTWithId"),
            ["exchange", "refresh", "token", "for", "jwt", "with", "id"]
        );
        assert_eq!(
            identifier_words("PostgreSQL_drop_schema"),
            ["postgre", "sql", "drop", "schema"]
        );
    }

    #[test]
    fn separators_and_short_alnum_tokens() {
        assert_eq!(identifier_words("k8s_delete_ns"), ["k8s", "delete", "ns"]);
        assert_eq!(
            identifier_words("write_file(file_path, content)"),
            ["write", "file", "file", "path", "content"]
        );
        assert_eq!(identifier_words("policies.remove"), ["policies", "remove"]);
        assert_eq!(identifier_words("drop-table"), ["drop", "table"]);
    }

    #[test]
    fn text_and_sentences() {
        assert_eq!(
            text_words("Perform select/insert/update/delete."),
            ["perform", "select", "insert", "update", "delete"]
        );
        assert_eq!(first_sentence("Run it. Then stop."), "Run it");
        assert_eq!(squash("API-Key"), "apikey");
    }
}
