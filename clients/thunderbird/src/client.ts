/**
 * The Kluis server, through the JavaScript package `kluis`: sender
 * verification, sending a transfer (sealed on this device), and
 * withdrawing one. The package has no call to withdraw a transfer, so
 * {@link KluisClient.withdraw} does the one `DELETE` of the server's API
 * (docs/SERVER.md) itself.
 */

import type * as Kluis from 'kluis';

import type { AccountSettings } from './types.js';

/** What a sent file became: the transfer's id, its link and its expiry. */
export interface Sent {
  id: string;
  link: string;
  expiresAt: Date;
}

/** One file to send, with everything the transfer needs. */
export interface SendRequest {
  settings: AccountSettings & { token: string };
  recipients: string[];
  file: File;
  password: string;
  signal: AbortSignal;
}

/** The server calls the extension makes. */
export interface KluisClient {
  /** Resolves once the package's WebAssembly is loaded (before {@link KluisClient.generatePassword}). */
  ready: Promise<unknown>;
  generatePassword(): string;
  requestCode(server: string, address: string): Promise<{ expiresAt: Date }>;
  confirmCode(server: string, address: string, code: string): Promise<{ token: string; expiresAt: Date }>;
  send(request: SendRequest): Promise<Sent>;
  withdraw(settings: AccountSettings & { token: string }, transferId: string): Promise<void>;
}

/** The `kluis` package's functions this file uses (the real module, or a test's). */
export type KluisModule = Pick<typeof Kluis, 'ready' | 'generatePassword' | 'requestCode' | 'confirmCode' | 'sendTransfer' | 'HttpTransport'>;

/** The transfer id in a link `<server>/t/<id>`: 26 characters of base32. */
const ID = /^[a-z2-7]{26}$/;

/**
 * The client over `kluis` and `fetch`.
 *
 * ```ts
 * import * as kluis from 'kluis';
 * const client = kluisClient(kluis, fetch);
 * ```
 */
export function kluisClient(kluis: KluisModule, fetchFn: typeof fetch = fetch): KluisClient {
  return {
    ready: kluis.ready,
    generatePassword: () => kluis.generatePassword(),
    requestCode: (server, address) => kluis.requestCode(server, address),
    confirmCode: (server, address, code) => kluis.confirmCode(server, address, code),
    async send({ settings, recipients, file, password, signal }) {
      const transport = new kluis.HttpTransport(settings.server, { token: settings.token });
      return kluis.sendTransfer(
        transport,
        {
          from: settings.address,
          to: recipients,
          files: [file],
          password,
          expiresIn: settings.expiryDays * 86400,
          language: settings.language,
        },
        { signal },
      );
    },
    async withdraw(settings, transferId) {
      if (!ID.test(transferId)) throw new Error(`not a transfer id: ${transferId}`);
      const url = `${settings.server}/api/v1/transfers/${transferId}`;
      const response = await fetchFn(url, { method: 'DELETE', headers: { Authorization: `Bearer ${settings.token}` } });
      // 404 and 410: already gone (purged, expired or withdrawn before).
      if (!response.ok && response.status !== 404 && response.status !== 410) {
        let message = `${response.status}`;
        try {
          const body = (await response.json()) as { message?: unknown };
          if (typeof body.message === 'string') message = `${response.status}: ${body.message}`;
        } catch {
          // no JSON body: the status says enough
        }
        throw new Error(`the server refused to withdraw the transfer (${message})`);
      }
    },
  };
}
