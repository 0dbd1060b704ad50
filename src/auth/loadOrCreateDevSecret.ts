import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, ErrorCode } from '../errors';
import { MIN_SECRET_BYTES, generateSecret } from './mintToken';

export const DEV_SECRET_FILE = 'dev-jwt-secret';

/**
 * Returns the local development signing secret kept in `<dataDir>/dev-jwt-secret`, creating it (mode 0600) on
 * first use. Creation is atomic and never clobbers: the secret is written to a temp file and hard-linked into
 * place, so two processes starting at once end up with the same secret.
 */
export async function loadOrCreateDevSecret(dataDir: string): Promise<string> {
  const path = join(dataDir, DEV_SECRET_FILE);
  const existing = await readSecretFile(path);
  if (existing !== undefined) return existing;

  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const secret = generateSecret();
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${secret}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, path);
  } catch (error) {
    if (codeOf(error) === 'EEXIST') {
      // Another process won the race: use its secret.
      await unlink(temp);
      return (await readSecretFile(path)) ?? failUnreadable(path);
    }
    if (codeOf(error) !== 'EPERM' && codeOf(error) !== 'ENOTSUP' && codeOf(error) !== 'EXDEV') {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    // Filesystems without hard links: rename is still atomic, only the no-clobber guarantee is lost.
    await rename(temp, path);
    return secret;
  }
  await unlink(temp);
  return secret;
}

async function readSecretFile(path: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return undefined;
    throw error;
  }
  const secret = text.trim();
  if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
    throw new AppError(
      ErrorCode.InvalidConfig,
      `${DEV_SECRET_FILE} in the data directory holds fewer than ${MIN_SECRET_BYTES} bytes; delete it to regenerate`,
      { cause: new Error(`secret file: ${path}`) },
    );
  }
  return secret;
}

function failUnreadable(path: string): never {
  throw new AppError(ErrorCode.InvalidConfig, `${DEV_SECRET_FILE} could not be read`, {
    cause: new Error(`secret file: ${path}`),
  });
}

function codeOf(error: unknown): unknown {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
