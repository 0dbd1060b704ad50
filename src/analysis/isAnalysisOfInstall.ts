/**
 * Whether an analysis run describes the installed bundle: it started at or after the install. A run records only the
 * directory it read (always bundles/current), so after a new install or a rollback the older runs describe a bundle
 * that is no longer there, until an analysis of the new one succeeds. Both times are ISO-8601 UTC from the app clock.
 */
export function isAnalysisOfInstall(
  analysis: { readonly startedAt: string } | null,
  install: { readonly installed_at: string } | null,
): boolean {
  return analysis !== null && install !== null && analysis.startedAt >= install.installed_at;
}
