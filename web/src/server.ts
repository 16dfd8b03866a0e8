/**
 * The drop server's calls that carry no secret and need no engine
 * (docs/SERVER.md): the sender's code, withdrawing a transfer, and the
 * token for a reply. Each failure is a ServerError with the server's error
 * code, so that a page can say exactly what to do.
 */

import { ServerError } from "./server-error";

export { ServerError } from "./server-error";

async function call(method: string, path: string, body?: unknown, token?: string): Promise<unknown> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "omit", cache: "no-store" });
  } catch {
    throw new ServerError(0, "network", null);
  }
  if (res.status === 204) return null;
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const code = json && typeof json === "object" && typeof (json as { error?: unknown }).error === "string" ? (json as { error: string }).error : `http_${res.status}`;
    const after = Number(res.headers.get("Retry-After"));
    throw new ServerError(res.status, code, Number.isFinite(after) && after > 0 ? after : null);
  }
  return json;
}

function field<T>(json: unknown, name: string, type: "string" | "number"): T {
  const v = json && typeof json === "object" ? (json as Record<string, unknown>)[name] : undefined;
  if (typeof v !== type) throw new ServerError(200, "invalid_answer", null);
  return v as T;
}

/** `POST /api/v1/verify`: mails a code; answers when it expires (Unix seconds). */
export async function requestCode(address: string): Promise<{ expiresAt: number }> {
  const json = await call("POST", "/api/v1/verify", { address });
  return { expiresAt: field<number>(json, "expires_at", "number") };
}

/** `POST /api/v1/verify/confirm`: the code for a bearer token. */
export async function confirmCode(address: string, code: string): Promise<{ token: string; expiresAt: number }> {
  const json = await call("POST", "/api/v1/verify/confirm", { address, code });
  return { token: field<string>(json, "token", "string"), expiresAt: field<number>(json, "expires_at", "number") };
}

/** `DELETE /api/v1/transfers/{id}`: the sender withdraws a transfer. */
export async function withdraw(id: string, token: string): Promise<void> {
  await call("DELETE", `/api/v1/transfers/${encodeURIComponent(id)}`, undefined, token);
}

/** What the server allows a reply: a token to send one transfer from `sender` to `to` only. */
export interface ReplyGrant {
  token: string;
  expiresAt: number;
  /** The address the reply is sent from (the announcement's sender). */
  sender: string;
  /** The original sender: the reply's only recipient. */
  to: string;
}

/** `POST /api/v1/transfers/{id}/reply`: a token for one reply to the transfer's sender. */
export async function requestReply(id: string, address: string): Promise<ReplyGrant> {
  const json = await call("POST", `/api/v1/transfers/${encodeURIComponent(id)}/reply`, { address });
  return {
    token: field<string>(json, "token", "string"),
    expiresAt: field<number>(json, "expires_at", "number"),
    sender: field<string>(json, "sender", "string"),
    to: field<string>(json, "to", "string"),
  };
}
