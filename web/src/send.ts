/** Entry of the send page (`/`). */
import { pageData } from "./config";
import { ready } from "./engine";
import { makeFlow } from "./send/flow";
import { newDraft } from "./send/model";
import { addressStep } from "./send/verify";
import { savedSender } from "./storage";
import { browserSupported } from "./support";
import { statePage } from "./receive/states";
import { initLang, start } from "./ui/app";

initLang();
const data = pageData();
if (!browserSupported()) {
  start(data, "site.title", statePage("old_browser"));
} else {
  const draft = newDraft(data);
  const flow = makeFlow(data, draft);
  const sender = savedSender();
  if (sender) {
    draft.from = sender.address;
    draft.token = sender.token;
  }
  start(data, "site.title", sender ? flow.afterVerify() : addressStep(flow));
  // Load the engine while the sender types (the password step needs it).
  ready().catch(() => start(data, "site.title", statePage("old_browser")));
}
