/**
 * Form parts on the NL Design System's CSS classes, with the GOV.UK error
 * pattern: an error summary at the top that links to each field in error,
 * and the message beside the field, tied to it by aria-describedby.
 */
import { t } from "../i18n";
import { h, hidden, type Child } from "./dom";

/** One field in error: the id of its input (empty: the form as a whole) and what to do. */
export interface FieldError {
  field: string;
  message: string;
}

/** The error summary; focus it after rendering (see `focusSummary`). */
export function errorSummary(errors: FieldError[]): HTMLElement | null {
  if (errors.length === 0) return null;
  return h(
    "div",
    { class: "utrecht-alert utrecht-alert--error kluis-error-summary", tabindex: -1, "aria-labelledby": "error-summary-title", role: "alert" },
    h("h2", { class: "utrecht-heading-2", id: "error-summary-title" }, t("common.errorSummary")),
    h(
      "ul",
      { class: "utrecht-unordered-list" },
      errors.map((e) =>
        h(
          "li",
          { class: "utrecht-unordered-list__item" },
          !e.field ? e.message : h(
            "a",
            {
              class: "utrecht-link",
              href: `#${e.field}`,
              on: {
                click: (ev: Event) => {
                  ev.preventDefault();
                  document.getElementById(e.field)?.focus();
                },
              },
            },
            e.message,
          ),
        ),
      ),
    ),
  );
}

function errorFor(errors: FieldError[], id: string): FieldError | undefined {
  return errors.find((e) => e.field === id);
}

function errorMessage(id: string, error: FieldError | undefined): HTMLElement | null {
  if (!error) return null;
  return h("p", { class: "utrecht-form-field-error-message", id: `${id}-error` }, hidden(`${t("common.errorPrefix")} `), error.message);
}

function describedBy(id: string, hint: string | undefined, error: FieldError | undefined): string | undefined {
  const ids = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

export interface TextFieldOptions {
  id: string;
  label: string;
  hint?: string;
  value: string;
  errors: FieldError[];
  type?: "text" | "email" | "password";
  autocomplete?: string;
  inputmode?: string;
  spellcheck?: boolean;
  multiline?: boolean;
  large?: boolean;
  labelIsHeading?: boolean;
  onInput: (value: string) => void;
  extra?: Child;
}

/** A labelled text box (or text area) with hint and error. */
export function textField(o: TextFieldOptions): { field: HTMLElement; input: HTMLInputElement | HTMLTextAreaElement } {
  const error = errorFor(o.errors, o.id);
  const common = {
    id: o.id,
    name: o.id,
    "aria-describedby": describedBy(o.id, o.hint, error),
    "aria-invalid": error ? "true" : undefined,
    autocomplete: o.autocomplete,
    inputmode: o.inputmode,
    spellcheck: o.spellcheck === false ? "false" : undefined,
    value: o.value,
    on: { input: (e: Event) => o.onInput((e.target as HTMLInputElement).value) },
  };
  const input = o.multiline
    ? h("textarea", { ...common, class: `utrecht-textarea utrecht-textarea--html-textarea${error ? " utrecht-textarea--invalid" : ""}`, rows: 6 })
    : h("input", {
        ...common,
        type: o.type ?? "text",
        class: `utrecht-textbox utrecht-textbox--html-input${error ? " utrecht-textbox--invalid" : ""}${o.large ? " kluis-textbox--large" : ""}`,
      });
  const label = h("label", { class: "utrecht-form-label", for: o.id }, o.label);
  const field = h(
    "div",
    { class: `utrecht-form-field utrecht-form-field--text${error ? " utrecht-form-field--invalid" : ""}` },
    h("div", { class: "utrecht-form-field__label" }, o.labelIsHeading ? h("h1", { class: "utrecht-heading-1 kluis-label-heading" }, label) : label),
    o.hint ? h("div", { class: "utrecht-form-field-description", id: `${o.id}-hint` }, o.hint) : null,
    errorMessage(o.id, error),
    h("div", { class: "utrecht-form-field__input" }, input, o.extra ?? null),
  );
  return { field, input };
}

export interface RadioOption {
  value: string;
  label: string;
  lang?: string;
}

/** A fieldset of radio buttons. */
export function radios(o: { id: string; legend: string; hint?: string; options: RadioOption[]; value: string; errors: FieldError[]; onChange: (v: string) => void }): HTMLElement {
  const error = errorFor(o.errors, o.id);
  return h(
    "fieldset",
    { class: "utrecht-form-fieldset utrecht-form-fieldset--html-fieldset", "aria-describedby": describedBy(o.id, o.hint, error) },
    h("legend", { class: "utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend kluis-legend" }, o.legend),
    o.hint ? h("div", { class: "utrecht-form-field-description", id: `${o.id}-hint` }, o.hint) : null,
    errorMessage(o.id, error),
    o.options.map((opt, i) => {
      const id = i === 0 ? o.id : `${o.id}-${i}`;
      return h(
        "div",
        { class: "utrecht-form-field utrecht-form-field--radio" },
        h(
          "div",
          { class: "utrecht-form-field__input" },
          h("input", {
            type: "radio",
            class: "utrecht-radio-button utrecht-radio-button--html-input",
            id,
            name: o.id,
            value: opt.value,
            checked: opt.value === o.value,
            on: { change: () => o.onChange(opt.value) },
          }),
        ),
        h("div", { class: "utrecht-form-field__label" }, h("label", { class: "utrecht-form-label utrecht-form-label--radio", for: id, lang: opt.lang }, opt.label)),
      );
    }),
  );
}

/** A labelled <select>. */
export function select(o: { id: string; label: string; hint?: string; options: RadioOption[]; value: string; onChange: (v: string) => void }): HTMLElement {
  return h(
    "div",
    { class: "utrecht-form-field" },
    h("div", { class: "utrecht-form-field__label" }, h("label", { class: "utrecht-form-label", for: o.id }, o.label)),
    o.hint ? h("div", { class: "utrecht-form-field-description", id: `${o.id}-hint` }, o.hint) : null,
    h(
      "div",
      { class: "utrecht-form-field__input" },
      h(
        "select",
        {
          id: o.id,
          name: o.id,
          class: "utrecht-select utrecht-select--html-select",
          "aria-describedby": o.hint ? `${o.id}-hint` : undefined,
          on: { change: (e: Event) => o.onChange((e.target as HTMLSelectElement).value) },
        },
        o.options.map((opt) => h("option", { value: opt.value, selected: opt.value === o.value }, opt.label)),
      ),
    ),
  );
}

/** A button; `primary` for the one main action of a page. */
export function button(label: string | Child, onClick: (e: Event) => void, o: { kind?: "primary" | "secondary" | "subtle"; type?: "button" | "submit"; id?: string; ariaLabel?: string; disabled?: boolean } = {}): HTMLButtonElement {
  const kind = o.kind ?? "secondary";
  return h(
    "button",
    {
      type: o.type ?? "button",
      id: o.id,
      class: `utrecht-button utrecht-button--${kind === "primary" ? "primary-action" : kind === "subtle" ? "subtle" : "secondary-action"}`,
      "aria-label": o.ariaLabel,
      disabled: o.disabled,
      on: { click: onClick },
    },
    label,
  );
}

/** A form that calls `onSubmit` (Enter included) and never posts itself. */
export function form(onSubmit: () => void, ...children: Child[]): HTMLFormElement {
  return h(
    "form",
    {
      class: "utrecht-form",
      novalidate: true,
      on: {
        submit: (e: Event) => {
          e.preventDefault();
          onSubmit();
        },
      },
    },
    ...children,
  );
}

/** A summary list of key/value rows, with optional "change" links. */
export function dataList(rows: { key: string; value: Child; change?: () => void; id?: string }[]): HTMLElement {
  return h(
    "dl",
    { class: "utrecht-data-list utrecht-data-list--rows kluis-data-list" },
    rows.map((r) =>
      h(
        "div",
        { class: "utrecht-data-list__item" },
        h("dt", { class: "utrecht-data-list__item-key" }, r.key),
        h("dd", { class: "utrecht-data-list__item-value utrecht-data-list__item-value--html-dd" }, r.value),
        r.change
          ? h(
              "dd",
              { class: "utrecht-data-list__actions utrecht-data-list__actions--html-dd" },
              h("button", { type: "button", id: r.id, class: "utrecht-link-button utrecht-link-button--html-button", on: { click: r.change } }, t("common.change"), hidden(` ${r.key.toLowerCase()}`)),
            )
          : null,
      ),
    ),
  );
}

/** A show/hide toggle for a password input. */
export function revealToggle(input: HTMLInputElement, announce: (msg: string) => void): HTMLButtonElement {
  const b = h("button", { type: "button", class: "utrecht-button utrecht-button--secondary-action kluis-reveal", "aria-pressed": "false", "aria-controls": input.id }, t("common.showPassword"));
  b.addEventListener("click", () => {
    const show = input.type === "password";
    input.type = show ? "text" : "password";
    b.setAttribute("aria-pressed", String(show));
    b.textContent = show ? t("common.hidePassword") : t("common.showPassword");
    announce(show ? t("common.passwordShown") : t("common.passwordHidden"));
  });
  return b;
}

/** Paragraph. */
export function p(...children: Child[]): HTMLParagraphElement {
  return h("p", { class: "utrecht-paragraph" }, ...children);
}

/** The page heading (focused when a step is shown). */
export function h1(text: string): HTMLHeadingElement {
  return h("h1", { class: "utrecht-heading-1", tabindex: -1 }, text);
}

/** A row of buttons. */
export function actions(...children: Child[]): HTMLElement {
  return h("div", { class: "utrecht-button-group kluis-actions" }, ...children);
}
