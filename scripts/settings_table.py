"""Write the configuration table of docs/CONFIGURATION.md from `rag.settings.Settings` (or check it with --check).

    python -m scripts.settings_table          # rewrite the table between the settings-table markers
    python -m scripts.settings_table --check  # exit 1 if the page's table is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rag.settings import Settings

PAGE = Path(__file__).resolve().parent.parent / "docs" / "CONFIGURATION.md"

START, END = "<!-- settings-table -->", "<!-- /settings-table -->"


def table() -> str:
    rows = ["| variable | default | what |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = field.default_factory() if field.default_factory else field.default  # type: ignore[call-arg]
        shown = "(none)" if default in (None, [], "") else f"`{default}`"
        extra = field.json_schema_extra
        if isinstance(extra, dict) and "shown_default" in extra:  # a default that depends on the machine
            shown = f"`{extra['shown_default']}`"
        rows.append(f"| `RAG_{name.upper()}` | {shown} | {field.description} |")
    return "\n".join(rows)


def render(readme: str) -> str:
    head, _, rest = readme.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{table()}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the table is out of date, change nothing")
    args = parser.parse_args(argv)
    path = PAGE
    current = path.read_text(encoding="utf-8")
    if START not in current or END not in current:
        print(f"{path} has no {START} ... {END} markers")
        return 1
    wanted = render(current)
    if args.check:
        if current != wanted:
            print(f"{path.name} configuration table is out of date: run python -m scripts.settings_table")
            return 1
        return 0
    path.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
