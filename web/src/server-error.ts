/** The error of every call in server.ts (and of the test build's stand-in). */
/** A refused or failed request: `code` is the server's error code, or "network". */
export class ServerError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    /** Seconds to wait, from Retry-After (429). */
    readonly retryAfter: number | null,
  ) {
    super(`${status} ${code}`);
    this.name = "ServerError";
  }
}

