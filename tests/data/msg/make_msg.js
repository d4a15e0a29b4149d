// Writes this folder's .msg files as Outlook saves a message ([MS-OXMSG]: an OLE compound file, one stream per
// property, "__substg1.0_<id><type>", the fixed-size ones in "__properties_version1.0"), with SheetJS's `cfb`
// (Apache-2.0): `npm pack cfb adler-32 crc-32`, unpacked into node_modules/, then `node make_msg.js`.
const CFB = require("cfb");
const fs = require("fs");

const utf16 = (text) => Buffer.from(text + "\0", "utf16le");
const cp1252 = (text) => Buffer.from(text.replace(/’/g, "\x92").replace(/€/g, "\x80") + "\0", "latin1");

// the fixed-size properties: 32 bytes of header for the message itself (8 for an attachment), then 16 bytes each
function properties(header, ints) {
  const out = Buffer.alloc(header + 16 * ints.length);
  ints.forEach(([id, value], i) => {
    out.writeUInt16LE(0x0003, header + 16 * i); out.writeUInt16LE(id, header + 16 * i + 2);
    out.writeUInt32LE(6, header + 16 * i + 4); out.writeInt32LE(value, header + 16 * i + 8);
  });
  return out;
}

function message(name, streams, ints, attachments = []) {
  const cfb = CFB.utils.cfb_new();
  CFB.utils.cfb_add(cfb, "/__properties_version1.0", properties(32, ints));
  for (const [stream, data] of Object.entries(streams)) CFB.utils.cfb_add(cfb, "/" + stream, data);
  attachments.forEach((files, i) => {
    const storage = `/__attach_version1.0_#${i.toString(16).toUpperCase().padStart(8, "0")}/`;
    CFB.utils.cfb_add(cfb, storage + "__properties_version1.0", properties(8, [[0x3705, 1]]));
    for (const [stream, data] of Object.entries(files)) CFB.utils.cfb_add(cfb, storage + stream, data);
  });
  CFB.utils.cfb_del(cfb, "/\u0001Sh33tJ5");  // the library's marker stream: Outlook writes none
  fs.writeFileSync(name, CFB.write(cfb, { type: "buffer" }));
}

const reply = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body lang="FR">
<div class="WordSection1">
<p class="MsoNormal">Bonjour Madame Girard,</p>
<p class="MsoNormal">Votre commande n° 4512 a pris du retard à cause d’une rupture de stock chez notre transporteur.
Elle sera expédiée le 14 novembre et livrée sous 48 heures ouvrées.</p>
<p class="MsoNormal">Pour être remboursée des frais de port, répondez simplement à ce message : le remboursement de 6,90 €
est fait sur votre moyen de paiement sous 5 jours.</p>
<p class="MsoNormal">Bien cordialement,</p>
<p class="MsoNormal">Léa Martin<br>Service client Maison Lisière</p>
<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">
<p class="MsoNormal"><b>De :</b> Claire Girard &lt;claire.girard@exemple.fr&gt;<br><b>Envoyé :</b> lundi 10 novembre 2025 09:12<br>
<b>À :</b> Service client &lt;aide@maison-lisiere.fr&gt;<br><b>Objet :</b> Retard de livraison de la commande 4512</p>
</div>
<p class="MsoNormal">Bonjour, ma commande devait arriver vendredi et je n’ai toujours rien reçu. Pouvez-vous me dire où elle en est ?</p>
</div></body></html>`;
const replyPlain = "Bonjour Madame Girard,\r\n\r\nVotre commande n° 4512 a pris du retard.\r\n";

message("reponse-retard-livraison.msg", {
  "__substg1.0_001A001F": utf16("IPM.Note"),
  "__substg1.0_0037001F": utf16("RE: Retard de livraison de la commande 4512"),
  "__substg1.0_0E1D001F": utf16("Retard de livraison de la commande 4512"),
  "__substg1.0_0C1A001F": utf16("Léa Martin"),
  "__substg1.0_1000001F": utf16(replyPlain),
  "__substg1.0_10130102": Buffer.from(reply, "utf8"),
}, [[0x3FDE, 65001]], [{
  "__substg1.0_3707001F": utf16("bon-de-retour.pdf"),
  "__substg1.0_37010102": Buffer.from("%PDF-1.4\n% bon de retour\n"),
}]);

const forward = "Pour info, la procédure validée hier.\r\n\r\n" +
  "-----Message d'origine-----\r\nDe : Direction financière\r\nEnvoyé : mardi 4 mars 2025 17:40\r\n" +
  "Objet : Procédure de remboursement\r\n\r\n" +
  "Les remboursements de plus de 500 € sont validés par le responsable du service client avant d’être versés.\r\n" +
  "Le délai de versement est de 10 jours ouvrés après la validation.\r\n";
message("transfert-procedure-ansi.msg", {
  "__substg1.0_001A001E": cp1252("IPM.Note"),
  "__substg1.0_0037001E": cp1252("TR: Procédure de remboursement"),
  "__substg1.0_1000001E": cp1252(forward),
}, [[0x3FFD, 1252]]);

message("sans-texte.msg", {
  "__substg1.0_001A001F": utf16("IPM.Note"),
  "__substg1.0_0037001F": utf16("Photos du colis"),
}, [[0x3FDE, 65001]], [{ "__substg1.0_3707001F": utf16("colis.jpg"), "__substg1.0_37010102": Buffer.from("JFIF") }]);
