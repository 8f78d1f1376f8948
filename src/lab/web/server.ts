/**
 * The viewer's HTTP server: read-only, for one researcher's browser. It serves the in-memory web
 * build (buildPage.ts) and the files of one models folder under /models/, nothing else: no
 * directory listings, no write methods (405), and a path that leaves either root (safePath.ts)
 * is a plain 404, so a probe learns nothing about the disk.
 *
 * COOP/COEP make the page cross-origin isolated, which lets tfjs's wasm backend use its threaded
 * build (SharedArrayBuffer); all the page's resources are same-origin, so nothing else breaks.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { UserError } from '../../core/errors.ts';
import type { WebAssets } from './buildPage.ts';
import { contentTypeOf } from './contentTypes.ts';
import { fileUnder, pathSegments } from './safePath.ts';

export interface ViewerServerOptions {
  readonly assets: WebAssets;
  /** The models folder served under /models/ (any file in it, symlinks only if they stay inside). */
  readonly modelsDir: string;
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
} as const;

export function createViewerServer(options: ViewerServerOptions): Server {
  return createServer((request, response) => {
    handle(options, request, response).catch(() => {
      if (!response.headersSent) send(response, request, 500, 'text/plain; charset=utf-8', new TextEncoder().encode('internal error\n'));
      else response.destroy();
    });
  });
}

async function handle(options: ViewerServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    send(response, request, 405, 'text/plain; charset=utf-8', new TextEncoder().encode('method not allowed\n'));
    return;
  }
  const body = await lookup(options, (request.url ?? '').split(/[?#]/, 1)[0] ?? '');
  if (body === undefined) {
    send(response, request, 404, 'text/plain; charset=utf-8', new TextEncoder().encode('not found\n'));
    return;
  }
  send(response, request, 200, body.type, body.bytes);
}

async function lookup(options: ViewerServerOptions, rawPath: string): Promise<{ bytes: Uint8Array; type: string } | undefined> {
  if (rawPath === '/') return fromAssets(options.assets, 'index.html');
  const segments = pathSegments(rawPath);
  if (segments === undefined) return undefined;
  if (segments[0] === 'models') {
    const file = await fileUnder(options.modelsDir, segments.slice(1));
    return file === undefined ? undefined : { bytes: await readFile(file), type: contentTypeOf(file) };
  }
  return fromAssets(options.assets, segments.join('/'));
}

function fromAssets(assets: WebAssets, key: string): { bytes: Uint8Array; type: string } | undefined {
  const bytes = assets.get(key);
  return bytes === undefined ? undefined : { bytes, type: contentTypeOf(key) };
}

function send(response: ServerResponse, request: IncomingMessage, status: number, type: string, bytes: Uint8Array): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': bytes.byteLength });
  response.end(request.method === 'HEAD' ? undefined : bytes);
}

/**
 * Listens on host:port and resolves with the bound port (port 0: any free one). A listen failure
 * is a one-line UserError naming the flag at fault.
 */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') reject(new UserError(`--port: ${port} is already in use on ${host}; pick another with --port`));
      else if (error.code === 'EACCES') reject(new UserError(`--port: no permission to listen on port ${port} (ports below 1024 need privileges)`));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN' || error.code === 'EINVAL') {
        reject(new UserError(`--host: cannot listen on '${host}' (${error.code}): not an address of this machine`));
      } else reject(new UserError(`cannot listen on ${host}:${port}: ${error.message}`));
    };
    const onListening = (): void => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
