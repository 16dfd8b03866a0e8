/**
 * The page language and `t()`, which looks a word up in the catalog of the
 * current language and fills in its `{name}` values.
 */
import { en } from "./en";
import { nl, type Key } from "./nl";

export type { Key } from "./nl";
export type Lang = "nl" | "en";

const catalogs: Record<Lang, Record<Key, string>> = { nl, en };
let current: Lang = "nl";

/** Whether `value` is a language the pages speak. */
export function isLang(value: unknown): value is Lang {
  return value === "nl" || value === "en";
}

/** The language the pages speak now. */
export function lang(): Lang {
  return current;
}

/** Speaks `next` from now on and sets `<html lang>` (re-rendering is the caller's). */
export function setLang(next: Lang): void {
  current = next;
  document.documentElement.lang = next;
}

/** The word `key` in the current language, `{name}` replaced by `vars.name`. */
export function t(key: Key, vars: Record<string, string | number> = {}): string {
  return catalogs[current][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? String(vars[name]) : whole,
  );
}

/** Both catalogs, for the test that checks they have the same keys. */
export const allCatalogs = catalogs;
