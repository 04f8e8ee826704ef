/**
 * The renderer's Content Security Policy, one string for both hosts: scripts and styles only from the app itself,
 * no remote anything, no eval. `connect-src 'self'` admits the page's own origin only: the web host's HTTP API and
 * its WebSocket (CSP 3 matches ws: of the same host and port to 'self'); no other local port. Inline styles stay
 * allowed because Vue and vtk.js set style attributes; inline scripts do not. The HTML pages carry the same policy
 * in a meta tag (test/security/electron-hardening.test.ts keeps them equal).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
