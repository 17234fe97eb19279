"""Dynamic tool loading on a 300-tool catalog: tool tokens per request and rounds to reach the right tool.

Run with `make bench-tools` (also part of `make bench`). Every task asks for one of the 300 tools in plain
words; an emulated agent (a function of each request, served by the provider emulator over HTTP) plays
the model:

- all tools: every request offers all 300 tools; the agent calls the target at once.
- meta: the agent browses with the task's words, pages while the target is not listed, loads it, calls it.
- meta + compact: the same, with tools loaded on demand sent compact.
- native (Responses): every non-core tool goes deferred with the `tool_search` tool; the emulated provider's
  search finds the target in the same response, which then calls it (the best a provider's search can do).

Tokens are JSON characters / 4: the tools block of the first request, and every request of a task whole
(tools and transcript, tool outputs included: a browse result is paid for in every later request). For
native search "seen" counts what the model reads (a deferred tool's name and description), "sent" what
goes over the wire.
Results go to benchmarks/tool_loading.json and are printed as a markdown table.
"""

from __future__ import annotations

import asyncio
import json
import statistics
from pathlib import Path
from typing import Any

from llmft import LLMClient, ToolFactory, ToolSession
from llmft.testing import EmuReply, EmuToolCall, ProviderEmulator, RecordedRequest, emu_text, emu_tool_search

KEY = "sk-bench-0000000000"
CORE = ["escalate_to_human", "search_knowledge_base"]
DOMAINS = {
    "crm": ["contact", "company", "lead", "deal", "note"],
    "billing": ["invoice", "payment", "refund", "subscription", "coupon"],
    "support": ["ticket", "macro", "sla", "satisfaction_survey", "escalation"],
    "calendar": ["event", "room", "availability", "reminder", "attendee"],
    "inventory": ["product", "stock_level", "warehouse", "supplier", "purchase_order"],
    "hr": ["employee", "leave_request", "payslip", "review", "job_opening"],
}
ACTIONS = {
    "create": "Create a new {thing} in the {domain} system",
    "get": "Fetch one {thing} by its id from {domain}",
    "update": "Change the fields of an existing {thing} in {domain}",
    "delete": "Permanently remove a {thing} from {domain}",
    "list": "List {thing} records in {domain}, filtered and paged",
    "search": "Full-text search over {thing} records in {domain}",
    "export": "Export {thing} records from {domain} as CSV or JSON",
    "archive": "Archive an old {thing} in {domain} so it is hidden from lists",
    "assign": "Assign a {thing} in {domain} to a team member",
    "summarize": "Summarise recent activity on a {thing} in {domain}",
}
TASKS = [  # (target tool, what the user asks in plain words)
    ("create_crm_contact", "add a new contact to the crm"),
    ("create_billing_refund", "issue a refund to a customer"),
    ("export_billing_invoice", "export invoices as csv"),
    ("archive_support_ticket", "archive an old support ticket"),
    ("search_calendar_room", "find a meeting room"),
    ("assign_crm_deal", "give this deal to a team member"),
    ("update_inventory_stock_level", "change the stock level of an item"),
    ("list_hr_leave_request", "show leave requests"),
    ("summarize_support_escalation", "summarise the escalation"),
    ("delete_calendar_reminder", "remove a calendar reminder"),
    ("get_inventory_supplier", "look up a supplier by id"),
    ("create_hr_job_opening", "open a new job opening"),
]


def noop(**arguments: Any) -> str:
    return json.dumps({"ok": True, "arguments": arguments})


def parameters(thing: str, action: str) -> dict[str, Any]:
    """A realistic schema: ids, filters with enums and defaults, nested options, all described."""
    props: dict[str, Any] = {
        f"{thing}_id": {"type": "string", "description": f"The {thing} id, from list or search."},
        "fields": {
            "type": "object",
            "description": f"The {thing} fields to set.",
            "properties": {
                "name": {"type": "string", "description": "Display name."},
                "owner": {"type": ["string", "null"], "description": "Owner's email.", "default": None},
            },
        },
        "status": {
            "type": "string",
            "enum": ["active", "pending", "closed"],
            "description": "Only records in this status.",
            "default": "active",
        },
        "limit": {"type": "integer", "description": "Most records to return.", "default": 25},
    }
    required = (
        [f"{thing}_id"] if action in ("get", "update", "delete", "archive", "assign", "summarize") else []
    )
    return {"type": "object", "properties": props, "required": required}


def catalog() -> ToolFactory:
    """300 tools: 6 domains x 5 things x 10 actions, plus the core tools."""
    tools = ToolFactory()
    tools.register_tool(
        noop, "escalate_to_human", "Hand the conversation to a human agent.", parameters("case", "create")
    )
    tools.register_tool(
        noop, "search_knowledge_base", "Search the help articles.", parameters("article", "search")
    )
    for domain, things in DOMAINS.items():
        for thing in things:
            for action, text in ACTIONS.items():
                name = f"{action}_{domain}_{thing}"
                description = text.format(thing=thing.replace("_", " "), domain=domain) + "."
                tags = [action, thing.replace("_", " "), domain]
                tools.register_tool(
                    noop,
                    name,
                    description,
                    parameters(thing, action),
                    category=domain,
                    tags=tags,
                    group=f"{domain}.{thing}",
                )
    return tools


def tools_tokens(body: dict[str, Any], *, seen: bool) -> int:
    """The request's tools block in tokens (JSON chars / 4); `seen`: deferred tools by name and description."""
    total = 0.0
    for tool in body.get("tools") or []:
        if seen and tool.get("defer_loading"):
            tool = {"name": tool["name"], "description": tool.get("description", "")}
        total += len(json.dumps(tool, separators=(",", ":"))) / 4
    return round(total)


def request_tokens(body: dict[str, Any], *, seen: bool) -> int:
    """The whole request in tokens: its tools block and its transcript (tool outputs included)."""
    transcript = body.get("input") or body.get("messages") or []
    return tools_tokens(body, seen=seen) + round(len(json.dumps(transcript, separators=(",", ":"))) / 4)


def last_output(request: RecordedRequest) -> tuple[str, dict[str, Any]] | None:
    """The last tool result the request carries: (tool name, decoded JSON output)."""
    if request.protocol == "responses":
        items = request.body["input"]
        names = {i["call_id"]: i["name"] for i in items if i.get("type") == "function_call"}
        outputs = [i for i in items if i.get("type") == "function_call_output"]
        if not outputs:
            return None
        name, text = names[outputs[-1]["call_id"]], outputs[-1]["output"]
    else:
        messages = request.body["messages"]
        calls = {c["id"]: c["function"]["name"] for m in messages for c in m.get("tool_calls") or []}
        outputs = [m for m in messages if m["role"] == "tool"]
        if not outputs:
            return None
        name, text = calls[outputs[-1]["tool_call_id"]], outputs[-1]["content"]
    try:
        return name, json.loads(text)
    except ValueError:
        return name, {}


def offered(request: RecordedRequest) -> set[str]:
    out = set()
    for tool in request.body.get("tools") or []:
        out.add(tool.get("name") or tool.get("function", {}).get("name"))
    return out


def call(name: str, arguments: dict[str, Any]) -> EmuReply:
    return EmuReply(tool_calls=(EmuToolCall(name, json.dumps(arguments)),))


def agent(target: str, query: str, native: bool) -> Any:
    """The emulated model for one task: what it does, given the request it gets."""

    def answer(request: RecordedRequest) -> EmuReply:
        last = last_output(request)
        if last is not None and last[0] == target:
            return emu_text("done")
        if native:  # the provider's search loads the target; the same response calls it
            return EmuReply(
                server_calls=(emu_tool_search(target, query=query),), tool_calls=call(target, {}).tool_calls
            )
        if target in offered(request) and request.body.get("tools", [{}])[0].get("defer_loading") is None:
            return call(target, {f"{target.split('_')[-1]}_id": "42"})
        if last is not None and last[0] == "browse_toolkit":
            listed = [r["name"] for r in last[1].get("results", [])]
            if target in listed:
                return call("load_tools", {"tool_names": [target]})
            if last[1].get("has_more"):
                return call(
                    "browse_toolkit", {"query": query, "offset": last[1].get("offset", 0) + len(listed)}
                )
            return emu_text("not found")
        return call("browse_toolkit", {"query": query})

    return answer


MODES: dict[str, dict[str, Any]] = {
    "all tools (no loading)": {"dynamic_tool_loading": False},
    "meta": {"dynamic_tool_loading": True},
    "meta + compact": {"dynamic_tool_loading": True, "compact_tools": True},
    "native (Responses)": {"dynamic_tool_loading": True, "tool_search": "native"},
}


async def run_mode(emu: ProviderEmulator, mode: str, model: str) -> dict[str, Any]:
    options = MODES[mode]
    native = options.get("tool_search") == "native"
    base = emu.openai_base_url
    rounds, calls, first_sent, first_seen, task_sent, task_seen, found = [], [], [], [], [], [], 0
    for target, query in TASKS:
        emu.requests.clear()
        emu.script(agent(target, query, native))
        core = CORE if options["dynamic_tool_loading"] else []
        llm = LLMClient(
            model=model, base_url=base, api_key=KEY, tool_factory=catalog(), core_tools=core, **options
        )
        result = await llm.generate(
            [{"role": "user", "content": query}],
            tool_session=ToolSession(token_budget=8000) if core else None,
        )
        await llm.aclose()
        requests = emu.requests
        reached = next(
            (i for i, r in enumerate(requests[1:], 1) if (last_output(r) or ("",))[0] == target), None
        )
        found += result.content == "done" and reached is not None
        rounds.append(reached or len(requests))
        first_sent.append(tools_tokens(requests[0].body, seen=False))
        first_seen.append(tools_tokens(requests[0].body, seen=True))
        task_sent.append(sum(request_tokens(r.body, seen=False) for r in requests))
        task_seen.append(sum(request_tokens(r.body, seen=True) for r in requests))
        calls.append(len(requests))
    return {
        "tasks": len(TASKS),
        "found": found,
        "rounds_mean": statistics.mean(rounds),
        "rounds_max": max(rounds),
        "first_request_tool_tokens_sent": statistics.mean(first_sent),
        "first_request_tool_tokens_seen": statistics.mean(first_seen),
        "requests_per_task": statistics.mean(calls),
        "task_input_tokens_sent": statistics.mean(task_sent),
        "task_input_tokens_seen": statistics.mean(task_seen),
    }


async def main() -> dict[str, Any]:
    results: dict[str, Any] = {}
    async with ProviderEmulator(record=True) as emu:
        for mode in MODES:
            results[mode] = await run_mode(emu, mode, "gpt-5.4")
        results["meta (litellm route)"] = await run_mode(emu, "meta", "openai/llama-3")
    return results


def table(results: dict[str, Any]) -> str:
    lines = [
        "| mode | found | rounds to the tool (mean / max) | tools block of the 1st request, tokens (sent / seen) "
        "| requests per task | input tokens per task, all requests (sent / seen) |",
        "|---|---|---|---|---|---|",
    ]
    for mode, r in results.items():
        lines.append(
            f"| {mode} | {r['found']}/{r['tasks']} | {r['rounds_mean']:.2f} / {r['rounds_max']} "
            f"| {r['first_request_tool_tokens_sent']:,.0f} / {r['first_request_tool_tokens_seen']:,.0f} "
            f"| {r['requests_per_task']:.1f} | {r['task_input_tokens_sent']:,.0f} / {r['task_input_tokens_seen']:,.0f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    measured = asyncio.run(main())
    Path(__file__).with_name("tool_loading.json").write_text(json.dumps(measured, indent=2) + "\n")
    print(f"300-tool catalog ({len(catalog().registrations)} tools with the core set), {len(TASKS)} tasks\n")
    print(table(measured))
