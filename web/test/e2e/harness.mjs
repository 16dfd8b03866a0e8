// The real parts of the end-to-end suite: kluis-server on loopback with
// SQLite, a folder store and its mail written as .eml files into a maildir
// (as bindings/js/test/server.js does), the `kluis` command with a home of
// its own, large files generated on disk, and SHA-256 of files by streaming.
// The binaries: $KLUIS_SERVER_BIN and $KLUIS_BIN, else target/fast/.
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const repo = join(here, "..", "..", "..");

function binary(env, name) {
  const found = [process.env[env], join(repo, "target/fast", name), join(repo, "target/release", name)].find((c) => c && existsSync(c));
  if (!found) throw new Error(`no ${name} binary: set ${env} or run cargo build -p ${name === "kluis" ? "kluis-cli" : name} --profile fast`);
  return found;
}

/** A fresh temporary folder for one test file. */
export function workDir(prefix) {
  return mkdtemp(join(tmpdir(), `kluis-e2e-${prefix}-`));
}

const LISTENING = /listening on (https?:\/\/127\.0\.0\.1:(\d+))/;

/**
 * kluis-server in `dir` (its database, blob folder and maildir stay there,
 * so `restart()` continues on the same state). `extra` is TOML appended to
 * the configuration (e.g. a `[replies]` section). The rate limits are wide:
 * every request of the suite comes from 127.0.0.1.
 */
export async function startServer(dir, extra = "") {
  const bin = binary("KLUIS_SERVER_BIN", "kluis-server");
  const mails = join(dir, "mails");
  let port = 0;
  let child = null;
  const config = () =>
    [
      `listen = "127.0.0.1:${port}"`,
      "shutdown_grace_secs = 1",
      "[database]",
      `url = "sqlite://${join(dir, "kluis.db")}"`,
      "[storage]",
      'kind = "fs"',
      `path = "${join(dir, "blobs")}"`,
      "[maildir]",
      `path = "${mails}"`,
      'from = "kluis@gemeente.example"',
      "[limits]",
      "verify_per_address = 50",
      "verify_per_ip = 1000",
      "confirm_per_ip = 1000",
      "transfers_per_ip = 1000",
      "transfers_per_sender = 1000",
      "manifest_reads_per_ip = 10000",
      extra,
      "",
    ].join("\n");

  async function start() {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "server.toml"), config());
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("KLUIS_SERVER_")));
    child = spawn(bin, ["--config", join(dir, "server.toml")], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`kluis-server did not start:\n${output}`)), 30_000);
      const seen = (chunk) => {
        output += chunk;
        const m = LISTENING.exec(output);
        if (m) {
          clearTimeout(timer);
          port = Number(m[2]);
          resolve(m[1]);
        }
      };
      child.stdout.setEncoding("utf8").on("data", seen);
      child.stderr.setEncoding("utf8").on("data", seen);
      child.once("exit", (status) => {
        clearTimeout(timer);
        reject(new Error(`kluis-server exited with ${status}:\n${output}`));
      });
    });
    child.removeAllListeners("exit");
    return url;
  }

  async function stop(signal = "SIGTERM") {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill(signal);
    await exited;
  }

  const url = await start();
  await servesThisBuild(url);

  /** The mails to `address` (decoded enough to read: quoted-printable joined), oldest first. */
  async function mailsTo(address) {
    const names = existsSync(mails) ? await readdir(mails) : [];
    const found = [];
    for (const name of names.filter((n) => n.endsWith(".eml"))) {
      const raw = await readFile(join(mails, name), "utf8");
      const to = /^To: (.*)$/im.exec(raw)?.[1] ?? "";
      if (!to.toLowerCase().includes(address.toLowerCase())) continue;
      const text = raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
      found.push({ raw, text, name, date: Date.parse(/^Date: (.*)$/im.exec(raw)?.[1] ?? "") });
    }
    return found.sort((a, b) => a.date - b.date || a.name.localeCompare(b.name));
  }

  /** Waits until `address` has at least `count` mails and returns the last of them. */
  async function mail(address, count = 1) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const all = await mailsTo(address);
      if (all.length >= count) return all[count - 1];
      if (Date.now() > deadline) throw new Error(`no mail number ${count} to ${address} (${all.length} so far)`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    dir,
    firstUrl: url,
    mailsTo,
    mail,
    /** The 8-digit code of verification mail number `count` to `address`. */
    async code(address, count = 1) {
      const { raw } = await mail(address, count);
      const body = raw.split(/\r?\n\r?\n/).slice(1).join("\n\n");
      const codes = [...new Set(body.match(/(?<!\d)\d{8}(?!\d)/g) ?? [])];
      if (codes.length !== 1) throw new Error(`expected one code in the mail to ${address}, found ${codes}`);
      return codes[0];
    },
    /** The transfer link of mail number `count` to `address`. */
    async link(address, count = 1) {
      const { text } = await mail(address, count);
      const links = [...new Set(text.match(/https?:\/\/127\.0\.0\.1:\d+\/t\/[a-z2-7]{26}/g) ?? [])];
      if (links.length !== 1) throw new Error(`expected one link in the mail to ${address}, found ${links}`);
      return links[0];
    },
    /** Stops the server (SIGKILL: as if the machine died) and starts it again on the same port, database and folder. */
    async kill() {
      await stop("SIGKILL");
    },
    async restart() {
      await stop("SIGTERM");
      return start();
    },
    async stop() {
      await stop("SIGTERM");
    },
  };
}

/**
 * Fails unless the server embeds this checkout's web/dist (the hashed
 * names its send page loads are the manifest's), so a stale binary is not
 * tested by mistake.
 */
async function servesThisBuild(url) {
  const manifest = JSON.parse(await readFile(join(repo, "web", "dist", "manifest.json"), "utf8"));
  const page = await (await fetch(`${url}/`)).text();
  for (const entry of ["send.js", "app.css"]) {
    if (!page.includes(`/${manifest[entry]}`)) {
      throw new Error(`the kluis-server binary does not embed this web/dist (its send page lacks ${manifest[entry]}): rebuild it after npm --prefix web run build`);
    }
  }
}

/** `kluis ARGS` with `home` as its home (where `kluis verify` keeps tokens); resolves to stdout. */
export function kluis(args, home) {
  const bin = binary("KLUIS_BIN", "kluis");
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, "config"), XDG_DATA_HOME: join(home, "data") };
  return new Promise((resolve, reject) => {
    execFile(bin, args, { env, maxBuffer: 1 << 26 }, (error, stdout, stderr) =>
      error ? reject(Object.assign(new Error(`kluis ${args.join(" ")}: ${stderr || error.message}`), { stderr, code: error.code })) : resolve(stdout),
    );
  });
}

/** Verifies `address` for the CLI in `home` through the code mail number `count`. */
export async function kluisVerify(server, address, home, count) {
  await kluis(["verify", "-q", "--server", server.url, "--request-only", address], home);
  const code = await server.code(address, count);
  await kluis(["verify", "-q", "--server", server.url, "--code", code, address], home);
}

/** Writes `size` pseudo-random bytes to `path` in 4 MiB pieces (never the whole file in memory); resolves to its SHA-256. */
export async function bigFile(path, size, seed = 1) {
  await mkdir(dirname(path), { recursive: true });
  const hash = createHash("sha256");
  const out = createWriteStream(path);
  const piece = Buffer.alloc(4 << 20);
  let state = seed >>> 0 || 1;
  let left = size;
  while (left > 0) {
    // A xorshift word per 4 bytes: cheap, and not compressible.
    for (let i = 0; i < piece.length; i += 4) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      piece.writeUInt32LE(state >>> 0, i);
    }
    const part = left >= piece.length ? piece : piece.subarray(0, left);
    hash.update(part);
    if (!out.write(Buffer.from(part))) await new Promise((r) => out.once("drain", r));
    left -= part.length;
  }
  await new Promise((resolve, reject) => out.end((e) => (e ? reject(e) : resolve())));
  return hash.digest("hex");
}

/** SHA-256 of a file, streamed. */
export function sha256File(path) {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("data", (c) => hash.update(c))
      .on("end", () => resolve(hash.digest("hex")))
      .on("error", reject);
  });
}

export const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

export { rm };
