/** Steps 1 and 2 of sending: the sender's address, then the mailed code. */
import { t } from "../i18n";
import { ServerError, confirmCode, requestCode } from "../server";
import { forgetSender, saveSender } from "../storage";
import { announce, go, refresh, reset } from "../ui/app";
import { h } from "../ui/dom";
import { button, errorSummary, form, h1, p, textField, actions, type FieldError } from "../ui/form";
import { isEmail, normaliseCode } from "../validate";
import type { Flow } from "./flow";

function minutes(seconds: number | null): number {
  return Math.max(1, Math.ceil((seconds ?? 900) / 60));
}

/** A message for a server failure that is not about one field. */
export function serverTrouble(e: unknown): string {
  if (e instanceof ServerError && e.status === 429) return t("verify.rateLimited", { minutes: minutes(e.retryAfter) });
  return `${t("state.busy.title")}. ${t("state.busy.text")}`;
}

/** "Your email address": asks for a code. */
export function addressStep(flow: Flow): () => { title: string; body: Node[] } {
  let errors: FieldError[] = [];
  let busy = false;
  const submit = async (): Promise<void> => {
    if (busy) return;
    const address = flow.draft.from.trim();
    errors = [];
    if (!address) errors.push({ field: "address", message: t("verify.empty") });
    else if (!isEmail(address)) errors.push({ field: "address", message: t("verify.invalid") });
    if (errors.length) return refresh();
    busy = true;
    try {
      const sent = await requestCode(address);
      flow.draft.from = address;
      go(codeStep(flow, sent.expiresAt));
    } catch (e) {
      errors = [{ field: "address", message: e instanceof ServerError && e.code === "invalid_address" ? t("verify.invalid") : serverTrouble(e) }];
      refresh();
    } finally {
      busy = false;
    }
  };
  return () => {
    const { field } = textField({
      id: "address",
      label: t("verify.label"),
      hint: t("verify.hint"),
      value: flow.draft.from,
      errors,
      type: "email",
      autocomplete: "email",
      spellcheck: false,
      onInput: (v) => (flow.draft.from = v),
    });
    return {
      title: errors.length ? `${t("common.errorPrefix")} ${t("verify.title")}` : t("verify.title"),
      body: [errorSummary(errors), h1(t("verify.title")), p(t("verify.intro")), form(() => void submit(), field, actions(button(t("verify.submit"), () => undefined, { kind: "primary", type: "submit" })))].filter((n): n is HTMLElement => n !== null),
    };
  };
}

/** "Enter the verification code". */
export function codeStep(flow: Flow, expiresAt: number): () => { title: string; body: Node[] } {
  let errors: FieldError[] = [];
  let code = "";
  let busy = false;
  let sentAt = Date.now();
  let validFor = Math.max(1, Math.round((expiresAt * 1000 - Date.now()) / 60_000));
  const submit = async (): Promise<void> => {
    if (busy) return;
    errors = [];
    const digits = normaliseCode(code);
    if (!code.trim()) errors.push({ field: "code", message: t("code.empty") });
    else if (!digits) errors.push({ field: "code", message: t("code.invalid") });
    if (errors.length || !digits) return refresh();
    busy = true;
    try {
      const answer = await confirmCode(flow.draft.from, digits);
      flow.draft.token = answer.token;
      saveSender({ address: flow.draft.from, token: answer.token, expiresAt: answer.expiresAt });
      reset(flow.afterVerify());
    } catch (e) {
      code = "";
      let message = serverTrouble(e);
      if (e instanceof ServerError && e.code === "invalid_code") message = t("code.wrong");
      else if (e instanceof ServerError && e.status === 429) message = t("code.tooMany", { minutes: minutes(e.retryAfter) });
      errors = [{ field: "code", message }];
      refresh();
    } finally {
      busy = false;
    }
  };
  const resend = async (): Promise<void> => {
    try {
      const sent = await requestCode(flow.draft.from);
      sentAt = Date.now();
      validFor = Math.max(1, Math.round((sent.expiresAt * 1000 - Date.now()) / 60_000));
      errors = [];
      refresh(false);
      announce(t("code.resent", { address: flow.draft.from }));
      document.getElementById("code")?.focus();
    } catch (e) {
      errors = [{ field: "code", message: serverTrouble(e) }];
      refresh();
    }
  };
  return () => {
    const { field } = textField({
      id: "code",
      label: t("code.label"),
      hint: t("code.hint"),
      value: code,
      errors,
      autocomplete: "one-time-code",
      inputmode: "numeric",
      spellcheck: false,
      onInput: (v) => (code = v),
    });
    const wait = Math.max(0, 30_000 - (Date.now() - sentAt));
    const resendButton = button(t("code.resend"), () => void resend(), { kind: "subtle", id: "resend" });
    resendButton.hidden = wait > 0;
    if (wait > 0) window.setTimeout(() => (resendButton.hidden = false), wait);
    return {
      title: errors.length ? `${t("common.errorPrefix")} ${t("code.title")}` : t("code.title"),
      body: [
        errorSummary(errors),
        h1(t("code.title")),
        p(t("code.sent", { address: flow.draft.from }), " ", t("code.valid", { minutes: validFor })),
        form(() => void submit(), field, actions(button(t("common.continue"), () => undefined, { kind: "primary", type: "submit" }))),
        p(t("code.noMail")),
        actions(resendButton, button(t("code.otherAddress"), () => history.back(), { kind: "subtle" })),
      ].filter((n): n is HTMLElement => n !== null),
    };
  };
}

/** "You are sending as …" with the one-click forget. */
export function verifiedBanner(flow: Flow): HTMLElement | null {
  if (flow.draft.kind !== "send" || !flow.draft.token) return null;
  return h(
    "div",
    { class: "kluis-verified" },
    p(t("verify.remembered", { address: flow.draft.from })),
    button(
      t("verify.forget"),
      () => {
        forgetSender();
        flow.draft.token = "";
        flow.draft.from = "";
        reset(addressStep(flow));
        announce(t("verify.forgotten"));
      },
      { kind: "subtle", id: "forget" },
    ),
  );
}
