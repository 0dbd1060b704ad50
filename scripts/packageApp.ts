// `npm run package [-- --out <file.zip>]`: the zip a Functions deployment takes (zip deploy or what
// `func azure functionapp publish` uploads): host.json, package.json, the compiled app and production node_modules
// only, with .funcignore honoured. Native modules are those built for the Node running this script.
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createZipWriter } from './zip/createZipWriter';
import { collectPackageFiles, readFuncignore } from './package/collectPackageFiles';
import { installProductionModules } from './package/installProductionModules';

const root = path.resolve(__dirname, '..', '..');
const DEFAULT_PACKAGE_PATH = path.join('dist', 'deploy', 'market-data-tasks.zip');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const out = path.resolve(values.out ?? path.join(root, DEFAULT_PACKAGE_PATH));
  if (!existsSync(path.join(root, 'dist', 'src', 'index.js'))) {
    throw new Error('dist/src/index.js is missing: run `npm run build` first (npm run package does).');
  }
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const staging = mkdtempSync(path.join(os.tmpdir(), 'mdt-package-'));
  try {
    installProductionModules(root, staging, log);
    const rules = readFuncignore(root);
    // The project's own node_modules holds dev dependencies too: the staged production tree replaces it.
    const appFiles = await collectPackageFiles(root, rules, { skip: ['node_modules', '.git'] });
    const moduleFiles = await collectPackageFiles(path.join(staging, 'node_modules'), rules, {
      prefix: 'node_modules/',
    });
    const files = [...appFiles, ...moduleFiles].filter((file) => path.resolve(file.source) !== out);
    for (const required of ['host.json', 'package.json', 'dist/src/index.js']) {
      if (!files.some((file) => file.name === required)) throw new Error(`.funcignore leaves out ${required}.`);
    }
    const partial = `${out}.partial`;
    mkdirSync(path.dirname(out), { recursive: true });
    const zip = createZipWriter(partial);
    for (const file of files) await zip.addFile(file.name, await readFile(file.source));
    await zip.close();
    renameSync(partial, out);
    const megabytes = (statSync(out).size / 1024 ** 2).toFixed(1);
    log(`Wrote ${path.relative(process.cwd(), out) || out}: ${files.length} files, ${megabytes} MB.`);
    log(
      `Built for Node ${process.versions.node.split('.')[0]} on ${process.platform}-${process.arch}: ` +
        'deploy it to a function app on the same Node major (Azure Linux plans run linux-x64).',
    );
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`package: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
