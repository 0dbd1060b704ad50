// Hook contexts compared with the Node worker's invocation handler and app start/terminate code.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDir, fixture, readLines, setEnv, startTestHost, type TestHost } from '../devhostTestSupport.js';

interface Observed {
  appStart: Record<string, unknown>;
  pre: { name: string; [key: string]: unknown }[];
  post: { name: string; [key: string]: unknown }[];
  libraryPost: { name: string; errorIsNull: boolean; resultIsNull: boolean }[];
}

let host: TestHost;
let dataDir: string;
let restoreEnv: () => void;
let observed: Observed;

beforeAll(async () => {
  dataDir = createTempDir();
  restoreEnv = setEnv({ FIXTURE_EVENTS_FILE: path.join(dataDir, 'events.jsonl'), CONTEXT_SCHEDULE: '0 0 0 1 1 *' });
  host = await startTestHost({ appDir: fixture('hooks-app'), dataDir });
  for (const name of ['ok', 'fails', 'echoInput', 'ok']) await fetch(`${host.url}/api/${name}`);
  observed = (await (await fetch(`${host.url}/api/observed`)).json()) as Observed;
});

afterAll(async () => {
  await host.stop();
  restoreEnv();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const readOnly = (name: string): string => `TypeError: Cannot assign to read only property '${name}'`;
const postOf = (name: string) => observed.post.filter((entry) => entry.name === name);

describe('hook contexts', () => {
  it('gives postInvocation error null and the result after a success, and result null with the error after a throw', () => {
    expect(postOf('ok')[0]).toMatchObject({ result: { body: 'ok' }, error: null });
    expect(postOf('fails')[0]).toMatchObject({ result: null, error: 'Error: boom' });
    expect(observed.libraryPost.filter((e) => e.name === 'ok' || e.name === 'fails')).toEqual([
      { name: 'ok', errorIsNull: true, resultIsNull: false },
      { name: 'fails', errorIsNull: false, resultIsNull: true },
      { name: 'ok', errorIsNull: true, resultIsNull: false },
    ]);
  });

  it('has exactly the worker fields, with hookData, appHookData and invocationContext read-only', () => {
    const pre = observed.pre.find((entry) => entry.name === 'ok')!;
    expect(pre['keys']).toEqual(['appHookData', 'functionCallback', 'hookData', 'inputs', 'invocationContext']);
    expect(pre['assignInvocationContext']).toBe(readOnly('invocationContext'));
    expect(postOf('ok')[0]!['keys']).toEqual([
      'appHookData',
      'error',
      'hookData',
      'inputs',
      'invocationContext',
      'result',
    ]);
    expect(observed.appStart['assignHookData']).toBe(readOnly('hookData'));
    expect(observed.appStart['assignAppHookData']).toBe(readOnly('appHookData'));
  });

  it('shares hookData between the pre and post hooks of one invocation only', () => {
    for (const pre of observed.pre) expect(pre['hookDataAtStart']).toEqual({});
    expect(postOf('ok').map((post) => post['hookData'])).toEqual([{ setByPre: 'ok' }, { setByPre: 'ok' }]);
    expect(postOf('fails')[0]!['hookData']).toEqual({ setByPre: 'fails' });
  });

  it('passes the inputs preInvocation replaced to the function and to postInvocation', async () => {
    expect(await (await fetch(`${host.url}/api/echoInput`)).text()).toBe('replaced by preInvocation');
    expect(postOf('echoInput')[0]!['inputs']).toEqual(['replaced by preInvocation']);
  });

  it('gives appStart and appTerminate their own shared hookData, and every hook the same appHookData', async () => {
    expect(observed.appStart['functionAppDirectory']).toBe(fixture('hooks-app'));
    expect(observed.appStart['hookDataIsAppHookData']).toBe(false);
    const pre = observed.pre[0]!;
    expect(pre['seesAppStartData']).toBe(true);
    expect(pre['seesAppLevelData']).toBe(false);
    await host.stop();
    const [terminate] = readLines(path.join(dataDir, 'events.jsonl')).map((line) => JSON.parse(line) as unknown);
    expect(terminate).toEqual({ hookData: { appLevel: 'set by appStart' }, appHookData: { fromAppStart: true } });
  });
});
