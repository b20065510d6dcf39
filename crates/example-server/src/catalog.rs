//! What the example server declares: its `initialize` answer and its tool catalogue (names,
//! schemas and annotations of an online-shop support server), paged for `tools/list`. Tests, benchmarks and `toolgate demo` all see this list, so it mixes
//! read-only, write, financial and destructive tools (what a policy has to tell apart) with
//! utilities that exercise protocol corners (progress, mid-call requests, list changes).

use serde_json::{Value, json};

use crate::rpc::RpcError;

/// Protocol revisions the server agrees to when a client asks for them.
pub const SUPPORTED_PROTOCOL_VERSIONS: &[&str] =
    &["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"];
/// The revision offered when the client asks for one the server does not know.
pub const DEFAULT_PROTOCOL_VERSION: &str = "2025-06-18";
/// The `serverInfo.name` the server announces.
pub const SERVER_NAME: &str = "toolgate-example-server";

/// Every tool name the server answers to, in listing order.
pub const TOOL_NAMES: &[&str] = &[
    "get_order",
    "search_orders",
    "read_file",
    "update_order",
    "send_email",
    "create_refund",
    "delete_user",
    "echo",
    "add",
    "slow",
    "ask_user",
    "sample",
    "list_roots",
    "fail",
    "mutate_tools",
];

/// Order statuses `update_order` accepts.
pub const ORDER_STATUSES: &[&str] = &["pending", "paid", "shipped", "delivered", "cancelled"];

/// `echo`'s description; `mutate_tools` appends a revision to it so clients can see a change.
pub fn echo_description(revision: u64) -> String {
    if revision == 0 {
        "Echo the given text back unchanged.".to_owned()
    } else {
        format!("Echo the given text back unchanged (revision {revision}).")
    }
}

/// An object schema with the given properties and required names. `additionalProperties`
/// is false so a gateway validating arguments against the pinned schema has something to
/// reject; the server itself stays lenient so tests can see what got through.
fn object(properties: Value, required: &[&str]) -> Value {
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

fn tool(name: &str, title: &str, description: &str, input: Value, annotations: Value) -> Value {
    let mut annotations = annotations;
    annotations["title"] = json!(title);
    json!({
        "name": name,
        "title": title,
        "description": description,
        "inputSchema": input,
        "annotations": annotations,
    })
}

/// Annotations of a tool that only reads (untrusted hints, as every annotation is).
fn read_only() -> Value {
    json!({"readOnlyHint": true, "openWorldHint": false})
}

/// The full catalogue, with `echo`'s description at `echo_revision`.
pub fn tools(echo_revision: u64) -> Vec<Value> {
    let string = |description: &str| json!({"type": "string", "description": description});
    let mut add = tool(
        "add",
        "Add numbers",
        "Add two numbers.",
        object(
            json!({"a": {"type": "number"}, "b": {"type": "number"}}),
            &["a", "b"],
        ),
        read_only(),
    );
    // One tool with an output schema, so clients and gateways can check structuredContent.
    add["outputSchema"] = object(json!({"sum": {"type": "number"}}), &["sum"]);

    vec![
        tool(
            "get_order",
            "Get order",
            "Look up one order by its id: status, items, total and customer.",
            object(
                json!({"order_id": string("Order id, e.g. ORD-1001")}),
                &["order_id"],
            ),
            read_only(),
        ),
        tool(
            "search_orders",
            "Search orders",
            "Search orders by customer name, email or product.",
            object(
                json!({
                    "query": string("Free-text search"),
                    "limit": {"type": "integer", "minimum": 1, "maximum": 50, "default": 5},
                }),
                &["query"],
            ),
            read_only(),
        ),
        tool(
            "read_file",
            "Read file",
            "Read a file from the support knowledge base.",
            object(json!({"path": string("Path of the file")}), &["path"]),
            read_only(),
        ),
        tool(
            "update_order",
            "Update order",
            "Change an order's status.",
            object(
                json!({
                    "order_id": string("Order id"),
                    "status": {"type": "string", "enum": ORDER_STATUSES},
                }),
                &["order_id", "status"],
            ),
            json!({"readOnlyHint": false, "destructiveHint": false, "idempotentHint": true,
                   "openWorldHint": false}),
        ),
        tool(
            "send_email",
            "Send email",
            "Send an email to a customer.",
            object(
                json!({
                    "to": {"type": "string", "format": "email"},
                    "subject": {"type": "string"},
                    "body": {"type": "string"},
                }),
                &["to", "subject", "body"],
            ),
            json!({"readOnlyHint": false, "destructiveHint": false, "idempotentHint": false,
                   "openWorldHint": true}),
        ),
        tool(
            "create_refund",
            "Create refund",
            "Refund money to the customer of an order.",
            object(
                json!({
                    "order_id": string("Order id"),
                    "amount": {"type": "number", "exclusiveMinimum": 0},
                    "currency": {"type": "string", "pattern": "^[A-Z]{3}$", "default": "USD"},
                }),
                &["order_id", "amount"],
            ),
            json!({"readOnlyHint": false, "destructiveHint": true, "idempotentHint": false,
                   "openWorldHint": true}),
        ),
        tool(
            "delete_user",
            "Delete user",
            "Permanently delete a customer account and its data.",
            object(json!({"user_id": string("User id")}), &["user_id"]),
            json!({"readOnlyHint": false, "destructiveHint": true, "idempotentHint": true,
                   "openWorldHint": false}),
        ),
        tool(
            "echo",
            "Echo",
            &echo_description(echo_revision),
            object(json!({"text": {"type": "string"}}), &["text"]),
            read_only(),
        ),
        add,
        tool(
            "slow",
            "Slow operation",
            "Wait `ms` milliseconds, reporting progress in `steps` steps when asked to.",
            object(
                json!({
                    "ms": {"type": "integer", "minimum": 0},
                    "steps": {"type": "integer", "minimum": 1, "default": 1},
                }),
                &["ms"],
            ),
            read_only(),
        ),
        tool(
            "ask_user",
            "Ask the user",
            "Ask the user a question (elicitation) and return the answer.",
            object(json!({"question": {"type": "string"}}), &["question"]),
            read_only(),
        ),
        tool(
            "sample",
            "Sample the client's model",
            "Ask the client's model to complete a prompt (sampling) and return its answer.",
            object(json!({"prompt": {"type": "string"}}), &["prompt"]),
            read_only(),
        ),
        tool(
            "list_roots",
            "List roots",
            "Return the client's roots (roots/list).",
            object(json!({}), &[]),
            read_only(),
        ),
        tool(
            "fail",
            "Fail",
            "Always fail with the given message (a tool execution error).",
            object(json!({"message": {"type": "string"}}), &[]),
            read_only(),
        ),
        tool(
            "mutate_tools",
            "Mutate tools",
            "Change echo's description and notify clients that the tool list changed.",
            object(json!({}), &[]),
            json!({"readOnlyHint": false, "destructiveHint": false, "idempotentHint": false,
                   "openWorldHint": false}),
        ),
    ]
}

/// The `initialize` result: the client's revision when supported, else the default.
pub(super) fn initialize_result(params: &Value) -> Value {
    let requested = params.get("protocolVersion").and_then(Value::as_str);
    let version = requested
        .filter(|v| SUPPORTED_PROTOCOL_VERSIONS.contains(v))
        .unwrap_or(DEFAULT_PROTOCOL_VERSION);
    json!({
        "protocolVersion": version,
        "capabilities": {"tools": {"listChanged": true}},
        "serverInfo": {
            "name": SERVER_NAME,
            "title": "Example Shop Support",
            "version": env!("CARGO_PKG_VERSION"),
        },
        "instructions": "Customer-support tools for an online shop: look up and update orders, \
            email customers, issue refunds, delete accounts. (toolgate's example server; \
            all data is fake.)",
    })
}

/// One `tools/list` result page starting at `cursor`. Cursors are opaque to clients
/// (`cursor-<offset>` here); anything the server did not hand out is invalid params.
pub(super) fn page(
    tools: &[Value],
    cursor: Option<&Value>,
    page_size: Option<usize>,
) -> Result<Value, RpcError> {
    let start = match cursor {
        None | Some(Value::Null) => 0,
        Some(Value::String(cursor)) => cursor
            .strip_prefix("cursor-")
            .and_then(|offset| offset.parse::<usize>().ok())
            .filter(|&offset| offset <= tools.len())
            .ok_or_else(|| RpcError::invalid_params(format!("Invalid cursor: {cursor}")))?,
        Some(other) => return Err(RpcError::invalid_params(format!("Invalid cursor: {other}"))),
    };
    let end = match page_size {
        Some(size) if size > 0 => (start + size).min(tools.len()),
        _ => tools.len(),
    };
    let mut result = json!({"tools": &tools[start..end]});
    if end < tools.len() {
        result["nextCursor"] = json!(format!("cursor-{end}"));
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_matches_tool_names() {
        let names: Vec<String> = tools(0)
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(names, TOOL_NAMES);
        for t in tools(0) {
            assert_eq!(t["inputSchema"]["type"], "object", "{t}");
            assert!(t["annotations"].is_object(), "{t}");
        }
    }

    #[test]
    fn pages_cover_the_catalogue_exactly_once() {
        let all = tools(0);
        let (mut seen, mut cursor) = (Vec::new(), None);
        loop {
            let page = page(&all, cursor.as_ref(), Some(4)).unwrap();
            seen.extend(page["tools"].as_array().unwrap().iter().cloned());
            match page.get("nextCursor") {
                Some(next) => cursor = Some(next.clone()),
                None => break,
            }
        }
        assert_eq!(seen, all);
        assert!(page(&all, Some(&json!("bogus")), Some(4)).is_err());
        assert!(page(&all, Some(&json!(3)), Some(4)).is_err());
    }

    #[test]
    fn echo_description_changes_with_revision() {
        assert_ne!(tools(0)[7]["description"], tools(1)[7]["description"]);
    }
}
