/** Caps that protect the disk from hostile or broken archives. */
export interface ExtractLimits {
  /** Total uncompressed bytes actually written; default 20 GiB. */
  readonly maxTotalBytes: number;
  /** Members of any kind (files and directories); default 200,000. */
  readonly maxEntries: number;
  /** Uncompressed ÷ compressed bytes per zip entry, or for a whole tar.gz stream; default 200. */
  readonly maxRatio: number;
}

const DEFAULT_EXTRACT_LIMITS: ExtractLimits = {
  maxTotalBytes: 20 * 2 ** 30,
  maxEntries: 200_000,
  maxRatio: 200,
};

/** Output up to this size is exempt from the ratio check: a small file of repeated text is harmless. */
const RATIO_FLOOR_BYTES = 2 ** 20;

export function resolveLimits(limits: Partial<ExtractLimits> | undefined): ExtractLimits {
  return { ...DEFAULT_EXTRACT_LIMITS, ...limits };
}

/** Largest output allowed for `compressed` input bytes under the ratio rule. */
export function ratioCap(compressed: number, limits: ExtractLimits): number {
  return Math.max(RATIO_FLOOR_BYTES, compressed * limits.maxRatio);
}
