import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { AppServices } from '../../appServices';
import type { Principal } from '../../auth';
import type { PipelineControl } from '../../pipeline/createPipelineControl';

/** What an API handler gets besides the request: verified caller, services, and the orchestration handle. */
export interface ApiContext {
  /** The stores and settings; never the raw connection. */
  readonly services: Omit<AppServices, 'db'>;
  readonly control: PipelineControl;
  readonly principal: Principal;
  /** Log a warning on the invocation (never shown to the client). */
  readonly warn: (message: string) => void;
}

export type ApiHandler = (request: HttpRequest, api: ApiContext) => Promise<HttpResponseInit>;

/** Absolute URL of a task, from the origin the caller used. */
export function taskUrl(request: HttpRequest, taskId: string): string {
  return `${new URL(request.url).origin}/api/market-data/tasks/${taskId}`;
}
