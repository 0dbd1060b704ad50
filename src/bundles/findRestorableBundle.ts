import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BundleInstall, BundleStore } from './bundleStore';

/** The install a rollback would bring back: recorded as previous, and its files still in `bundles/previous`. */
export function findRestorableBundle(bundles: BundleStore, bundlesDir: string): BundleInstall | null {
  const previous = bundles.getPreviousBundle();
  return previous !== null && existsSync(join(bundlesDir, 'previous')) ? previous : null;
}
