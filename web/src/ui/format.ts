/** Sizes, speeds, durations and dates in the page's language. */
import { lang, t } from "../i18n";

const UNITS = ["B", "kB", "MB", "GB", "TB"];

/** 1500000 → "1,5 MB" (nl) or "1.5 MB" (en); decimal units, as file managers show. */
export function bytes(n: number): string {
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(lang(), { maximumFractionDigits: digits }).format(value)} ${UNITS[unit]}`;
}

/** Seconds → "nog ongeveer 3 minuten"-ready words ("3 minuten"). */
export function duration(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  if (s < 60) return s === 1 ? t("time.second") : t("time.seconds", { n: s });
  const m = Math.round(s / 60);
  if (m < 60) return m === 1 ? t("time.minute") : t("time.minutes", { n: m });
  const hours = Math.round(m / 60);
  return hours === 1 ? t("time.hour") : t("time.hours", { n: hours });
}

/** A moment as "12 december 2026 om 14:30" / "12 December 2026 at 14:30". */
export function dateTime(date: Date): string {
  return new Intl.DateTimeFormat(lang() === "nl" ? "nl-NL" : "en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(date);
}

/** A day as "12 december 2026". */
export function date(d: Date): string {
  return new Intl.DateTimeFormat(lang() === "nl" ? "nl-NL" : "en-GB", { day: "numeric", month: "long", year: "numeric" }).format(d);
}
