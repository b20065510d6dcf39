//! The hostile messages of the no-bypass suite, one function per case. Each function's doc
//! line says what a vulnerable gateway would do with it. `MARK` in a template becomes the
//! case's marker, which the server must never receive.
//!
//! Sources for cases other gateways got wrong are cited beside them.

use serde_json::{Value, json};

use super::harness::{Case, Expect, MAX_MESSAGE_BYTES};

fn id(n: i64) -> Value {
    json!(n)
}

// --- Duplicate keys -----------------------------------------------------------------------
// Readers disagree on which copy of a duplicate key wins (serde_json and Go keep the last,
// others the first, some merge): Bishop Fox, "An Exploration of JSON Interoperability
// Vulnerabilities", https://bishopfox.com/blog/json-interoperability-vulnerabilities

/// Vulnerable: evaluates `echo` (first key) while a last-wins server runs `delete_user`.
pub fn bypass_duplicate_name_key() -> Case {
    Case::text(
        "bypass_duplicate_name_key",
        r#"{"jsonrpc":"2.0","id":101,"method":"tools/call","params":{"name":"echo","name":"delete_user","arguments":{"text":"MARK","user_id":"MARK"}}}"#,
        Expect::Error(id(101)),
    )
}

/// Vulnerable: evaluates `echo` (last key) while a first-wins server runs `delete_user`.
pub fn bypass_duplicate_name_key_reversed() -> Case {
    Case::text(
        "bypass_duplicate_name_key_reversed",
        r#"{"jsonrpc":"2.0","id":102,"method":"tools/call","params":{"name":"delete_user","name":"echo","arguments":{"text":"MARK","user_id":"MARK"}}}"#,
        Expect::Error(id(102)),
    )
}

/// Vulnerable: compares raw key bytes, so `"n\u0061me"` is not seen as a second `name`.
pub fn bypass_duplicate_escaped_name_key() -> Case {
    Case::text(
        "bypass_duplicate_escaped_name_key",
        r#"{"jsonrpc":"2.0","id":103,"method":"tools/call","params":{"name":"echo","n\u0061me":"delete_user","arguments":{"text":"MARK","user_id":"MARK"}}}"#,
        Expect::Error(id(103)),
    )
}

/// Vulnerable: checks `amount: 5` against `gt 100` while the server refunds 5000.
pub fn bypass_duplicate_argument_key() -> Case {
    Case::text(
        "bypass_duplicate_argument_key",
        r#"{"jsonrpc":"2.0","id":104,"method":"tools/call","params":{"name":"create_refund","arguments":{"order_id":"MARK","amount":5,"amount":5000}}}"#,
        Expect::Error(id(104)),
    )
}

/// Vulnerable: only checks duplicates at the top of `arguments`, not inside nested values.
pub fn bypass_duplicate_argument_key_nested() -> Case {
    Case::text(
        "bypass_duplicate_argument_key_nested",
        r#"{"jsonrpc":"2.0","id":105,"method":"tools/call","params":{"name":"create_refund","arguments":{"order_id":"MARK","amount":5,"lines":[{"sku":"a","refund":{"amount":5,"amount":5000}}]}}}"#,
        Expect::Error(id(105)),
    )
}

/// Vulnerable: two `arguments` objects, the policy reads one and the server the other.
pub fn bypass_duplicate_arguments_key() -> Case {
    Case::text(
        "bypass_duplicate_arguments_key",
        r#"{"jsonrpc":"2.0","id":106,"method":"tools/call","params":{"name":"create_refund","arguments":{"amount":5},"arguments":{"order_id":"MARK","amount":5000}}}"#,
        Expect::Error(id(106)),
    )
}

/// Vulnerable: two `params`, the policy reads `echo` and the server `delete_user`.
pub fn bypass_duplicate_params_key() -> Case {
    Case::text(
        "bypass_duplicate_params_key",
        r#"{"jsonrpc":"2.0","id":107,"method":"tools/call","params":{"name":"echo","arguments":{"text":"x"}},"params":{"name":"delete_user","arguments":{"user_id":"MARK"}}}"#,
        Expect::Error(id(107)),
    )
}

/// Vulnerable: classifies the message as `tools/list` (first key) while the server runs the call.
pub fn bypass_duplicate_method_key() -> Case {
    Case::text(
        "bypass_duplicate_method_key",
        r#"{"jsonrpc":"2.0","id":108,"method":"tools/list","method":"tools/call","params":{"name":"delete_user","arguments":{"user_id":"MARK"}}}"#,
        Expect::Error(id(108)),
    )
}

// --- Keys differing only in case ----------------------------------------------------------
// Go's encoding/json matches keys to struct fields case-insensitively, preferring an exact
// match but taking the last case-insensitive one ("Go JSON parser ignores the case of member
// names", IETF json list, https://mailarchive.ietf.org/arch/msg/json/Ju-bwuRv-bq9IuOGzwqlV3aU9XE/;
// https://medium.com/go-puzzlers/go-puzzlers-json-unmarshaling-bbadfea28ee3). Intercept, the
// Go gateway whose policies toolgate reads, and Go MCP servers decode with it.

/// Vulnerable: routes on `method: tools/list` while a case-insensitive server reads `Method`.
pub fn bypass_case_variant_method_key() -> Case {
    Case::text(
        "bypass_case_variant_method_key",
        r#"{"jsonrpc":"2.0","id":111,"method":"tools/list","Method":"tools/call","params":{"name":"delete_user","arguments":{"user_id":"MARK"}}}"#,
        Expect::Error(id(111)),
    )
}

/// Vulnerable: sees no `method` (or passes an unknown member through) while the server reads `Method`.
pub fn bypass_lone_case_variant_method_key() -> Case {
    Case::text(
        "bypass_lone_case_variant_method_key",
        r#"{"jsonrpc":"2.0","id":112,"Method":"tools/call","params":{"name":"delete_user","arguments":{"user_id":"MARK"}}}"#,
        Expect::Error(id(112)),
    )
}

/// Vulnerable: evaluates `name: echo` while a case-insensitive server takes `NAME: delete_user`.
pub fn bypass_case_variant_name_key() -> Case {
    Case::text(
        "bypass_case_variant_name_key",
        r#"{"jsonrpc":"2.0","id":113,"method":"tools/call","params":{"name":"echo","NAME":"delete_user","arguments":{"text":"MARK","user_id":"MARK"}}}"#,
        Expect::Error(id(113)),
    )
}

/// Vulnerable: finds no `name` and lets the message through untouched; the server reads `Name`.
pub fn bypass_lone_case_variant_name_key() -> Case {
    Case::text(
        "bypass_lone_case_variant_name_key",
        r#"{"jsonrpc":"2.0","id":114,"method":"tools/call","params":{"Name":"delete_user","arguments":{"user_id":"MARK"}}}"#,
        Expect::Error(id(114)),
    )
}

/// Vulnerable: checks `amount: 5` while a case-insensitive server decodes `AMOUNT: 5000`.
pub fn bypass_case_variant_argument_key() -> Case {
    Case::text(
        "bypass_case_variant_argument_key",
        r#"{"jsonrpc":"2.0","id":115,"method":"tools/call","params":{"name":"create_refund","arguments":{"order_id":"MARK","amount":5,"AMOUNT":5000}}}"#,
        Expect::Error(id(115)),
    )
}

/// Vulnerable: with no `amount` at all, `deny when args.amount gt 100` doesn't apply, while
/// a case-insensitive server (Go `encoding/json`, .NET) decodes `AMOUNT` as `amount`.
pub fn bypass_lone_case_variant_argument_key() -> Case {
    Case::text(
        "bypass_lone_case_variant_argument_key",
        r#"{"jsonrpc":"2.0","id":196,"method":"tools/call","params":{"name":"create_refund","arguments":{"order_id":"MARK","AMOUNT":5000}}}"#,
        Expect::Denied(id(196), "invalid_arguments"),
    )
}

/// Vulnerable: as above with fullwidth letters, which NFKC turns into `amount`.
pub fn bypass_fullwidth_argument_key() -> Case {
    Case::text(
        "bypass_fullwidth_argument_key",
        r#"{"jsonrpc":"2.0","id":197,"method":"tools/call","params":{"name":"create_refund","arguments":{"order_id":"MARK","ａｍｏｕｎｔ":5000}}}"#,
        Expect::Denied(id(197), "invalid_arguments"),
    )
}

/// Vulnerable: checks `arguments` while a case-insensitive server decodes `Arguments`.
pub fn bypass_case_variant_arguments_key() -> Case {
    Case::text(
        "bypass_case_variant_arguments_key",
        r#"{"jsonrpc":"2.0","id":116,"method":"tools/call","params":{"name":"create_refund","arguments":{"amount":5},"Arguments":{"order_id":"MARK","amount":5000}}}"#,
        Expect::Error(id(116)),
    )
}

/// Vulnerable: folds ASCII only, but Go folds `ſ` (U+017F, long s) to `s`, so
/// `argumentſ` fills `Arguments` (Go src/encoding/json/fold.go: unicode.SimpleFold).
pub fn bypass_unicode_fold_arguments_key() -> Case {
    Case::text(
        "bypass_unicode_fold_arguments_key",
        r#"{"jsonrpc":"2.0","id":117,"method":"tools/call","params":{"name":"create_refund","arguments":{"amount":5},"argument\u017f":{"order_id":"MARK","amount":5000}}}"#,
        Expect::Error(id(117)),
    )
}

/// Vulnerable: a lone `argumentſ` is invisible to an exact reader (no arguments: `gt` is
/// false, the call is allowed) while Go decodes it as `Arguments`.
pub fn bypass_lone_unicode_fold_arguments_key() -> Case {
    Case::text(
        "bypass_lone_unicode_fold_arguments_key",
        r#"{"jsonrpc":"2.0","id":118,"method":"tools/call","params":{"name":"create_refund","argument\u017f":{"order_id":"MARK","amount":5000}}}"#,
        Expect::Error(id(118)),
    )
}

// --- Envelope and params of the wrong shape -----------------------------------------------

/// Vulnerable: finds no `params.name` in an array and forwards; a positional server runs it.
pub fn bypass_params_array() -> Case {
    Case::text(
        "bypass_params_array",
        r#"{"jsonrpc":"2.0","id":121,"method":"tools/call","params":["delete_user",{"user_id":"MARK"}]}"#,
        Expect::Error(id(121)),
    )
}

/// Vulnerable: forwards `params` it could not read as an object.
pub fn bypass_params_string() -> Case {
    Case::text(
        "bypass_params_string",
        r#"{"jsonrpc":"2.0","id":122,"method":"tools/call","params":"{\"name\":\"delete_user\",\"arguments\":{\"user_id\":\"MARK\"}}"}"#,
        Expect::Error(id(122)),
    )
}

/// Vulnerable: a tool name that is not a string is skipped by the policy, coerced by the server.
pub fn bypass_name_number() -> Case {
    Case::text(
        "bypass_name_number",
        r#"{"jsonrpc":"2.0","id":123,"method":"tools/call","params":{"name":42,"arguments":{"user_id":"MARK"}}}"#,
        Expect::Error(id(123)),
    )
}

/// Vulnerable: `name: null` matches no entry and falls through to a default.
pub fn bypass_name_null() -> Case {
    Case::text(
        "bypass_name_null",
        r#"{"jsonrpc":"2.0","id":124,"method":"tools/call","params":{"name":null,"arguments":{"user_id":"MARK"}}}"#,
        Expect::Error(id(124)),
    )
}

/// Vulnerable: stringifies `{"name":"delete_user"}` for matching; a lenient server unwraps it.
pub fn bypass_name_object() -> Case {
    Case::text(
        "bypass_name_object",
        r#"{"jsonrpc":"2.0","id":125,"method":"tools/call","params":{"name":{"name":"delete_user"},"arguments":{"user_id":"MARK"}}}"#,
        Expect::Error(id(125)),
    )
}

/// Vulnerable: `["delete_user"]` matches no entry; a server taking the first element runs it.
pub fn bypass_name_array() -> Case {
    Case::text(
        "bypass_name_array",
        r#"{"jsonrpc":"2.0","id":126,"method":"tools/call","params":{"name":["delete_user"],"arguments":{"user_id":"MARK"}}}"#,
        Expect::Error(id(126)),
    )
}

/// Vulnerable: no `name`, nothing to evaluate, forwarded as is.
pub fn bypass_missing_name() -> Case {
    Case::text(
        "bypass_missing_name",
        r#"{"jsonrpc":"2.0","id":127,"method":"tools/call","params":{"tool":"delete_user","arguments":{"user_id":"MARK"}}}"#,
        Expect::Error(id(127)),
    )
}

/// Vulnerable: `arguments` as a JSON string has no `amount` to check; a server parses the string.
pub fn bypass_arguments_string() -> Case {
    Case::text(
        "bypass_arguments_string",
        r#"{"jsonrpc":"2.0","id":128,"method":"tools/call","params":{"name":"create_refund","arguments":"{\"order_id\":\"MARK\",\"amount\":5000}"}}"#,
        Expect::Error(id(128)),
    )
}

/// Vulnerable: `arguments` as an array has no `amount` path; a positional server reads 5000.
pub fn bypass_arguments_array() -> Case {
    Case::text(
        "bypass_arguments_array",
        r#"{"jsonrpc":"2.0","id":129,"method":"tools/call","params":{"name":"create_refund","arguments":["MARK",5000]}}"#,
        Expect::Error(id(129)),
    )
}

// --- Encoding -----------------------------------------------------------------------------

/// Vulnerable: a lossy decoder (the Python SDK reads stdin with errors="replace") and the
/// gateway see different strings; invalid UTF-8 must be refused, not forwarded.
pub fn bypass_invalid_utf8() -> Case {
    Case::bytes(
        "bypass_invalid_utf8",
        &[
            br#"{"jsonrpc":"2.0","id":131,"method":"tools/call","params":{"name":"delete_user"#,
            b"\xff\xfe",
            br#"","arguments":{"user_id":"MARK"}}}"#,
        ],
        Expect::Error(id(131)),
    )
}

/// Vulnerable: a decoder accepting the overlong `C0 AF` for `/` reads `/etc/passwd`.
pub fn bypass_overlong_utf8() -> Case {
    Case::bytes(
        "bypass_overlong_utf8",
        &[
            br#"{"jsonrpc":"2.0","id":132,"method":"tools/call","params":{"name":"read_file","arguments":{"m":"MARK","path":""#,
            b"\xc0\xafetc\xc0\xafpasswd",
            br#""}}}"#,
        ],
        Expect::Error(id(132)),
    )
}

/// Vulnerable: a lone surrogate is dropped or replaced differently by each reader, so
/// the name the policy saw is not the name the server matches.
pub fn bypass_lone_surrogate() -> Case {
    Case::text(
        "bypass_lone_surrogate",
        r#"{"jsonrpc":"2.0","id":133,"method":"tools/call","params":{"name":"delete_user\ud800","arguments":{"user_id":"MARK"}}}"#,
        Expect::Error(id(133)),
    )
}

/// Vulnerable: matches the raw `delete_\u0075ser` against `hide`; the server decodes it.
pub fn bypass_escaped_hidden_tool_name() -> Case {
    Case::text(
        "bypass_escaped_hidden_tool_name",
        r#"{"jsonrpc":"2.0","id":134,"method":"tools/call","params":{"name":"delete_\u0075ser","arguments":{"user_id":"MARK"}}}"#,
        Expect::UnknownTool(id(134)),
    )
}

/// Vulnerable: runs the `^/etc/` regex on the escaped text `/\u0065tc/passwd`.
pub fn bypass_escaped_argument_value() -> Case {
    Case::text(
        "bypass_escaped_argument_value",
        r#"{"jsonrpc":"2.0","id":135,"method":"tools/call","params":{"name":"read_file","arguments":{"m":"MARK","path":"/\u0065tc/passwd"}}}"#,
        Expect::Denied(id(135), "deny"),
    )
}

/// Vulnerable: compares the raw method `tools\u002fcall` to `tools/call` and passes it through.
pub fn bypass_escaped_method() -> Case {
    Case::text(
        "bypass_escaped_method",
        r#"{"jsonrpc":"2.0","id":136,"method":"tools\u002fcall","params":{"name":"delete_user","arguments":{"user_id":"MARK"}}}"#,
        Expect::UnknownTool(id(136)),
    )
}

/// Vulnerable: a BOM makes the line unparseable for the gateway, which forwards it to a
/// server that skips BOMs.
pub fn bypass_bom_prefix() -> Case {
    Case::bytes(
        "bypass_bom_prefix",
        &[
            b"\xef\xbb\xbf",
            br#"{"jsonrpc":"2.0","id":137,"method":"tools/call","params":{"name":"delete_user","arguments":{"user_id":"MARK"}}}"#,
        ],
        Expect::ErrorIdOrNull(id(137)),
    )
}

/// Vulnerable: a C-string reader stops at the NUL and runs the first message; the gateway
/// must refuse the whole line.
pub fn bypass_nul_after_message() -> Case {
    Case::bytes(
        "bypass_nul_after_message",
        &[
            br#"{"jsonrpc":"2.0","id":138,"method":"tools/call","params":{"name":"delete_user","arguments":{"user_id":"MARK"}}}"#,
            b"\0",
            br#"{"jsonrpc":"2.0","id":1138,"method":"tools/call","params":{"name":"echo","arguments":{"text":"x"}}}"#,
        ],
        Expect::ErrorIdOrNull(id(138)),
    )
}

/// Vulnerable: a raw NUL inside the tool name truncates it to `delete_user` in C-based readers.
pub fn bypass_raw_nul_in_tool_name() -> Case {
    Case::bytes(
        "bypass_raw_nul_in_tool_name",
        &[
            br#"{"jsonrpc":"2.0","id":139,"method":"tools/call","params":{"name":"delete_user"#,
            b"\0",
            br#"echo","arguments":{"user_id":"MARK"}}}"#,
        ],
        Expect::Error(id(139)),
    )
}

/// Vulnerable: `delete_user\u0000` is not hidden for an exact matcher; a NUL-terminated
/// lookup on the server finds `delete_user`.
pub fn bypass_escaped_nul_in_tool_name() -> Case {
    Case::text(
        "bypass_escaped_nul_in_tool_name",
        r#"{"jsonrpc":"2.0","id":140,"method":"tools/call","params":{"name":"delete_user\u0000","arguments":{"user_id":"MARK"}}}"#,
        Expect::Refused(id(140)),
    )
}

// --- Framing ------------------------------------------------------------------------------

/// Vulnerable: forwards (or half-parses) a line over `--max-message-bytes`; the id must
/// still be answered.
pub fn bypass_oversized_line() -> Case {
    let padding = "a".repeat(100 * 1024);
    assert!(padding.len() > MAX_MESSAGE_BYTES);
    let template = format!(
        r#"{{"jsonrpc":"2.0","id":141,"method":"tools/call","params":{{"name":"create_refund","arguments":{{"order_id":"MARK","pad":"{padding}","amount":5000,"tail":"MARK"}}}}}}"#
    );
    Case::text("bypass_oversized_line", &template, Expect::Error(id(141)))
}

/// Vulnerable: parses the first value and ignores (or forwards) the garbage after it.
pub fn bypass_trailing_garbage() -> Case {
    Case::text(
        "bypass_trailing_garbage",
        r#"{"jsonrpc":"2.0","id":142,"method":"tools/call","params":{"name":"echo","arguments":{"text":"x"}}} ,"params":{"name":"delete_user","arguments":{"user_id":"MARK"}}}"#,
        Expect::ErrorIdOrNull(id(142)),
    )
}

/// Vulnerable: evaluates the first object of the line; a streaming server reads both.
pub fn bypass_two_messages_one_line() -> Case {
    Case::text(
        "bypass_two_messages_one_line",
        r#"{"jsonrpc":"2.0","id":143,"method":"tools/call","params":{"name":"echo","arguments":{"text":"x"}}}{"jsonrpc":"2.0","id":1143,"method":"tools/call","params":{"name":"delete_user","arguments":{"user_id":"MARK"}}}"#,
        Expect::ErrorIdOrNull(id(143)),
    )
}

/// Vulnerable: accepts comments and trailing commas (JSON5-style) that strict servers
/// reject or read differently.
pub fn bypass_lenient_json_syntax() -> Case {
    Case::text(
        "bypass_lenient_json_syntax",
        r#"{"jsonrpc":"2.0","id":144,"method":"tools/call",/* "params":{"name":"echo"}, */"params":{"name":"delete_user","arguments":{"user_id":"MARK"},},}"#,
        Expect::ErrorIdOrNull(id(144)),
    )
}

/// Vulnerable: stack overflow or a skipped check on 1,000 levels of nesting.
pub fn bypass_deep_nesting() -> Case {
    let depth = 1000;
    let template = format!(
        r#"{{"jsonrpc":"2.0","id":145,"method":"tools/call","params":{{"name":"create_refund","arguments":{{"order_id":"MARK","amount":5000,"deep":{}{}}}}}}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    Case::text("bypass_deep_nesting", &template, Expect::Error(id(145)))
}

// --- Method and envelope ------------------------------------------------------------------

/// Vulnerable: a `tools/call` without an id is "just a notification" and passes through;
/// the server may still run it.
pub fn bypass_tool_call_notification() -> Case {
    Case::text(
        "bypass_tool_call_notification",
        r#"{"jsonrpc":"2.0","method":"tools/call","params":{"name":"create_refund","arguments":{"order_id":"MARK","amount":5000}}}"#,
        Expect::Silence,
    )
}

/// Vulnerable: `Tools/Call` is not `tools/call` for an exact match; a case-insensitive
/// router calls the tool.
pub fn bypass_method_case_variant() -> Case {
    Case::text(
        "bypass_method_case_variant",
        r#"{"jsonrpc":"2.0","id":151,"method":"Tools/Call","params":{"name":"delete_user","arguments":{"user_id":"MARK"}}}"#,
        Expect::Error(id(151)),
    )
}

/// Vulnerable: `tools/call ` passes as another method; a trimming router calls the tool.
pub fn bypass_method_trailing_space() -> Case {
    Case::text(
        "bypass_method_trailing_space",
        r#"{"jsonrpc":"2.0","id":152,"method":"tools/call ","params":{"name":"delete_user","arguments":{"user_id":"MARK"}}}"#,
        Expect::Error(id(152)),
    )
}

/// Vulnerable: `tools/call\u0000` passes as another method; a C-string router calls the tool.
pub fn bypass_method_nul_suffix() -> Case {
    Case::text(
        "bypass_method_nul_suffix",
        r#"{"jsonrpc":"2.0","id":153,"method":"tools/call\u0000","params":{"name":"delete_user","arguments":{"user_id":"MARK"}}}"#,
        Expect::Error(id(153)),
    )
}

/// Vulnerable: U+FEFF is not Unicode White_Space (Rust's `char::is_whitespace` keeps it)
/// but it is ECMAScript WhiteSpace, so JavaScript's `"tools/call\uFEFF".trim()` is
/// `tools/call` (ECMA-262 "White Space" lists U+FEFF as <ZWNBSP>, and
/// String.prototype.trim strips WhiteSpace). A gateway that trims like Rust forwards it
/// as an unknown method to a server that trims like JS.
// FIXED (was): toolgate's `is_disguised_tool_call` trims only `is_whitespace || is_control`, so
// `tools/call\uFEFF` is forwarded to the server unchecked (the marker reaches the server
// log; the agent gets the server's "method not found", not a refusal from toolgate).
// Zero-width characters (U+200B..U+200D, U+2060) are the same class.
pub fn bypass_method_bom_suffix() -> Case {
    Case::text(
        "bypass_method_bom_suffix",
        r#"{"jsonrpc":"2.0","id":154,"method":"tools/call\ufeff","params":{"name":"delete_user","arguments":{"user_id":"MARK"}}}"#,
        Expect::Error(id(154)),
    )
}

/// Vulnerable: a JSON-RPC 1.0 request is not "ours" and passes through; the server runs it.
pub fn bypass_jsonrpc_1_0() -> Case {
    Case::text(
        "bypass_jsonrpc_1_0",
        r#"{"jsonrpc":"1.0","id":155,"method":"tools/call","params":{"name":"delete_user","arguments":{"user_id":"MARK"}}}"#,
        Expect::Error(id(155)),
    )
}

/// Vulnerable: no `jsonrpc` member, not classified, forwarded.
pub fn bypass_jsonrpc_missing() -> Case {
    Case::text(
        "bypass_jsonrpc_missing",
        r#"{"id":156,"method":"tools/call","params":{"name":"delete_user","arguments":{"user_id":"MARK"}}}"#,
        Expect::Error(id(156)),
    )
}

/// Vulnerable: `"id": null` is taken for a notification (dropped or passed) while a server
/// treats it as a request and runs it (the example server does).
pub fn bypass_null_id_request() -> Case {
    Case::text(
        "bypass_null_id_request",
        r#"{"jsonrpc":"2.0","id":null,"method":"tools/call","params":{"name":"create_refund","arguments":{"order_id":"MARK","amount":5000}}}"#,
        Expect::Error(Value::Null),
    )
}

/// Vulnerable: an object id can't be keyed for the in-flight table, so the call skips it.
pub fn bypass_object_id() -> Case {
    Case::text(
        "bypass_object_id",
        r#"{"jsonrpc":"2.0","id":{"n":157},"method":"tools/call","params":{"name":"delete_user","arguments":{"user_id":"MARK"}}}"#,
        Expect::Error(Value::Null),
    )
}

/// Vulnerable: `result` makes it look like a response (passed through), `method` makes the
/// server run it.
pub fn bypass_request_disguised_as_response() -> Case {
    Case::text(
        "bypass_request_disguised_as_response",
        r#"{"jsonrpc":"2.0","id":158,"result":{},"method":"tools/call","params":{"name":"delete_user","arguments":{"user_id":"MARK"}}}"#,
        Expect::Error(id(158)),
    )
}

// --- Batches ------------------------------------------------------------------------------
// MCP proxies that checked only top-level objects forwarded batched calls unchecked:
// https://github.com/permission-protocol/deploy-gate/issues/59,
// https://github.com/lobu-ai/lobu/pull/1328, https://github.com/stacklok/toolhive/issues/5745

/// Vulnerable: `[]` crashes the batch path or is forwarded.
pub fn bypass_empty_batch() -> Case {
    Case::unmarked("bypass_empty_batch", b"[]", Expect::Error(Value::Null))
}

/// Vulnerable: checks each batch element's parsed value but forwards the element's bytes
/// holding a duplicate key.
pub fn bypass_batch_duplicate_key_element() -> Case {
    Case::text(
        "bypass_batch_duplicate_key_element",
        r#"[{"jsonrpc":"2.0","id":161,"method":"tools/call","params":{"name":"echo","arguments":{"text":"x"}}},{"jsonrpc":"2.0","id":162,"method":"tools/call","params":{"name":"echo","name":"delete_user","arguments":{"text":"x","user_id":"MARK"}}}]"#,
        Expect::Error(Value::Null),
    )
}

/// Vulnerable: a batch inside a batch is not a message, so it is not checked, but forwarded.
pub fn bypass_nested_batch() -> Case {
    Case::text(
        "bypass_nested_batch",
        r#"[[{"jsonrpc":"2.0","id":163,"method":"tools/call","params":{"name":"delete_user","arguments":{"user_id":"MARK"}}}]]"#,
        Expect::Error(Value::Null),
    )
}

// --- Numbers and argument types -----------------------------------------------------------

/// Vulnerable: compares `1e3` as text or fails to parse it, so `gt 100` is false.
pub fn bypass_number_exponent() -> Case {
    Case::text(
        "bypass_number_exponent",
        r#"{"jsonrpc":"2.0","id":171,"method":"tools/call","params":{"name":"create_refund","arguments":{"order_id":"MARK","amount":1e3}}}"#,
        Expect::Denied(id(171), "deny"),
    )
}

/// Vulnerable: rounds or truncates `100.0000000000001` to 100, so `gt 100` is false.
pub fn bypass_number_tiny_fraction() -> Case {
    Case::text(
        "bypass_number_tiny_fraction",
        r#"{"jsonrpc":"2.0","id":172,"method":"tools/call","params":{"name":"create_refund","arguments":{"order_id":"MARK","amount":100.0000000000001}}}"#,
        Expect::Denied(id(172), "deny"),
    )
}

/// Vulnerable: reads `100.00000000000000001` as the f64 `100.0`, so `gt 100` is false,
/// while a server decoding amounts exactly (Java `BigDecimal`, Python
/// `json.loads(parse_float=Decimal)`, common for money) refunds more than 100.
pub fn bypass_number_below_f64_precision() -> Case {
    Case::text(
        "bypass_number_below_f64_precision",
        r#"{"jsonrpc":"2.0","id":179,"method":"tools/call","params":{"name":"create_refund","arguments":{"order_id":"MARK","amount":100.00000000000000001}}}"#,
        Expect::Refused(id(179)),
    )
}

/// Vulnerable: `1e400` overflows to infinity in one reader and is an error in another.
pub fn bypass_number_overflow() -> Case {
    Case::text(
        "bypass_number_overflow",
        r#"{"jsonrpc":"2.0","id":173,"method":"tools/call","params":{"name":"create_refund","arguments":{"order_id":"MARK","amount":1e400}}}"#,
        Expect::Refused(id(173)),
    )
}

/// Vulnerable: Python's json module accepts `NaN`/`Infinity` (docs.python.org, json:
/// "It also understands NaN, Infinity, and -Infinity"); `Infinity > 100` for the server.
pub fn bypass_infinity_literal() -> Case {
    Case::text(
        "bypass_infinity_literal",
        r#"{"jsonrpc":"2.0","id":174,"method":"tools/call","params":{"name":"create_refund","arguments":{"order_id":"MARK","amount":Infinity}}}"#,
        Expect::ErrorIdOrNull(id(174)),
    )
}

/// Vulnerable: `"5000" gt 100` is "not a number, so false" and the call is allowed; a
/// coercing server (pydantic lax mode) refunds 5000.
pub fn bypass_amount_as_string() -> Case {
    Case::text(
        "bypass_amount_as_string",
        r#"{"jsonrpc":"2.0","id":175,"method":"tools/call","params":{"name":"create_refund","arguments":{"order_id":"MARK","amount":"5000"}}}"#,
        Expect::Denied(id(175), "invalid_arguments"),
    )
}

/// Vulnerable: same type trick with an exponent string a coercing server still reads as 5000.
pub fn bypass_amount_as_exponent_string() -> Case {
    Case::text(
        "bypass_amount_as_exponent_string",
        r#"{"jsonrpc":"2.0","id":176,"method":"tools/call","params":{"name":"create_refund","arguments":{"order_id":"MARK","amount":"5e3"}}}"#,
        Expect::Denied(id(176), "invalid_arguments"),
    )
}

/// Vulnerable: `[5000]` is not a number, so `gt` is false; a server unwrapping lists reads 5000.
pub fn bypass_amount_as_array() -> Case {
    Case::text(
        "bypass_amount_as_array",
        r#"{"jsonrpc":"2.0","id":177,"method":"tools/call","params":{"name":"create_refund","arguments":{"order_id":"MARK","amount":[5000]}}}"#,
        Expect::Denied(id(177), "invalid_arguments"),
    )
}

/// Vulnerable: a regex on a non-string is "no match", so the `^/etc/` deny is skipped; a
/// server joining a list of path parts reads `/etc/passwd`.
pub fn bypass_path_not_a_string() -> Case {
    Case::text(
        "bypass_path_not_a_string",
        r#"{"jsonrpc":"2.0","id":178,"method":"tools/call","params":{"name":"read_file","arguments":{"m":"MARK","path":["/etc/passwd"]}}}"#,
        Expect::Denied(id(178), "invalid_arguments"),
    )
}

// --- Tool-name look-alikes ----------------------------------------------------------------
// Case-normalising gateways/servers: https://github.com/agentrust-io/cmcp/issues/159;
// Unicode look-alike tool names: https://github.com/modelcontextprotocol/python-sdk/pull/3141.
// None of these may reach the server under `"*": deny`, whatever the server normalises.

/// Vulnerable: `DELETE_USER` is not hidden for an exact matcher and gets a default allow;
/// a case-insensitive tool registry runs `delete_user`.
pub fn bypass_tool_name_case_variant() -> Case {
    Case::text(
        "bypass_tool_name_case_variant",
        r#"{"jsonrpc":"2.0","id":181,"method":"tools/call","params":{"name":"DELETE_USER","arguments":{"user_id":"MARK"}}}"#,
        Expect::Refused(id(181)),
    )
}

/// Vulnerable: a trailing U+FEFF hides the name from `hide`; a JS server's `trim()` removes it.
pub fn bypass_tool_name_bom_suffix() -> Case {
    Case::text(
        "bypass_tool_name_bom_suffix",
        r#"{"jsonrpc":"2.0","id":182,"method":"tools/call","params":{"name":"delete_user\ufeff","arguments":{"user_id":"MARK"}}}"#,
        Expect::Refused(id(182)),
    )
}

/// Vulnerable: fullwidth letters are another name for the gateway; NFKC makes them `delete_user`.
pub fn bypass_tool_name_fullwidth() -> Case {
    Case::text(
        "bypass_tool_name_fullwidth",
        r#"{"jsonrpc":"2.0","id":183,"method":"tools/call","params":{"name":"\uff44\uff45\uff4c\uff45\uff54\uff45_\uff55\uff53\uff45\uff52","arguments":{"user_id":"MARK"}}}"#,
        Expect::Refused(id(183)),
    )
}

// --- Path and URL arguments (issue 16) ------------------------------------------------------

/// Vulnerable: a regex `^/srv/shop/` allows it; the server opens `/etc/passwd`.
pub fn bypass_path_dot_dot_traversal() -> Case {
    Case::text(
        "bypass_path_dot_dot_traversal",
        r#"{"jsonrpc":"2.0","id":190,"method":"tools/call","params":{"name":"read_file","arguments":{"m":"MARK","path":"/srv/shop/../../etc/passwd"}}}"#,
        Expect::Denied(id(190), "deny"),
    )
}

/// Vulnerable: `//` is counted as a component by one reader and collapsed by another; the `..`
/// then climbs above `/`, which toolgate refuses rather than guesses at.
pub fn bypass_path_double_slash_dot_dot() -> Case {
    Case::text(
        "bypass_path_double_slash_dot_dot",
        r#"{"jsonrpc":"2.0","id":191,"method":"tools/call","params":{"name":"read_file","arguments":{"m":"MARK","path":"/srv/shop//../../../etc/passwd"}}}"#,
        Expect::Denied(id(191), "invalid_arguments"),
    )
}

/// Vulnerable: compares the encoded text (under `/srv/shop/`) while a decoding server opens
/// `/etc/passwd`.
pub fn bypass_path_percent_encoded_dot_dot() -> Case {
    Case::text(
        "bypass_path_percent_encoded_dot_dot",
        r#"{"jsonrpc":"2.0","id":192,"method":"tools/call","params":{"name":"read_file","arguments":{"m":"MARK","path":"/srv/shop/%2e%2e/%2e%2e/etc/passwd"}}}"#,
        Expect::Denied(id(192), "invalid_arguments"),
    )
}

/// Vulnerable: decodes once and sees `%2e%2e` (a name), while a server decoding twice climbs out.
pub fn bypass_path_double_percent_encoded() -> Case {
    Case::text(
        "bypass_path_double_percent_encoded",
        r#"{"jsonrpc":"2.0","id":193,"method":"tools/call","params":{"name":"read_file","arguments":{"m":"MARK","path":"/srv/shop/%252e%252e/%252e%252e/etc/passwd"}}}"#,
        Expect::Denied(id(193), "invalid_arguments"),
    )
}

/// Vulnerable: a string prefix `/srv/shop` also admits the sibling directory `/srv/shop2`.
pub fn bypass_path_sibling_prefix() -> Case {
    Case::text(
        "bypass_path_sibling_prefix",
        r#"{"jsonrpc":"2.0","id":194,"method":"tools/call","params":{"name":"read_file","arguments":{"m":"MARK","path":"/srv/shop2/secrets.txt"}}}"#,
        Expect::Denied(id(194), "deny"),
    )
}

/// Vulnerable: `^https?://example\.com` matches it; the client connects to `evil.test`.
pub fn bypass_url_userinfo() -> Case {
    Case::text(
        "bypass_url_userinfo",
        r#"{"jsonrpc":"2.0","id":195,"method":"tools/call","params":{"name":"fetch","arguments":{"m":"MARK","url":"http://example.com@evil.test/"}}}"#,
        Expect::Denied(id(195), "invalid_arguments"),
    )
}

/// Vulnerable: compares hosts after a lossy Unicode fold; the Cyrillic `а` host is a different
/// domain (`xn--exmple-4nf.com`) that anyone can register.
pub fn bypass_url_idna_lookalike() -> Case {
    Case::text(
        "bypass_url_idna_lookalike",
        r#"{"jsonrpc":"2.0","id":196,"method":"tools/call","params":{"name":"fetch","arguments":{"m":"MARK","url":"https://ex\u0430mple.com/"}}}"#,
        Expect::Denied(id(196), "deny"),
    )
}

/// Vulnerable: a deny list of `127.0.0.0/8` misses the decimal form; clients following the URL
/// Standard (and `inet_aton`) connect to 127.0.0.1.
pub fn bypass_url_decimal_ip() -> Case {
    Case::text(
        "bypass_url_decimal_ip",
        r#"{"jsonrpc":"2.0","id":197,"method":"tools/call","params":{"name":"fetch","arguments":{"m":"MARK","url":"http://2130706433/latest/meta-data"}}}"#,
        Expect::Denied(id(197), "deny"),
    )
}

/// Vulnerable: the same, in hex.
pub fn bypass_url_hex_ip() -> Case {
    Case::text(
        "bypass_url_hex_ip",
        r#"{"jsonrpc":"2.0","id":198,"method":"tools/call","params":{"name":"fetch","arguments":{"m":"MARK","url":"http://0x7f.0.0.1/"}}}"#,
        Expect::Denied(id(198), "deny"),
    )
}

/// Vulnerable (FIXED, issue 16): 17 significant digits passed the precision check, but the f64
/// is `1024.0`, so `gt 1024` was false while an exact server reads a bigger size.
pub fn bypass_number_inexact_17_digits() -> Case {
    Case::text(
        "bypass_number_inexact_17_digits",
        r#"{"jsonrpc":"2.0","id":199,"method":"tools/call","params":{"name":"upload","arguments":{"m":"MARK","size":1024.0000000000001}}}"#,
        Expect::Refused(id(199)),
    )
}

/// Every single-message case, in the order the one-session test sends them.
pub fn all() -> Vec<Case> {
    vec![
        bypass_lone_case_variant_argument_key(),
        bypass_fullwidth_argument_key(),
        bypass_duplicate_name_key(),
        bypass_duplicate_name_key_reversed(),
        bypass_duplicate_escaped_name_key(),
        bypass_duplicate_argument_key(),
        bypass_duplicate_argument_key_nested(),
        bypass_duplicate_arguments_key(),
        bypass_duplicate_params_key(),
        bypass_duplicate_method_key(),
        bypass_case_variant_method_key(),
        bypass_lone_case_variant_method_key(),
        bypass_case_variant_name_key(),
        bypass_lone_case_variant_name_key(),
        bypass_case_variant_argument_key(),
        bypass_case_variant_arguments_key(),
        bypass_unicode_fold_arguments_key(),
        bypass_lone_unicode_fold_arguments_key(),
        bypass_params_array(),
        bypass_params_string(),
        bypass_name_number(),
        bypass_name_null(),
        bypass_name_object(),
        bypass_name_array(),
        bypass_missing_name(),
        bypass_arguments_string(),
        bypass_arguments_array(),
        bypass_invalid_utf8(),
        bypass_overlong_utf8(),
        bypass_lone_surrogate(),
        bypass_escaped_hidden_tool_name(),
        bypass_escaped_argument_value(),
        bypass_escaped_method(),
        bypass_bom_prefix(),
        bypass_nul_after_message(),
        bypass_raw_nul_in_tool_name(),
        bypass_escaped_nul_in_tool_name(),
        bypass_oversized_line(),
        bypass_trailing_garbage(),
        bypass_two_messages_one_line(),
        bypass_lenient_json_syntax(),
        bypass_deep_nesting(),
        bypass_tool_call_notification(),
        bypass_method_case_variant(),
        bypass_method_trailing_space(),
        bypass_method_nul_suffix(),
        bypass_method_bom_suffix(),
        bypass_jsonrpc_1_0(),
        bypass_jsonrpc_missing(),
        bypass_null_id_request(),
        bypass_object_id(),
        bypass_request_disguised_as_response(),
        bypass_empty_batch(),
        bypass_batch_duplicate_key_element(),
        bypass_nested_batch(),
        bypass_number_exponent(),
        bypass_number_tiny_fraction(),
        bypass_number_below_f64_precision(),
        bypass_number_overflow(),
        bypass_infinity_literal(),
        bypass_amount_as_string(),
        bypass_amount_as_exponent_string(),
        bypass_amount_as_array(),
        bypass_path_not_a_string(),
        bypass_tool_name_case_variant(),
        bypass_tool_name_bom_suffix(),
        bypass_tool_name_fullwidth(),
        bypass_path_dot_dot_traversal(),
        bypass_path_double_slash_dot_dot(),
        bypass_path_percent_encoded_dot_dot(),
        bypass_path_double_percent_encoded(),
        bypass_path_sibling_prefix(),
        bypass_url_userinfo(),
        bypass_url_idna_lookalike(),
        bypass_url_decimal_ip(),
        bypass_url_hex_ip(),
        bypass_number_inexact_17_digits(),
    ]
}
