/**
 * The recipient's first page: what the server knows (sender, recipients,
 * file count and size, expiry) and the password field. A wrong password
 * is said plainly; the field is cleared and keeps the focus.
 */
import type { PageData, TransferFacts } from "../config";
import { open, type Opened } from "../engine";
import { t } from "../i18n";
import { announce, go, refresh, replace } from "../ui/app";
import { h } from "../ui/dom";
import { actions, button, dataList, errorSummary, form, h1, p, revealToggle, textField, type FieldError } from "../ui/form";
import { bytes, dateTime } from "../ui/format";
import { statePage } from "./states";
import { unlockedStep } from "./unlocked";

/** The facts of the transfer as a summary list. */
export function factsList(facts: TransferFacts): HTMLElement {
  const rows = [
    { key: t("landing.from"), value: facts.sender },
    { key: t("landing.to"), value: facts.recipients.join(", ") },
    { key: t("landing.files"), value: facts.files === 1 ? t("landing.fileCount", { size: bytes(facts.bytes) }) : t("landing.fileCounts", { count: facts.files, size: bytes(facts.bytes) }) },
    { key: t("landing.expires"), value: dateTime(new Date(facts.expiresAt * 1000)) },
  ];
  if (facts.downloadsLeft !== null) rows.push({ key: t("landing.downloads"), value: t("landing.downloadsLeft", { n: facts.downloadsLeft }) });
  return dataList(rows);
}

/** Shows (or hides) that the password is being checked, without moving the focus. */
function showBusy(on: boolean): void {
  const working = document.getElementById("working");
  const submit = document.getElementById("open");
  if (working) working.hidden = !on;
  if (submit) {
    submit.setAttribute("aria-disabled", String(on));
    submit.textContent = on ? t("common.busy") : t("unlock.submit");
  }
}

export function landingStep(data: PageData, facts: TransferFacts, link: string): () => { title: string; body: Node[]; focus?: string } {
  let errors: FieldError[] = [];
  let password = "";
  let busy = false;
  let focusField = false;
  const submit = async (): Promise<void> => {
    if (busy) return;
    errors = [];
    if (!password) {
      errors = [{ field: "password", message: t("unlock.empty") }];
      return refresh();
    }
    busy = true;
    showBusy(true);
    announce(t("unlock.working"));
    let opened: Opened;
    try {
      opened = await open(link, password, () => undefined);
    } catch (e) {
      busy = false;
      showBusy(false);
      const kind = (e as { kind?: string }).kind;
      if (kind === "WrongSecret") {
        password = "";
        errors = [{ field: "password", message: t("unlock.wrong") }];
        focusField = true;
        refresh();
        announce(t("unlock.wrong"));
      } else if (kind === "NotFound") replace(statePage("not_found"));
      else if (kind === "Expired") replace(statePage(facts.expiresAt * 1000 > Date.now() ? "limit" : "expired"));
      else replace(statePage("busy", () => replace(landingStep(data, facts, link))));
      return;
    }
    password = "";
    go(unlockedStep(data, facts, opened));
  };
  return () => {
    const { field, input } = textField({
      id: "password",
      label: t("unlock.label"),
      hint: t("unlock.hint"),
      value: password,
      errors,
      type: "password",
      autocomplete: "off",
      spellcheck: false,
      onInput: (v) => (password = v),
    });
    input.setAttribute("autocapitalize", "off");
    const focus = focusField ? "password" : undefined;
    focusField = false;
    return {
      title: errors.length ? `${t("common.errorPrefix")} ${t("landing.title")}` : t("landing.title"),
      body: [
        errorSummary(errors),
        h1(t("landing.title")),
        factsList(facts),
        p(t("landing.intro")),
        form(
          () => void submit(),
          field,
          h("div", { class: "kluis-reveal-row" }, revealToggle(input as HTMLInputElement, announce)),
          h("p", { class: "utrecht-paragraph kluis-working", id: "working", hidden: !busy }, h("span", { class: "kluis-spinner", "aria-hidden": "true" }), t("unlock.working")),
          actions(button(t("unlock.submit"), () => undefined, { kind: "primary", type: "submit", id: "open" })),
        ),
      ].filter((n): n is HTMLElement => n !== null),
      focus,
    };
  };
}
