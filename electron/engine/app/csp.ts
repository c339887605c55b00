/**
 * The Content-Security-Policy of the renderer, the same in Electron and in browser mode: only our
 * own bundled scripts, no eval, no remote anything. `connect` adds the WebSocket origin in browser
 * mode. Styles allow 'unsafe-inline' because CodeMirror and Vue's transitions set style attributes.
 */
export function rendererCsp(connect: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${connect.map((c) => ` ${c}`).join('')}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
