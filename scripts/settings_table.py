"""Write the README's configuration table from `rag.settings.Settings` (or check it with --check).

    python scripts/settings_table.py          # rewrite the table between the settings-table markers
    python scripts/settings_table.py --check  # exit 1 if the README's table is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.settings import Settings  # noqa: E402

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


def main() -> int:
    path = ROOT / "README.md"
    current = path.read_text(encoding="utf-8")
    wanted = render(current)
    if "--check" in sys.argv:
        if current != wanted:
            print("README.md configuration table is out of date: run python scripts/settings_table.py")
            return 1
        return 0
    path.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
