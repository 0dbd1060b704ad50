/** A mistake in how the command was called: printed with the usage text, exit code 2, never a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage:
  cli analyze <bundle.zip | bundle.tar.gz | directory> [--json]
      Analyse a csv-daily bundle without the service and print the summary
      (--json: { "bundle": {...totals}, "symbols": { "<SYMBOL>": {...metrics} } }).
  cli make-bundle --symbols N --days M --seed S --out <file.zip> [--defects default|none|<recipe,...>] [--start YYYY-MM-DD]
      Write a seeded synthetic bundle to <file.zip> and its expected analysis to <file>.expected.json.
  cli submit <download | analyze | rollback> [--force] [--wait] [--url URL] [--token JWT]
      Ask a running service for a task (rollback and --force need MarketData.Admin); --wait follows it to its end.
      URL defaults to $MARKET_DATA_URL or http://localhost:7071, the token to $MARKET_DATA_TOKEN.
`;

/** A positive integer option, or a UsageError naming the option. */
export function parseCount(name: string, value: string | undefined, max: number, min = 1): number {
  if (value === undefined) throw new UsageError(`--${name} is required.`);
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max} (got "${value}").`);
  }
  return n;
}
