"""`llm_factory_toolkit.tools.builtins`: present but empty.

llmft's built-ins exist only as tools registered by `ToolFactory.register_builtins`; it has no
module-level `safe_math_evaluator`, `read_local_file` or `sympify`. The module is here (with none of
those names) so the first version's built-in tests that go through `register_builtins` and
`dispatch_tool` run against llmft, and the ones that touch the module's functions fail visibly.
"""

__all__: list[str] = []
