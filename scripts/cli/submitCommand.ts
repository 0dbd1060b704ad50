import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { UsageError } from './usageError';

const TASK_TYPES = ['download', 'analyze', 'rollback'];
const END_STATES = ['success', 'failed', 'cancelled'];
const DEFAULT_URL = 'http://localhost:7071';

interface TaskView {
  readonly task_id: string;
  readonly task_type: string;
  readonly status: string;
  readonly stage: string | null;
  readonly progress: number;
  readonly message: string | null;
  readonly error: string | null;
}

/**
 * `submit <download|analyze|rollback> [--force] [--wait] [--url URL] [--token JWT]`: asks a running service for a
 * task, as `curl` would, and with --wait follows it to its end. The token may come from MARKET_DATA_TOKEN and the
 * URL from MARKET_DATA_URL. Returns the exit code: 0 accepted (or, with --wait, succeeded), 1 refused or failed.
 */
export async function runSubmitCommand(args: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      force: { type: 'boolean' },
      wait: { type: 'boolean' },
      url: { type: 'string' },
      token: { type: 'string' },
    },
    allowPositionals: true,
  });
  const taskType = positionals[0];
  if (positionals.length !== 1 || taskType === undefined || !TASK_TYPES.includes(taskType)) {
    throw new UsageError(`submit takes one task type: ${TASK_TYPES.join(', ')}.`);
  }
  if (values.force === true && taskType !== 'download') throw new UsageError('--force applies only to download.');
  const token = values.token ?? process.env.MARKET_DATA_TOKEN;
  if (token === undefined || token.trim() === '') {
    throw new UsageError('A bearer token is required: pass --token or set MARKET_DATA_TOKEN (npm start prints one).');
  }
  const base = (values.url ?? process.env.MARKET_DATA_URL ?? DEFAULT_URL).replace(/\/+$/, '');
  if (!URL.canParse(base)) throw new UsageError(`--url is not a URL: ${base}`);
  const call = (method: string, path: string, body?: unknown) => request(base, token, method, path, signal, body);

  const submitted = await call('POST', '/api/market-data/tasks', {
    task_type: taskType,
    ...(values.force === true ? { force: true } : {}),
  });
  if (submitted.status !== 202) return reportRefusal(submitted.status, submitted.json);
  let task = submitted.json as TaskView;
  process.stdout.write(`Submitted ${task.task_type} task ${task.task_id}.\n`);
  if (values.wait !== true) return 0;
  let shown = '';
  while (!END_STATES.includes(task.status)) {
    await sleep(1000, undefined, { signal });
    const polled = await call('GET', `/api/market-data/tasks/${task.task_id}`);
    if (polled.status !== 200) return reportRefusal(polled.status, polled.json);
    task = polled.json as TaskView;
    const line = `${task.status} ${task.stage ?? ''} ${task.progress}% ${task.message ?? ''}`.replace(/\s+/g, ' ');
    if (line !== shown) process.stdout.write(`  ${line.trim()}\n`);
    shown = line;
  }
  const outcome = task.status === 'success' ? task.message : (task.error ?? task.message);
  process.stdout.write(`Task ${task.task_id} ${task.status}${outcome === null ? '' : `: ${outcome}`}\n`);
  return task.status === 'success' ? 0 : 1;
}

async function request(
  base: string,
  token: string,
  method: string,
  path: string,
  signal: AbortSignal,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method,
      signal,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    if (signal.aborted) throw error;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    const message = `cannot reach ${base} (${reason}); is the service running (npm start)?`;
    return { status: 0, json: { error: message, code: 'UNREACHABLE' } };
  }
  const text = await response.text();
  try {
    return { status: response.status, json: text === '' ? null : (JSON.parse(text) as unknown) };
  } catch {
    return { status: response.status, json: { error: text.slice(0, 200) } };
  }
}

function reportRefusal(status: number, json: unknown): number {
  const body = (json ?? {}) as { error?: string; code?: string; active_task?: { task_id?: string } };
  const active = body.active_task?.task_id === undefined ? '' : ` (active task ${body.active_task.task_id})`;
  process.stderr.write(`error: ${body.error ?? `HTTP ${status}`}${active} [${body.code ?? status}]\n`);
  return 1;
}
