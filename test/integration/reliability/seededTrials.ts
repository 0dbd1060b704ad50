import { randomInt } from 'node:crypto';
import { createPrng, type Prng } from '../../../scripts/bundleGenerator/createPrng';

export interface TrialSettings {
  /** The run's seed: printed, and given back through the environment to replay the run. */
  readonly seed: number;
  /** Trial indexes to run. */
  readonly indexes: readonly number[];
}

/**
 * Reads `<PREFIX>_SEED` (default: a fresh random seed), `<PREFIX>_TRIALS` (default `defaultTrials`) and
 * `<PREFIX>_TRIAL` (one index only, to replay a single failed trial) from the environment.
 */
export function readTrialSettings(prefix: string, defaultTrials: number): TrialSettings {
  const number = (name: string, fallback: number): number => {
    const text = process.env[`${prefix}_${name}`];
    if (text === undefined || text.trim() === '') return fallback;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${prefix}_${name} must be a whole number`);
    return value;
  };
  const seed = number('SEED', randomInt(1, 2 ** 31 - 1));
  const only = process.env[`${prefix}_TRIAL`];
  const indexes =
    only !== undefined && only.trim() !== ''
      ? [number('TRIAL', 0)]
      : Array.from({ length: Math.max(1, number('TRIALS', defaultTrials)) }, (_, index) => index);
  return { seed, indexes };
}

/** The pseudo-random stream of one trial: a function of the run's seed and the trial's index only. */
export function trialPrng(seed: number, index: number): Prng {
  return createPrng(seed, index);
}

/** The command that runs one trial of this seed again. */
export function replayCommand(prefix: string, seed: number, index: number, file: string): string {
  return `${prefix}_SEED=${seed} ${prefix}_TRIAL=${index} npx vitest run ${file}`;
}
