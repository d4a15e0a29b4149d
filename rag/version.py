"""The release of rag, as pyproject.toml names it (`tests/system/test_remote_search.py` checks both agree): what
`rag --version` prints and what the MCP servers say they are (`serverInfo.version`). A module of its own, below every
other, so that any may read it without importing the package's public face."""

__version__ = "0.1.0"

__all__ = ["__version__"]
