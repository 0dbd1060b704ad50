import type { ServerResponse } from 'node:http';
import type { EngineCore } from './engineCore';
import { sendJson } from './httpIo';
import { buildCheckStatusPayload } from './managementUrls';

/** 202 with the management URLs and a Location header, as the webhook API's start route answers. */
export function sendCheckStatus(core: EngineCore, res: ServerResponse, url: URL, instanceId: string): void {
  const payload = buildCheckStatusPayload(url.origin, core.hub, instanceId);
  sendJson(res, 202, payload, { location: payload.statusQueryGetUri ?? '', 'retry-after': '10' });
}
