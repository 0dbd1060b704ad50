import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createZipWriter } from '../../scripts/zip/createZipWriter';
import { runOnSmallDisk } from '../db/runOnSmallDisk';

const root = resolve(__dirname, '..', '..');
const installBundleJs = join(root, 'dist', 'src', 'stages', 'unzip', 'installBundle.js');

// Runs inside the mount namespace, where `bundlesDir` is a 1 MiB tmpfs: installs the small bundle, then the large
// one, and reports what it saw, since the file system is gone once the process exits.
const CHILD = `
const { createHash } = require('node:crypto');
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { installBundle } = require(process.env.INSTALL_BUNDLE_JS);
const [disk, small, large] = process.argv.slice(1);
const bundlesDir = join(disk, 'bundles');
const ctx = { signal: new AbortController().signal, onProgress: () => {}, log: () => {} };
const digest = (dir) => Object.fromEntries(readdirSync(dir, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile())
  .map((e) => [join(e.parentPath, e.name).slice(dir.length + 1), createHash('sha256').update(readFileSync(join(e.parentPath, e.name))).digest('hex')]));
(async () => {
  await installBundle({ archivePath: small, bundlesDir }, ctx);
  const before = digest(join(bundlesDir, 'current'));
  let failure = null;
  try { await installBundle({ archivePath: large, bundlesDir }, ctx); } catch (error) { failure = { code: error.code, message: error.message }; }
  console.log(JSON.stringify({ failure, before, after: digest(join(bundlesDir, 'current')), listing: readdirSync(bundlesDir).sort() }));
})().catch((error) => { console.error(error); process.exit(1); });
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'install-full-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function makeBundle(name: string, bytesPerFile: number): Promise<string> {
  const archive = join(dir, name);
  const writer = createZipWriter(archive);
  for (let index = 0; index < 4; index += 1) {
    // Hex text: compressible only about twice, so the unpacked size is what the disk must hold.
    await writer.addFile(`daily/S${index}.csv`, `date,close\n${randomBytes(bytesPerFile / 2).toString('hex')}\n`);
  }
  await writer.close();
  return archive;
}

describe('installBundle on a full disk', () => {
  it('fails with DISK_FULL, removes staging and leaves current byte for byte as it was', async () => {
    const small = await makeBundle('small.zip', 16 * 1024);
    const large = await makeBundle('large.zip', 512 * 1024);
    const report = runOnSmallDisk(1024, CHILD, [small, large], { INSTALL_BUNDLE_JS: installBundleJs }) as {
      failure: { code: string; message: string } | null;
      before: Record<string, string>;
      after: Record<string, string>;
      listing: string[];
    };
    expect(report.failure).toEqual({ code: 'DISK_FULL', message: expect.stringContaining('disk is full') });
    expect(Object.keys(report.before)).toHaveLength(4);
    expect(report.after).toEqual(report.before);
    expect(report.listing).toEqual(['current']);
  });
});
