/**
 * Saving through the service worker (browsers without the File System
 * Access API, such as Firefox): the page decrypts, and hands the bytes one
 * chunk at a time, when the worker asks for them, to a same-origin service
 * worker that answers a download request with them. The browser writes the
 * download to disk as it arrives, so memory stays constant for files of any
 * size. A stream that errors makes the download fail, and the browser
 * deletes the partial file. The page pings the worker while a download
 * runs, so that a browser that stops idle workers (Firefox) keeps it.
 */
import { counter } from "./progress";

/** The service worker's URL, set by the build (it has a content-hashed name). */
declare const KLUIS_SW_URL: string;

let registration: Promise<ServiceWorkerRegistration> | null = null;

function activeWorker(reg: ServiceWorkerRegistration): Promise<ServiceWorker> {
  if (reg.active) return Promise.resolve(reg.active);
  const installing = reg.installing ?? reg.waiting;
  if (!installing) return Promise.reject(new Error("service worker missing"));
  return new Promise((resolve, reject) => {
    installing.addEventListener("statechange", () => {
      if (installing.state === "activated") resolve(installing);
      if (installing.state === "redundant") reject(new Error("service worker failed"));
    });
  });
}

/** Whether this browser can save through a service worker. */
export function hasServiceWorker(): boolean {
  return window.isSecureContext && "serviceWorker" in navigator;
}

async function worker(): Promise<{ reg: ServiceWorkerRegistration; sw: ServiceWorker }> {
  registration ??= navigator.serviceWorker.register(KLUIS_SW_URL);
  const reg = await registration;
  return { reg, sw: await activeWorker(reg) };
}

function randomId(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** Streams `stream` to a download named `name` through the service worker. */
export async function saveViaServiceWorker(name: string, size: number, stream: ReadableStream<Uint8Array>, onBytes: (n: number) => void): Promise<void> {
  const { reg, sw } = await worker();
  const id = randomId();
  const channel = new MessageChannel();
  const reader = stream.pipeThrough(counter(onBytes)).getReader();
  const ping = window.setInterval(() => (reg.active ?? sw).postMessage({ type: "kluis-ping" }), 10_000);
  let frame: HTMLIFrameElement | null = null;
  try {
    await new Promise<void>((resolve, reject) => {
      const port = channel.port1;
      port.onmessage = async (event: MessageEvent<{ type: string }>) => {
        const type = event.data.type;
        if (type === "ready") {
          const url = new URL(`kluis-save/${id}/${encodeURIComponent(name)}`, new URL(KLUIS_SW_URL, location.href));
          frame = document.createElement("iframe");
          frame.hidden = true;
          frame.title = name;
          frame.src = url.pathname;
          document.body.appendChild(frame);
        } else if (type === "pull") {
          try {
            const { done, value } = await reader.read();
            if (done) {
              port.postMessage({ type: "end" });
              resolve();
            } else {
              // Copy when the chunk is a view into a larger buffer, so the transfer detaches nothing else.
              const chunk = value.byteOffset === 0 && value.byteLength === value.buffer.byteLength ? value : value.slice();
              port.postMessage({ type: "chunk", data: chunk }, [chunk.buffer]);
            }
          } catch (e) {
            port.postMessage({ type: "error", message: e instanceof Error ? e.message : String(e) });
            reject(e);
          }
        } else if (type === "cancel") {
          await reader.cancel().catch(() => undefined);
          reject(new DOMException("download cancelled", "AbortError"));
        }
      };
      sw.postMessage({ type: "kluis-save", id, name, size }, [channel.port2]);
    });
  } finally {
    window.clearInterval(ping);
    const f = frame as HTMLIFrameElement | null;
    if (f) window.setTimeout(() => f.remove(), 5_000);
  }
}
