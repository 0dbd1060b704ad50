// Instance commands and queries of the webhook API: raise event, terminate, suspend, resume, rewind, restart,
// list with filters and paging, purge by filter.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InstanceFilter } from './createDurableStore';
import type { EngineCore } from './engineCore';
import { formatStatus } from './formatStatus';
import { EventType, activeStatuses, createEvent, runtimeStatusNames } from './historyEvents';
import { HttpProblem, readBody, readFlag, readQuery, readTimeMs, sendEmpty, sendError, sendJson } from './httpIo';
import { sendCheckStatus } from './sendCheckStatus';

const defaultPageSize = 100;
const purgeableStatuses = ['Completed', 'Failed', 'Terminated'];

export async function handleInstanceCommand(
  core: EngineCore,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  target: { id: string; command: string; argument: string | undefined },
): Promise<void> {
  const row = core.store().getInstance(target.id);
  const query = readQuery(url);
  if (target.command === 'restart') {
    if (row === undefined) throw new HttpProblem(400, 'InstanceId does not match a valid orchestration instance.');
    const newId = readFlag(query, 'restartWithNewInstanceId', true)
      ? randomUUID().replaceAll('-', '')
      : row.instance_id;
    const outcome = core.startInstance({
      name: row.name,
      instanceId: newId,
      input: row.input ?? 'null',
      version: row.version,
    });
    if (!outcome.ok) {
      sendError(
        res,
        500,
        'Something went wrong while processing your request',
        `An Orchestration instance with the status ${outcome.existingStatus} already exists.`,
      );
      return;
    }
    return sendCheckStatus(core, res, url, newId);
  }
  const known = ['raiseevent', 'terminate', 'suspend', 'resume', 'rewind'];
  if (!known.includes(target.command) || (target.command === 'raiseevent' && !target.argument)) {
    return sendEmpty(res, 404);
  }
  if (row === undefined) return sendEmpty(res, 404);
  if (!activeStatuses.has(row.status) && !(target.command === 'rewind' && row.status === 'Failed')) {
    return sendEmpty(res, 410);
  }
  const reason = query.get('reason') ?? '';
  const now = core.now().toISOString();
  switch (target.command) {
    case 'raiseevent': {
      const contentType = req.headers['content-type'];
      if (contentType !== undefined && !contentType.toLowerCase().includes('application/json')) {
        throw new HttpProblem(400, 'Only application/json request content is supported');
      }
      const body = await readBody(req);
      if (body.trim() !== '') {
        try {
          JSON.parse(body);
        } catch {
          throw new HttpProblem(400, 'The request body is not valid JSON.');
        }
      }
      const fields = body.trim() === '' ? { Name: target.argument } : { Name: target.argument, Input: body };
      core.sendToInstance(row.instance_id, createEvent(EventType.EventRaised, now, fields));
      return sendEmpty(res, 202);
    }
    case 'terminate':
      core.sendToInstance(row.instance_id, createEvent(EventType.ExecutionTerminated, now, { Input: reason }));
      return sendEmpty(res, 202);
    case 'suspend':
      core.sendToInstance(row.instance_id, createEvent(EventType.ExecutionSuspended, now, { Reason: reason }));
      return sendEmpty(res, 202);
    case 'resume':
      core.sendToInstance(row.instance_id, createEvent(EventType.ExecutionResumed, now, { Reason: reason }));
      return sendEmpty(res, 202);
    default:
      return sendError(res, 501, 'Rewind is not supported by the devhost.');
  }
}

function readFilter(url: URL, onlyStatuses?: readonly string[]): InstanceFilter {
  const query = readQuery(url);
  const requested = (query.get('runtimestatus') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const status of requested) {
    if (!runtimeStatusNames.some((known) => known.toLowerCase() === status.toLowerCase())) {
      throw new HttpProblem(400, `'${status}' is not a valid runtime status.`);
    }
  }
  let statuses = requested.map((s) => runtimeStatusNames.find((k) => k.toLowerCase() === s.toLowerCase()) ?? s);
  if (onlyStatuses !== undefined) {
    statuses = statuses.length === 0 ? [...onlyStatuses] : statuses.filter((s) => onlyStatuses.includes(s));
    if (statuses.length === 0) statuses = ['-'];
  }
  return {
    instanceIdPrefix: query.get('instanceidprefix') || null,
    createdFromMs: readTimeMs(query, 'createdTimeFrom'),
    createdToMs: readTimeMs(query, 'createdTimeTo'),
    statuses: statuses.length === 0 ? null : `,${statuses.join(',')},`,
  };
}

export function handleListInstances(core: EngineCore, req: IncomingMessage, res: ServerResponse, url: URL): void {
  const filter = readFilter(url);
  const query = readQuery(url);
  const top = Number(query.get('top'));
  const pageSize = Number.isInteger(top) && top > 0 ? top : defaultPageSize;
  const token = Number(req.headers['x-ms-continuation-token'] ?? 0);
  const start = Number.isInteger(token) && token > 0 ? token : 0;
  const rows = core.store().queryInstances(filter, pageSize + 1, start);
  const showInput = readFlag(query, 'showInput', true);
  const page = rows
    .slice(0, pageSize)
    .map((row) => formatStatus(row, { showInput, showHistory: false, showHistoryOutput: false }));
  // Only a further page gets a token: the SDK keeps requesting while the header is truthy, even for "null".
  const headers: Record<string, string> =
    rows.length > pageSize ? { 'x-ms-continuation-token': String(start + pageSize) } : {};
  sendJson(res, 200, page, headers);
}

export function handlePurgeInstances(core: EngineCore, res: ServerResponse, url: URL): void {
  const filter = readFilter(url, purgeableStatuses);
  if (filter.createdFromMs === null)
    throw new HttpProblem(400, "Please provide value for 'createdTimeFrom' parameter.");
  filter.createdToMs ??= core.now().getTime();
  const store = core.store();
  let deleted = 0;
  for (const row of store.queryInstances(filter, -1, 0)) if (store.purgeInstance(row.instance_id)) deleted++;
  if (deleted === 0) return sendEmpty(res, 404);
  sendJson(res, 200, { instancesDeleted: deleted });
}
