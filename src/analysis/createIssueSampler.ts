import { ISSUE_SAMPLES_PER_CHECK, type CheckCode, type SampledIssue } from './checkCodes';
import type { Sampler } from './dayTrace';

/** The issues sampled for one symbol; kept with the symbol while it waits for a derived calendar. */
export interface SymbolIssues {
  readonly symbol: string;
  readonly issues: SampledIssue[];
  readonly sampled: Map<CheckCode, number>;
}

export interface IssueSampler {
  /** Records an issue for the symbol the sampler points at, at most ISSUE_SAMPLES_PER_CHECK per check. */
  readonly sample: Sampler;
  /** Starts a symbol's issue list and points the sampler at it. */
  begin(symbol: string): SymbolIssues;
  /** Points the sampler back at a symbol begun earlier. */
  use(target: SymbolIssues): void;
}

/**
 * One sampling function for an analyzer's whole life, pointed at the current symbol's list. A new closure per symbol
 * would be a new call target at every sampling site of the hot loops, and V8 throws away their optimised code each
 * time a site meets a closure it has not seen before.
 */
export function createIssueSampler(): IssueSampler {
  let current: SymbolIssues = { symbol: '', issues: [], sampled: new Map() };
  const sample: Sampler = (check, day, line, detail) => {
    const count = current.sampled.get(check) ?? 0;
    if (count >= ISSUE_SAMPLES_PER_CHECK) return;
    current.sampled.set(check, count + 1);
    current.issues.push({ symbol: current.symbol, day, check, line, detail });
  };
  return {
    sample,
    begin(symbol) {
      current = { symbol, issues: [], sampled: new Map() };
      return current;
    },
    use(target) {
      current = target;
    },
  };
}
