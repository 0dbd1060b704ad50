import { app, type HttpMethod } from '@azure/functions';
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
import { rejectUnexpectedQuery } from '../http/rejectUnexpectedQuery';
import { withErrorHandling } from '../http/withErrorHandling';
import { createPipelineControl } from '../pipeline/createPipelineControl';

/**
 * Registers one authenticated API route as an HTTP function with a durable client input. The client is made from
 * the input only when the handler needs the orchestration (most reads do not), since making one costs more than
 * the rest of a read. `query` lists the query parameters the route reads; any other, or one given twice, is a 400.
 */
function registerApiRoute(
  name: string,
  method: HttpMethod,
  route: string,
  role: Role,
  handler: ApiHandler,
  query: readonly string[] = [],
): void {
  app.http(name, {
    methods: [method],
    route,
    authLevel: 'anonymous',
    extraInputs: [df.input.durableClient()],
    handler: withErrorHandling(async (request, context) => {
      const services = getAppServices();
      const principal = await authenticate(request, services.verifier, role);
      rejectUnexpectedQuery(request.query, query);
      return handler(request, {
        services,
        principal,
        control: createPipelineControl(() => df.getClient(context)),
        warn: (message) => context.warn(message),
      });
    }),
  });
}

registerApiRoute('submitTask', 'POST', 'market-data/tasks', Role.Write, submitTaskHandler);
registerApiRoute('listTasks', 'GET', 'market-data/tasks', Role.Read, listTasksHandler, [
  'status',
  'task_type',
  'source',
  'limit',
  'before',
]);
registerApiRoute('getTask', 'GET', 'market-data/tasks/{task_id}', Role.Read, getTaskHandler);
registerApiRoute('listTaskLogs', 'GET', 'market-data/tasks/{task_id}/logs', Role.Read, listTaskLogsHandler, [
  'after',
  'limit',
  'level',
]);
registerApiRoute('retryTask', 'POST', 'market-data/tasks/{task_id}/retry', Role.Write, retryTaskHandler);
registerApiRoute('cancelTask', 'POST', 'market-data/tasks/{task_id}/cancel', Role.Write, cancelTaskHandler);
registerApiRoute('getBundle', 'GET', 'market-data/bundle', Role.Read, getBundleHandler);
registerApiRoute('listBundleSymbols', 'GET', 'market-data/bundle/symbols', Role.Read, listBundleSymbolsHandler, [
  'q',
  'limit',
  'offset',
  'sort',
]);
registerApiRoute('listBundleDays', 'GET', 'market-data/bundle/days', Role.Read, listBundleDaysHandler);
registerApiRoute('listBundleFindings', 'GET', 'market-data/bundle/findings', Role.Read, listBundleFindingsHandler, [
  'symbol',
  'check',
  'limit',
  'offset',
]);
registerApiRoute('getBundleDiff', 'GET', 'market-data/bundle/diff', Role.Read, getBundleDiffHandler, [
  'q',
  'change',
  'sort',
  'limit',
  'offset',
  'diff_id',
]);
registerApiRoute(
  'getBundleDiffSymbol',
  'GET',
  'market-data/bundle/diff/symbols/{symbol}',
  Role.Read,
  getBundleDiffSymbolHandler,
  ['diff_id'],
);
registerApiRoute('stageDurations', 'GET', 'market-data/stage-durations', Role.Read, stageDurationsHandler);
registerApiRoute('taskEvents', 'GET', 'market-data/events', Role.Read, streamEventsHandler);
