import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Protocol } from 'electron';
import { CONTENT_TYPES } from '../engine/app/static-files.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'paxlab';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX = `${APP_ORIGIN}/index.html`;

/** Must run before the app is ready: app:// behaves like https (secure, standard, fetch, workers). */
export function registerAppScheme(protocol: Protocol): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

/** Map an app:// URL to a file inside the renderer build, or null when it would leave it. */
export function appUrlToFile(url: string, rendererDir: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  const base = path.resolve(rendererDir);
  const file = path.resolve(base, '.' + (rel === '/' ? '/index.html' : rel));
  return file.startsWith(base + path.sep) ? file : null;
}

/**
 * Serve the built renderer on app://paxlab/ with the CSP header. Files are read directly (not through
 * a file:// fetch), so the session's block on every non-app URL does not apply to them.
 */
export function serveAppProtocol(protocol: Protocol, rendererDir: string, csp: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = appUrlToFile(request.url, rendererDir);
    if (!file) return new Response('not found', { status: 404 });
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return new Response('not found', { status: 404 });
    }
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: {
        'Content-Type': CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Security-Policy': csp,
        'X-Content-Type-Options': 'nosniff',
      },
    });
  });
}
