"""ChatModel over `litellm.acompletion` (100+ providers), JSON and streaming.

litellm is imported here only, on first use of this route, and kept quiet and offline: the local
cost map (no remote fetch at start-up), offline mode (no catalog or tokenizer downloads of its own:
a missing usage made it fetch a Hugging Face tokenizer, retrying for 23 s without a network), no
debug banners, and its own retries off (llmft owns them). Both variables are only defaults.

`calls` runs the call (and hands back what litellm drops), `failures` reads what went wrong through
litellm's wrappers, `model` is the ChatModel.
"""

from __future__ import annotations

import os

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")

import litellm

litellm.suppress_debug_info = True
litellm.disable_hf_tokenizer_download = True

from llmft.adapters.litellm_chat.model import KNOWN_PROVIDERS, LiteLLMChatModel, build_params  # noqa: E402

__all__ = ["KNOWN_PROVIDERS", "LiteLLMChatModel", "build_params"]
