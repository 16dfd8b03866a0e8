/** The recipients step, and the files-and-message step. */
import { t } from "../i18n";
import { refresh } from "../ui/app";
import { h } from "../ui/dom";
import { actions, button, errorSummary, form, h1, p, textField, type FieldError } from "../ui/form";
import { filePicker } from "../ui/files";
import { bytes } from "../ui/format";
import { isEmail } from "../validate";
import type { Flow } from "./flow";
import { MAX_MESSAGE_CHARS, totalBytes } from "./model";
import { SensitiveCheck } from "./sensitive";
import { verifiedBanner } from "./verify";

function titled(errors: FieldError[], title: string): string {
  return errors.length ? `${t("common.errorPrefix")} ${title}` : title;
}

/** "Who are you sending the files to?": one field per recipient. */
export function recipientsStep(flow: Flow): () => { title: string; body: Node[]; focus?: string } {
  let errors: FieldError[] = [];
  let focus: string | undefined;
  const d = flow.draft;
  const submit = (): void => {
    errors = [];
    focus = undefined;
    const seen = new Set<string>();
    d.recipients.forEach((r, i) => {
      const v = r.trim();
      const n = i + 1;
      const field = `recipient-${i}`;
      if (!v) errors.push({ field, message: t("recipients.empty", { n }) });
      else if (!isEmail(v)) errors.push({ field, message: t("recipients.invalid", { n }) });
      else if (seen.has(v.toLowerCase())) errors.push({ field, message: t("recipients.duplicate", { n }) });
      seen.add(v.toLowerCase());
    });
    if (d.recipients.length > flow.data.limits.maxRecipients) errors.push({ field: "recipient-0", message: t("recipients.tooMany", { max: flow.data.limits.maxRecipients }) });
    if (errors.length) return refresh();
    d.recipients = d.recipients.map((r) => r.trim());
    flow.next("recipients");
  };
  return () => {
    const fields = d.recipients.map((value, i) => {
      const remove =
        d.recipients.length > 1
          ? h(
              "button",
              {
                type: "button",
                class: "utrecht-link-button utrecht-link-button--html-button kluis-remove",
                "aria-label": t("recipients.removeLabel", { n: i + 1 }),
                on: {
                  click: () => {
                    d.recipients.splice(i, 1);
                    errors = [];
                    focus = `recipient-${Math.max(0, i - 1)}`;
                    refresh();
                  },
                },
              },
              t("recipients.remove"),
            )
          : null;
      return textField({
        id: `recipient-${i}`,
        label: t("recipients.label", { n: i + 1 }),
        value,
        errors,
        type: "email",
        autocomplete: "off",
        spellcheck: false,
        onInput: (v) => (d.recipients[i] = v),
        extra: remove,
      }).field;
    });
    const add = button(
      t("recipients.add"),
      () => {
        d.recipients.push("");
        errors = [];
        focus = `recipient-${d.recipients.length - 1}`;
        refresh();
      },
      { kind: "secondary", id: "add-recipient", disabled: d.recipients.length >= flow.data.limits.maxRecipients },
    );
    const view = {
      title: titled(errors, t("recipients.title")),
      body: [verifiedBanner(flow), errorSummary(errors), h1(t("recipients.title")), p(t("recipients.intro")), form(submit, ...fields, actions(add), actions(button(t("common.continue"), () => undefined, { kind: "primary", type: "submit" })))].filter(
        (n): n is HTMLElement => n !== null,
      ),
      focus,
    };
    focus = undefined;
    return view;
  };
}

/**
 * "Which files are you sending?": files, subject and confidential message,
 * with a note when they hold sensitive information (./sensitive.ts).
 */
export function filesStep(flow: Flow): () => { title: string; body: Node[] } {
  let errors: FieldError[] = [];
  const d = flow.draft;
  const sensitive = new SensitiveCheck(d);
  const max = flow.data.limits.maxTransferBytes;
  const submit = (): void => {
    errors = [];
    if (d.kind === "send" && d.files.length === 0) errors.push({ field: "files", message: t("files.none") });
    if (d.kind === "reply" && d.files.length === 0 && !d.message.trim()) errors.push({ field: "files", message: t("reply.nothing") });
    if (totalBytes(d) > max) errors.push({ field: "files", message: t("files.tooLarge", { max: bytes(max) }) });
    if (d.files.length > flow.data.limits.maxFiles) errors.push({ field: "files", message: t("files.tooMany", { max: flow.data.limits.maxFiles }) });
    if (d.message.length > MAX_MESSAGE_CHARS) errors.push({ field: "message", message: t("message.tooLong", { max: MAX_MESSAGE_CHARS }) });
    if (errors.length) return refresh();
    flow.next("files");
  };
  return () => {
    const picker = filePicker({
      id: "files",
      label: d.kind === "reply" ? t("reply.filesLabel") : t("files.label"),
      hint: d.kind === "reply" ? t("reply.filesHint", { max: bytes(max) }) : t("files.hint", { max: bytes(max) }),
      files: d.files,
      maxBytes: max,
      errors,
      onChange: () => sensitive.update(),
    });
    const subject = textField({ id: "subject", label: `${t("subject.label")} ${t("common.optional")}`, hint: t("subject.hint"), value: d.subject, errors, onInput: (v) => (d.subject = v) }).field;
    const message = textField({
      id: "message",
      label: `${t("message.label")} ${t("common.optional")}`,
      hint: t("message.hint"),
      value: d.message,
      errors,
      multiline: true,
      onInput: (v) => {
        d.message = v;
        sensitive.messageChanged();
      },
    }).field;
    sensitive.update();
    const title = d.kind === "reply" ? t("reply.title") : t("files.title");
    return {
      title: titled(errors, title),
      body: [
        errorSummary(errors),
        h1(title),
        d.kind === "reply" ? p(t("reply.intro", { address: d.recipients[0] ?? "" })) : null,
        form(submit, picker, subject, message, sensitive.note, actions(button(t("common.continue"), () => undefined, { kind: "primary", type: "submit" }))),
      ].filter((n): n is HTMLElement => n !== null),
    };
  };
}
