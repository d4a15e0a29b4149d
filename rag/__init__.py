"""rag: retrieval of cited passages from a document folder, over HTTP, MCP and the command line."""

from rag.errors import RagError
from rag.schemas import Citation, Hit, Passage, SearchResponse
from rag.settings import Settings

__version__ = "0.1.0"

__all__ = ["Citation", "Hit", "Passage", "RagError", "SearchResponse", "Settings", "__version__"]
