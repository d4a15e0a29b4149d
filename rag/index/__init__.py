"""What an index is on disk and in memory: dense vectors, the lexical index, headings, the manifest, locks."""
