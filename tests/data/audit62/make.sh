#!/bin/sh
# Writes pages/ from the flat files make_decks.py writes in sources/, with LibreOffice (7.4 on Debian, `soffice`), as
# a sales team's files are saved: two PowerPoint decks (.pptx), an Impress deck (.odp), an Excel workbook (.xlsx).
#   sh tests/data/audit62/make.sh
set -e
cd "$(dirname "$0")"
python3 make_decks.py    # the decks from sources/decks.json, the workbook from its own rows
soffice --headless --convert-to pptx:"Impress MS PowerPoint 2007 XML" --outdir pages \
    sources/parcours_integration_commerciaux.fodp sources/lancement_gamme_duo.fodp
soffice --headless --convert-to odp:impress8 --outdir pages sources/formation_sav_techniciens.fodp
soffice --headless --convert-to xlsx:"Calc MS Excel 2007 XML" --outdir pages sources/tarifs_commissions_2027.fods
rm sources/*.fodp sources/*.fods
