//! What each example tool does. Business tools return deterministic fake data derived from
//! their arguments (tests can predict it, nothing touches the disk or the network); utility
//! tools exercise protocol features a gateway must carry: progress, server→client requests
//! mid-call, tool errors and list changes.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value, json};

use super::Server;
use super::catalog::ORDER_STATUSES;
use crate::rpc::RpcError;

/// Runs tool `name`. `Err` is a protocol error (unknown tool); bad arguments and failed
/// operations are tool results with `isError: true`, as MCP wants, so a model can react.
pub(super) async fn call(
    server: &Arc<Server>,
    name: &str,
    arguments: &Map<String, Value>,
    meta: Option<&Value>,
) -> Result<Value, RpcError> {
    let args = Args(arguments);
    let result = match name {
        "get_order" => get_order(&args),
        "search_orders" => search_orders(&args),
        "read_file" => read_file(&args),
        "update_order" => update_order(&args),
        "send_email" => send_email(&args),
        "create_refund" => create_refund(&args),
        "delete_user" => delete_user(&args),
        "echo" => args
            .str("text")
            .map(|text| success(text, json!({"text": text}))),
        "add" => add(&args),
        "slow" => slow(server, &args, meta).await,
        "ask_user" => ask_user(server, &args).await,
        "sample" => sample(server, &args).await,
        "list_roots" => Ok(list_roots(server).await),
        "fail" => args
            .opt_str("message")
            .map(|message| failure(message.unwrap_or("Failed on purpose (fail tool)"))),
        "mutate_tools" => {
            let revision = server.mutate_tools();
            let text = format!("echo's description changed (revision {revision})");
            Ok(success(&text, json!({"revision": revision})))
        }
        _ => return Err(RpcError::invalid_params(format!("Unknown tool: {name}"))),
    };
    Ok(result
        .unwrap_or_else(|problem| failure(&format!("Invalid arguments for {name}: {problem}"))))
}

/// A tool result with one text block and, when not null, `structuredContent`.
fn success(text: &str, structured: Value) -> Value {
    let mut result = json!({"content": [{"type": "text", "text": text}], "isError": false});
    if !structured.is_null() {
        result["structuredContent"] = structured;
    }
    result
}

/// A data result: the text block carries the same JSON, for clients without
/// `structuredContent` support (2025-06-18 recommends exactly that).
fn data(structured: Value) -> Value {
    success(&structured.to_string(), structured)
}

/// A tool execution error.
fn failure(text: &str) -> Value {
    json!({"content": [{"type": "text", "text": text}], "isError": true})
}

/// Typed access to the arguments object; errors are messages for the caller.
struct Args<'a>(&'a Map<String, Value>);

impl<'a> Args<'a> {
    fn str(&self, key: &str) -> Result<&'a str, String> {
        self.opt_str(key)?
            .ok_or_else(|| format!("missing required argument `{key}`"))
    }

    fn opt_str(&self, key: &str) -> Result<Option<&'a str>, String> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(value)) => Ok(Some(value)),
            Some(_) => Err(format!("argument `{key}` must be a string")),
        }
    }

    fn number(&self, key: &str) -> Result<&'a serde_json::Number, String> {
        match self.0.get(key) {
            None | Some(Value::Null) => Err(format!("missing required argument `{key}`")),
            Some(Value::Number(value)) => Ok(value),
            Some(_) => Err(format!("argument `{key}` must be a number")),
        }
    }

    fn opt_u64(&self, key: &str) -> Result<Option<u64>, String> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => value
                .as_u64()
                .map(Some)
                .ok_or_else(|| format!("argument `{key}` must be a non-negative integer")),
        }
    }
}

/// FNV-1a: a stable hash so the same id always yields the same fake record.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

const CUSTOMERS: &[(&str, &str)] = &[
    ("Ada Lovelace", "ada@example.com"),
    ("Grace Hopper", "grace@example.com"),
    ("Alan Turing", "alan@example.com"),
    ("Katherine Johnson", "katherine@example.com"),
    ("Edsger Dijkstra", "edsger@example.com"),
];

const PRODUCTS: &[(&str, f64)] = &[
    ("Mechanical keyboard", 89.0),
    ("USB-C hub", 34.5),
    ("Noise-cancelling headphones", 199.0),
    ("Laptop stand", 42.0),
    ("4K webcam", 59.9),
    ("Ergonomic mouse", 27.25),
];

/// A plausible order, fully determined by its id.
fn fake_order(order_id: &str) -> Value {
    let hash = fnv(order_id);
    let pick = |salt: u64, len: usize| ((hash >> salt) % len as u64) as usize;
    let (name, email) = CUSTOMERS[pick(8, CUSTOMERS.len())];
    let mut total = 0.0;
    let items: Vec<Value> = (0..1 + pick(16, 3))
        .map(|n| {
            let (product, price) = PRODUCTS[pick(20 + 4 * n as u64, PRODUCTS.len())];
            let quantity = 1 + pick(40 + 2 * n as u64, 2) as u64;
            total += price * quantity as f64;
            json!({"sku": format!("SKU-{:04}", fnv(product) % 10_000), "name": product,
                   "quantity": quantity, "unit_price": price})
        })
        .collect();
    json!({
        "order_id": order_id,
        "status": ORDER_STATUSES[pick(0, ORDER_STATUSES.len())],
        "customer": {"user_id": format!("USR-{}", 100 + hash % 900), "name": name, "email": email},
        "items": items,
        "total": (total * 100.0).round() / 100.0,
        "currency": "USD",
        "created_at": format!("2025-{:02}-{:02}T10:{:02}:00Z", 1 + pick(24, 12), 1 + pick(28, 28), pick(32, 60)),
    })
}

fn get_order(args: &Args) -> Result<Value, String> {
    let order_id = args.str("order_id")?;
    if order_id.trim().is_empty() {
        return Ok(failure("order_id must not be empty"));
    }
    Ok(data(fake_order(order_id)))
}

fn search_orders(args: &Args) -> Result<Value, String> {
    let query = args.str("query")?;
    let limit = args.opt_u64("limit")?.unwrap_or(5).clamp(1, 50);
    let orders: Vec<Value> = (1..=limit)
        .map(|n| {
            let mut order = fake_order(&format!("ORD-{}", 1000 + n));
            order["matched"] = json!(query);
            order
        })
        .collect();
    Ok(data(
        json!({"query": query, "count": orders.len(), "orders": orders}),
    ))
}

fn read_file(args: &Args) -> Result<Value, String> {
    let path = args.str("path")?;
    // Fake on purpose: a test server must never become a way to read the host's files.
    let content = format!(
        "# {path}\n\nRefunds over $100 need a supervisor's approval.\n\
         (Fake content from toolgate-example-server; nothing was read from disk.)\n"
    );
    Ok(success(&content, json!({"path": path, "content": content})))
}

fn update_order(args: &Args) -> Result<Value, String> {
    let order_id = args.str("order_id")?;
    let status = args.str("status")?;
    if !ORDER_STATUSES.contains(&status) {
        return Err(format!(
            "status must be one of {}",
            ORDER_STATUSES.join(", ")
        ));
    }
    let previous = fake_order(order_id)["status"].clone();
    Ok(data(json!({
        "order_id": order_id, "previous_status": previous, "status": status, "updated": true,
    })))
}

fn send_email(args: &Args) -> Result<Value, String> {
    let to = args.str("to")?;
    let subject = args.str("subject")?;
    let body = args.str("body")?;
    if !to.contains('@') {
        return Err(format!("`to` is not an email address: {to}"));
    }
    let message_id = format!(
        "MSG-{:012x}",
        fnv(&format!("{to}\n{subject}\n{body}")) >> 16
    );
    Ok(data(
        json!({"message_id": message_id, "to": to, "subject": subject, "status": "queued"}),
    ))
}

fn create_refund(args: &Args) -> Result<Value, String> {
    let order_id = args.str("order_id")?;
    let amount = args.number("amount")?;
    let currency = args.opt_str("currency")?.unwrap_or("USD");
    if !amount.as_f64().is_some_and(|value| value > 0.0) {
        return Err(format!("amount must be positive, got {amount}"));
    }
    let refund_id = format!("RF-{:08x}", fnv(&format!("{order_id}/{amount}")) >> 32);
    Ok(data(json!({
        "refund_id": refund_id, "order_id": order_id, "amount": amount,
        "currency": currency, "status": "issued",
    })))
}

fn delete_user(args: &Args) -> Result<Value, String> {
    let user_id = args.str("user_id")?;
    Ok(data(json!({"user_id": user_id, "deleted": true})))
}

fn add(args: &Args) -> Result<Value, String> {
    let (a, b) = (args.number("a")?, args.number("b")?);
    // Integers stay integers (`2 + 3` is `5`, not `5.0`) unless they would overflow.
    let sum = match (a.as_i64(), b.as_i64()) {
        (Some(a), Some(b)) if a.checked_add(b).is_some() => json!(a + b),
        _ => json!(a.as_f64().unwrap_or(f64::NAN) + b.as_f64().unwrap_or(f64::NAN)),
    };
    Ok(success(&sum.to_string(), json!({"sum": sum})))
}

async fn slow(server: &Server, args: &Args<'_>, meta: Option<&Value>) -> Result<Value, String> {
    let ms = args
        .opt_u64("ms")?
        .ok_or("missing required argument `ms`")?;
    let steps = args.opt_u64("steps")?.unwrap_or(1).clamp(1, 10_000);
    let token = meta.and_then(|meta| meta.get("progressToken"));
    let step = Duration::from_millis(ms) / u32::try_from(steps).unwrap_or(1);
    for done in 1..=steps {
        tokio::time::sleep(step).await;
        if let Some(token) = token {
            server.notify(
                "notifications/progress",
                json!({"progressToken": token, "progress": done, "total": steps,
                       "message": format!("step {done} of {steps}")}),
            );
        }
    }
    let text = format!("Waited {ms} ms in {steps} step(s)");
    Ok(success(&text, json!({"ms": ms, "steps": steps})))
}

async fn ask_user(server: &Server, args: &Args<'_>) -> Result<Value, String> {
    let question = args.str("question")?;
    let params = json!({
        "message": question,
        "requestedSchema": {
            "type": "object",
            "properties": {"answer": {"type": "string", "title": "Answer", "description": question}},
            "required": ["answer"],
        },
    });
    let answer = match server.client_request("elicitation/create", params).await {
        Ok(answer) => answer,
        Err(problem) => return Ok(failure(&format!("Could not ask the user: {problem}"))),
    };
    let text = match answer.get("action").and_then(Value::as_str) {
        Some("accept") => match answer.pointer("/content/answer") {
            Some(Value::String(reply)) => format!("The user answered: {reply}"),
            Some(other) => format!("The user answered: {other}"),
            None => "The user accepted without an answer".to_owned(),
        },
        Some(action) => format!("The user chose to {action}"),
        None => format!("Unexpected elicitation result: {answer}"),
    };
    Ok(success(&text, answer))
}

async fn sample(server: &Server, args: &Args<'_>) -> Result<Value, String> {
    let prompt = args.str("prompt")?;
    let params = json!({
        "messages": [{"role": "user", "content": {"type": "text", "text": prompt}}],
        "systemPrompt": "You are a concise customer-support assistant.",
        "maxTokens": 256,
    });
    let answer = match server
        .client_request("sampling/createMessage", params)
        .await
    {
        Ok(answer) => answer,
        Err(problem) => return Ok(failure(&format!("Sampling failed: {problem}"))),
    };
    // `content` is one block up to 2025-06-18 and may be an array from 2025-11-25 on.
    let text = match answer.get("content") {
        Some(Value::Array(blocks)) => blocks
            .iter()
            .filter_map(|block| block.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join("\n"),
        Some(block) => block
            .get("text")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        None => String::new(),
    };
    Ok(success(&text, answer))
}

async fn list_roots(server: &Server) -> Value {
    let answer = match server.client_request("roots/list", Value::Null).await {
        Ok(answer) => answer,
        Err(problem) => return failure(&format!("Could not list roots: {problem}")),
    };
    let uris: Vec<&str> = answer
        .get("roots")
        .and_then(Value::as_array)
        .map(|roots| {
            roots
                .iter()
                .filter_map(|r| r.get("uri")?.as_str())
                .collect()
        })
        .unwrap_or_default();
    let text = format!("{} root(s): {}", uris.len(), uris.join(", "));
    success(&text, answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fake_orders_are_deterministic_and_plausible() {
        let order = fake_order("ORD-1001");
        assert_eq!(order, fake_order("ORD-1001"));
        assert_ne!(order, fake_order("ORD-1002"));
        assert!(ORDER_STATUSES.contains(&order["status"].as_str().unwrap()));
        assert!(order["total"].as_f64().unwrap() > 0.0);
        assert!(!order["items"].as_array().unwrap().is_empty());
    }

    #[test]
    fn add_keeps_integers_and_handles_floats() {
        let args = json!({"a": 2, "b": 3});
        let result = add(&Args(args.as_object().unwrap())).unwrap();
        assert_eq!(result["structuredContent"]["sum"], json!(5));
        assert_eq!(result["content"][0]["text"], "5");
        let args = json!({"a": 0.5, "b": 1});
        let result = add(&Args(args.as_object().unwrap())).unwrap();
        assert_eq!(result["structuredContent"]["sum"], json!(1.5));
    }

    #[test]
    fn argument_errors_name_the_argument() {
        let args = json!({"order_id": 7});
        let problem = get_order(&Args(args.as_object().unwrap())).unwrap_err();
        assert_eq!(problem, "argument `order_id` must be a string");
        let args = json!({});
        let problem = create_refund(&Args(args.as_object().unwrap())).unwrap_err();
        assert_eq!(problem, "missing required argument `order_id`");
    }
}
