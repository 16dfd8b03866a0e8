/**
 * The add-in's words in Dutch and English, picked from Office's display
 * language (`Office.context.displayLanguage`, e.g. `nl-NL`): Dutch for any
 * `nl` variant, English otherwise. No DOM: the OnMessageSend handler uses
 * this file too.
 */

export type Lang = "nl" | "en";

/** `nl` for `nl`, `nl-NL`, `nl-BE`; `en` for anything else. */
export function langOf(displayLanguage: string | undefined | null): Lang {
  return /^nl(?:-|$)/i.test((displayLanguage ?? "").trim()) ? "nl" : "en";
}

const en = {
  title: "Send securely",
  intro: "The attachments go to {site} encrypted on this computer; the mail carries only a link. You tell the password by phone.",
  "verify.heading": "Your address",
  "verify.explain": "{site} checks once that {address} is yours: it mails a code to that address.",
  "verify.send": "Mail me a code",
  "verify.code": "Code from the mail",
  "verify.confirm": "Confirm",
  "verify.sent": "A code was mailed to {address}. It is valid until {time}.",
  "verify.done": "Sending as {address}.",
  "verify.forget": "Forget on this computer",
  "verify.codeMissing": "Type the code from the mail.",
  "files.heading": "Files",
  "files.none": "This mail has no attachments. Add files below.",
  "files.add": "Add files",
  "files.addHint": "Files from this computer, sent with the attachments.",
  "files.size": "{size}",
  "recipients.heading": "Recipients",
  "recipients.none": "Add recipients in To or Cc first.",
  "recipients.refresh": "Read To and Cc again",
  "options.expiry": "Available until",
  "options.expiryDay": "1 day ({date})",
  "options.expiryDays": "{days} days ({date})",
  "options.limit": "Downloads",
  "options.limitHint": "After this many downloads the link stops working.",
  "options.limitNone": "No limit",
  "options.limitOnce": "Once",
  "options.limitTimes": "{n} times",
  "password.heading": "Password",
  "password.explain": "Tell the recipients this password by phone or text message. It never goes into the mail.",
  "password.new": "Make a new password",
  "send.button": "Send securely",
  "send.sealing": "Encrypting and uploading: {percent}%",
  "send.reading": "Reading the attachments…",
  "send.done": "Done. The link is in your mail and the attachments are removed. Tell the recipients the password by phone:",
  "send.doneKept": "Done, but Outlook kept {count} attachment(s): remove them before you send.",
  "send.next": "Now press Send in Outlook.",
  "error.title": "There is a problem",
  "error.noFiles": "There is nothing to send: add a file or attach one to the mail.",
  "error.noRecipients": "Add recipients in To or Cc first.",
  "error.server": "The server refused: {message}. The attachments are still in the mail.",
  "error.office": "Outlook could not do this: {message}. The attachments are still in the mail.",
  "error.network": "The server could not be reached. The attachments are still in the mail.",
  "error.notice": "The files were sent but the link could not be put in the mail: {message}. The link is {link}",
  "alert.found": "This mail seems to hold sensitive data: {what}. Send it securely with Kluis, or send anyway.",
  "alert.found.more": "{first} and {count} more",
  "alert.sendSecurely": "Send securely",
  "alert.in.subject": "the subject",
  "alert.in.body": "the text",
  "alert.in.attachment": "attachment {name}",
  "alert.item": "{where} {reason}",
} as const;

export type Key = keyof typeof en;

const nl: Record<Key, string> = {
  title: "Veilig versturen",
  intro: "De bijlagen gaan versleuteld op deze computer naar {site}; de mail bevat alleen een link. Het wachtwoord geeft u telefonisch door.",
  "verify.heading": "Uw adres",
  "verify.explain": "{site} controleert één keer dat {address} van u is: het mailt een code naar dat adres.",
  "verify.send": "Mail mij een code",
  "verify.code": "Code uit de mail",
  "verify.confirm": "Bevestigen",
  "verify.sent": "Er is een code gemaild naar {address}. Die is geldig tot {time}.",
  "verify.done": "U verstuurt als {address}.",
  "verify.forget": "Vergeten op deze computer",
  "verify.codeMissing": "Typ de code uit de mail.",
  "files.heading": "Bestanden",
  "files.none": "Deze mail heeft geen bijlagen. Voeg hieronder bestanden toe.",
  "files.add": "Bestanden toevoegen",
  "files.addHint": "Bestanden van deze computer, verstuurd met de bijlagen.",
  "files.size": "{size}",
  "recipients.heading": "Ontvangers",
  "recipients.none": "Vul eerst ontvangers in bij Aan of CC.",
  "recipients.refresh": "Aan en CC opnieuw lezen",
  "options.expiry": "Beschikbaar tot",
  "options.expiryDay": "1 dag ({date})",
  "options.expiryDays": "{days} dagen ({date})",
  "options.limit": "Downloads",
  "options.limitHint": "Na zoveel downloads werkt de link niet meer.",
  "options.limitNone": "Geen limiet",
  "options.limitOnce": "Eén keer",
  "options.limitTimes": "{n} keer",
  "password.heading": "Wachtwoord",
  "password.explain": "Geef de ontvangers dit wachtwoord door per telefoon of sms. Het gaat nooit mee in de mail.",
  "password.new": "Maak een nieuw wachtwoord",
  "send.button": "Veilig versturen",
  "send.sealing": "Versleutelen en uploaden: {percent}%",
  "send.reading": "De bijlagen worden gelezen…",
  "send.done": "Klaar. De link staat in uw mail en de bijlagen zijn verwijderd. Geef de ontvangers telefonisch het wachtwoord:",
  "send.doneKept": "Klaar, maar Outlook heeft {count} bijlage(n) laten staan: verwijder die voor u verstuurt.",
  "send.next": "Druk nu in Outlook op Verzenden.",
  "error.title": "Er is een probleem",
  "error.noFiles": "Er is niets te versturen: voeg een bestand toe of voeg er een bij aan de mail.",
  "error.noRecipients": "Vul eerst ontvangers in bij Aan of CC.",
  "error.server": "De server weigerde: {message}. De bijlagen staan nog in de mail.",
  "error.office": "Outlook kon dit niet: {message}. De bijlagen staan nog in de mail.",
  "error.network": "De server is niet bereikbaar. De bijlagen staan nog in de mail.",
  "error.notice": "De bestanden zijn verstuurd maar de link kon niet in de mail: {message}. De link is {link}",
  "alert.found": "Deze mail lijkt gevoelige gegevens te bevatten: {what}. Verstuur hem veilig met Kluis, of verstuur toch.",
  "alert.found.more": "{first} en nog {count}",
  "alert.sendSecurely": "Veilig versturen",
  "alert.in.subject": "het onderwerp",
  "alert.in.body": "de tekst",
  "alert.in.attachment": "bijlage {name}",
  "alert.item": "{where} {reason}",
};

const tables: Record<Lang, Record<Key, string>> = { en, nl };

/** The text of `key` in `lang`, with `{name}` placeholders filled. */
export function text(lang: Lang, key: Key, values: Record<string, string | number> = {}): string {
  return tables[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** The words for `lang` as a function of key and values. */
export function translator(lang: Lang): (key: Key, values?: Record<string, string | number>) => string {
  return (key, values) => text(lang, key, values);
}
