/**
 * The page's Content-Security-Policy. Scripts only from this origin (no inline script, no eval); styles only from
 * the stylesheet (the page sets styles through the CSSOM, which CSP does not restrict, never through style
 * attributes); Trusted Types with only a `default` policy that admits the empty string (web/emptyHtmlPolicy.ts), so
 * any markup reaching an `innerHTML`-style sink throws instead of being parsed.
 */
const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "require-trusted-types-for 'script'",
  'trusted-types default',
].join('; ');

/** Headers every dashboard response carries. */
export const DASHBOARD_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': DASHBOARD_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};
