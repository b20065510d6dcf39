#!/usr/bin/env python3
"""Issue 7's acceptance with the official MCP Python SDK client: a tool the policy sends for
approval, answered in the agent's own session through the SDK's elicitation callback.

    approval.py --answer approve|decline -- toolgate run --policy P -- mcp-server-everything stdio

With `approve` the tool must run and a second identical call must ask again; with `decline`
the call must come back as a tool error with `_meta["dev.toolgate/decision"].kind ==
"approval_denied"`. Prints a JSON summary and exits 1 on any surprise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

import anyio
import mcp.types as types
from mcp import ClientSession, StdioServerParameters, stdio_client


async def main_async(answer: str, command: list[str]) -> dict[str, Any]:
    asked: list[str] = []

    async def on_elicitation(context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        asked.append(params.message)
        if answer == "approve":
            return types.ElicitResult(action="accept", content={"decision": "approve"})
        return types.ElicitResult(action="decline")

    params = StdioServerParameters(command=command[0], args=command[1:], env=dict(os.environ))
    out: dict[str, Any] = {"calls": []}
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write, elicitation_callback=on_elicitation) as session:
            await session.initialize()
            for _ in range(2 if answer == "approve" else 1):
                result = await session.call_tool("echo", {"message": "approve me"})
                out["calls"].append(result.model_dump(by_alias=True, mode="json", exclude_none=True))
    out["asked"] = asked
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--answer", choices=["approve", "decline"], required=True)
    ap.add_argument("command", nargs=argparse.REMAINDER)
    ns = ap.parse_args()
    command = ns.command[1:] if ns.command[:1] == ["--"] else ns.command
    out = anyio.run(main_async, ns.answer, command)
    failures = []
    calls = out["calls"]
    if ns.answer == "approve":
        if len(out["asked"]) != 2:
            failures.append(f"expected to be asked twice, asked {len(out['asked'])} times")
        for c in calls:
            if c.get("isError") or "approve me" not in json.dumps(c):
                failures.append(f"approved call did not run: {c}")
    else:
        c = calls[0]
        kind = (c.get("_meta") or {}).get("dev.toolgate/decision", {}).get("kind")
        if not c.get("isError") or kind != "approval_denied":
            failures.append(f"declined call should be approval_denied: {c}")
    if out["asked"] and "Tool: echo" not in out["asked"][0]:
        failures.append(f"the question does not name the tool: {out['asked'][0]!r}")
    out["failures"] = failures
    print(json.dumps(out, indent=2))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
