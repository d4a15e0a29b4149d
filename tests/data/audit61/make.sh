#!/bin/sh
# Writes pages/ from sources/ with LibreOffice (24.2 on Debian, `soffice`), as a user's old files were saved:
# Word 97 documents (.doc), an Excel 97 workbook (.xls); the EPUB e-book by make_epub.py, the Sphinx pages are written by hand.
#   sh tests/data/audit61/make.sh
set -e
cd "$(dirname "$0")"
out=$(mktemp -d)
python3 make_fods.py
soffice --headless --convert-to docx:"MS Word 2007 XML" --outdir "$out" sources/notes_de_frais.html sources/teletravail.html
soffice --headless --convert-to doc:"MS Word 97" --outdir pages "$out/notes_de_frais.docx" "$out/teletravail.docx"
python3 make_epub.py
soffice --headless --convert-to xls:"MS Excel 97" --outdir pages sources/annuaire.fods
rm -r "$out" sources/annuaire.fods
