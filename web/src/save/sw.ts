/**
 * The service worker that answers a download with bytes the page hands it
 * (see sw-client.ts). It holds no secret and decrypts nothing: the page
 * announces a download on a MessagePort, then navigates a hidden frame to
 * `kluis-save/<id>/<name>` below this worker's scope, and the worker's
 * answer pulls chunks over the port as the browser writes them to disk.
 */
/// <reference lib="webworker" />
declare const self: ServiceWorkerGlobalScope;

interface Pending {
  name: string;
  size: number;
  port: MessagePort;
}

const pending = new Map<string, Pending>();

self.addEventListener("install", () => {
  void self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("message", (event) => {
  const data = event.data as { type?: string; id?: string; name?: string; size?: number };
  const port = event.ports[0];
  if (data.type === "kluis-save" && port && typeof data.id === "string" && typeof data.name === "string") {
    pending.set(data.id, { name: data.name, size: typeof data.size === "number" ? data.size : -1, port });
    port.postMessage({ type: "ready" });
  }
  // "kluis-ping" needs no answer: receiving it keeps the worker alive.
});

/** `attachment` with an ASCII fallback name and the UTF-8 one (RFC 6266). */
function disposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  const utf8 = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}

function body(entry: Pending): ReadableStream<Uint8Array> {
  const { port } = entry;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        return new Promise<void>((resolve) => {
          port.onmessage = (event: MessageEvent<{ type: string; data?: Uint8Array; message?: string }>) => {
            const m = event.data;
            if (m.type === "chunk" && m.data) controller.enqueue(m.data);
            else if (m.type === "end") controller.close();
            else controller.error(new Error(m.message ?? "failed"));
            resolve();
          };
          port.postMessage({ type: "pull" });
        });
      },
      cancel() {
        port.postMessage({ type: "cancel" });
      },
    },
    { highWaterMark: 1 },
  );
}

self.addEventListener("fetch", (event) => {
  const match = /\/kluis-save\/([0-9a-f]{32})\//.exec(new URL(event.request.url).pathname);
  if (!match) return;
  const id = match[1] as string;
  const entry = pending.get(id);
  pending.delete(id);
  if (!entry) {
    event.respondWith(new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain" } }));
    return;
  }
  const headers: Record<string, string> = {
    "Content-Type": "application/octet-stream",
    "Content-Disposition": disposition(entry.name),
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
  };
  if (entry.size >= 0) headers["Content-Length"] = String(entry.size);
  event.respondWith(new Response(body(entry), { headers }));
});

export {};
