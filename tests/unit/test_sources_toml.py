"""`sources.toml`: what an entry gives its file, and the entries and keys that give nothing, reported."""

import re
from pathlib import Path

from rag.corpus.reader import METADATA_KEYS, Document, Skipped, read_files

SEED = Path(__file__).resolve().parents[2] / "corpus" / "sources.toml"


def test_a_misspelt_key_of_an_entry_is_reported_and_a_key_kept_for_people_is_not(tmp_path):
    (tmp_path / "faq.md").write_text("Réponse sur le wifi.\n", encoding="utf-8")
    (tmp_path / "guide.md").write_text("Réponse sur le prêt.\n", encoding="utf-8")
    (tmp_path / "sources.toml").write_text(
        '["faq.md"]\ntitel = "FAQ de la médiathèque"\nURL = "https://example.org/faq"\nprovenance = "moi"\n'
        '["guide.md"]\ntitle = "Guide"\nlanguage = "fr"\n', encoding="utf-8")
    outcomes = list(read_files(tmp_path))
    skipped = [o for o in outcomes if isinstance(o, Skipped)]
    assert [s.source for s in skipped] == ['sources.toml ["faq.md"]']
    assert skipped[0].reason == ("unknown key 'titel' (did you mean `title`?); unknown key 'URL' (did you mean "
                                 "`url`?): an entry gives its file title and url, the other keys are not read")
    titles = {o.source: o.title for o in outcomes if isinstance(o, Document)}
    assert titles == {"faq.md": "Faq", "guide.md": "Guide"}  # the file's own title, as the report says


def test_a_key_with_two_letters_swapped_is_reported_as_the_key_it_means(tmp_path):
    # "ulr" is within difflib's ratio 0.67 of "url", below the 0.75 that reads "titel" as "title"
    (tmp_path / "faq.md").write_text("Réponse sur le wifi.\n", encoding="utf-8")
    (tmp_path / "sources.toml").write_text('["faq.md"]\ntitle = "FAQ"\nulr = "https://example.org/faq"\nlnag = "fr"\n',
                                           encoding="utf-8")
    skipped = [o for o in read_files(tmp_path) if isinstance(o, Skipped)]
    assert [s.reason for s in skipped] == ["unknown key 'ulr' (did you mean `url`?): an entry gives its file title "
                                           "and url, the other keys are not read"]


def test_the_seed_sources_toml_names_as_read_only_the_keys_that_are():
    comment = " ".join(line for line in SEED.read_text(encoding="utf-8").splitlines() if line.startswith("#"))
    assert set(re.findall(r"`(\w+)`", comment)) <= set(METADATA_KEYS)
