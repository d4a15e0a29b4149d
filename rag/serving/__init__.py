"""Running a searcher for many clients: micro-batching and hot reload; no HTTP framework here."""
