"""A `format=flowed` e-mail body's soft line breaks joined (RFC 3676), before it is read as a .txt is."""

from __future__ import annotations


def unflowed(text: str, delsp: bool) -> str:
    """A `format=flowed` text with its soft line breaks joined (RFC 3676): a line ending in a space runs on to the next
    of the same quote depth, a space-stuffed line loses its first space; the signature delimiter "-- " is a line."""
    out: list[str] = []
    run: list[str] = []
    depth = None
    for raw in text.split("\n"):
        line = raw.rstrip("\r")
        level = len(line) - len(line.lstrip(">"))
        body = line[level:]
        body = body[1:] if body.startswith(" ") else body
        if run and level != depth:
            out.append("".join(run))
            run = []
        soft = body.endswith(" ") and body != "-- "
        run.append(body[:-1] if soft and delsp else body)
        depth = level
        if not soft:
            out.append(">" * level + " " + "".join(run) if level else "".join(run))
            run = []
    if run:
        out.append("".join(run))
    return "\n".join(out)


__all__ = ["unflowed"]
