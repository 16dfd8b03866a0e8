/** The settings step (expiry, download limit, mail language) and "check your answers". */
import { t, type Lang } from "../i18n";
import { go } from "../ui/app";
import { h } from "../ui/dom";
import { actions, button, dataList, form, h1, p, radios, select } from "../ui/form";
import { bytes, date } from "../ui/format";
import type { Flow, StepName } from "./flow";
import { totalBytes, type Draft } from "./model";
import { sendingStep } from "./transmit";

const DAY = 86_400_000;

/** The expiry choices: 1, 3, 7, 14 and 30 days, the default and the maximum, none above the maximum. */
export function expiryChoices(max: number, def: number): number[] {
  return [...new Set([1, 3, 7, 14, 30, def, max])].filter((n) => n >= 1 && n <= max).sort((a, b) => a - b);
}

function expiryLabel(days: number): string {
  const until = date(new Date(Date.now() + days * DAY));
  return days === 1 ? t("options.expiryDay", { date: until }) : t("options.expiryDays", { days, date: until });
}

function limitLabel(n: number | null): string {
  if (n === null) return t("options.limitNone");
  return n === 1 ? t("options.limitOnce") : t("options.limitTimes", { n });
}

export function optionsStep(flow: Flow): () => { title: string; body: Node[] } {
  const d = flow.draft;
  const submit = (): void => flow.next("options");
  return () => ({
    title: t("options.title"),
    body: [
      h1(t("options.title")),
      form(
        submit,
        select({
          id: "expiry",
          label: t("options.expiry"),
          hint: t("options.expiryHint"),
          options: expiryChoices(flow.data.limits.maxExpiryDays, flow.data.limits.defaultExpiryDays).map((n) => ({ value: String(n), label: expiryLabel(n) })),
          value: String(d.expiryDays),
          onChange: (v) => (d.expiryDays = Number(v)),
        }),
        select({
          id: "limit",
          label: t("options.limit"),
          hint: t("options.limitHint"),
          options: [null, 1, 3, 5, 10].map((n) => ({ value: n === null ? "" : String(n), label: limitLabel(n) })),
          value: d.downloadLimit === null ? "" : String(d.downloadLimit),
          onChange: (v) => (d.downloadLimit = v ? Number(v) : null),
        }),
        radios({
          id: "mail-language",
          legend: t("options.mailLanguage"),
          options: [
            { value: "nl", label: t("lang.nl"), lang: "nl" },
            { value: "en", label: t("lang.en"), lang: "en" },
          ],
          value: d.mailLanguage,
          errors: [],
          onChange: (v) => (d.mailLanguage = v as Lang),
        }),
        actions(button(t("common.continue"), () => undefined, { kind: "primary", type: "submit" })),
      ),
    ],
  });
}

function change(flow: Flow, name: StepName): () => void {
  return () => {
    flow.draft.fromCheck = true;
    go(flow.step(name));
  };
}

/** The files with their sizes, and the total when there are several. */
function fileList(d: Draft): Node[] {
  const list = h("ul", { class: "kluis-plain-list" }, d.files.map((f) => h("li", {}, `${f.name} (${bytes(f.size)})`)));
  return d.files.length > 1 ? [list, h("span", {}, t("check.total", { size: bytes(totalBytes(d)) }))] : [list];
}

/** The rows of "check your answers". */
function rows(flow: Flow, d: Draft): Parameters<typeof dataList>[0] {
  const send = d.kind === "send";
  const list: Parameters<typeof dataList>[0] = [
    { key: t("check.from"), value: d.from },
    { key: t("check.to"), value: d.recipients.join(", "), change: send ? change(flow, "recipients") : undefined, id: "change-recipients" },
    {
      key: t("check.files"),
      value: d.files.length ? fileList(d) : t("common.none"),
      change: change(flow, "files"),
      id: "change-files",
    },
    { key: t("check.subject"), value: d.subject || t("common.none"), change: change(flow, "files"), id: "change-subject" },
    { key: t("check.message"), value: d.message ? h("span", { class: "kluis-message" }, d.message) : t("common.none"), change: change(flow, "files"), id: "change-message" },
    {
      key: t("check.password"),
      value: d.passwordMode === "generated" ? `${t("check.passwordGenerated")}: ${d.generated}` : t("check.passwordOwn"),
      change: change(flow, "password"),
      id: "change-password",
    },
  ];
  if (send) {
    list.push(
      { key: t("check.expiry"), value: date(new Date(Date.now() + d.expiryDays * DAY)), change: change(flow, "options"), id: "change-expiry" },
      { key: t("check.limit"), value: limitLabel(d.downloadLimit), change: change(flow, "options"), id: "change-limit" },
      { key: t("check.mailLanguage"), value: h("span", { lang: d.mailLanguage }, t(d.mailLanguage === "nl" ? "lang.nl" : "lang.en")), change: change(flow, "options"), id: "change-language" },
    );
  }
  return list;
}

export function checkStep(flow: Flow): () => { title: string; body: Node[] } {
  const d = flow.draft;
  return () => ({
    title: t("check.title"),
    body: [
      h1(t("check.title")),
      dataList(rows(flow, d)),
      p(t("check.notice")),
      form(() => go(sendingStep(flow)), actions(button(t("check.submit"), () => undefined, { kind: "primary", type: "submit", id: "send" }))),
    ],
  });
}
