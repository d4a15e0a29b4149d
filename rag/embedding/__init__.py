"""The embedding model: one contract (`base`), the bundled default and sentence-transformers behind it."""
