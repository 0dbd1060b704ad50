/** A mistake in how the command was called: printed with the usage text, exit code 2, never a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Each command's usage lines, in the order the full usage lists them. */
const COMMAND_USAGE: Readonly<Record<string, string>> = {
  analyze: `  market-data analyze <bundle.zip | bundle.tar.gz | directory | file.csv[.gz]> [--json] [--symbol SYMBOL ...]
                      [--fail-on error|warn]
      Analyse a csv-daily or qlib binary bundle without the service and print the summary
      (--json: { "format", "calendar_source", "bundle": {...totals}, "symbols": { "<SYMBOL>": {...metrics} } }).
      Archives are read in place, never extracted. A CSV file on its own is a bundle of that one file
      (a long-form table with a symbol column, or one symbol's rows named by the file).
      --symbol (repeatable, any spelling: 600000.SH, sh600000, 600000): those symbols' metrics and the issues
      sampled while checking them, each with its date, line and detail (--json: { "<SYMBOL>": { "status",
      "board", "metrics", "findings": [{ "trade_date", "check_code", "severity", "line_no", "detail" }] } }).
      --fail-on error: exit code 3 when a symbol has errors or a calendar day is empty or frozen; --fail-on warn:
      also when a symbol has warnings or a day is thin (what was found is said on stderr).
`,
  diff: `  market-data diff <old bundle> <new bundle> [--json] [--fail-on restated|changed]
      What changed from the old bundle to the new one, symbol by symbol and row by row: added and removed symbols
      and rows, restated rows (with samples) and re-adjusted symbols; --json prints what GET /bundle/diff serves,
      each symbol with its samples. Zips, directories and CSV files are read in place.
      --fail-on restated: exit code 3 when rows of the old bundle changed their values; --fail-on changed: also
      when rows, calendar days or symbols are gone (what was found is said on stderr).
`,
  'make-bundle': `  market-data make-bundle --symbols N --days M --seed S --out <file.zip | file.tar.gz | directory>
                          [--format csv-daily|qlib-bin] [--no-calendar] [--start YYYY-MM-DD]
                          [--defects default|none|<recipe,...>]
      Write a seeded synthetic bundle and its expected analysis to <out>.expected.json.
`,
  submit: `  market-data submit <download | analyze | rollback> [--force] [--wait] [--url URL] [--token JWT]
      Ask a running service for a task (rollback and --force need MarketData.Admin); --wait follows it to its end.
      URL defaults to $MARKET_DATA_URL or http://localhost:7071, the token to $MARKET_DATA_TOKEN.
`,
};

export const USAGE =
  `Usage:\n${Object.values(COMMAND_USAGE).join('')}` +
  "  market-data <command> --help    That command's usage only.\n" +
  '  market-data --version           The version installed.\n';

/** One command's usage (`market-data <command> --help`, or after a mistake in calling it); the full usage otherwise. */
export function usageOf(command: string | undefined): string {
  const lines = command === undefined ? undefined : COMMAND_USAGE[command];
  return lines === undefined ? USAGE : `Usage:\n${lines}`;
}

/** A positive integer option, or a UsageError naming the option. */
export function parseCount(name: string, value: string | undefined, max: number, min = 1): number {
  if (value === undefined) throw new UsageError(`--${name} is required.`);
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max} (got "${value}").`);
  }
  return n;
}
