// A real kluis-server on loopback for the transfer tests, configured as
// crates/kluis-server/e2e does it (port 0, SQLite and a blob folder in a
// temporary folder) but with its mail written as .eml files into a folder
// (`[maildir]`) instead of an SMTP catcher, so that the one-time codes can be
// read without Python. The binary: $KLUIS_SERVER_BIN, else
// target/fast/kluis-server or target/release/kluis-server.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { repo } from './cli.js';

/** The server binary, or null. */
export function serverBin() {
  const candidates = [process.env.KLUIS_SERVER_BIN, join(repo, 'target/fast/kluis-server'), join(repo, 'target/release/kluis-server')];
  return candidates.find((c) => c && existsSync(c)) ?? null;
}

const LISTENING = /listening on (https?:\/\/127\.0\.0\.1:\d+)/;

/**
 * Starts the server: `{ url, dir, code(address), stop() }`. `code(address)`
 * waits for the newest verification mail to `address` and returns its
 * 8-digit code.
 */
export async function startServer() {
  const bin = serverBin();
  if (!bin) throw new Error('no kluis-server binary: set KLUIS_SERVER_BIN or cargo build -p kluis-server --profile fast');
  const dir = await mkdtemp(join(tmpdir(), 'kluis-js-server-'));
  const mails = join(dir, 'mails');
  const config = [
    'listen = "127.0.0.1:0"',
    '[database]',
    `url = "sqlite://${join(dir, 'kluis.db')}"`,
    '[storage]',
    'kind = "fs"',
    `path = "${join(dir, 'blobs')}"`,
    '[maildir]',
    `path = "${mails}"`,
    'from = "kluis@example.org"',
    '',
  ].join('\n');
  await writeFile(join(dir, 'server.toml'), config);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KLUIS_SERVER_')));
  const child = spawn(bin, ['--config', join(dir, 'server.toml')], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kluis-server did not start:\n${output}`)), 30_000);
    const seen = (chunk) => {
      output += chunk;
      const m = LISTENING.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.setEncoding('utf8').on('data', seen);
    child.stderr.setEncoding('utf8').on('data', seen);
    child.on('exit', (status) => {
      clearTimeout(timer);
      reject(new Error(`kluis-server exited with ${status}:\n${output}`));
    });
  });
  child.removeAllListeners('exit');

  /** The mails to `address`, oldest first. */
  async function mailsTo(address) {
    const names = existsSync(mails) ? await readdir(mails) : [];
    const found = [];
    for (const name of names.filter((n) => n.endsWith('.eml'))) {
      const text = await readFile(join(mails, name), 'utf8');
      const to = /^To: (.*)$/im.exec(text)?.[1] ?? '';
      const date = Date.parse(/^Date: (.*)$/im.exec(text)?.[1] ?? '');
      if (to.toLowerCase().includes(address.toLowerCase())) found.push({ text, date, name });
    }
    return found.sort((a, b) => a.date - b.date);
  }

  return {
    url,
    dir,
    mailsTo,
    async code(address, count = 1) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const all = await mailsTo(address);
        if (all.length >= count) {
          const body = all[count - 1].text.split(/\r?\n\r?\n/).slice(1).join('\n\n');
          const codes = [...new Set(body.match(/(?<!\d)\d{8}(?!\d)/g) ?? [])];
          if (codes.length !== 1) throw new Error(`expected one code in the mail to ${address}, found ${codes}`);
          return codes[0];
        }
        if (Date.now() > deadline) throw new Error(`no verification mail to ${address}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
