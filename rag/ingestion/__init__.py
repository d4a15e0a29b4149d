"""Building an index from a corpus: the local pipeline and the Ray engine."""
