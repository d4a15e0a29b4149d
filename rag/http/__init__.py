"""The HTTP edge: the Litestar app, its problem responses, auth, host checks, metrics and the server."""
