/**
 * The decisions of the Electron shell that deserve tests: where the data lives, which
 * file an app:// request may read, which URLs the window may show or hand to the OS.
 * Pure Node (no 'electron' import) so Vitest can run it without the Electron binary.
 */
import path from 'node:path';

/** Registered as a standard, secure scheme: the renderer's origin is app://sportello. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'sportello';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

/**
 * Sent with every app:// response. Vite's production build needs no inline scripts;
 * Svelte's transitions set inline styles, hence 'unsafe-inline' for styles only.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Data folder: SPORTELLO_DATA_DIR wins (tests, portable installs), else <userData>/data. */
export function resolveDataDir(env: NodeJS.ProcessEnv, userDataPath: string): string {
  const override = env.SPORTELLO_DATA_DIR?.trim();
  return override ? path.resolve(override) : path.join(userDataPath, 'data');
}

function parseUrl(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/** True for URLs served by the app's own protocol (the only thing the window may show). */
export function isAppUrl(raw: string): boolean {
  const url = parseUrl(raw);
  return url !== null && url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
}

const EXTERNAL_PROTOCOLS = new Set(['https:', 'http:', 'mailto:']);

/**
 * Links the renderer may hand to the operating system (browser, mail client). Anything
 * else (file:, javascript:, custom handlers that launch programs, smb: …) is refused.
 */
export function isAllowedExternalUrl(raw: string): boolean {
  const url = parseUrl(raw);
  if (url === null || !EXTERNAL_PROTOCOLS.has(url.protocol)) return false;
  if (url.protocol === 'mailto:') return true;
  // Credentials in a link are a classic phishing disguise (https://comune.it@evil.example).
  return url.hostname !== '' && url.username === '' && url.password === '';
}

export type AppRequest = { kind: 'file'; filePath: string } | { kind: 'forbidden' } | { kind: 'not-found' };

/**
 * Maps an app:// request to a file inside `rootDir` (dist/renderer). Returns forbidden
 * for another host, undecodable or NUL-carrying paths, backslashes and any path that
 * would leave rootDir once decoded and normalised.
 */
export function resolveAppRequest(rootDir: string, requestUrl: string): AppRequest {
  const url = parseUrl(requestUrl);
  if (url === null || url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) {
    return { kind: 'forbidden' };
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return { kind: 'forbidden' };
  }
  // Backslashes are separators on Windows: refuse them everywhere so behaviour matches.
  if (pathname.includes('\0') || pathname.includes('\\')) return { kind: 'forbidden' };
  if (pathname === '' || pathname === '/') pathname = '/index.html';

  const root = path.resolve(rootDir);
  const filePath = path.resolve(root, `.${pathname}`);
  const relative = path.relative(root, filePath);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    return { kind: 'forbidden' };
  }
  return { kind: 'file', filePath };
}

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function mimeTypeFor(filePath: string): string {
  return MIME_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

/** Headers for every app:// response (CSP included, MIME sniffing off). */
export function appResponseHeaders(filePath: string): Record<string, string> {
  return {
    'Content-Type': mimeTypeFor(filePath),
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  };
}
