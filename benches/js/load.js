// Loads the package (bindings/js, built) from `url`, with the SIMD build
// or, for `variant === 'fallback'`, with the build for engines without
// WebAssembly SIMD: the package probes SIMD once, as it loads, with
// WebAssembly.validate, which is made to say no for the length of the
// import. Both runners (page and Node) load it so.
export async function loadKluis(url, variant) {
  if (variant !== 'fallback') return import(url);
  const validate = WebAssembly.validate;
  WebAssembly.validate = () => false;
  try {
    return await import(url);
  } finally {
    WebAssembly.validate = validate;
  }
}
