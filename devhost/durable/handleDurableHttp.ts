// The durable webhook API under /runtime/webhooks/durabletask/: the same routes serve the
// public management URLs and the SDK's rpcBaseUrl calls.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EngineCore } from './engineCore';
import { formatStatus } from './formatStatus';
import { activeStatuses } from './historyEvents';
import { HttpProblem, readBody, readFlag, readQuery, sendEmpty, sendError, sendJson } from './httpIo';
import { handleInstanceCommand, handleListInstances, handlePurgeInstances } from './handleInstanceCommands';
import { webhookPath } from './managementUrls';
import { sendCheckStatus } from './sendCheckStatus';

const genericFailure = 'Something went wrong while processing your request';

export async function handleDurableHttp(
  core: EngineCore,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  try {
    await route(core, req, res, url);
  } catch (error) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof HttpProblem) sendError(res, error.status, error.message);
    else sendError(res, 500, genericFailure);
    if (!(error instanceof HttpProblem)) throw error; // the caller logs it; the client saw no details
  }
}

async function route(core: EngineCore, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const rest = url.pathname.slice(webhookPath.length).replace(/^\/+/, '');
  const parts = rest.split('/').map(decodeSegment);
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  const method = (req.method ?? 'GET').toUpperCase();
  const [resource = '', id, command, argument] = parts;
  switch (resource.toLowerCase()) {
    case 'orchestrators':
      if (method !== 'POST' || id === undefined || id === '' || parts.length > 3) return sendEmpty(res, 404);
      return startOrchestration(core, req, res, url, id, command);
    case 'instances':
      if (id === undefined || id === '') {
        if (method === 'GET') return handleListInstances(core, req, res, url);
        if (method === 'DELETE') return handlePurgeInstances(core, res, url);
        return sendEmpty(res, 404);
      }
      if (command === undefined) {
        if (method === 'GET') return getStatus(core, res, url, id);
        if (method === 'DELETE') return purgeOne(core, res, id);
        return sendEmpty(res, 404);
      }
      if (method !== 'POST') return sendEmpty(res, 404);
      return handleInstanceCommand(core, req, res, url, { id, command: command.toLowerCase(), argument });
    case 'entities':
      return sendError(res, 501, 'Durable entities are not supported by the devhost.');
    default:
      return sendEmpty(res, 404);
  }
}

// The SDK puts instance ids into URLs unencoded, so "50%off" must stay as it is, as ASP.NET Core leaves it.
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function validateInstanceId(id: string): void {
  // eslint-disable-next-line no-control-regex
  if (id.startsWith('@') || /[/\\#?\u0000-\u001f\u007f]/.test(id) || id.length > 256) {
    throw new HttpProblem(400, `The instance id '${id.slice(0, 256)}' is not valid.`);
  }
}

async function startOrchestration(
  core: EngineCore,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  name: string,
  requestedId: string | undefined,
): Promise<void> {
  const known = core.invoker.orchestrators();
  if (!known.has(name)) {
    const list = [...known].map((n) => `'${n}'`).join(', ');
    throw new HttpProblem(
      400,
      `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function. Additional info: ` +
        `The following are the known orchestrator functions: ${list}.`,
    );
  }
  const instanceId = requestedId ?? randomUUID().replaceAll('-', '');
  validateInstanceId(instanceId);
  const body = await readBody(req);
  const input = body.trim() === '' ? 'null' : body;
  try {
    JSON.parse(input);
  } catch {
    throw new HttpProblem(400, 'The request body is not valid JSON.');
  }
  const query = readQuery(url);
  const outcome = core.startInstance({ name, instanceId, input, version: query.get('version') ?? '' });
  if (!outcome.ok) {
    sendError(
      res,
      500,
      genericFailure,
      `An Orchestration instance with the status ${outcome.existingStatus} already exists.`,
    );
    return;
  }
  const timeout = Number(query.get('timeout'));
  if (timeout > 0) {
    const interval = Number(query.get('pollingInterval')) || 1;
    await waitForCompletion(core, res, url, instanceId, timeout * 1000, interval * 1000);
    return;
  }
  sendCheckStatus(core, res, url, instanceId);
}

/** Like WaitForCompletionOrCreateCheckStatusResponse: the outcome if it ends in time, else the 202 payload. */
async function waitForCompletion(
  core: EngineCore,
  res: ServerResponse,
  url: URL,
  instanceId: string,
  timeoutMs: number,
  intervalMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Polling more often than asked only makes the answer faster; it never changes it.
  const pollMs = Math.max(10, Math.min(intervalMs, 100));
  for (;;) {
    const row = core.store().getInstance(instanceId);
    if (row !== undefined && !activeStatuses.has(row.status)) {
      const status = formatStatus(row, { showInput: true, showHistory: false, showHistoryOutput: false });
      if (row.status === 'Completed') sendJson(res, 200, status.output);
      else sendJson(res, row.status === 'Failed' ? 500 : 200, status);
      return;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  sendCheckStatus(core, res, url, instanceId);
}

function getStatus(core: EngineCore, res: ServerResponse, url: URL, id: string): void {
  const store = core.store();
  const row = store.getInstance(id);
  if (row === undefined) return sendEmpty(res, 404);
  const query = readQuery(url);
  const options = {
    showInput: readFlag(query, 'showInput', true),
    showHistory: readFlag(query, 'showHistory', false),
    showHistoryOutput: readFlag(query, 'showHistoryOutput', false),
  };
  const body = formatStatus(row, options, options.showHistory ? store.readHistory(id) : undefined);
  if (activeStatuses.has(row.status)) {
    sendJson(res, 202, body, { location: url.href, 'retry-after': '5' });
  } else if (row.status === 'Failed' && readFlag(query, 'returnInternalServerErrorOnFailure', false)) {
    sendJson(res, 500, body);
  } else {
    sendJson(res, 200, body);
  }
}

function purgeOne(core: EngineCore, res: ServerResponse, id: string): void {
  if (!core.store().purgeInstance(id)) return sendEmpty(res, 404);
  sendJson(res, 200, { instancesDeleted: 1 });
}
