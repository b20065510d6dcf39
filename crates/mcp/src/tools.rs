//! The two tool methods the gateway looks inside: `tools/call` and `tools/list`.
//!
//! A `tools/call` is reduced to what policy evaluates (tool name, arguments, progress token),
//! refusing any shape a server could read differently. A `tools/list` result is read for its
//! tool definitions and can be rebuilt without the tools policy hides; that response is the
//! one place we re-serialise, because we changed it.

use bytes::Bytes;
use serde_json::{Map, Value};

use crate::error::ParseError;
use crate::parse::{Id, Message, TOOLS_CALL};
use crate::{fold, path};

const PARAMS_MEMBERS: &[&str] = &["name", "arguments", "_meta"];
pub(crate) const META_MEMBERS: &[&str] = &["progressToken"];
const RESULT_MEMBERS: &[&str] = &["tools", "nextCursor", "_meta"];
const TOOL_MEMBERS: &[&str] = &["name"];

/// A progress token (`_meta.progressToken`): a string or a number, like a request id.
pub type ProgressToken = Id;

/// The part of a `tools/call` request that policy evaluates.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolCall {
    pub name: String,
    /// Always an object; `{}` when the call had no `arguments`.
    pub arguments: Value,
    pub progress_token: Option<ProgressToken>,
}

impl ToolCall {
    /// The tool call in `message`, or `None` when it is not a `tools/call` request or
    /// notification. [`crate::parse_message`] already validated it, so for a parsed message
    /// this only copies the name and arguments out.
    pub fn from_message(message: &Message) -> Result<Option<ToolCall>, ParseError> {
        if message.method() != Some(TOOLS_CALL) {
            return Ok(None);
        }
        Self::from_params(message.params(), path::ROOT).map(Some)
    }

    /// Reads `params` of a `tools/call`; `base` is the message's path (`$`).
    pub fn from_params(params: Option<&Value>, base: &str) -> Result<ToolCall, ParseError> {
        let parts = read_call(params, base)?;
        Ok(ToolCall {
            name: parts.name.to_owned(),
            arguments: parts
                .arguments
                .cloned()
                .unwrap_or_else(|| Value::Object(Map::new())),
            progress_token: parts.progress_token,
        })
    }
}

/// A validated `tools/call`, borrowed from the message.
pub(crate) struct CallParts<'a> {
    pub(crate) name: &'a str,
    /// An object, when present.
    pub(crate) arguments: Option<&'a Value>,
    pub(crate) progress_token: Option<ProgressToken>,
}

/// Validates `params` of a `tools/call` (done once at parse time, so that every parsed
/// `tools/call` yields a [`ToolCall`]).
pub(crate) fn read_call<'a>(
    params: Option<&'a Value>,
    base: &str,
) -> Result<CallParts<'a>, ParseError> {
    let params_path = path::join_key(base, "params");
    let invalid = |path: String, reason| ParseError::InvalidToolCall { path, reason };
    let params = match params {
        Some(Value::Object(params)) => params,
        Some(_) => return Err(invalid(params_path, "params must be an object")),
        None => return Err(invalid(params_path, "params with a \"name\" are required")),
    };
    fold::check_members(params, PARAMS_MEMBERS, &params_path)?;

    let name_path = || path::join_key(&params_path, "name");
    let name = match params.get("name") {
        Some(Value::String(name)) => name,
        Some(_) => return Err(invalid(name_path(), "\"name\" must be a string")),
        None => return Err(invalid(name_path(), "\"name\" is required")),
    };
    if let Some(reason) = name_problem(name) {
        return Err(invalid(name_path(), reason));
    }

    let arguments = match params.get("arguments") {
        None => None,
        Some(arguments @ Value::Object(_)) => Some(arguments),
        Some(_) => {
            return Err(invalid(
                path::join_key(&params_path, "arguments"),
                "\"arguments\" must be an object",
            ));
        }
    };

    let progress_token = match params.get("_meta") {
        None => None,
        Some(Value::Object(meta)) => {
            let meta_path = path::join_key(&params_path, "_meta");
            fold::check_members(meta, META_MEMBERS, &meta_path)?;
            match meta.get("progressToken") {
                None => None,
                Some(token) => Some(Id::from_value(token).ok_or_else(|| {
                    invalid(
                        path::join_key(&meta_path, "progressToken"),
                        "\"progressToken\" must be a string or a number",
                    )
                })?),
            }
        }
        Some(_) => {
            return Err(invalid(
                path::join_key(&params_path, "_meta"),
                "\"_meta\" must be an object",
            ));
        }
    };

    Ok(CallParts {
        name,
        arguments,
        progress_token,
    })
}

/// Why a tool name cannot be matched safely, if it cannot.
///
/// Control characters and surrounding whitespace have no place in a tool name, and a server
/// that trims names or stops at a NUL would call a different tool than the one evaluated.
fn name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("\"name\" must not be empty")
    } else if name.chars().any(char::is_control) {
        Some("\"name\" must not contain control characters")
    } else if name.starts_with(char::is_whitespace) || name.ends_with(char::is_whitespace) {
        Some("\"name\" must not start or end with whitespace")
    } else {
        None
    }
}

/// One page of a `tools/list` result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ToolsPage<'a> {
    /// The tool definitions, each an object with a string `name`.
    pub tools: &'a [Value],
    pub next_cursor: Option<&'a str>,
}

impl ToolsPage<'_> {
    /// The tool names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.tools.iter().map(tool_name)
    }
}

/// The tool definitions and `nextCursor` of a `tools/list` response (the whole response
/// message, as in [`Message::value`]).
pub fn tools_list_page(response: &Value) -> Result<ToolsPage<'_>, ParseError> {
    let invalid = |path: String, reason| ParseError::InvalidToolsList { path, reason };
    let result_path = path::join_key(path::ROOT, "result");
    let result = match response.get("result") {
        Some(Value::Object(result)) => result,
        _ => return Err(invalid(result_path, "\"result\" must be an object")),
    };
    fold::check_members(result, RESULT_MEMBERS, &result_path)?;
    fold::check_object(result, &result_path)?;
    let tools_path = path::join_key(&result_path, "tools");
    let tools = match result.get("tools") {
        Some(Value::Array(tools)) => tools,
        _ => return Err(invalid(tools_path, "\"tools\" must be an array")),
    };
    for (index, tool) in tools.iter().enumerate() {
        let tool_path = path::join_index(&tools_path, index);
        let Value::Object(definition) = tool else {
            return Err(invalid(tool_path, "each tool must be an object"));
        };
        // A client that ignores case could see another tool's name than the one we filtered.
        fold::check_members(definition, TOOL_MEMBERS, &tool_path)?;
        fold::check_object(definition, &tool_path)?;
        if !definition.get("name").is_some_and(Value::is_string) {
            return Err(invalid(
                path::join_key(&tool_path, "name"),
                "each tool needs a string \"name\"",
            ));
        }
    }
    let next_cursor = match result.get("nextCursor") {
        // Some servers write an explicit null for "no more pages".
        None | Some(Value::Null) => None,
        Some(Value::String(cursor)) => Some(cursor.as_str()),
        Some(_) => {
            return Err(invalid(
                path::join_key(&result_path, "nextCursor"),
                "\"nextCursor\" must be a string",
            ));
        }
    };
    Ok(ToolsPage { tools, next_cursor })
}

/// Rebuilds a `tools/list` response keeping only the tools for which `keep(name, definition)`
/// is true; everything else in the response is kept.
///
/// Returns `None` when every tool is kept: forward the original bytes then.
pub fn filter_tools_list<F>(response: &Value, mut keep: F) -> Result<Option<Bytes>, ParseError>
where
    F: FnMut(&str, &Value) -> bool,
{
    let page = tools_list_page(response)?;
    let kept: Vec<bool> = page
        .tools
        .iter()
        .map(|tool| keep(tool_name(tool), tool))
        .collect();
    if kept.iter().all(|k| *k) {
        return Ok(None);
    }
    let mut rebuilt = response.clone();
    if let Some(Value::Array(tools)) = rebuilt
        .get_mut("result")
        .and_then(|result| result.get_mut("tools"))
    {
        let mut flags = kept.iter();
        tools.retain(|_| flags.next().copied().unwrap_or(false));
    }
    Ok(Some(crate::wire::to_bytes(&rebuilt)))
}

/// The name of a definition that [`tools_list_page`] accepted.
fn tool_name(tool: &Value) -> &str {
    tool.get("name").and_then(Value::as_str).unwrap_or_default()
}
