/** The pages of a transfer that cannot be opened: each says which, in plain words. */
import type { TransferState } from "../config";
import { t, type Key } from "../i18n";
import type { Step } from "../ui/app";
import { actions, button, h1, p } from "../ui/form";

export type StatePage = Exclude<TransferState, "open"> | "old_browser";

const WORDS: Record<StatePage, [Key, Key]> = {
  expired: ["state.expired.title", "state.expired.text"],
  withdrawn: ["state.withdrawn.title", "state.withdrawn.text"],
  limit: ["state.limit.title", "state.limit.text"],
  not_found: ["state.notFound.title", "state.notFound.text"],
  busy: ["state.busy.title", "state.busy.text"],
  old_browser: ["state.oldBrowser.title", "state.oldBrowser.text"],
};

/** The page for `state`; "busy" offers to try again. */
export function statePage(state: StatePage, retry?: () => void): Step {
  return () => {
    const [title, text] = WORDS[state];
    return {
      title: t(title),
      body: [h1(t(title)), p(t(text)), state === "busy" ? actions(button(t("common.retry"), retry ?? (() => location.reload()), { kind: "primary", id: "retry" })) : null].filter((n): n is HTMLElement => n !== null),
    };
  };
}
