/**
 * The renderer's Content Security Policy, one string for both hosts: scripts and styles only from the app itself,
 * no remote anything. `connect-src` admits the page's own origin (the web host's HTTP/WebSocket API on 127.0.0.1).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' ws://127.0.0.1:* http://127.0.0.1:*",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
