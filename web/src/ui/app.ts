/**
 * The page shell: header with the site's name and the language switch,
 * the main area where one step at a time is shown, the footer, a polite
 * live region for announcements, and browser history per step (Back works).
 */
import type { PageData } from "../config";
import { lang, setLang, t, type Lang } from "../i18n";
import { saveLang, savedLang } from "../storage";
import { h } from "./dom";

/** A step renders its title and content; called again on a language switch. */
export type Step = () => { title: string; body: Node[]; focus?: string };

interface Shell {
  data: PageData;
  titleKey: "site.title" | "site.receiveTitle";
  history: Step[];
  index: number;
}

let shell: Shell | null = null;
let live: HTMLElement | null = null;
let listening = false;

/** Says `message` to screen readers (and shows nothing). */
export function announce(message: string): void {
  if (!live) return;
  live.textContent = "";
  // A new text node after a tick makes screen readers read a repeat too.
  window.setTimeout(() => {
    if (live) live.textContent = message;
  }, 50);
}

function renderChrome(): void {
  if (!shell) return;
  const { data } = shell;
  const header = document.getElementById("header");
  const footer = document.getElementById("footer");
  const skip = document.getElementById("skip");
  if (skip) skip.textContent = t("site.skip");
  if (header) {
    const other: Lang = lang() === "nl" ? "en" : "nl";
    header.replaceChildren(
      h(
        "div",
        { class: "kluis-header" },
        h(
          "div",
          { class: "kluis-header__brand" },
          data.site.logo ? h("img", { class: "kluis-header__logo", src: data.site.logo, alt: data.site.name || "" }) : null,
          h("span", { class: "kluis-header__name" }, data.site.logo ? "" : data.site.name, h("span", { class: "kluis-header__service" }, t(shell.titleKey))),
        ),
        h(
          "button",
          {
            type: "button",
            class: "utrecht-link-button utrecht-link-button--html-button kluis-lang",
            lang: other,
            id: "lang-switch",
            on: { click: () => switchLang(other) },
          },
          t("lang.other"),
        ),
      ),
    );
  }
  if (footer) footer.replaceChildren(h("div", { class: "kluis-footer" }, h("p", { class: "utrecht-paragraph" }, t("site.footer"))));
}

function render(focus: boolean): void {
  if (!shell) return;
  const main = document.getElementById("main");
  const step = shell.history[shell.index];
  if (!main || !step) return;
  const view = step();
  document.title = `${view.title} – ${shell.data.site.name ? `${shell.data.site.name}: ` : ""}${t(shell.titleKey)}`;
  main.replaceChildren(...view.body);
  if (!focus) return;
  const target = (view.focus && document.getElementById(view.focus)) || main.querySelector<HTMLElement>(".kluis-error-summary") || main.querySelector<HTMLElement>("h1");
  target?.focus();
}

/** Switches the language, remembers it, and shows the same step in it. */
export function switchLang(next: Lang): void {
  setLang(next);
  saveLang(next);
  renderChrome();
  render(false);
  document.getElementById("lang-switch")?.focus();
}

/** Shows `step` as a new page (Back returns to the one before). */
export function go(step: Step): void {
  if (!shell) return;
  shell.history = shell.history.slice(0, shell.index + 1);
  shell.history.push(step);
  shell.index = shell.history.length - 1;
  history.pushState({ kluisStep: shell.index }, "");
  render(true);
}

/** Shows `step` in place of the current one (no new history entry). */
export function replace(step: Step): void {
  if (!shell) return;
  shell.history[shell.index] = step;
  render(true);
}

/** Shows `step` as the only page: earlier steps can no longer be gone back to. */
export function reset(step: Step): void {
  if (!shell) return;
  shell.history = [step];
  shell.index = 0;
  history.replaceState({ kluisStep: 0 }, "");
  render(true);
}

/** Shows the current step again (after its model changed), focus as `focus` says. */
export function refresh(focus = true): void {
  render(focus);
}

/** Speaks the language the user chose earlier, else the one the server served. */
export function initLang(): void {
  const served = document.documentElement.lang === "en" ? "en" : "nl";
  setLang(savedLang() ?? served);
}

/** Starts the shell with its first step (the language as `initLang` found it). */
export function start(data: PageData, titleKey: Shell["titleKey"], first: Step): void {
  shell = { data, titleKey, history: [first], index: 0 };
  live = document.getElementById("live");
  history.replaceState({ kluisStep: 0 }, "");
  if (listening) {
    renderChrome();
    render(false);
    return;
  }
  listening = true;
  window.addEventListener("popstate", (e) => {
    const i = (e.state as { kluisStep?: number } | null)?.kluisStep;
    if (!shell || typeof i !== "number" || !shell.history[i]) return;
    shell.index = i;
    render(true);
  });
  renderChrome();
  render(false);
}
