// `npm run start:func`: the Azure path locally — Azurite from node_modules plus Azure Functions Core Tools.
// Core Tools is never an npm dependency (its installer downloads a binary); users install it themselves.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { findAzuriteNode, readMinNodeMajor } from './azurite/findAzuriteNode';

const root = path.resolve(__dirname, '..', '..');

function hasFunc(): boolean {
  const probe = spawnSync('func', ['--version'], { encoding: 'utf8' });
  return probe.status === 0;
}

function main(): void {
  if (!hasFunc()) {
    process.stderr.write(
      [
        'Azure Functions Core Tools (`func`) is not on the PATH.',
        'Install version 4 yourself, for example:',
        '  npm install -g azure-functions-core-tools@4   (downloads a platform binary)',
        '  or see https://learn.microsoft.com/azure/azure-functions/functions-run-local',
        'Without it, `npm start` runs the same app under the bundled devhost.',
        '',
      ].join('\n'),
    );
    process.exitCode = 1;
    return;
  }
  const azuritePackage = path.join(root, 'node_modules', 'azurite');
  let node: string;
  try {
    node = findAzuriteNode({
      current: { execPath: process.execPath, version: process.version },
      minMajor: readMinNodeMajor(path.join(azuritePackage, 'package.json'), 22),
      cacheDir: path.join(root, 'node_modules', '.cache', 'azurite-node'),
      log: (line) => process.stdout.write(`${line}\n`),
    });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
    return;
  }
  const azuriteDir = path.join(root, 'data', 'azurite');
  mkdirSync(azuriteDir, { recursive: true });
  const azurite = spawn(
    node,
    [
      path.join(azuritePackage, 'dist', 'src', 'azurite.js'),
      '--silent',
      '--skipApiVersionCheck',
      '--location',
      azuriteDir,
      '--blobHost',
      '127.0.0.1',
      '--queueHost',
      '127.0.0.1',
      '--tableHost',
      '127.0.0.1',
    ],
    { stdio: 'inherit' },
  );
  const func = spawn('func', ['start'], { cwd: root, stdio: 'inherit' });
  const stopAll = (): void => {
    func.kill('SIGINT');
    azurite.kill('SIGINT');
  };
  process.once('SIGINT', stopAll);
  process.once('SIGTERM', stopAll);
  func.on('exit', (code) => {
    azurite.kill('SIGINT');
    process.exitCode = code ?? 0;
  });
}

main();
