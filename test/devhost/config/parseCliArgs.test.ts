import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../../devhost/parseCliArgs.js';

describe('parseCliArgs', () => {
  it('defaults to the current directory, $PORT or 7071, and no data dir', () => {
    expect(parseCliArgs([], {}, '/work/app')).toEqual({
      help: false,
      appDir: '/work/app',
      port: 7071,
      dataDir: undefined,
    });
    expect(parseCliArgs([], { PORT: '8080' }, '/work/app').port).toBe(8080);
  });

  it('reads --app, --port and --data in both spellings, resolving paths against cwd', () => {
    expect(parseCliArgs(['--app', 'fixtures/a', '--port=0', '--data', '../state'], { PORT: '9' }, '/work/app')).toEqual(
      {
        help: false,
        appDir: path.resolve('/work/app/fixtures/a'),
        port: 0,
        dataDir: path.resolve('/work/state'),
      },
    );
  });

  it('reports every mistake at once', () => {
    expect(() => parseCliArgs(['--port', '70000', '--app', '--verbose'], {}, '/')).toThrow(
      /--app needs a value; unknown argument "--verbose"; --port must be a port number from 0 to 65535, got "70000"/,
    );
    expect(() => parseCliArgs([], { PORT: 'x' }, '/')).toThrow(/PORT must be a port number/);
  });
});
