/** Checks of what users type, before anything is sent. */

/** A plausible e-mail address (the server checks it properly). */
export function isEmail(value: string): boolean {
  const v = value.trim();
  return v.length <= 254 && /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:".]{2,}$/.test(v);
}

/** The 8 digits of a verification code from what was typed or pasted (spaces and dashes ignored); null if not 8 digits. */
export function normaliseCode(value: string): string | null {
  const digits = value.replace(/[\s-]/g, "");
  return /^[0-9]{8}$/.test(digits) ? digits : null;
}
