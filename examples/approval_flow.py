"""Approval that survives a restart, as a web service does it: one request plans and pauses, a person
approves later, and a second process resumes the run from the stored JSON alone.

1. `POST /refunds` (here: `start`): the model asks for two refunds; `refund` needs approval, so the run
   pauses with `finish_reason == "approval_required"`. The paused run is stored as signed JSON (a
   database row in a real service; a file here). No context value or key is ever in it.
2. A reviewer approves one refund and denies the other, hours later, in another process (here: the
   same script run again as `python approval_flow.py approve <state file> <base url>`). A fresh client,
   with the same tools registered, resumes the run: the approved call runs, the denied one is answered
   with the reason, and the model gives its final answer. The state's `id` is marked as used so a
   second click on "approve" does nothing.

Offline: the real openai SDK against llmft's emulator, which serves both processes over HTTP. Live: set
LLMFT_MODEL (and its key); both processes use that model.
"""

import asyncio
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from llmft import LLMClient, RunState
from llmft.testing import ProviderEmulator, emu_text, emu_tool_calls

SIGNING_KEY = "example-signing-key-change-me"  # in a service: a secret from its configuration
ASK = [{"role": "user", "content": "Refund order A-1 (40 EUR) and order B-2 (900 EUR)."}]


def refund(order_id: str, amount_eur: float, tenant: str) -> str:
    """Refund an order (`tenant` is injected by the server; the model never sees or sets it)."""
    return f"refunded {amount_eur} EUR on {order_id} for {tenant}"


def make_client(base_url: str) -> LLMClient:
    """What each process builds on its own: the same model and the same tools."""
    model = os.environ.get("LLMFT_MODEL")
    client = LLMClient(model) if model else LLMClient("gpt-4o-mini", base_url=base_url, api_key="offline")
    client.register_tool(refund, requires_approval=True)
    return client


async def start(base_url: str) -> str | None:
    """The first request: plan and pause; the paused run as signed JSON (None: nothing to approve)."""
    async with make_client(base_url) as client:
        result = await client.generate(ASK, tool_execution_context={"tenant": "acme"})
    if result.finish_reason != "approval_required" or result.state is None:
        print("nothing to approve; the model answered:", result.content)
        return None
    for call in result.pending or []:
        print(f"waiting for approval: {call.id} {call.name}({call.arguments})")
    stored = result.state.to_json(signing_key=SIGNING_KEY)
    assert "acme" not in stored  # context values are never stored
    return stored


def approve_once(store: Path, base_url: str) -> None:
    """The reviewer's click, in another process: resume from the stored JSON alone, once per state."""
    state = RunState.from_json(store.read_text(), signing_key=SIGNING_KEY)  # an edited state is refused
    used = store.with_suffix(".used")
    if used.exists() and state.id in used.read_text().split():
        print("already resumed; nothing to do")
        return
    used.write_text(f"{state.id}\n")  # in a service: a unique row insert, so a double click loses
    asyncio.run(approve(state, base_url))


async def approve(state: RunState, base_url: str) -> None:
    """The reviewer's decision: refunds up to 100 EUR run, larger ones are denied with the reason."""
    small: list[str] = []
    large: dict[str, str] = {}
    for call in state.pending:
        arguments: dict[str, Any] = call.arguments if isinstance(call.arguments, dict) else {}
        if float(arguments.get("amount_eur", 0)) <= 100:
            small.append(call.id)
        else:
            large[call.id] = "Denied by a reviewer: refunds over 100 EUR need a manager."
    async with make_client(base_url) as client:
        result = await client.resume(
            state, approve=small, deny=large, tool_execution_context={"tenant": "acme"}
        )
    print("payloads:", json.dumps(result.payloads))
    print("answer:", result.content)


async def main() -> None:
    async with ProviderEmulator() as emu:
        emu.script(
            emu_tool_calls(
                ("refund", {"order_id": "A-1", "amount_eur": 40}),
                ("refund", {"order_id": "B-2", "amount_eur": 900}),
            ),
            emu_text("Refunded 40 EUR on A-1. The 900 EUR refund on B-2 needs a manager's approval."),
        )
        with tempfile.TemporaryDirectory() as folder:
            store = Path(folder) / "run-state.json"  # in a service: a database row
            stored = await start(emu.openai_base_url)
            if stored is None:
                return
            await asyncio.to_thread(store.write_text, stored)
            for _ in range(2):  # the reviewer clicks "approve" twice; the second does nothing
                second = await asyncio.to_thread(
                    subprocess.run,
                    [sys.executable, __file__, "approve", str(store), emu.openai_base_url],
                    capture_output=True,
                    text=True,
                    timeout=60,
                )
                print(second.stdout, end="")
                assert second.returncode == 0, second.stderr
        assert os.environ.get("LLMFT_MODEL") or emu.pending == 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["approve"]:
        approve_once(Path(sys.argv[2]), sys.argv[3])
    else:
        asyncio.run(main())
