import { resolve } from 'node:path';
import { AppError, ErrorCode } from './errors';

/** How HTTP callers authenticate. `none` is for local development only and is refused on Azure. */
export type AuthConfig = (
  | { readonly kind: 'secret'; readonly secret: string }
  | { readonly kind: 'jwks'; readonly jwksUrl: string }
  | { readonly kind: 'none' }
) & { readonly issuer: string | null; readonly audience: string | null };

export interface AppConfig {
  /** Absolute data directory (bundles, unpacked files, the default database). */
  readonly dataDir: string;
  /** Absolute path of the SQLite file. */
  readonly dbPath: string;
  /** Absolute directory for the analysis's and the diff's temporary files, swept of a killed process's leftovers. */
  readonly scratchDir: string;
  readonly bundleUrl: string | null;
  /** Lower-case hex SHA-256 the downloaded bundle must match, or null to skip the check. */
  readonly bundleSha256: string | null;
  /** A checksum file to verify the bundle against when no digest is given; it must hold a usable digest. */
  readonly bundleSha256Url: string | null;
  /** The `<bundle URL>.sha256` probe when neither of the above is set. */
  readonly checksumSidecar: ChecksumSidecarMode;
  /** Timer schedule: NCRONTAB (six fields, or five without seconds) or a TimeSpan `hh:mm:ss`. */
  readonly schedule: string;
  readonly auth: AuthConfig;
  readonly retentionSuccessDays: number;
  readonly retentionFailedDays: number;
  readonly heartbeatTimeoutSeconds: number;
  readonly downloadMaxBytes: number;
  readonly downloadConnectTimeoutSeconds: number;
  readonly downloadIdleTimeoutSeconds: number;
  readonly unzipMaxBytes: number;
  readonly unzipMaxEntries: number;
  readonly unzipMaxRatio: number;
  /** Largest share of symbols (percent, 0–100) a new bundle may lose before its install is refused. */
  readonly installMaxSymbolLossPercent: number;
  /** Largest share of rows (percent, 0–100) a new bundle may lose before its install is refused. */
  readonly installMaxRowLossPercent: number;
  /** True when running on Azure App Service / Functions (WEBSITE_INSTANCE_ID is set). */
  readonly onAzure: boolean;
}

/** auto: verify against the sidecar when it holds a digest, warn and go on when it is unusable; required: fail. */
const checksumSidecarModes = ['auto', 'off', 'required'] as const;
export type ChecksumSidecarMode = (typeof checksumSidecarModes)[number];

export interface ConfigSetting {
  readonly name: string;
  /** The default as documented, or null when the setting is optional with no default. */
  readonly default: string | null;
  readonly description: string;
}

const GIB = 1024 ** 3;
const DEFAULT_SCHEDULE = '0 0 18 * * 1-5';

/** Every setting the app reads, for the README and docs (a test keeps them in step). */
export const configSettings: readonly ConfigSetting[] = [
  { name: 'MARKET_DATA_HOME', default: './data', description: 'Data directory (resolved to an absolute path).' },
  { name: 'MARKET_DATA_DB_PATH', default: '<MARKET_DATA_HOME>/market_data.sqlite3', description: 'SQLite file.' },
  {
    name: 'MARKET_DATA_SCRATCH_DIR',
    default: '<MARKET_DATA_HOME>/scratch',
    description:
      'Temporary files of the analysis and the diff (a long-form bundle split by symbol, about its size). What a killed process left there (`market-data-*`) is deleted. On Azure, a local disk (`/tmp/market-data-scratch`) is faster than the `/home` share.',
  },
  {
    name: 'MARKET_DATA_BUNDLE_URL',
    default: null,
    description: 'Where to download the bundle (http, https or file URL).',
  },
  {
    name: 'MARKET_DATA_BUNDLE_SHA256',
    default: null,
    description: 'Expected SHA-256 of the bundle (64 hex characters).',
  },
  {
    name: 'MARKET_DATA_BUNDLE_SHA256_URL',
    default: null,
    description: 'Checksum file to verify against; must hold the digest.',
  },
  {
    name: 'MARKET_DATA_CHECKSUM_SIDECAR',
    default: 'auto',
    description: 'Probe of `<bundle URL>.sha256`: `auto`, `off`, `required`.',
  },
  {
    name: 'MARKET_DATA_SCHEDULE',
    default: DEFAULT_SCHEDULE,
    description: 'Scheduled download: NCRONTAB (6 fields, or 5 without seconds) or hh:mm:ss.',
  },
  { name: 'AUTH_JWT_SECRET', default: null, description: 'HS256 secret for bearer tokens, at least 32 bytes.' },
  { name: 'AUTH_JWKS_URL', default: null, description: 'JWKS URL for asymmetric bearer tokens (instead of a secret).' },
  { name: 'AUTH_ISSUER', default: null, description: 'Required `iss` claim, if set.' },
  { name: 'AUTH_AUDIENCE', default: null, description: 'Required `aud` claim, if set.' },
  {
    name: 'MARKET_DATA_RETENTION_SUCCESS_DAYS',
    default: '30',
    description: 'Days to keep successful and cancelled tasks.',
  },
  {
    name: 'MARKET_DATA_RETENTION_FAILED_DAYS',
    default: '90',
    description: 'Days to keep failed tasks (>= success days).',
  },
  {
    name: 'MARKET_DATA_HEARTBEAT_TIMEOUT_SECONDS',
    default: '120',
    description: 'Silence after which a task is stale.',
  },
  {
    name: 'MARKET_DATA_DOWNLOAD_MAX_BYTES',
    default: String(10 * GIB),
    description: 'Largest bundle download (10 GiB).',
  },
  { name: 'MARKET_DATA_DOWNLOAD_CONNECT_TIMEOUT_SECONDS', default: '30', description: 'Connect timeout.' },
  {
    name: 'MARKET_DATA_DOWNLOAD_IDLE_TIMEOUT_SECONDS',
    default: '60',
    description: 'Abort after this long without data.',
  },
  {
    name: 'MARKET_DATA_UNZIP_MAX_BYTES',
    default: String(20 * GIB),
    description: 'Largest total unpacked size (20 GiB).',
  },
  { name: 'MARKET_DATA_UNZIP_MAX_ENTRIES', default: '200000', description: 'Most entries an archive may have.' },
  {
    name: 'MARKET_DATA_UNZIP_MAX_RATIO',
    default: '200',
    description: 'Largest unpacked/packed size ratio (zip bombs).',
  },
  {
    name: 'MARKET_DATA_INSTALL_MAX_SYMBOL_LOSS',
    default: '10',
    description: 'Percent (0–100) of symbols a new bundle may lose; more is refused unless forced.',
  },
  {
    name: 'MARKET_DATA_INSTALL_MAX_ROW_LOSS',
    default: '10',
    description: 'Percent (0–100) of rows a new bundle may lose; more is refused unless forced.',
  },
  { name: 'WEBSITE_INSTANCE_ID', default: null, description: 'Set by Azure; marks the app as running on Azure.' },
];

type Env = NodeJS.ProcessEnv | Readonly<Record<string, string | undefined>>;

/**
 * Reads and validates every setting. The only reader of the environment in the app. Throws one AppError
 * INVALID_CONFIG listing every problem and its fix (`details.problems`), never echoing secrets or URLs.
 */
export function loadConfig(env: Env): AppConfig {
  const problems: string[] = [];
  const read = (name: string): string | null => {
    const value = env[name]?.trim();
    return value ? value : null; // Portal app settings are often present but empty: treat as unset.
  };
  const problem = (name: string, text: string): null => {
    problems.push(`${name}: ${text}`);
    return null;
  };
  const positiveInteger = (name: string, fallback: number, unit: string): number => {
    const raw = read(name);
    if (raw === null) return fallback;
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (Number.isSafeInteger(value) && value > 0) return value;
    problem(
      name,
      `"${raw}" is not a positive whole number of ${unit}. Set e.g. ${fallback}, or unset it for that default.`,
    );
    return fallback;
  };
  const percent = (name: string, fallback: number): number => {
    const raw = read(name);
    if (raw === null) return fallback;
    const value = /^\d+(\.\d+)?\s*%?$/.test(raw) ? Number(raw.replace('%', '')) : Number.NaN;
    if (value >= 0 && value <= 100) return value;
    problem(
      name,
      `"${raw}" is not a percentage from 0 to 100. Set e.g. ${fallback} (or ${fallback}%), 100 to turn it off.`,
    );
    return fallback;
  };
  const url = (name: string, protocols: readonly string[]): string | null => {
    const raw = read(name);
    if (raw === null) return null;
    const parsed = URL.canParse(raw) ? new URL(raw) : null;
    if (parsed && protocols.includes(parsed.protocol)) return parsed.href;
    const allowed = protocols.map((p) => p.replace(':', '')).join(', ');
    return problem(name, `is not a valid ${allowed} URL. Set a full URL such as ${protocols[0]}//host/path.`);
  };

  const dataDir = resolve(read('MARKET_DATA_HOME') ?? './data');
  const dbPath = resolve(read('MARKET_DATA_DB_PATH') ?? resolve(dataDir, 'market_data.sqlite3'));
  const scratchDir = resolve(read('MARKET_DATA_SCRATCH_DIR') ?? resolve(dataDir, 'scratch'));

  const bundleUrl = url('MARKET_DATA_BUNDLE_URL', ['https:', 'http:', 'file:']);
  const rawSha = read('MARKET_DATA_BUNDLE_SHA256');
  const bundleSha256 =
    rawSha === null || /^[0-9a-fA-F]{64}$/.test(rawSha)
      ? (rawSha?.toLowerCase() ?? null)
      : problem('MARKET_DATA_BUNDLE_SHA256', 'must be 64 hexadecimal characters (e.g. the output of `sha256sum`).');
  const bundleSha256Url = url('MARKET_DATA_BUNDLE_SHA256_URL', ['https:', 'http:', 'file:']);
  const sidecar = read('MARKET_DATA_CHECKSUM_SIDECAR')?.toLowerCase() ?? 'auto';
  const checksumSidecar = checksumSidecarModes.find((mode) => mode === sidecar) ?? 'auto';
  if (checksumSidecar !== sidecar) {
    problem('MARKET_DATA_CHECKSUM_SIDECAR', `is "${sidecar}"; set one of ${checksumSidecarModes.join(', ')}.`);
  }

  const schedule = read('MARKET_DATA_SCHEDULE') ?? DEFAULT_SCHEDULE;
  const scheduleProblem = describeScheduleProblem(schedule);
  if (scheduleProblem) {
    problem(
      'MARKET_DATA_SCHEDULE',
      `"${schedule}" ${scheduleProblem}. Use NCRONTAB fields like "${DEFAULT_SCHEDULE}" or hh:mm:ss.`,
    );
  }

  const auth = readAuth(read, url, problem);

  const retentionSuccessDays = positiveInteger('MARKET_DATA_RETENTION_SUCCESS_DAYS', 30, 'days');
  const retentionFailedDays = positiveInteger('MARKET_DATA_RETENTION_FAILED_DAYS', 90, 'days');
  if (retentionFailedDays < retentionSuccessDays) {
    problem(
      'MARKET_DATA_RETENTION_FAILED_DAYS',
      `(${retentionFailedDays}) must be at least MARKET_DATA_RETENTION_SUCCESS_DAYS (${retentionSuccessDays}); failed tasks are kept longer.`,
    );
  }

  const onAzure = read('WEBSITE_INSTANCE_ID') !== null;
  if (onAzure && auth.kind === 'none') {
    problem('AUTH_JWT_SECRET', 'no authentication is configured on Azure. Set AUTH_JWT_SECRET or AUTH_JWKS_URL.');
  }

  const config: AppConfig = {
    dataDir,
    dbPath,
    scratchDir,
    bundleUrl,
    bundleSha256,
    bundleSha256Url,
    checksumSidecar,
    schedule,
    auth,
    retentionSuccessDays,
    retentionFailedDays,
    heartbeatTimeoutSeconds: positiveInteger('MARKET_DATA_HEARTBEAT_TIMEOUT_SECONDS', 120, 'seconds'),
    downloadMaxBytes: positiveInteger('MARKET_DATA_DOWNLOAD_MAX_BYTES', 10 * GIB, 'bytes'),
    downloadConnectTimeoutSeconds: positiveInteger('MARKET_DATA_DOWNLOAD_CONNECT_TIMEOUT_SECONDS', 30, 'seconds'),
    downloadIdleTimeoutSeconds: positiveInteger('MARKET_DATA_DOWNLOAD_IDLE_TIMEOUT_SECONDS', 60, 'seconds'),
    unzipMaxBytes: positiveInteger('MARKET_DATA_UNZIP_MAX_BYTES', 20 * GIB, 'bytes'),
    unzipMaxEntries: positiveInteger('MARKET_DATA_UNZIP_MAX_ENTRIES', 200_000, 'entries'),
    unzipMaxRatio: positiveInteger('MARKET_DATA_UNZIP_MAX_RATIO', 200, 'times'),
    installMaxSymbolLossPercent: percent('MARKET_DATA_INSTALL_MAX_SYMBOL_LOSS', 10),
    installMaxRowLossPercent: percent('MARKET_DATA_INSTALL_MAX_ROW_LOSS', 10),
    onAzure,
  };

  if (problems.length > 0) {
    const list = problems.map((p) => `  - ${p}`).join('\n');
    throw new AppError(ErrorCode.InvalidConfig, `Invalid configuration (${problems.length} problem(s)):\n${list}`, {
      details: { problems },
    });
  }
  return config;
}

function readAuth(
  read: (name: string) => string | null,
  url: (name: string, protocols: readonly string[]) => string | null,
  problem: (name: string, text: string) => null,
): AuthConfig {
  const claims = { issuer: read('AUTH_ISSUER'), audience: read('AUTH_AUDIENCE') };
  const secret = read('AUTH_JWT_SECRET');
  const jwksUrl = url('AUTH_JWKS_URL', ['https:', 'http:']);
  if (secret !== null && read('AUTH_JWKS_URL') !== null) {
    problem('AUTH_JWKS_URL', 'is set together with AUTH_JWT_SECRET. Set only one of them.');
  }
  if (secret !== null) {
    const bytes = Buffer.byteLength(secret, 'utf8');
    if (bytes >= 32) return { kind: 'secret', secret, ...claims };
    problem(
      'AUTH_JWT_SECRET',
      `is ${bytes} bytes; it must be at least 32. Generate one with \`openssl rand -base64 48\`.`,
    );
  }
  if (jwksUrl !== null) return { kind: 'jwks', jwksUrl, ...claims };
  return { kind: 'none', ...claims };
}

// NCRONTAB as the Functions timer trigger reads it (the NCrontab library): {second} {minute} {hour} {day} {month}
// {day-of-week}, or the last five alone. Items are `*`, `n`, `a-b` (reversed ranges are swapped), each optionally
// stepped `/n` (a step below 1 means 1), joined by commas. Months and weekdays may also be written as any prefix of
// their English name; day-of-week is 0-6, Sunday is 0. The devhost's parser follows the same rules.
const CRON_FIELDS = [
  { name: 'second', min: 0, max: 59, names: [] },
  { name: 'minute', min: 0, max: 59, names: [] },
  { name: 'hour', min: 0, max: 23, names: [] },
  { name: 'day', min: 1, max: 31, names: [] },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: 'january february march april may june july august september october november december'.split(' '),
  },
  { name: 'day-of-week', min: 0, max: 6, names: 'sunday monday tuesday wednesday thursday friday saturday'.split(' ') },
] as const;

type CronField = (typeof CRON_FIELDS)[number];

// .NET int.Parse as NCrontab calls it: digits (a sign only in steps), within Int32.
function readInt32(text: string, signed: boolean): number {
  const value = (signed ? /^[+-]?\d+$/ : /^\d+$/).test(text) ? Number(text) : Number.NaN;
  return value >= -(2 ** 31) && value <= 2 ** 31 - 1 ? value : Number.NaN;
}

function readCronValue(text: string, field: CronField): number {
  if (/^\d/.test(text)) return readInt32(text, false);
  const lower = text.toLowerCase();
  const index = text === '' ? -1 : field.names.findIndex((name: string) => name.startsWith(lower));
  return index < 0 ? Number.NaN : index + field.min;
}

function isValidCronItem(item: string, field: CronField): boolean {
  const slash = item.indexOf('/');
  const range = slash > 0 ? item.slice(0, slash) : item;
  if (slash > 0 && Number.isNaN(readInt32(item.slice(slash + 1), true))) return false;
  if (range === '*') return true;
  const dash = range.indexOf('-');
  const ends = dash > 0 ? [range.slice(0, dash), range.slice(dash + 1)] : [range];
  return ends.every((end) => {
    const value = readCronValue(end, field);
    return value >= field.min && value <= field.max;
  });
}

/** Null when `schedule` is valid, else what is wrong with it. */
export function describeScheduleProblem(schedule: string): string | null {
  const timeSpan = /^(\d{1,2}):(\d{2}):(\d{2})$/.exec(schedule);
  if (timeSpan) {
    const [h, m, s] = timeSpan.slice(1).map(Number) as [number, number, number];
    if (h > 23 || m > 59 || s > 59) return 'is not a valid hh:mm:ss time span';
    return h + m + s === 0 ? 'is a zero-length interval' : null;
  }
  const parts = schedule.split(' ').filter((part) => part !== '');
  if (parts.length !== 6 && parts.length !== 5) {
    return `has ${parts.length} field(s), not 6 (second minute hour day month day-of-week) or 5 (without seconds)`;
  }
  const fields = parts.length === 6 ? CRON_FIELDS : CRON_FIELDS.slice(1);
  for (const [index, part] of parts.entries()) {
    const field = fields[index]!;
    // A leading comma does not start a list in NCrontab, so that item fails as a value.
    const items = part.indexOf(',') > 0 ? part.split(',') : [part];
    if (!items.every((item) => isValidCronItem(item, field))) {
      const names = field.names.length > 0 ? ` or a ${field.name === 'month' ? 'month' : 'day'} name` : '';
      return `has an invalid ${field.name} field "${part}" (allowed ${field.min}-${field.max}${names})`;
    }
  }
  return null;
}
