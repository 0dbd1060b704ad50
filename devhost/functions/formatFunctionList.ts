import type { HostedFunction } from './classifyFunction.js';

export interface FunctionListContext {
  /** e.g. "http://localhost:7071" */
  origin: string;
  routePrefix: string;
  nextTimerRun(name: string): Date | undefined;
}

/** The route a function answers on, relative to the route prefix (the function name when route is unset). */
export function routeOf(fn: HostedFunction): string {
  const route = fn.trigger['route'];
  return typeof route === 'string' && route !== '' ? route.replace(/^\/+/, '') : fn.name;
}

export function methodsOf(fn: HostedFunction): string[] {
  const methods = fn.trigger['methods'];
  return Array.isArray(methods) && methods.length > 0 ? methods.map((m) => String(m).toUpperCase()) : ['GET', 'POST'];
}

function describe(fn: HostedFunction, context: FunctionListContext): string {
  if (fn.problems.length > 0) return `${fn.trigger.type} (unsupported: ${fn.problems.join('; ')})`;
  switch (fn.kind) {
    case 'http': {
      const path = [context.routePrefix, routeOf(fn)].filter((p) => p !== '').join('/');
      return `[${methodsOf(fn).join(',')}] ${context.origin}/${path}`;
    }
    case 'timer': {
      const next = context.nextTimerRun(fn.name);
      return `timerTrigger (schedule: ${String(fn.trigger['schedule'])}${next ? `, next run: ${next.toISOString()}` : ''})`;
    }
    case 'orchestration':
      return 'orchestrationTrigger';
    case 'activity':
      return 'activityTrigger';
    case 'entity':
      return 'entityTrigger';
    case 'unsupported':
      return `${fn.trigger.type} (unsupported)`;
  }
}

/** The start-up listing, one function per line, in the style of `func start`. */
export function formatFunctionList(functions: readonly HostedFunction[], context: FunctionListContext): string {
  if (functions.length === 0) return 'No functions were registered by the app.';
  const lines = functions.map(
    (fn) => `        ${fn.name}: ${fn.disabled ? '(disabled) ' : ''}${describe(fn, context)}`,
  );
  return ['Functions:', '', ...lines, ''].join('\n');
}
