import type { HttpResponseInit } from '@azure/functions';
import type { AppServices } from '../../appServices';
import { ClientMessage } from '../../clientMessages';
import { describeError } from '../toErrorResponse';

/**
 * GET /api/market-data/health (no auth). 200 with the active task when the database answers; 503 otherwise.
 * `getServices` is passed in so a configuration or database failure is reported here rather than thrown.
 */
export function checkHealth(getServices: () => AppServices, log: (message: string) => void): HttpResponseInit {
  try {
    const services = getServices();
    const active = services.tasks.getActiveTask();
    return {
      status: 200,
      jsonBody: {
        status: 'ok',
        active_task_id: active?.task_id ?? null,
        active_task_status: active?.status ?? null,
        bundle_installed: services.bundles.getInstalledBundle() !== null,
      },
    };
  } catch (error) {
    log(`health check failed: ${describeError(error)}`);
    return { status: 503, jsonBody: { status: 'unavailable', error: ClientMessage.unavailable } };
  }
}
