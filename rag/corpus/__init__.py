"""Files to documents to passages: the corpus reader, the format parsers and the chunker."""
