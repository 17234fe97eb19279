"""Context injection: server-side values (a user id, a tenant) reach tools; the model never sees them.

Offline by default (the real openai SDK against llmft's emulator). Live: LLMFT_MODEL=gpt-4o-mini
with OPENAI_API_KEY set (or any provider/model with its key).
"""

import asyncio
import os

from llmft import Injected, LLMClient, ToolExecutionResult
from llmft.testing import ProviderEmulator, emu_text, emu_tool_calls

INVOICES = {"acme": {"u-1": [120, 80]}, "globex": {"u-1": [999]}}


def list_invoices(status: str, user_id: Injected[str], tenant: Injected[str]) -> ToolExecutionResult:
    """List the signed-in user's invoices.

    Args:
        status: "open" or "paid".
    """
    amounts = INVOICES[tenant].get(user_id, [])
    return ToolExecutionResult(
        content=f"{len(amounts)} {status} invoices, total {sum(amounts)} EUR", payload=amounts
    )


async def main() -> None:
    async with ProviderEmulator() as emu:
        # The model tries to read another tenant's data; injected values always win.
        emu.script(
            emu_tool_calls(("list_invoices", {"status": "open", "tenant": "globex"})),
            emu_text("You have 2 open invoices (200 EUR)."),
        )
        model = os.environ.get("LLMFT_MODEL")
        client = (
            LLMClient(model=model)
            if model
            else LLMClient("gpt-4o-mini", base_url=emu.openai_base_url, api_key="offline")
        )
        async with client:
            client.register_tool(list_invoices)
            print(
                "schema the model sees:",
                client.tool_factory.get_tool_definitions()[0]["function"]["parameters"],
            )
            result = await client.generate(
                [{"role": "user", "content": "What do I owe?"}],
                tool_execution_context={"user_id": "u-1", "tenant": "acme"},
            )
        print("answer:", result.content)
        print(
            "tool saw:",
            result.tool_messages[0]["content"],
            "| payload for the app:",
            result.payloads[0]["payload"],
        )


if __name__ == "__main__":
    asyncio.run(main())
