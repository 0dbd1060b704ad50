import { format } from 'node:util';
import type { InvocationContext, LogLevel } from '@azure/functions';
import type { AppRegistry } from '../core/coreShim.js';
import type { DevhostLog } from '../durable/types.js';
import { createHookContext } from './runHooks.js';

/** Where an invocation is; the library warns about user logs once the function has finished (except in post hooks). */
export interface InvocationPhase {
  current: 'running' | 'postInvocationHooks' | 'done';
}

export interface LogHandlerOptions {
  registry: AppRegistry;
  log: DevhostLog;
  functionName: string;
  invocationId: string;
  phase: InvocationPhase;
  context(): InvocationContext | undefined;
}

/** The InvocationContext's log handler: log hooks may rewrite level and message; late calls get the library's warning. */
export function createLogHandler(options: LogHandlerOptions) {
  const { registry, log, functionName, invocationId, phase } = options;
  return (level: LogLevel, ...args: unknown[]): void => {
    if (phase.current === 'done') {
      log(
        'warning',
        "Warning: Unexpected call to 'log' on the context object after function execution has completed. Please " +
          `check for asynchronous calls that are not awaited. Function name: ${functionName}. Invocation Id: ${invocationId}.`,
      );
    }
    if (level === 'none') return;
    let message = format(...args);
    let finalLevel: LogLevel = level;
    if (registry.hooks.log.length > 0) {
      const hookContext = createHookContext({}, registry.appHookData, {
        level,
        message,
        category: 'user',
        invocationContext: options.context(),
      });
      for (const hook of [...registry.hooks.log]) {
        try {
          void hook(hookContext);
        } catch (error) {
          log('warning', `A log hook threw: ${String(error)}`);
        }
      }
      message = String(hookContext['message']);
      finalLevel = hookContext['level'] as LogLevel;
    }
    if (finalLevel !== 'none') log(finalLevel, `[${functionName}] ${message}`);
  };
}
