/**
 * Choosing files: a file input inside a drop zone (the input is the
 * keyboard's way in, the zone the mouse's), and the list of chosen files
 * with each size, a remove button and the total against the limit.
 */
import { t } from "../i18n";
import { announce } from "./app";
import { h, hidden } from "./dom";
import type { FieldError } from "./form";
import { bytes } from "./format";

export interface FilePickerOptions {
  id: string;
  label: string;
  hint: string;
  files: File[];
  maxBytes: number;
  errors: FieldError[];
  onChange: () => void;
}

/** The file chooser; `files` is changed in place and `onChange` called. */
export function filePicker(o: FilePickerOptions): HTMLElement {
  const error = o.errors.find((e) => e.field === o.id);
  const list = h("ul", { class: "kluis-file-list", "aria-labelledby": `${o.id}-chosen` });
  const total = h("p", { class: "utrecht-paragraph kluis-file-total", id: `${o.id}-total` });
  const chosenHeading = h("h2", { class: "utrecht-heading-3", id: `${o.id}-chosen` }, t("files.chosen"));

  function draw(): void {
    list.replaceChildren(
      ...o.files.map((f, i) =>
        h(
          "li",
          { class: "kluis-file-list__item" },
          h("span", { class: "kluis-file-list__name" }, f.name),
          h("span", { class: "kluis-file-list__size" }, bytes(f.size)),
          h(
            "button",
            {
              type: "button",
              class: "utrecht-link-button utrecht-link-button--html-button",
              on: {
                click: () => {
                  o.files.splice(i, 1);
                  announce(t("files.removed", { name: f.name }));
                  draw();
                  o.onChange();
                  input.focus();
                },
              },
            },
            t("files.remove"),
            hidden(` ${f.name}`),
          ),
        ),
      ),
    );
    const sum = o.files.reduce((s, f) => s + f.size, 0);
    chosenHeading.hidden = o.files.length === 0;
    list.hidden = o.files.length === 0;
    total.textContent = t("files.total", { size: bytes(sum), max: bytes(o.maxBytes) });
    total.classList.toggle("kluis-file-total--over", sum > o.maxBytes);
  }

  function add(files: FileList | null): void {
    if (!files || files.length === 0) return;
    const added = Array.from(files);
    o.files.push(...added);
    draw();
    o.onChange();
    announce(t("files.added", { count: added.length, size: bytes(o.files.reduce((s, f) => s + f.size, 0)) }));
  }

  const input = h("input", {
    type: "file",
    multiple: true,
    id: o.id,
    name: o.id,
    class: "kluis-file-input",
    "aria-describedby": [`${o.id}-hint`, error ? `${o.id}-error` : "", `${o.id}-total`].filter(Boolean).join(" "),
    "aria-invalid": error ? "true" : undefined,
    on: {
      change: () => {
        add(input.files);
        input.value = "";
      },
    },
  });

  const zone = h(
    "div",
    { class: `kluis-drop${error ? " kluis-drop--invalid" : ""}` },
    h("label", { class: "utrecht-form-label kluis-drop__label", for: o.id }, o.label),
    h("div", { class: "utrecht-form-field-description", id: `${o.id}-hint` }, o.hint),
    error ? h("p", { class: "utrecht-form-field-error-message", id: `${o.id}-error` }, hidden(`${t("common.errorPrefix")} `), error.message) : null,
    input,
  );
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.classList.add("kluis-drop--over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("kluis-drop--over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("kluis-drop--over");
    add(e.dataTransfer?.files ?? null);
  });

  draw();
  return h("div", { class: `utrecht-form-field${error ? " utrecht-form-field--invalid" : ""} kluis-files` }, zone, chosenHeading, list, total);
}
