"""Writes tests/data/mbox/boutique.mbox with the standard library's mailbox.mbox (mboxo: body lines beginning
"From " quoted ">From "), from tests/data/eml's messages and two written here."""
import mailbox
from pathlib import Path

eml = Path("tests/data/eml")
out = Path("tests/data/mbox/boutique.mbox")
out.unlink(missing_ok=True)
box = mailbox.mbox(out, create=True)
box.lock()
for name in ("outlook-reponse.eml", "thunderbird-flowed.eml", "latin1-qp.eml"):
    box.add(mailbox.mboxMessage((eml / name).read_bytes()))
box.add(mailbox.mboxMessage("""From: "Service client" <support@boutique.example>
To: <client@exemple.fr>
Subject: Horaires d'ouverture du magasin
Date: Tue, 11 Mar 2025 09:00:00 +0100
MIME-Version: 1.0
Content-Type: text/plain; charset="UTF-8"

Bonjour,

Le magasin de Nantes est ouvert du mardi au samedi, de 10 h à 19 h.
From the 1st of April, it also opens on Sundays from 10 am to 1 pm.

Bonne journée,
""".encode()))
box.add(mailbox.mboxMessage(b"""From: <robot@boutique.example>
Subject: Accuse de lecture
Date: Tue, 11 Mar 2025 09:05:00 +0100
MIME-Version: 1.0
Content-Type: text/plain; charset="UTF-8"

"""))
box.flush()
box.unlock()
box.close()
