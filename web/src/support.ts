/** Whether this browser has what the pages need; if not, the "browser too old" page. */
export function browserSupported(): boolean {
  return (
    typeof WebAssembly === "object" &&
    typeof Worker === "function" &&
    typeof ReadableStream === "function" &&
    typeof TransformStream === "function" &&
    typeof crypto === "object" &&
    typeof crypto.getRandomValues === "function" &&
    typeof AbortController === "function"
  );
}
