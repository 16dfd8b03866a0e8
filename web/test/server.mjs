// A small static server for the browser tests: serves a built folder
// (dist/ or dist-fixture/) the way kluis-server will: the templates filled
// with a language, the site's theme and the page data, hashed assets with
// a long cache, and the same security headers on every answer.
import { createServer } from "node:http";
import { readFileSync, existsSync } from "node:fs";
import { extname, join, normalize } from "node:path";

/** The headers kluis-server sends with every page and asset. */
export const SECURITY_HEADERS = {
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; connect-src 'self'; worker-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
  "Cross-Origin-Opener-Policy": "same-origin",
};

const TYPES = { ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".wasm": "application/wasm", ".json": "application/json", ".html": "text/html; charset=utf-8", ".svg": "image/svg+xml", ".txt": "text/plain; charset=utf-8" };

/** HTML-escapes text for an element or a double-quoted attribute. */
export function escapeHtml(s) {
  return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const SITE = { name: "Gemeente Voorbeeld", logo: null };
const DEMO_SITE = { name: "Gemeente Groenstad", logo: "/logo-demo.svg" };
const DEMO_THEME = `.kluis-theme {
  --utrecht-button-primary-action-background-color: #00643c;
  --utrecht-button-primary-action-border-color: #00643c;
  --utrecht-button-primary-action-hover-background-color: #004d2e;
  --utrecht-button-secondary-action-color: #00643c;
  --utrecht-button-secondary-action-border-color: #00643c;
  --utrecht-button-subtle-color: #00643c;
  --utrecht-heading-color: #003d25;
  --basis-color-accent-1-bg-document: #00643c;
}
`;
const DEMO_LOGO = '<svg xmlns="http://www.w3.org/2000/svg" width="180" height="48" viewBox="0 0 180 48"><circle cx="24" cy="24" r="20" fill="#00643c"/><path d="M24 10c-8 8-8 20 0 28 8-8 8-20 0-28z" fill="#fff"/><text x="52" y="31" font-family="sans-serif" font-size="18" font-weight="bold" fill="#003d25">Groenstad</text></svg>';
const LIMITS = { maxTransferBytes: 10 * 1024 ** 3, maxRecipients: 50, maxFiles: 10000, maxExpiryDays: 30, defaultExpiryDays: 7 };

/** The receive page's facts by the link's id: its first word picks the state. */
export function transferFacts(id) {
  const states = { expired: "expired", withdrawn: "withdrawn", limit: "limit", notfound: "not_found", busy: "busy" };
  const word = Object.keys(states).find((w) => id.startsWith(w));
  const expiresAt = Math.floor(Date.UTC(2026, 11, 20, 16, 0) / 1000);
  return {
    id,
    state: word ? states[word] : "open",
    sender: "a.jansen@gemeente.example",
    recipients: ["m.devries@example.org"],
    expiresAt,
    files: 3,
    bytes: 2_043_200,
    downloadsLeft: id.startsWith("counted") ? 2 : null,
    replyAllowed: !id.startsWith("noreply"),
  };
}

function lang(req, url) {
  const q = url.searchParams.get("lang");
  if (q === "nl" || q === "en") return q;
  return /^\s*en/i.test(req.headers["accept-language"] ?? "") ? "en" : "nl";
}

/** Starts the server on a free loopback port; answers { url, close }. */
export function serve(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    const send = (status, type, body, extra = {}) => {
      res.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": type, ...extra });
      res.end(body);
    };
    // ?theme=demo: a municipality's own theme (tokens, name, logo) from the server's configuration.
    const demo = url.searchParams.get("theme") === "demo";
    const page = (name, data) => {
      const l = lang(req, url);
      if (demo) data = { ...data, site: DEMO_SITE };
      const html = readFileSync(join(dir, manifest.templates[name][l]), "utf8")
        .replaceAll("{{site_name}}", escapeHtml(data.site.name))
        .replaceAll("{{theme_css}}", demo ? "/theme-demo.css" : "/theme.css")
        .replaceAll("{{data}}", escapeHtml(JSON.stringify(data)));
      send(200, TYPES[".html"], html, { "Cache-Control": "no-store", "Content-Language": l, Vary: "Accept-Language" });
    };
    if (url.pathname === "/") return page("send", { site: SITE, limits: LIMITS });
    const t = /^\/t\/([a-z0-9]+)$/.exec(url.pathname);
    if (t) return page("receive", { site: SITE, limits: LIMITS, transfer: transferFacts(t[1]) });
    if (url.pathname === "/theme-demo.css") return send(200, TYPES[".css"], DEMO_THEME, { "Cache-Control": "no-cache" });
    if (url.pathname === "/logo-demo.svg") return send(200, TYPES[".svg"], DEMO_LOGO, { "Cache-Control": "no-cache" });
    if (url.pathname === "/theme.css") return send(200, TYPES[".css"], "/* the municipality's token overrides */\n", { "Cache-Control": "no-cache" });
    if (url.pathname.startsWith("/assets/")) {
      const file = normalize(join(dir, url.pathname));
      if (file.startsWith(join(dir, "assets")) && existsSync(file)) {
        return send(200, TYPES[extname(file)] ?? "application/octet-stream", readFileSync(file), { "Cache-Control": "public, max-age=31536000, immutable" });
      }
    }
    send(404, "text/plain; charset=utf-8", "not found");
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) });
    });
  });
}
