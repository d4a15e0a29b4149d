"""Questions to ranked passages: the searcher, fusion of the two retrievers, snippets and the answer."""
