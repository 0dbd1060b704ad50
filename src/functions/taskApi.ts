import type { HttpMethod } from '@azure/functions';
import * as df from 'durable-functions';
import { getAppServices } from '../appServices';
import { Role } from '../auth';
import { authenticate } from '../http/authenticate';
import type { ApiHandler } from '../http/handlers/apiContext';
import { listBundleDaysHandler, listBundleFindingsHandler } from '../http/handlers/bundleAnalysisHandlers';
import { getBundleDiffHandler, getBundleDiffSymbolHandler } from '../http/handlers/bundleDiffHandlers';
import { getBundleHandler, listBundleSymbolsHandler } from '../http/handlers/bundleHandlers';
import { streamEventsHandler } from '../http/handlers/eventsHandler';
import { stageDurationsHandler } from '../http/handlers/stageDurationsHandler';
import { retryTaskHandler, submitTaskHandler } from '../http/handlers/submitTaskHandlers';
import {
  cancelTaskHandler,
  getTaskHandler,
  listTaskLogsHandler,
  listTasksHandler,
} from '../http/handlers/taskReadHandlers';
import { withErrorHandling } from '../http/withErrorHandling';
import { createPipelineControl } from '../pipeline/createPipelineControl';

/** Registers one authenticated API route as a durable-client HTTP function. */
function registerApiRoute(name: string, method: HttpMethod, route: string, role: Role, handler: ApiHandler): void {
  df.app.client.http(name, {
    methods: [method],
    route,
    authLevel: 'anonymous',
    handler: (request, client, context) =>
      withErrorHandling(async (req) => {
        const services = getAppServices();
        const principal = await authenticate(req, services.verifier, role);
        return handler(req, {
          services,
          principal,
          control: createPipelineControl(client),
          warn: (message) => context.warn(message),
        });
      })(request, context),
  });
}

registerApiRoute('submitTask', 'POST', 'market-data/tasks', Role.Write, submitTaskHandler);
registerApiRoute('listTasks', 'GET', 'market-data/tasks', Role.Read, listTasksHandler);
registerApiRoute('getTask', 'GET', 'market-data/tasks/{task_id}', Role.Read, getTaskHandler);
registerApiRoute('listTaskLogs', 'GET', 'market-data/tasks/{task_id}/logs', Role.Read, listTaskLogsHandler);
registerApiRoute('retryTask', 'POST', 'market-data/tasks/{task_id}/retry', Role.Write, retryTaskHandler);
registerApiRoute('cancelTask', 'POST', 'market-data/tasks/{task_id}/cancel', Role.Write, cancelTaskHandler);
registerApiRoute('getBundle', 'GET', 'market-data/bundle', Role.Read, getBundleHandler);
registerApiRoute('listBundleSymbols', 'GET', 'market-data/bundle/symbols', Role.Read, listBundleSymbolsHandler);
registerApiRoute('listBundleDays', 'GET', 'market-data/bundle/days', Role.Read, listBundleDaysHandler);
registerApiRoute('listBundleFindings', 'GET', 'market-data/bundle/findings', Role.Read, listBundleFindingsHandler);
registerApiRoute('getBundleDiff', 'GET', 'market-data/bundle/diff', Role.Read, getBundleDiffHandler);
registerApiRoute(
  'getBundleDiffSymbol',
  'GET',
  'market-data/bundle/diff/symbols/{symbol}',
  Role.Read,
  getBundleDiffSymbolHandler,
);
registerApiRoute('stageDurations', 'GET', 'market-data/stage-durations', Role.Read, stageDurationsHandler);
registerApiRoute('taskEvents', 'GET', 'market-data/events', Role.Read, streamEventsHandler);
