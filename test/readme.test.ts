import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSettings } from '../src/config';

const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
const packageJson = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

describe('README matches the code', () => {
  it('documents every setting the app reads, with its default', () => {
    for (const setting of configSettings) {
      const row = readme.split('\n').find((line) => new RegExp(`^\\|\\s*\`${setting.name}\`\\s*\\|`).test(line));
      expect(row, setting.name).toBeDefined();
      if (setting.default !== null) expect(row, setting.name).toContain(`\`${setting.default}\``);
    }
  });

  it('mentions only npm scripts that exist', () => {
    const mentioned = [...readme.matchAll(/npm run ([a-z:]+)/g)].map((match) => match[1]!);
    expect(mentioned.length).toBeGreaterThan(0);
    for (const script of mentioned) expect(packageJson.scripts, script).toHaveProperty(script);
  });

  it('lists every HTTP route the app registers in its API table', () => {
    const functionsDir = path.join(__dirname, '..', 'src', 'functions');
    const routes = readdirSync(functionsDir).flatMap((file) =>
      [...readFileSync(path.join(functionsDir, file), 'utf8').matchAll(/'(market-data\/[^']*)'/g)].map((m) => m[1]!),
    );
    expect(routes.length).toBeGreaterThan(10);
    for (const route of routes) expect(readme, route).toContain(`/api/${route}`);
  });
});
