"""The repository explains itself, truly: every docs code sample runs as written, every page is linked
from the README, every link resolves, and the public API's docstrings explain every parameter."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

import llmft
from llmft import GenerateKwargs, LLMClient
from llmft.domain.tool_loop import TRANSITIONS

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "CHANGELOG.md", *DOCS]

# Runs every ```python block of one page in a fresh namespace (then any test_* function it defines),
# in a process of its own so the samples' event loops and environment stay out of this one.
RUNNER = r"""
import asyncio, inspect, re, sys, traceback
text = open(sys.argv[1], encoding="utf-8").read()
for index, code in enumerate(re.findall(r"```python\n(.*?)```", text, re.S)):
    namespace = {"__name__": "__docs__"}
    try:
        exec(compile(code, f"{sys.argv[1]} sample {index + 1}", "exec"), namespace)
        for name, value in list(namespace.items()):
            if name.startswith("test_") and inspect.isfunction(value):
                result = value()
                if inspect.iscoroutine(result):
                    asyncio.run(result)
    except BaseException:
        print(f"sample {index + 1} failed:\n{code}", file=sys.stderr)
        traceback.print_exc()
        sys.exit(1)
    print(f"sample {index + 1} ok")
"""


@pytest.mark.parametrize("page", [p for p in DOCS if "```python\n" in p.read_text()], ids=lambda p: p.name)
def test_every_code_sample_in_the_docs_runs_as_written(page: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", RUNNER, str(page)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(p for p in sys.path if p)},
    )
    assert out.returncode == 0, out.stderr[-4000:]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_a_sample_that_cannot_run_offline_says_so(page: Path) -> None:
    # ```python runs (above); ```python excerpt is part of a file in examples/ (run by test_readme.py);
    # ```python live needs a real provider or server.
    for info in re.findall(r"^```python(.*)$", page.read_text(), re.M):
        assert info in ("", " excerpt", " live"), f"{page.name}: ```python{info}"


def test_the_readme_links_every_docs_page_and_the_repository_files() -> None:
    readme = (ROOT / "README.md").read_text()
    for page in DOCS:
        assert f"docs/{page.name}" in readme, page.name
    for name in ("examples/", "CONTRIBUTING.md", "CHANGELOG.md", "LICENSE"):
        assert name in readme, name


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_relative_link_resolves_and_no_page_points_outside_the_repository(page: Path) -> None:
    text = page.read_text()
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        file, _, anchor = target.partition("#")
        path = (page.parent / file).resolve() if file else page
        assert path.exists(), f"{page.name} links to {target}, which does not exist"
        assert ROOT in path.parents or path == ROOT, target
        if anchor and path.suffix == ".md":
            assert anchor in _anchors(path.read_text()), f"{page.name} links to {target}: no such heading"
    for outside in ("API.md", "ARCHITECTURE.md", "FIELD-NOTES.md", "STYLE.md", "field notes"):
        assert outside not in text, f"{page.name} points at {outside}, which is not in the repository"


def _anchors(markdown: str) -> set[str]:
    """The anchors GitHub gives a page's headings (lower case, punctuation dropped, spaces as '-')."""
    headings = re.findall(r"^#+ (.+)$", re.sub(r"```.*?```", "", markdown, flags=re.S), re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def test_no_source_module_cites_documents_outside_the_repository() -> None:
    for module in (ROOT / "src").rglob("*.py"):
        text = module.read_text().lower()
        for outside in ("field notes", "field-notes", "architecture.md", "api.md", "style.md"):
            assert outside not in text, f"{module} cites {outside}"


def test_the_architecture_diagram_draws_every_transition_of_the_reducer() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text()
    for phase, event in TRANSITIONS:
        drawn = [line for line in text.splitlines() if line.strip().startswith(f"{phase} -->")]
        assert any(event.__name__ in line for line in drawn), (phase, event.__name__)


def test_generate_documents_every_keyword_once() -> None:
    doc = inspect.getdoc(LLMClient.generate) or ""
    args = doc.split("Args:", 1)[1]
    for key in GenerateKwargs.__annotations__:
        assert len(re.findall(rf"^    {key}:", args, re.M)) == 1, key
    documented = set(re.findall(r"^    (\w+):", args, re.M))
    assert documented == set(GenerateKwargs.__annotations__)  # nothing documented that does not exist


PUBLIC = [
    "LLMClient", "ToolFactory", "ToolRuntime", "BaseTool", "ToolSession", "GenerationResult",
    "StreamChunk", "ToolExecutionResult", "ParsedToolCall", "ToolIntentOutput", "LLMToolkitError",
    "ConfigurationError", "ProviderError", "DeadlineExceededError", "ToolError",
    "UnsupportedFeatureError", "MCPServerError", "StructuredOutputError", "ModelSpec",
]  # fmt: skip


@pytest.mark.parametrize("name", PUBLIC)
def test_public_methods_and_their_parameters_are_documented(name: str) -> None:
    cls = getattr(llmft, name)
    assert inspect.getdoc(cls), name
    for attr, static in vars(cls).items():
        if attr.startswith("_") and attr != "__init__":
            continue
        if isinstance(static, property):
            assert static.__doc__, f"{name}.{attr}"
            continue
        function = static.__func__ if isinstance(static, classmethod | staticmethod) else static
        if not inspect.isfunction(function):
            continue
        doc = inspect.getdoc(cls) if attr == "__init__" else inspect.getdoc(function)
        assert doc, f"{name}.{attr} has no docstring"
        hidden = {"self", "cls", "args", "kwargs", "options", "exc"}
        for parameter in inspect.signature(function).parameters:
            if parameter not in hidden:
                assert parameter in doc, f"{name}.{attr}: parameter {parameter!r} is not explained"
