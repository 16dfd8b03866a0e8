/**
 * The event runtime of new Outlook, Outlook on the web and Outlook for Mac
 * (commands.html, a browser runtime): registers the OnMessageSend handler
 * with the package's detector (WebAssembly), loaded on the first send.
 */
import { langOf } from "./i18n";
import type { ComposeItem } from "./item";
import { type Scanner, onMessageSend } from "./launchevent";

let scanner: Promise<Scanner | null> | null = null;

/** The package's scanText/scanBytes, or null when this package has no detector. */
function loadScanner(): Promise<Scanner | null> {
  scanner ??= import("kluis").then(async (kluis) => {
    await kluis.ready;
    const k = kluis as unknown as Partial<Scanner>;
    return typeof k.scanText === "function" && typeof k.scanBytes === "function" ? (k as Scanner) : null;
  });
  return scanner;
}

Office.actions.associate("onMessageSendHandler", (event: { completed(options: object): void }) => {
  const item = Office.context.mailbox.item as unknown as ComposeItem;
  void onMessageSend(event, item, loadScanner, langOf(Office.context.displayLanguage), (m) => console.warn(m));
});
