"""Quick start: a tool with an injected user id, run offline on a scripted model.

Run: .venv/bin/python examples/quickstart.py
Live: LLMFT_MODEL=gpt-4o-mini with OPENAI_API_KEY set (or any provider/model with its key) runs the
same code against that model instead of the scripted one.
"""

import asyncio
import os

from llmft import Injected, LLMClient, ToolExecutionResult
from llmft.testing import ScriptedModel, reply, tool_call


def get_balance(account: str, user_id: Injected[str]) -> ToolExecutionResult:
    """Read the balance of one of the signed-in user's accounts.

    Args:
        account: Which account, e.g. "savings".
    """
    return ToolExecutionResult(content=f"{account}: 120 EUR", payload={"user": user_id, "cents": 12000})


async def main() -> None:
    model = ScriptedModel(
        [
            tool_call("get_balance", {"account": "savings"}),
            reply("You have 120 EUR in savings."),
            reply("Hello! Ask me about your accounts."),
        ]
    )
    client = LLMClient(model=os.environ.get("LLMFT_MODEL") or model)
    client.register_tool(get_balance)
    result = await client.generate(
        [{"role": "user", "content": "How much is in my savings?"}],
        tool_execution_context={"user_id": "u-42"},  # filled in server-side; the model never sees it
    )
    content, payloads = result
    print(content)  # You have 120 EUR in savings.
    print(
        payloads
    )  # [{'tool_name': 'get_balance', 'payload': {'user': 'u-42', 'cents': 12000}, 'metadata': {}}]
    async for chunk in client.generate_stream([{"role": "user", "content": "Hi"}], use_tools=None):
        print(chunk.content, end="", flush=True)  # streamed word by word
    print()


if __name__ == "__main__":
    asyncio.run(main())
