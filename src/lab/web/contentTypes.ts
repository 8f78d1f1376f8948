/**
 * Content types of the files the viewer server sends. Browsers need `application/wasm` to compile a
 * module while it downloads (WebAssembly.instantiateStreaming refuses anything else), and the
 * server sends `nosniff`, so every type must be right rather than guessed by the browser.
 */
const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.md': 'text/markdown; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** The type of a file by its extension; unknown extensions are opaque bytes, never rendered. */
export function contentTypeOf(path: string): string {
  const dot = path.lastIndexOf('.');
  const slash = path.lastIndexOf('/');
  const extension = dot > slash ? path.slice(dot).toLowerCase() : '';
  return TYPES[extension] ?? 'application/octet-stream';
}
