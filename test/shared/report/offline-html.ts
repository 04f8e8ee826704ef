/**
 * What in an HTML file could reach the network: src/href/action attributes and CSS url()/@import pointing at
 * http(s) or protocol-relative URLs, and elements that load things (link, iframe, object, embed). Also every
 * http(s):// string that is not one of the inert identifiers ECharts carries (XML namespace names, which are never
 * fetched, and the licence URLs in its comments). Used by the CLI test and the e2e spec.
 */
const INERT = new Set([
  'http://www.w3.org/2000/svg',
  'http://www.w3.org/1999/xlink',
  'http://www.w3.org/2000/xmlns/',
  'http://www.w3.org/XML/1998/namespace',
  'http://www.apache.org/licenses/LICENSE-2.0',
  'https://github.com/ecomfe/zrender/blob/master/LICENSE',
]);

export function externalReferences(html: string): string[] {
  const found: string[] = [];
  for (const re of [
    /\b(?:src|href|action|poster|srcset)\s*=\s*["']?\s*(?:https?:)?\/\/[^"'\s>]*/gi,
    /url\(\s*["']?\s*(?:https?:)?\/\/[^)]*\)/gi,
    /@import\b[^;]*/gi,
    /<(?:link|iframe|object|embed|base)\b[^>]*>/gi,
  ]) {
    for (const m of html.matchAll(re)) found.push(m[0]);
  }
  for (const m of html.matchAll(/https?:\/\/[^"'\s<>)\\]*/gi)) if (!INERT.has(m[0])) found.push(m[0]);
  return found;
}
