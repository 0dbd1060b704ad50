// `npm run start:func`: the Azure path locally — Azurite from node_modules plus Azure Functions Core Tools.
// Core Tools is never an npm dependency (its installer downloads a binary); users install it themselves.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

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
  const azuriteDir = path.join(root, 'data', 'azurite');
  mkdirSync(azuriteDir, { recursive: true });
  const azurite = spawn(
    path.join(root, 'node_modules', '.bin', 'azurite'),
    [
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
