"""read_local_file: text under the root only; escapes, devices, FIFOs, hidden and huge files refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from returns.pipeline import is_successful

from llmft import ConfigurationError, ToolFactory
from llmft.adapters.local_files import LocalFiles


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    (root / "sub").mkdir(parents=True)
    (root / "readme.txt").write_text("hello ünïcode\n")
    (root / "sub" / "note.md").write_text("# note")
    (root / "big.txt").write_text("x" * 2000)
    (root / "binary.bin").write_bytes(b"\x00\x01\x02")
    (root / "latin1.txt").write_bytes("café".encode("latin-1"))
    (root / ".env").write_text("OPENAI_API_KEY=sk-secret")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "x.txt").write_text("hidden")
    (tmp_path / "secret").write_text("TOPSECRET")
    (tmp_path / "docs_evil").mkdir()
    (tmp_path / "docs_evil" / "x.txt").write_text("sibling")
    (root / "link_out").symlink_to(tmp_path / "secret")
    (root / "dir_link").symlink_to(tmp_path / "docs_evil")
    (root / "link_in").symlink_to(root / "readme.txt")
    (root / "link_env").symlink_to(root / ".env")
    os.mkfifo(root / "fifo")
    return root


def reader(root: Path, **kwargs: object) -> LocalFiles:
    return LocalFiles(root, max_bytes=1000, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("readme.txt", "hello ünïcode\n"),
        ("sub/note.md", "# note"),
        ("./sub/../readme.txt", "hello ünïcode\n"),
        ("link_in", "hello ünïcode\n"),
    ],
)
def test_reads_text_under_the_root(tree: Path, path: str, text: str) -> None:
    assert reader(tree).read_text(path).unwrap() == text


def test_an_absolute_path_inside_the_root_is_fine(tree: Path) -> None:
    assert reader(tree).read_text(str(tree / "readme.txt")).unwrap().startswith("hello")


HOSTILE_PATHS = [
    "../secret",
    "../../etc/passwd",
    "/etc/passwd",
    "/etc/shadow",
    "link_out",
    "dir_link/x.txt",
    "dir_link/../x",
    "../docs_evil/x.txt",
    "/dev/zero",
    "/dev/stdin",
    "/proc/self/environ",
    "/proc/self/mem",
    "/sys/kernel/notes",
    "fifo",
    "readme.txt\x00.png",
    ".env",
    "link_env",
    ".hidden/x.txt",
    "sub/../.env",
    "big.txt",
    "binary.bin",
    "latin1.txt",
    "sub",
    ".",
    "",
    "missing.txt",
    "a" * 5000,
]


@pytest.mark.parametrize("path", HOSTILE_PATHS, ids=[f"{i:02d}" for i in range(len(HOSTILE_PATHS))])
def test_hostile_paths_are_refused(tree: Path, path: str) -> None:
    result = reader(tree).read_text(path)
    assert not is_successful(result), result
    assert "sk-secret" not in result.failure()
    assert "TOPSECRET" not in result.failure()


def test_the_table_is_long_enough() -> None:
    assert len(HOSTILE_PATHS) >= 20


def test_hidden_files_only_with_allow_hidden(tree: Path) -> None:
    assert reader(tree, allow_hidden=True).read_text(".hidden/x.txt").unwrap() == "hidden"


def test_a_bad_root_is_a_configuration_error(tmp_path: Path) -> None:
    factory = ToolFactory()
    with pytest.raises(ConfigurationError, match="not a directory"):
        factory.register_builtins(["read_local_file"], file_root=tmp_path / "nope")


async def test_as_a_tool(tree: Path) -> None:
    factory = ToolFactory()
    factory.register_builtins(file_root=tree, max_file_bytes=1000)
    assert factory.available_tool_names == ["safe_math_evaluator", "read_local_file"]
    ok = await factory.dispatch_tool("read_local_file", '{"path": "sub/note.md"}')
    assert ok.content == "# note"
    refused = await factory.dispatch_tool("read_local_file", '{"path": ".env"}')
    assert refused.error is not None
    assert "sk-secret" not in refused.content
    with pytest.raises(ConfigurationError, match="unknown built-in"):
        factory.register_builtins(["rm_rf"])


async def test_there_is_no_default_root(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree)  # a server's working directory holds code and configuration
    factory = ToolFactory()
    with pytest.raises(ConfigurationError, match="file_root"):
        factory.register_builtins(["read_local_file"])
    with pytest.raises(ConfigurationError, match="file_root"):
        factory.register_builtins()
    assert factory.available_tool_names == []
