/**
 * The OnMessageSend handler for classic Outlook on Windows, which runs
 * event handlers in a JavaScript-only runtime: one classic script (no
 * modules, no DOM, no localStorage). Microsoft documents no WebAssembly in
 * that runtime, so the detector (Rust compiled to WebAssembly) is not
 * loaded there and the mail goes unchecked (docs/MAILCLIENTS.md); classic
 * Outlook's check is the .NET add-in's (examples/csharp-outlook).
 */
import { langOf } from "./i18n";
import type { ComposeItem } from "./item";
import { onMessageSend } from "./launchevent";

Office.actions.associate("onMessageSendHandler", (event: { completed(options: object): void }) => {
  const item = Office.context.mailbox.item as unknown as ComposeItem;
  void onMessageSend(event, item, () => Promise.resolve(null), langOf(Office.context.displayLanguage), (m) => console.warn(m));
});
