import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSettings, describeScheduleProblem, loadConfig } from '../src/config';
import { ncrontabCases } from './fixtures/ncrontabCases';
import { AppError } from '../src/errors';

const SECRET = 'x'.repeat(32);

function configError(env: Record<string, string>): AppError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('INVALID_CONFIG');
    return error as AppError;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig defaults', () => {
  it('gives every documented default on an empty environment', () => {
    expect(loadConfig({})).toEqual({
      dataDir: resolve('./data'),
      dbPath: resolve('./data/market_data.sqlite3'),
      scratchDir: resolve('./data/scratch'),
      bundleUrl: null,
      bundleSha256: null,
      bundleSha256Url: null,
      checksumSidecar: 'auto',
      schedule: '0 0 18 * * 1-5',
      auth: { kind: 'none', issuer: null, audience: null },
      retentionSuccessDays: 30,
      retentionFailedDays: 90,
      heartbeatTimeoutSeconds: 120,
      downloadMaxBytes: 10 * 1024 ** 3,
      downloadConnectTimeoutSeconds: 30,
      downloadIdleTimeoutSeconds: 60,
      unzipMaxBytes: 20 * 1024 ** 3,
      unzipMaxEntries: 200_000,
      unzipMaxRatio: 200,
      installMaxSymbolLossPercent: 10,
      installMaxRowLossPercent: 10,
      onAzure: false,
    });
  });

  it('treats empty and blank values as unset', () => {
    expect(loadConfig({ MARKET_DATA_RETENTION_SUCCESS_DAYS: '', AUTH_JWT_SECRET: '  ' })).toMatchObject({
      retentionSuccessDays: 30,
      auth: { kind: 'none' },
    });
  });

  it('puts the database and the scratch directory inside MARKET_DATA_HOME unless their settings override it', () => {
    expect(loadConfig({ MARKET_DATA_HOME: '/srv/md' })).toMatchObject({
      dataDir: '/srv/md',
      dbPath: '/srv/md/market_data.sqlite3',
      scratchDir: '/srv/md/scratch',
    });
    expect(loadConfig({ MARKET_DATA_HOME: '/srv/md', MARKET_DATA_DB_PATH: 'rel/x.db' }).dbPath).toBe(
      resolve('rel/x.db'),
    );
    expect(loadConfig({ MARKET_DATA_HOME: '/srv/md', MARKET_DATA_SCRATCH_DIR: 'tmp/s' }).scratchDir).toBe(
      resolve('tmp/s'),
    );
  });

  it('reads every setting when given', () => {
    const config = loadConfig({
      MARKET_DATA_BUNDLE_URL: 'https://example.test/bundle.zip',
      MARKET_DATA_BUNDLE_SHA256: 'AB'.repeat(32),
      MARKET_DATA_BUNDLE_SHA256_URL: 'https://example.test/SHA256SUMS',
      MARKET_DATA_CHECKSUM_SIDECAR: 'Required',
      MARKET_DATA_SCHEDULE: '00:30:00',
      AUTH_JWKS_URL: 'https://login.example.test/keys',
      AUTH_ISSUER: 'https://issuer.example.test/',
      AUTH_AUDIENCE: 'api://market-data',
      MARKET_DATA_RETENTION_SUCCESS_DAYS: '7',
      MARKET_DATA_RETENTION_FAILED_DAYS: '7',
      MARKET_DATA_HEARTBEAT_TIMEOUT_SECONDS: '300',
      MARKET_DATA_DOWNLOAD_MAX_BYTES: '1000',
      MARKET_DATA_DOWNLOAD_CONNECT_TIMEOUT_SECONDS: '5',
      MARKET_DATA_DOWNLOAD_IDLE_TIMEOUT_SECONDS: '6',
      MARKET_DATA_UNZIP_MAX_BYTES: '2000',
      MARKET_DATA_UNZIP_MAX_ENTRIES: '10',
      MARKET_DATA_UNZIP_MAX_RATIO: '50',
      MARKET_DATA_INSTALL_MAX_SYMBOL_LOSS: '2.5',
      MARKET_DATA_INSTALL_MAX_ROW_LOSS: '100%',
      WEBSITE_INSTANCE_ID: 'abc123',
    });
    expect(config).toMatchObject({
      bundleUrl: 'https://example.test/bundle.zip',
      bundleSha256: 'ab'.repeat(32),
      bundleSha256Url: 'https://example.test/SHA256SUMS',
      checksumSidecar: 'required',
      schedule: '00:30:00',
      auth: {
        kind: 'jwks',
        jwksUrl: 'https://login.example.test/keys',
        issuer: 'https://issuer.example.test/',
        audience: 'api://market-data',
      },
      retentionSuccessDays: 7,
      retentionFailedDays: 7,
      heartbeatTimeoutSeconds: 300,
      downloadMaxBytes: 1000,
      downloadConnectTimeoutSeconds: 5,
      downloadIdleTimeoutSeconds: 6,
      unzipMaxBytes: 2000,
      unzipMaxEntries: 10,
      unzipMaxRatio: 50,
      installMaxSymbolLossPercent: 2.5,
      installMaxRowLossPercent: 100,
      onAzure: true,
    });
  });

  it('selects secret auth with a secret of at least 32 bytes, and accepts a file: bundle URL', () => {
    const config = loadConfig({ AUTH_JWT_SECRET: SECRET, MARKET_DATA_BUNDLE_URL: 'file:///srv/bundle.zip' });
    expect(config.auth).toEqual({ kind: 'secret', secret: SECRET, issuer: null, audience: null });
    expect(config.bundleUrl).toBe('file:///srv/bundle.zip');
  });
});

describe('loadConfig errors', () => {
  it('lists every invalid setting in one error, each with a fix', () => {
    const error = configError({
      MARKET_DATA_BUNDLE_URL: 'ftp://example.test/b.zip',
      MARKET_DATA_BUNDLE_SHA256: 'abc',
      MARKET_DATA_SCHEDULE: '0 0 25 * * *',
      AUTH_JWT_SECRET: 'short',
      MARKET_DATA_RETENTION_SUCCESS_DAYS: 'thirty',
      MARKET_DATA_RETENTION_FAILED_DAYS: '0',
      MARKET_DATA_HEARTBEAT_TIMEOUT_SECONDS: '1.5',
      MARKET_DATA_DOWNLOAD_MAX_BYTES: '-1',
      MARKET_DATA_DOWNLOAD_CONNECT_TIMEOUT_SECONDS: '10s',
      MARKET_DATA_DOWNLOAD_IDLE_TIMEOUT_SECONDS: '1e3',
      MARKET_DATA_UNZIP_MAX_BYTES: '99999999999999999999',
      MARKET_DATA_UNZIP_MAX_ENTRIES: 'many',
      MARKET_DATA_UNZIP_MAX_RATIO: '0x10',
      MARKET_DATA_INSTALL_MAX_SYMBOL_LOSS: '110',
      MARKET_DATA_INSTALL_MAX_ROW_LOSS: 'ten',
    });
    const problems = error.details?.problems as string[];
    const names = problems.map((p) => p.split(':')[0]);
    expect(names).toEqual([
      'MARKET_DATA_BUNDLE_URL',
      'MARKET_DATA_BUNDLE_SHA256',
      'MARKET_DATA_SCHEDULE',
      'AUTH_JWT_SECRET',
      'MARKET_DATA_RETENTION_SUCCESS_DAYS',
      'MARKET_DATA_RETENTION_FAILED_DAYS',
      'MARKET_DATA_HEARTBEAT_TIMEOUT_SECONDS',
      'MARKET_DATA_DOWNLOAD_MAX_BYTES',
      'MARKET_DATA_DOWNLOAD_CONNECT_TIMEOUT_SECONDS',
      'MARKET_DATA_DOWNLOAD_IDLE_TIMEOUT_SECONDS',
      'MARKET_DATA_UNZIP_MAX_BYTES',
      'MARKET_DATA_UNZIP_MAX_ENTRIES',
      'MARKET_DATA_UNZIP_MAX_RATIO',
      'MARKET_DATA_INSTALL_MAX_SYMBOL_LOSS',
      'MARKET_DATA_INSTALL_MAX_ROW_LOSS',
    ]);
    expect(error.message).toMatch(/^Invalid configuration \(15 problem\(s\)\):/);
    expect(error.message).toMatch(/MARKET_DATA_INSTALL_MAX_SYMBOL_LOSS: "110" is not a percentage from 0 to 100/);
    for (const problem of problems) expect(error.message).toContain(problem);
    expect(error.message).toMatch(
      /MARKET_DATA_RETENTION_SUCCESS_DAYS: "thirty" is not a positive whole number of days/,
    );
    expect(error.message).toMatch(/MARKET_DATA_SCHEDULE: "0 0 25 \* \* \*" has an invalid hour field "25"/);
    expect(error.message).toMatch(/AUTH_JWT_SECRET: is 5 bytes; it must be at least 32/);
  });

  it('never echoes a secret or a URL (which may carry a token) in the message', () => {
    const error = configError({
      AUTH_JWT_SECRET: 'hunter2-secret',
      MARKET_DATA_BUNDLE_URL: 'not a url?sig=TOKEN123',
    });
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain('TOKEN123');
  });

  it('names the checksum sidecar modes and refuses a checksum file URL that is not http, https or file', () => {
    const error = configError({
      MARKET_DATA_CHECKSUM_SIDECAR: 'sometimes',
      MARKET_DATA_BUNDLE_SHA256_URL: 'ftp://example.test/SHA256SUMS',
    });
    expect(error.details?.problems).toEqual([
      'MARKET_DATA_BUNDLE_SHA256_URL: is not a valid https, http, file URL. Set a full URL such as https://host/path.',
      'MARKET_DATA_CHECKSUM_SIDECAR: is "sometimes"; set one of auto, off, required.',
    ]);
    expect(loadConfig({ MARKET_DATA_CHECKSUM_SIDECAR: 'off' }).checksumSidecar).toBe('off');
  });

  it('requires failed retention to be at least success retention', () => {
    const error = configError({ MARKET_DATA_RETENTION_SUCCESS_DAYS: '60', MARKET_DATA_RETENTION_FAILED_DAYS: '30' });
    expect(error.message).toMatch(/MARKET_DATA_RETENTION_FAILED_DAYS: \(30\) must be at least .*\(60\)/);
  });

  it('refuses both a secret and a JWKS URL, and a non-http JWKS URL', () => {
    expect(configError({ AUTH_JWT_SECRET: SECRET, AUTH_JWKS_URL: 'https://k.test/' }).message).toMatch(
      /Set only one of them/,
    );
    expect(configError({ AUTH_JWKS_URL: 'file:///keys.json' }).message).toMatch(
      /AUTH_JWKS_URL: is not a valid https, http URL/,
    );
  });

  it('refuses to run on Azure without authentication', () => {
    expect(configError({ WEBSITE_INSTANCE_ID: 'i-1' }).message).toMatch(/no authentication is configured on Azure/);
  });

  it('counts the secret in bytes, not characters', () => {
    // 11 three-byte characters = 33 bytes.
    expect(loadConfig({ AUTH_JWT_SECRET: '密'.repeat(11) }).auth.kind).toBe('secret');
  });
});

describe('schedule validation', () => {
  it.each(ncrontabCases.filter((c) => c.valid))('accepts "$schedule" ($why)', ({ schedule }) =>
    expect(describeScheduleProblem(schedule)).toBeNull(),
  );
  it.each(ncrontabCases.filter((c) => !c.valid))('rejects "$schedule" ($why)', ({ schedule }) =>
    expect(describeScheduleProblem(schedule)).toMatch(/field/),
  );
  it.each(['01:00:00', '0:05:00'])('accepts the time span %s', (schedule) =>
    expect(describeScheduleProblem(schedule)).toBeNull(),
  );
  it.each([
    ['24:00:00', /time span/],
    ['00:00:00', /zero-length/],
  ])('rejects the time span %s', (schedule, message) => expect(describeScheduleProblem(schedule)).toMatch(message));
  it('names the field at fault', () => {
    expect(describeScheduleProblem('0 0 18 * * 7')).toMatch(
      /invalid day-of-week field "7" \(allowed 0-6 or a day name\)/,
    );
    expect(describeScheduleProblem('0 18 * *')).toMatch(/has 4 field\(s\)/);
  });
});

describe('settings table', () => {
  it('documents every setting loadConfig reads, with the defaults it uses', () => {
    const names = configSettings.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    const config = loadConfig({});
    const byName = new Map(configSettings.map((s) => [s.name, s.default]));
    expect(byName.get('MARKET_DATA_SCHEDULE')).toBe(config.schedule);
    expect(Number(byName.get('MARKET_DATA_DOWNLOAD_MAX_BYTES'))).toBe(config.downloadMaxBytes);
    expect(Number(byName.get('MARKET_DATA_UNZIP_MAX_BYTES'))).toBe(config.unzipMaxBytes);
    expect(Number(byName.get('MARKET_DATA_RETENTION_FAILED_DAYS'))).toBe(config.retentionFailedDays);
    // Every documented name is actually read: setting it to garbage changes the outcome.
    for (const name of names.filter(
      (n) => !['AUTH_ISSUER', 'AUTH_AUDIENCE', 'MARKET_DATA_HOME', 'MARKET_DATA_DB_PATH'].includes(n),
    )) {
      const changed = (() => {
        try {
          return JSON.stringify(loadConfig({ [name]: '???' })) !== JSON.stringify(config);
        } catch {
          return true;
        }
      })();
      expect(changed, name).toBe(true);
    }
  });
});
