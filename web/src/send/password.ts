/**
 * The password step: a generated password shown large in groups, with a
 * copy button and the advice to tell it by phone or text message; or one
 * the sender chooses, with a strength meter that explains in words (not
 * only colours) and refuses weak ones, as the command line does.
 */
import { newPassword, rate, type Rating } from "../engine";
import { t, type Key } from "../i18n";
import { announce, refresh } from "../ui/app";
import { h } from "../ui/dom";
import { actions, button, errorSummary, form, h1, p, radios, revealToggle, textField, type FieldError } from "../ui/form";
import type { Flow } from "./flow";
import type { Draft } from "./model";

/** Words addresses and subject give, which a password should not be built from. */
function context(d: Draft): string[] {
  return [d.from, ...d.recipients, d.subject].filter(Boolean);
}

/** What the meter says about `rating`. */
export function explain(password: string, rating: Rating | null): string {
  if (!password || !rating) return t("meter.empty");
  if (rating.chars < 10) return t("meter.short", { chars: rating.chars });
  if (!rating.acceptable) return `${t("meter.guessable")} ${t("meter.context")}`;
  return t("meter.ok");
}

/** The password in groups, each its own element, for large grouped display. */
export function groupedPassword(password: string, id: string): HTMLElement {
  return h(
    "p",
    { class: "kluis-password", id, "aria-label": password.split("-").join(" - ") },
    password.split("-").map((g, i) => [i > 0 ? h("span", { class: "kluis-password__dash", "aria-hidden": "true" }, "-") : null, h("span", { class: "kluis-password__group" }, g)]),
  );
}

/** A copy button for `text`; says what happened. */
export function copyButton(label: string, text: () => string, done: Key, id: string): HTMLButtonElement {
  return button(
    label,
    () => {
      navigator.clipboard
        .writeText(text())
        .then(() => announce(t(done)))
        .catch(() => announce(t("password.copyFailed")));
    },
    { id },
  );
}

export function passwordStep(flow: Flow): () => { title: string; body: Node[] } {
  const d = flow.draft;
  let errors: FieldError[] = [];
  if (!d.generated) d.generated = newPassword();
  let busy = false;
  const submit = async (): Promise<void> => {
    if (busy) return;
    errors = [];
    if (d.passwordMode === "own") {
      busy = true;
      const r = d.own ? await rate(d.own, context(d)).catch(() => null) : null;
      busy = false;
      if (!d.own) errors.push({ field: "own-password", message: t("password.empty") });
      else if (!r?.acceptable) errors.push({ field: "own-password", message: t("password.weak", { reason: explain(d.own, r) }) });
    }
    if (errors.length) return refresh();
    flow.next("password");
  };
  return () => {
    const choice = radios({
      id: "password-mode",
      legend: t("password.choice"),
      options: [
        { value: "generated", label: t("password.generate") },
        { value: "own", label: t("password.own") },
      ],
      value: d.passwordMode,
      errors: [],
      onChange: (v) => {
        d.passwordMode = v === "own" ? "own" : "generated";
        errors = [];
        refresh(false);
        document.getElementById(v === "own" ? "password-mode-1" : "password-mode")?.focus();
      },
    });
    let detail: HTMLElement;
    if (d.passwordMode === "generated") {
      detail = h(
        "div",
        { class: "kluis-generated" },
        h("h2", { class: "utrecht-heading-2", id: "generated-heading" }, t("password.generated")),
        groupedPassword(d.generated, "generated-password"),
        h("div", { class: "utrecht-alert utrecht-alert--warning kluis-advice" }, p(h("strong", {}, t("password.advice")))),
        actions(
          copyButton(t("password.copy"), () => d.generated, "password.copied", "copy-password"),
          button(
            t("password.another"),
            () => {
              d.generated = newPassword();
              const shown = document.getElementById("generated-password");
              shown?.replaceWith(groupedPassword(d.generated, "generated-password"));
              announce(d.generated.split("-").join(" - "));
            },
            { kind: "subtle", id: "another-password" },
          ),
        ),
      );
    } else {
      const meterValue = h("meter", { id: "meter", min: 0, max: 4, low: 2, high: 3, optimum: 4, value: 0, "aria-labelledby": "meter-label" });
      const level = h("span", { id: "meter-level", class: "kluis-meter__level" });
      const words = h("p", { class: "utrecht-paragraph kluis-meter__words", id: "meter-words", "aria-live": "polite" }, t("meter.empty"));
      let timer = 0;
      let latest = 0;
      const update = async (value: string, now: boolean): Promise<void> => {
        const asked = ++latest;
        const r = value ? await rate(value, context(d)).catch(() => null) : null;
        if (asked !== latest) return; // a newer keystroke answers instead
        meterValue.value = r ? r.score : 0;
        level.textContent = r ? t(`meter.${r.score}` as Key) : "";
        window.clearTimeout(timer);
        // The words are read out only once typing pauses.
        const say = (): void => void (words.textContent = explain(value, r));
        if (now) say();
        else timer = window.setTimeout(say, 700);
      };
      const { field, input } = textField({
        id: "own-password",
        label: t("password.ownLabel"),
        hint: t("password.ownHint"),
        value: d.own,
        errors,
        type: "password",
        autocomplete: "new-password",
        spellcheck: false,
        onInput: (v) => {
          d.own = v;
          void update(v, false);
        },
      });
      const toggle = revealToggle(input as HTMLInputElement, announce);
      detail = h(
        "div",
        { class: "kluis-own" },
        field,
        h("div", { class: "kluis-reveal-row" }, toggle),
        h("div", { class: "kluis-meter" }, h("p", { class: "utrecht-paragraph", id: "meter-label" }, t("meter.label"), ": ", level), meterValue, words),
        h("div", { class: "utrecht-alert utrecht-alert--warning kluis-advice" }, p(h("strong", {}, t("password.advice")))),
      );
      void update(d.own, true);
    }
    return {
      title: errors.length ? `${t("common.errorPrefix")} ${t("password.title")}` : t("password.title"),
      body: [errorSummary(errors), h1(t("password.title")), p(t("password.intro")), form(() => void submit(), choice, detail, actions(button(t("common.continue"), () => undefined, { kind: "primary", type: "submit" })))].filter(
        (n): n is HTMLElement => n !== null,
      ),
    };
  };
}
