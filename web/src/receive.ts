/** Entry of the receive page (`/t/{id}`). */
import { pageData } from "./config";
import { ready } from "./engine";
import { landingStep } from "./receive/landing";
import { statePage } from "./receive/states";
import { browserSupported } from "./support";
import { initLang, start } from "./ui/app";

initLang();
const data = pageData();
const facts = data.transfer;
if (!browserSupported()) {
  start(data, "site.receiveTitle", statePage("old_browser"));
} else if (!facts) {
  start(data, "site.receiveTitle", statePage("not_found"));
} else if (facts.state !== "open") {
  start(data, "site.receiveTitle", statePage(facts.state));
} else {
  start(data, "site.receiveTitle", landingStep(data, facts, location.origin + location.pathname));
  ready().catch(() => start(data, "site.receiveTitle", statePage("old_browser")));
}
