/**
 * The compose task pane "Send securely" (taskpane.html, served by
 * kluis-server at /outlook/taskpane.html): the sender's verification,
 * the files, the recipients from To and Cc, expiry and download limit,
 * the password to tell by phone, and the button that runs compose.ts.
 * Built with DOM nodes only (no innerHTML); every field has a label, every
 * message a live region, the error summary takes the focus.
 */
import * as kluis from "kluis";
import { type SendChoices, SendFailure, type Step, sendSecurely } from "./compose";
import { type Key, type Lang, langOf, translator } from "./i18n";
import * as mail from "./item";
import type { ComposeItem } from "./item";
import { forgetSender, savedSender, saveSender } from "./storage";

type Child = Node | string | null | undefined | false | Child[];

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | boolean | number | ((e: Event) => void) | null | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(name.replace(/^on/, ""), value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  const add = (c: Child): void => {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) c.forEach(add);
    else el.append(c);
  };
  children.forEach(add);
  return el;
}

interface PageData {
  site: { name: string };
  limits: { maxExpiryDays: number; defaultExpiryDays: number; maxTransferBytes: number };
}

function pageData(): PageData {
  try {
    const data = JSON.parse(document.body.dataset.kluis ?? "") as PageData;
    if (data?.site?.name && data?.limits?.maxExpiryDays) return data;
  } catch {
    /* the stub page of the tests, or a template not filled: defaults below */
  }
  return { site: { name: "Kluis" }, limits: { maxExpiryDays: 30, defaultExpiryDays: 7, maxTransferBytes: 0 } };
}

/** The expiry choices of the send page: 1, 3, 7, 14, 30 days, the default and the maximum, none above it. */
export function expiryChoices(max: number, def: number): number[] {
  return [...new Set([1, 3, 7, 14, 30, def, max])].filter((n) => n >= 1 && n <= max).sort((a, b) => a - b);
}

function size(bytes: number, lang: Lang): string {
  const units = ["B", "KB", "MB", "GB"];
  let n = bytes;
  let u = 0;
  while (n >= 1000 && u < units.length - 1) {
    n /= 1000;
    u += 1;
  }
  return `${new Intl.NumberFormat(lang === "nl" ? "nl-NL" : "en-GB", { maximumFractionDigits: u === 0 ? 0 : 1 }).format(n)} ${units[u]}`;
}

class Pane {
  readonly t: (key: Key, values?: Record<string, string | number>) => string;
  readonly data = pageData();
  readonly server = window.location.origin;
  password = "";
  expiryDays: number;
  downloadLimit: number | null = null;
  extraFiles: File[] = [];
  codeRequested = false;
  busy = false;
  /** Whether this send's upload has begun: its figure is shown from then on. */
  private uploadBegun = false;

  readonly errors = h("div", { id: "errors", class: "kluis-error-summary", role: "alert", tabindex: "-1", hidden: true });
  readonly status = h("p", { id: "status", class: "utrecht-paragraph", "aria-live": "polite" });
  readonly bar = h("progress", { id: "progress", max: "100", value: "0", "aria-labelledby": "status", hidden: true });
  readonly verifyBox = h("section", { id: "verify", "aria-labelledby": "verify-heading" });
  readonly filesBox = h("ul", { id: "files", class: "utrecht-unordered-list" });
  readonly extraBox = h("ul", { id: "extra-files", class: "utrecht-unordered-list" });
  readonly recipientsBox = h("ul", { id: "recipients", class: "utrecht-unordered-list" });
  readonly passwordOut = h("output", { id: "password", class: "kluis-password", for: "new-password" });
  readonly result = h("section", { id: "result", "aria-labelledby": "result-heading", hidden: true });

  constructor(
    readonly item: ComposeItem,
    readonly address: string,
    readonly lang: Lang,
  ) {
    this.t = translator(lang);
    this.expiryDays = Math.min(this.data.limits.defaultExpiryDays, this.data.limits.maxExpiryDays);
  }

  showErrors(messages: string[]): void {
    this.errors.replaceChildren();
    if (messages.length === 0) {
      this.errors.hidden = true;
      return;
    }
    this.errors.append(
      h("h2", { class: "utrecht-heading-2" }, this.t("error.title")),
      h("ul", { class: "utrecht-unordered-list" }, messages.map((m) => h("li", {}, m))),
    );
    this.errors.hidden = false;
    this.errors.focus();
  }

  drawVerify(): void {
    const box = this.verifyBox;
    const saved = savedSender();
    box.replaceChildren(h("h2", { id: "verify-heading", class: "utrecht-heading-2" }, this.t("verify.heading")));
    if (saved && saved.address === this.address) {
      box.append(
        h("p", { class: "utrecht-paragraph", id: "verified", tabindex: "-1" }, this.t("verify.done", { address: this.address })),
        h("button", { type: "button", class: "utrecht-button utrecht-button--subtle", id: "forget", onclick: () => this.forget() }, this.t("verify.forget")),
      );
      return;
    }
    box.append(
      h("p", { class: "utrecht-paragraph" }, this.t("verify.explain", { site: this.data.site.name, address: this.address })),
      h("button", { type: "button", class: "utrecht-button utrecht-button--secondary-action", id: "request-code", onclick: () => void this.requestCode() }, this.t("verify.send")),
    );
    if (this.codeRequested) {
      box.append(
        h(
          "div",
          { class: "utrecht-form-field" },
          h("label", { class: "utrecht-form-label", for: "code" }, this.t("verify.code")),
          h("input", { id: "code", class: "utrecht-textbox", inputmode: "numeric", autocomplete: "one-time-code", type: "text" }),
        ),
        h("button", { type: "button", class: "utrecht-button utrecht-button--primary-action", id: "confirm-code", onclick: () => void this.confirmCode() }, this.t("verify.confirm")),
      );
    }
  }

  forget(): void {
    forgetSender();
    this.codeRequested = false;
    this.drawVerify();
    (document.getElementById("request-code") as HTMLButtonElement | null)?.focus();
  }

  async requestCode(): Promise<void> {
    try {
      const { expiresAt } = await kluis.requestCode(this.server, this.address);
      this.codeRequested = true;
      this.drawVerify();
      this.status.textContent = this.t("verify.sent", { address: this.address, time: expiresAt.toLocaleTimeString(this.lang === "nl" ? "nl-NL" : "en-GB", { hour: "2-digit", minute: "2-digit" }) });
      (document.getElementById("code") as HTMLInputElement | null)?.focus();
    } catch (e) {
      this.showErrors([this.t("error.server", { message: (e as Error).message })]);
    }
  }

  async confirmCode(): Promise<void> {
    const code = (document.getElementById("code") as HTMLInputElement | null)?.value.trim() ?? "";
    if (!code) {
      this.showErrors([this.t("verify.codeMissing")]);
      return;
    }
    try {
      const { token, expiresAt } = await kluis.confirmCode(this.server, this.address, code);
      saveSender({ address: this.address, token, expiresAt: Math.floor(expiresAt.getTime() / 1000) });
      this.showErrors([]);
      this.drawVerify();
      this.status.textContent = "";
      (document.getElementById("verified") as HTMLElement | null)?.focus();
    } catch (e) {
      this.showErrors([this.t("error.server", { message: (e as Error).message })]);
    }
  }

  async drawFiles(): Promise<void> {
    const list = await mail.attachments(this.item);
    this.filesBox.replaceChildren(
      ...(list.length === 0 ? [h("li", {}, this.t("files.none"))] : list.map((a) => h("li", {}, `${a.name} (${size(a.size, this.lang)})`))),
    );
    this.extraBox.replaceChildren(...this.extraFiles.map((f) => h("li", {}, `${f.name} (${size(f.size, this.lang)})`)));
  }

  async drawRecipients(): Promise<void> {
    const to = await mail.recipients(this.item);
    this.recipientsBox.replaceChildren(...(to.length === 0 ? [h("li", {}, this.t("recipients.none"))] : to.map((r) => h("li", {}, r))));
  }

  newPassword(): void {
    this.password = kluis.generatePassword();
    this.passwordOut.textContent = this.password;
  }

  select(id: string, label: string, hint: string | null, options: [string, string][], value: string, onChange: (v: string) => void): HTMLElement {
    const field = h("select", { id, class: "utrecht-select", "aria-describedby": hint ? `${id}-hint` : null, onchange: (e) => onChange((e.target as HTMLSelectElement).value) });
    for (const [v, text] of options) {
      const option = h("option", { value: v }, text);
      option.selected = v === value;
      field.append(option);
    }
    return h(
      "div",
      { class: "utrecht-form-field" },
      h("label", { class: "utrecht-form-label", for: id }, label),
      hint ? h("p", { class: "utrecht-form-field-description", id: `${id}-hint` }, hint) : null,
      field,
    );
  }

  draw(root: HTMLElement): void {
    const t = this.t;
    const day = 86_400_000;
    const dateText = (days: number): string => new Date(Date.now() + days * day).toLocaleDateString(this.lang === "nl" ? "nl-NL" : "en-GB", { day: "numeric", month: "long" });
    const limitText = (n: number | null): string => (n === null ? t("options.limitNone") : n === 1 ? t("options.limitOnce") : t("options.limitTimes", { n }));
    const fileInput = h("input", {
      id: "add-files",
      type: "file",
      multiple: true,
      class: "utrecht-textbox",
      "aria-describedby": "add-files-hint",
      onchange: (e) => {
        const input = e.target as HTMLInputElement;
        this.extraFiles.push(...Array.from(input.files ?? []));
        input.value = "";
        void this.drawFiles();
      },
    });
    root.replaceChildren(
      h("h1", { class: "utrecht-heading-1" }, t("title")),
      h("p", { class: "utrecht-paragraph" }, t("intro", { site: this.data.site.name })),
      this.errors,
      this.verifyBox,
      h(
        "section",
        { "aria-labelledby": "files-heading" },
        h("h2", { id: "files-heading", class: "utrecht-heading-2" }, t("files.heading")),
        this.filesBox,
        this.extraBox,
        h(
          "div",
          { class: "utrecht-form-field" },
          h("label", { class: "utrecht-form-label", for: "add-files" }, t("files.add")),
          h("p", { class: "utrecht-form-field-description", id: "add-files-hint" }, t("files.addHint")),
          fileInput,
        ),
      ),
      h(
        "section",
        { "aria-labelledby": "recipients-heading" },
        h("h2", { id: "recipients-heading", class: "utrecht-heading-2" }, t("recipients.heading")),
        this.recipientsBox,
        h("button", { type: "button", class: "utrecht-button utrecht-button--subtle", id: "refresh", onclick: () => void this.refresh() }, t("recipients.refresh")),
      ),
      this.select(
        "expiry",
        t("options.expiry"),
        null,
        expiryChoices(this.data.limits.maxExpiryDays, this.expiryDays).map((n) => [String(n), n === 1 ? t("options.expiryDay", { date: dateText(1) }) : t("options.expiryDays", { days: n, date: dateText(n) })]),
        String(this.expiryDays),
        (v) => (this.expiryDays = Number(v)),
      ),
      this.select(
        "limit",
        t("options.limit"),
        t("options.limitHint"),
        [null, 1, 3, 5, 10].map((n) => [n === null ? "" : String(n), limitText(n)]),
        "",
        (v) => (this.downloadLimit = v ? Number(v) : null),
      ),
      h(
        "section",
        { "aria-labelledby": "password-heading" },
        h("h2", { id: "password-heading", class: "utrecht-heading-2" }, t("password.heading")),
        h("p", { class: "utrecht-paragraph", id: "password-explain" }, t("password.explain")),
        h("p", { class: "utrecht-paragraph" }, this.passwordOut),
        h("button", { type: "button", class: "utrecht-button utrecht-button--subtle", id: "new-password", onclick: () => this.newPassword() }, t("password.new")),
      ),
      h("button", { type: "button", class: "utrecht-button utrecht-button--primary-action", id: "send", onclick: () => void this.send() }, t("send.button")),
      this.bar,
      this.status,
      this.result,
    );
  }

  async refresh(): Promise<void> {
    await Promise.all([this.drawFiles(), this.drawRecipients()]);
  }

  progress(step: Step): void {
    if (step.step === "sending") {
      // The package seals and uploads at once and their reports interleave;
      // once the upload has begun only its figure moves the bar, which
      // would otherwise jump between the two.
      if (step.phase === "uploading") this.uploadBegun = true;
      else if (this.uploadBegun) return;
      const percent = step.total > 0 ? Math.floor((step.done * 100) / step.total) : 0;
      this.bar.hidden = false;
      this.bar.value = percent;
      this.status.textContent = this.t("send.sealing", { percent });
    } else if (step.step === "reading") {
      this.status.textContent = this.t("send.reading");
    }
  }

  async send(): Promise<void> {
    if (this.busy) return;
    const sender = savedSender();
    if (!sender || sender.address !== this.address) {
      this.showErrors([this.t("verify.explain", { site: this.data.site.name, address: this.address })]);
      return;
    }
    this.busy = true;
    this.uploadBegun = false;
    this.showErrors([]);
    const choices: SendChoices = {
      server: this.server,
      token: sender.token,
      sender: this.address,
      language: this.lang,
      password: this.password,
      expiryDays: this.expiryDays,
      downloadLimit: this.downloadLimit,
      extraFiles: this.extraFiles,
    };
    try {
      const done = await sendSecurely(this.item, kluis, choices, (s) => this.progress(s));
      this.bar.hidden = true;
      this.extraFiles = [];
      this.status.textContent = "";
      this.result.replaceChildren(
        h("h2", { id: "result-heading", class: "utrecht-heading-2", tabindex: "-1" }, this.t("send.done")),
        h("p", { class: "utrecht-paragraph" }, h("output", { id: "result-password", class: "kluis-password" }, this.password)),
        h("p", { class: "utrecht-paragraph" }, this.t("send.next")),
      );
      if (done.kept.length > 0) this.result.append(h("p", { class: "utrecht-paragraph", id: "kept" }, this.t("send.doneKept", { count: done.kept.length })));
      this.result.hidden = false;
      (document.getElementById("result-heading") as HTMLElement | null)?.focus();
      await this.refresh();
    } catch (e) {
      this.bar.hidden = true;
      this.status.textContent = "";
      const f = e instanceof SendFailure ? e : new SendFailure("server", String(e));
      const message =
        f.reason === "noFiles"
          ? this.t("error.noFiles")
          : f.reason === "noRecipients"
            ? this.t("error.noRecipients")
            : f.reason === "network"
              ? this.t("error.network")
              : f.reason === "office"
                ? this.t("error.office", { message: f.message })
                : f.reason === "notice"
                  ? this.t("error.notice", { message: f.message, link: f.link ?? "" })
                  : this.t("error.server", { message: f.message });
      this.showErrors([message]);
    } finally {
      this.busy = false;
    }
  }
}

/** Starts the pane once Office and the package are ready. */
export async function start(): Promise<void> {
  const info = await Office.onReady();
  void info;
  const lang = langOf(Office.context.displayLanguage);
  document.documentElement.lang = lang;
  const item = Office.context.mailbox.item as unknown as ComposeItem;
  const address = (Office.context.mailbox.userProfile.emailAddress ?? "").trim().toLowerCase();
  await kluis.ready;
  const pane = new Pane(item, address, lang);
  const root = document.getElementById("main");
  if (!root) return;
  document.title = `${pane.t("title")} – ${pane.data.site.name}`;
  pane.draw(root);
  pane.drawVerify();
  pane.newPassword();
  await pane.refresh();
  document.body.dataset.ready = "true";
}

void start();
