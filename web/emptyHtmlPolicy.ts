// The page's CSP enforces Trusted Types, so no string ever reaches an HTML sink (innerHTML and friends). ECharts
// clears its container with `innerHTML = ''` when a chart starts; this default policy lets exactly that through and
// refuses any other markup, whoever tries.

interface TrustedTypePolicyFactory {
  createPolicy(name: string, rules: { createHTML: (input: string) => string }): unknown;
}

const factory = (globalThis as { trustedTypes?: TrustedTypePolicyFactory }).trustedTypes;
factory?.createPolicy('default', {
  createHTML(input) {
    if (input === '') return '';
    throw new TypeError('markup is never inserted into this page');
  },
});
