"""Dynamic tool loading: 300 tools, a core set of 2, a token budget; the agent finds and loads the rest.

Offline by default (the real openai SDK against llmft's emulator, which plays the model's turns).
Live: LLMFT_MODEL=gpt-4o-mini with OPENAI_API_KEY set (or any provider/model with its key).
"""

import asyncio
import json
import os
from collections.abc import Callable

from llmft import LLMClient, ToolFactory, ToolSession
from llmft.testing import ProviderEmulator, emu_text, emu_tool_calls

DOMAINS = {
    "crm": ["contact", "company", "lead", "deal", "note"],
    "billing": ["invoice", "payment", "refund", "subscription", "coupon"],
    "support": ["ticket", "macro", "sla", "survey", "escalation"],
    "calendar": ["event", "room", "availability", "reminder", "attendee"],
    "inventory": ["product", "stock", "warehouse", "supplier", "order"],
    "hr": ["employee", "leave", "payslip", "review", "opening"],
}
ACTIONS = ["create", "get", "update", "delete", "list", "search", "export", "archive", "assign", "summarize"]


def make_tool(action: str, domain: str, thing: str) -> Callable[..., str]:
    def tool(record_id: str = "", note: str = "") -> str:
        return json.dumps({"done": f"{action} {thing}", "id": record_id or "new"})

    return tool


def catalog() -> ToolFactory:
    """300 tools in 30 groups (crm.contact, billing.refund, ...), plus two core tools."""
    tools = ToolFactory()
    tools.register_tool(
        lambda message: "a human will take over", "escalate_to_human", "Hand over to a human."
    )
    tools.register_tool(lambda query: "3 articles found", "search_help", "Search the help articles.")
    for domain, things in DOMAINS.items():
        for thing in things:
            for action in ACTIONS:
                tools.register_tool(
                    make_tool(action, domain, thing),
                    f"{action}_{domain}_{thing}",
                    f"{action.capitalize()} a {thing} in {domain}.",
                    category=domain,
                    tags=[action, thing],
                    group=f"{domain}.{thing}",
                )
    return tools


async def main() -> None:
    async with ProviderEmulator() as emu:
        emu.script(  # what a model does with the meta-tools: browse, load, call, answer
            emu_tool_calls(("browse_toolkit", {"query": "refund"})),
            emu_tool_calls(("load_tools", {"tool_names": ["create_billing_refund"]})),
            emu_tool_calls(("create_billing_refund", {"record_id": "inv-42"})),
            emu_text("The refund for invoice inv-42 is on its way."),
        )
        model = os.environ.get("LLMFT_MODEL")
        client = LLMClient(
            model or "gpt-4o-mini",
            base_url=None if model else emu.openai_base_url,
            api_key=None if model else "offline",
            tool_factory=catalog(),
            core_tools=["escalate_to_human", "search_help"],  # always offered, whole
            dynamic_tool_loading=True,  # + browse_toolkit, load_tools, load_tool_group, unload_tools, ...
        )
        async with client:
            session = ToolSession(token_budget=4000)  # keep it between turns: to_dict() / from_dict()
            result = await client.generate(
                [{"role": "user", "content": "Refund invoice inv-42, please."}], tool_session=session
            )
            print("answer:", result.content)
            print("loaded:", session.list_active())
            print("budget:", session.get_budget_usage())
            print("calls:", session.get_analytics()["calls"])
            if not model:
                sent = [len(r.body.get("tools", [])) for r in emu.requests]
                print("tools per request:", sent, f"(of {len(client.tool_factory.registrations)} registered)")


if __name__ == "__main__":
    asyncio.run(main())
