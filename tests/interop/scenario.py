#!/usr/bin/env python3
"""Interop scenario: the official MCP Python SDK client against the reference server
`@modelcontextprotocol/server-everything`, either directly or through `toolgate run`.

    scenario.py --mode gateway -- toolgate run --policy P --state memory -- mcp-server-everything stdio
    scenario.py --mode direct  -- mcp-server-everything stdio
    scenario.py --mode list    -- mcp-server-everything stdio      # print the server's tools
    scenario.py --mode gateway --url http://127.0.0.1:8787/mcp [--transport sse] [--header 'Authorization: Bearer K']

The server command line comes after `--`; this script does not know whether toolgate is in
the middle except through `--mode`, which says what to expect:

* `direct`: every call below is allowed (the policy-only steps are skipped);
* `gateway`: the policy written by `crates/cli/tests/interop.rs` (INTEROP_POLICY there) is in
  force: hidden and unconditionally denied tools are not listed, denials come back as tool
  results with `isError: true`, the fourth `get-sum` of a minute is rate-limited, a hidden tool
  is an unknown tool (-32602).

Prints one JSON summary on stdout (`ok`, `failures`, and what the client saw at each step, so the
caller can compare a direct run with a gateway run) and exits 1 if anything was not as expected
(each problem is also printed on stderr as `interop: FAIL: ...`). Server-initiated requests
(sampling, elicitation, roots) are answered by the callbacks below; progress notifications are
collected per call.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
import traceback
from typing import Any

import anyio
import mcp.types as types
from mcp import Client, ClientSession, StdioServerParameters, stdio_client
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.exceptions import MCPError

# Tool names of the pinned server-everything (tests/interop/package.json). A new version that
# renames tools fails the listing check below with the names it does have.
ECHO = "echo"
SUM = "get-sum"
STRUCTURED = "get-structured-content"
IMAGE = "get-tiny-image"
ANNOTATED = "get-annotated-message"
LINKS = "get-resource-links"
PROGRESS = "trigger-long-running-operation"
SAMPLING = "trigger-sampling-request"
ELICITATION = "trigger-elicitation-request"
ROOTS = "get-roots-list"

# What the gateway policy does with the other tools (must match INTEROP_POLICY in interop.rs).
HIDDEN = ["get-env", "toggle-simulated-logging", "toggle-subscriber-updates"]  # hide: [get-env, "toggle-*"]
DENIED_UNCONDITIONALLY = ["gzip-file-as-resource"]  # own entry: deny, no condition
DENIED_BY_CATCH_ALL = ["get-resource-reference"]  # "*": deny
DENY_REASON_GZIP = "No URL fetching from agents"
DENY_REASON_LINKS = "At most 5 links"
DENY_REASON_CATCH_ALL = "Not part of the interop workflow"
RATE_LIMIT_MAX = 3

# Calls whose results must be the same with and without the gateway (label -> (tool, args)).
ALLOWED_CALLS: list[tuple[str, str, dict[str, Any]]] = [
    ("echo", ECHO, {"message": "hello through toolgate ✓ \"quoted\" \\ back"}),
    ("structured", STRUCTURED, {"location": "Chicago"}),
    ("image", IMAGE, {}),
    ("annotated", ANNOTATED, {"messageType": "success", "includeImage": True}),
    ("links", LINKS, {"count": 2}),
]

ROOT_URI = "file:///tmp/toolgate-interop-root"
ROOT_NAME = "interop root"
SAMPLING_REPLY = "pong from the interop client"
SAMPLING_MODEL = "interop-test-model"
ELICITED_NAME = "Ada Lovelace"

CALL_TIMEOUT_S = 10.0
TOTAL_TIMEOUT_S = 25.0


def dump(model: Any) -> Any:
    """What the client saw, as JSON (wire field names)."""
    return model.model_dump(by_alias=True, mode="json", exclude_none=True)


class Target:
    """Where the client connects: a server command on stdio, or a URL (streamable HTTP, or the
    legacy HTTP+SSE transport), with extra request headers such as an API key."""

    def __init__(self, command: list[str], url: str | None, transport: str, headers: dict[str, str]) -> None:
        self.command = command
        self.url = url
        self.transport = transport
        self.headers = headers

    def connect(self) -> Any:
        """A fresh transport context manager yielding (read, write)."""
        if self.url is None:
            params = StdioServerParameters(command=self.command[0], args=self.command[1:], env=dict(os.environ))
            return stdio_client(params)
        if self.transport == "sse":
            return sse_client(self.url, headers=self.headers)
        return streamable_http_client(self.url, http_client=create_mcp_http_client(headers=self.headers))


class Scenario:
    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.failures: list[str] = []
        self.summary: dict[str, Any] = {"mode": mode}
        self.sampling_requests: list[Any] = []
        self.elicitation_requests: list[Any] = []
        self.roots_requests = 0
        self.notifications: list[str] = []

    # ---- checks ---------------------------------------------------------------------------
    def check(self, cond: bool, what: str) -> bool:
        if not cond:
            self.failures.append(what)
            print(f"interop: FAIL: {what}", file=sys.stderr, flush=True)
        return cond

    # ---- client callbacks (server -> client requests mid-call) ------------------------------
    async def on_sampling(self, context: Any, params: types.CreateMessageRequestParams) -> types.CreateMessageResult:
        self.sampling_requests.append(dump(params))
        return types.CreateMessageResult(
            role="assistant",
            content=types.TextContent(type="text", text=SAMPLING_REPLY),
            model=SAMPLING_MODEL,
            stop_reason="endTurn",
        )

    async def on_elicitation(self, context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        self.elicitation_requests.append(dump(params))
        return types.ElicitResult(
            action="accept",
            content={"name": ELICITED_NAME, "check": True, "email": "ada@example.org", "integer": 42},
        )

    async def on_list_roots(self, context: Any) -> types.ListRootsResult:
        self.roots_requests += 1
        return types.ListRootsResult(roots=[types.Root(uri=ROOT_URI, name=ROOT_NAME)])

    async def on_message(self, message: Any) -> None:
        """Server notifications the session surfaces (progress goes to the per-call callback)."""
        if isinstance(message, Exception):
            self.check(False, f"transport error surfaced to the client: {type(message).__name__}: {message}")
            return
        method = getattr(message, "method", None) or getattr(getattr(message, "root", None), "method", repr(message))
        self.notifications.append(method)

    # ---- helpers ----------------------------------------------------------------------------
    async def call(self, session: ClientSession, tool: str, args: dict[str, Any], **kw: Any) -> dict[str, Any]:
        """Call a tool; returns {"result": ...} or {"error": {"code", "message"}}."""
        try:
            result = await session.call_tool(tool, args, read_timeout_seconds=CALL_TIMEOUT_S, **kw)
        except MCPError as e:
            return {"error": {"code": e.code, "message": e.message}}
        return {"result": dump(result)}

    def expect_result(self, label: str, outcome: dict[str, Any]) -> dict[str, Any] | None:
        if not self.check("result" in outcome, f"{label}: expected a tool result, got {json.dumps(outcome)}"):
            return None
        return outcome["result"]

    def expect_success(self, label: str, outcome: dict[str, Any]) -> dict[str, Any] | None:
        res = self.expect_result(label, outcome)
        if res is not None and not self.check(
            not res.get("isError", False), f"{label}: expected success, got isError: {json.dumps(res)}"
        ):
            return None
        return res

    def expect_denied(self, label: str, outcome: dict[str, Any], kind: str, reason: str | None) -> dict[str, Any]:
        res = self.expect_result(label, outcome)
        info: dict[str, Any] = {"outcome": outcome}
        if res is None:
            return info
        self.check(res.get("isError") is True, f"{label}: expected isError: true, got {json.dumps(res)}")
        texts = [c.get("text", "") for c in res.get("content", []) if c.get("type") == "text"]
        text = texts[0] if texts else ""
        info["text"] = text
        self.check(text.startswith("Denied by policy: "), f"{label}: text should start 'Denied by policy: ', got {text!r}")
        if reason is not None:
            self.check(reason in text, f"{label}: text should give the reason {reason!r}, got {text!r}")
        decision = (res.get("_meta") or {}).get("dev.toolgate/decision")
        info["decision"] = decision
        if self.check(isinstance(decision, dict), f"{label}: no _meta[\"dev.toolgate/decision\"] in {json.dumps(res)}"):
            self.check(decision.get("kind") == kind, f"{label}: decision kind should be {kind!r}, got {decision!r}")
        return info

    def expect_unknown_tool(self, label: str, outcome: dict[str, Any]) -> None:
        err = outcome.get("error")
        if self.check(err is not None, f"{label}: expected JSON-RPC error -32602, got {json.dumps(outcome)}"):
            self.check(err["code"] == -32602, f"{label}: expected code -32602, got {err}")
            self.check("unknown tool" in err["message"].lower(), f"{label}: expected 'Unknown tool' in {err['message']!r}")

    # ---- the scenario -----------------------------------------------------------------------
    async def run(self, target: Target) -> None:
        async with target.connect() as (read, write):
            async with ClientSession(
                read,
                write,
                sampling_callback=self.on_sampling,
                elicitation_callback=self.on_elicitation,
                list_roots_callback=self.on_list_roots,
                message_handler=self.on_message,
                client_info=types.Implementation(name="toolgate-interop", version="1"),
            ) as session:
                init = await session.initialize()
                self.summary["protocol_version"] = init.protocol_version
                self.summary["server_info"] = dump(init.server_info)
                await self.steps(session)

    async def steps(self, session: ClientSession) -> None:
        gateway = self.mode == "gateway"
        s = self.summary

        # 1. tools/list (conditional tools are registered when `initialized` arrives, in order)
        listed = await session.list_tools()
        names = [t.name for t in listed.tools]
        s["tools"] = names
        s["tool_defs"] = {t.name: dump(t) for t in listed.tools}
        if self.mode == "list":
            return
        for needed in [ECHO, SUM, STRUCTURED, IMAGE, ANNOTATED, LINKS, PROGRESS, SAMPLING, ELICITATION, ROOTS]:
            self.check(needed in names, f"tools/list: {needed!r} missing; listed: {names}")
        for gone in HIDDEN + DENIED_UNCONDITIONALLY + DENIED_BY_CATCH_ALL:
            if gateway:
                self.check(gone not in names, f"tools/list: {gone!r} should not be listed through the gateway")
            else:
                self.check(gone in names, f"tools/list: {gone!r} missing from the direct listing: {names}")

        # 2. rate limit: get-sum is allowed 3 times a (UTC calendar) minute; the 4th is refused.
        # Don't straddle a minute boundary, or the window resets between calls 1 and 4.
        now = dt.datetime.now(dt.timezone.utc)
        if gateway and now.second >= 55:
            await anyio.sleep(60.2 - now.second - now.microsecond / 1e6)
        sums = []
        for i in range(RATE_LIMIT_MAX + 1):
            sums.append(await self.call(session, SUM, {"a": 2, "b": 3 + i}))
        s["sum_calls"] = sums
        for i, out in enumerate(sums[:RATE_LIMIT_MAX]):
            res = self.expect_success(f"get-sum call {i + 1}", out)
            if res is not None:
                self.check(f"{5 + i}" in json.dumps(res), f"get-sum call {i + 1}: expected sum {5 + i} in {json.dumps(res)}")
        if gateway:
            info = self.expect_denied(f"get-sum call {RATE_LIMIT_MAX + 1}", sums[-1], "rate_limited", None)
            d = info.get("decision") or {}
            retry = d.get("retry_after_s")
            self.check(
                isinstance(retry, (int, float)) and not isinstance(retry, bool) and 0 < retry <= 60,
                f"get-sum call {RATE_LIMIT_MAX + 1}: retry_after_s should be in (0, 60], got {retry!r} in {d!r}",
            )
            s["rate_limited"] = info
        else:
            self.expect_success(f"get-sum call {RATE_LIMIT_MAX + 1} (direct)", sums[-1])

        # 3. allowed calls: the caller compares these with a direct run
        allowed: dict[str, Any] = {}
        for label, tool, args in ALLOWED_CALLS:
            out = await self.call(session, tool, args)
            self.expect_success(f"{label} ({tool})", out)
            allowed[label] = out
        allowed["sum"] = sums[0]
        s["allowed"] = allowed

        # 4. denials, hidden tools (gateway only: directly these would just run)
        if gateway:
            s["denied"] = {
                "conditional": self.expect_denied(
                    "get-resource-links count 8", await self.call(session, LINKS, {"count": 8}), "deny", DENY_REASON_LINKS
                ),
                "unconditional": self.expect_denied(
                    "gzip-file-as-resource",
                    await self.call(session, "gzip-file-as-resource", {"name": "x.gz", "data": "data:text/plain,hi"}),
                    "deny",
                    DENY_REASON_GZIP,
                ),
                "catch_all": self.expect_denied(
                    "get-resource-reference",
                    await self.call(session, "get-resource-reference", {}),
                    "deny",
                    DENY_REASON_CATCH_ALL,
                ),
            }
            hidden: dict[str, Any] = {}
            for tool in ["get-env", "toggle-simulated-logging"]:
                out = await self.call(session, tool, {})
                self.expect_unknown_tool(f"hidden {tool}", out)
                hidden[tool] = out
            s["hidden"] = hidden
            # the session still works after all those refusals
            self.expect_success("echo after refusals", await self.call(session, ECHO, {"message": "still here"}))

        # 5. progress notifications reach the client
        progress: list[list[Any]] = []

        async def on_progress(p: float, total: float | None, message: str | None) -> None:
            progress.append([p, total, message])

        t0 = time.monotonic()
        out = await self.call(session, PROGRESS, {"duration": 1, "steps": 4}, progress_callback=on_progress)
        res = self.expect_success("progress (trigger-long-running-operation)", out)
        s["progress"] = {"outcome": out, "notifications": progress, "seconds": round(time.monotonic() - t0, 3)}
        self.check(
            [p[0] for p in progress] == [1, 2, 3, 4] and all(p[1] == 4 for p in progress),
            f"progress: expected 4 notifications 1..4 of 4, got {progress}",
        )

        # 6. sampling: the server asks the client for an LLM completion mid-call
        out = await self.call(session, SAMPLING, {"prompt": "ping from interop", "maxTokens": 20})
        res = self.expect_success("sampling (trigger-sampling-request)", out)
        s["sampling"] = {"outcome": out, "requests": self.sampling_requests}
        self.check(len(self.sampling_requests) == 1, f"sampling: callback ran {len(self.sampling_requests)} times, expected 1")
        if self.sampling_requests:
            self.check(
                "ping from interop" in json.dumps(self.sampling_requests[0]),
                f"sampling: the prompt did not reach the callback: {self.sampling_requests[0]}",
            )
        if res is not None:
            self.check(SAMPLING_REPLY in json.dumps(res), f"sampling: the reply did not reach the server: {json.dumps(res)}")

        # 7. elicitation: the server asks the user (the client) for input mid-call
        out = await self.call(session, ELICITATION, {})
        res = self.expect_success("elicitation (trigger-elicitation-request)", out)
        s["elicitation"] = {"outcome": out, "requests": self.elicitation_requests}
        self.check(
            len(self.elicitation_requests) == 1, f"elicitation: callback ran {len(self.elicitation_requests)} times, expected 1"
        )
        if res is not None:
            self.check(f"- Name: {ELICITED_NAME}" in json.dumps(res, ensure_ascii=False), f"elicitation: the answer did not reach the server: {json.dumps(res)}")

        # 8. roots: the server lists the client's roots (roots/list, server -> client)
        out = await self.call(session, ROOTS, {})
        res = self.expect_success("roots (get-roots-list)", out)
        s["roots"] = {"outcome": out, "requests": self.roots_requests}
        if res is not None:
            self.check(ROOT_URI in json.dumps(res), f"roots: the client's root did not reach the server: {json.dumps(res)}")
        self.check(self.roots_requests >= 1, "roots: the server never sent roots/list to the client")

        # 9. everything that is not a tool call passes through untouched (compared by the caller)
        first_resource = (await session.list_resources()).resources[0].uri
        s["passthrough"] = {
            "prompts": dump(await session.list_prompts()),
            "prompt": dump(await session.get_prompt("args-prompt", {"city": "Paris", "state": "Texas"})),
            "completion": dump(
                await session.complete(
                    types.PromptReference(type="ref/prompt", name="completable-prompt"),
                    {"name": "department", "value": "E"},
                )
            ),
            "resources": dump(await session.list_resources()),
            "resource_templates": dump(await session.list_resource_templates()),
            "resource": dump(await session.read_resource(first_resource)),
            "ping": dump(await session.send_ping()),
        }

        # 10. cancellation: the client gives up on a slow call after its first progress
        # notification (the SDK sends notifications/cancelled); the session must stay usable.
        first = anyio.Event()
        seen: list[float] = []

        async def on_first(p: float, total: float | None, message: str | None) -> None:
            seen.append(p)
            first.set()

        cancelled = False
        async with anyio.create_task_group() as tg:

            async def slow() -> None:
                await session.call_tool(
                    PROGRESS, {"duration": 1, "steps": 4}, read_timeout_seconds=CALL_TIMEOUT_S, progress_callback=on_first
                )

            async def canceller() -> None:
                nonlocal cancelled
                with anyio.fail_after(CALL_TIMEOUT_S):
                    await first.wait()
                cancelled = True
                tg.cancel_scope.cancel()

            slow_started = time.monotonic()
            tg.start_soon(slow)
            tg.start_soon(canceller)
        self.check(cancelled, "cancellation: no progress arrived before the slow call finished")
        out = await self.call(session, ECHO, {"message": "after cancel"})
        self.expect_success("echo after a cancelled call", out)
        s["cancellation"] = {"progress_before_cancel": seen, "after": out}

        # The server ignores the cancellation and finishes the operation (1 s) in the background;
        # wait for that, then record which kinds of server notifications reached the client.
        # Progress for a cancelled request (an unknown token to the SDK, so it surfaces here) is
        # counted apart: a gateway may forward or drop it.
        await anyio.sleep(max(0.0, slow_started + 1.4 - time.monotonic()))
        s["notifications"] = sorted(set(self.notifications) - {"notifications/progress"})
        s["late_progress_notifications"] = self.notifications.count("notifications/progress")


async def auto_connect(sc: Scenario, target: Target) -> None:
    """A second connection the way the SDK's high-level `mcp.Client` makes it by default
    (mode "auto"): it probes `server/discover` (2026-07-28) first and falls back to the
    `initialize` handshake when the server doesn't know the method."""
    async with Client(target.connect(), read_timeout_seconds=CALL_TIMEOUT_S) as client:
        listed = await client.list_tools()
        names = [t.name for t in listed.tools]
        echo = await client.call_tool(ECHO, {"message": "auto mode"})
        out: dict[str, Any] = {
            "protocol_version": client.session.protocol_version,
            "tools": names,
            "echo": dump(echo),
        }
        if sc.mode == "gateway":
            try:
                hidden: dict[str, Any] = {"result": dump(await client.call_tool(HIDDEN[0], {}))}
            except MCPError as e:
                hidden = {"error": {"code": e.code, "message": e.message}}
            sc.expect_unknown_tool(f"auto mode: hidden {HIDDEN[0]}", hidden)
            out["hidden"] = hidden.get("error", hidden)
    sc.summary["auto_connect"] = out
    sc.check(
        out["protocol_version"] == sc.summary.get("protocol_version"),
        f"auto mode: negotiated {out['protocol_version']!r}, the handshake session got {sc.summary.get('protocol_version')!r}",
    )
    sc.check(not echo.is_error, f"auto mode: echo failed: {out['echo']}")
    # The capability-dependent tools are only there for a client that declares the capability.
    base = [n for n in sc.summary.get("tools", []) if n not in (ROOTS, SAMPLING, ELICITATION, "trigger-url-elicitation")]
    sc.check(
        [n for n in names if n in base] == base,
        f"auto mode: listing {names} lacks tools the first session saw: {base}",
    )


async def main_async(sc: Scenario, target: Target) -> None:
    with anyio.fail_after(TOTAL_TIMEOUT_S):
        await sc.run(target)
        if sc.mode != "list":
            await auto_connect(sc, target)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mode", choices=["gateway", "direct", "list"], required=True)
    ap.add_argument("--url", help="connect over HTTP to this URL instead of starting a command")
    ap.add_argument("--transport", choices=["http", "sse"], default="http", help="with --url: streamable HTTP or legacy SSE")
    ap.add_argument("--header", action="append", default=[], help="with --url: 'Name: value', repeatable")
    ap.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARGS...]: the MCP server (or toolgate run ...)")
    ns = ap.parse_args()
    command = ns.command[1:] if ns.command[:1] == ["--"] else ns.command
    if not command and ns.url is None:
        ap.error("give the server command after --, or --url")
    headers = dict(h.split(":", 1) for h in ns.header)
    target = Target(command, ns.url, ns.transport, {k.strip(): v.strip() for k, v in headers.items()})

    sc = Scenario(ns.mode)
    started = time.monotonic()
    try:
        anyio.run(main_async, sc, target)
    except BaseException as e:  # noqa: BLE001 - report everything, including timeouts and exception groups
        detail = "".join(traceback.format_exception(e)).rstrip()
        sc.check(False, f"scenario aborted: {type(e).__name__}: {e}\n{detail}")
    sc.summary["elapsed_s"] = round(time.monotonic() - started, 3)
    sc.summary["failures"] = sc.failures
    sc.summary["ok"] = not sc.failures
    print(json.dumps(sc.summary, indent=2, ensure_ascii=False), flush=True)
    if sc.failures:
        print(f"interop: {len(sc.failures)} unexpected result(s) in {ns.mode} mode", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
