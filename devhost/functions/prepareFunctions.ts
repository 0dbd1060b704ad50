import type { AppRegistry } from '../core/coreShim.js';
import { compileRoute } from '../http/compileRoute.js';
import { createRouter, type Router } from '../http/createRouter.js';
import type { TimerDefinition } from '../timer/createTimerScheduler.js';
import { parseTimerSchedule } from '../timer/parseTimerSchedule.js';
import { assertTimeZone } from '../timer/zonedTime.js';
import { classifyFunction, type HostedFunction } from './classifyFunction.js';
import { methodsOf, routeOf } from './formatFunctionList.js';

export interface PreparedFunctions {
  functions: HostedFunction[];
  router: Router<HostedFunction>;
  timers: TimerDefinition[];
  /** The app has orchestrations, activities, entities or durable client bindings. */
  needsDurable: boolean;
}

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Classifies every registration and validates what can only be checked per function (route templates, timer
 * schedules): a bad one makes that function unavailable, listed with the reason, instead of stopping the host.
 */
export function prepareFunctions(
  registry: AppRegistry,
  env: NodeJS.ProcessEnv,
  routePrefix: string,
): PreparedFunctions {
  const functions = [...registry.functions.values()].map((registered) => classifyFunction(registered, env));
  const timeZone = env['WEBSITE_TIME_ZONE'] || env['TZ'] || 'UTC';
  const timers: TimerDefinition[] = [];
  const routes: { route: string; methods: string[]; target: HostedFunction }[] = [];
  for (const fn of functions) {
    // An HTTP function with an unsupported binding keeps its route, so calling it fails loudly instead of 404.
    if (fn.kind === 'http') {
      try {
        compileRoute(routeOf(fn));
        if (!fn.disabled) routes.push({ route: routeOf(fn), methods: methodsOf(fn), target: fn });
      } catch (error) {
        fn.problems.push(reason(error));
      }
    } else if (fn.kind === 'timer' && fn.problems.length === 0) {
      try {
        assertTimeZone(timeZone);
        const schedule = parseTimerSchedule(
          typeof fn.trigger['schedule'] === 'string' ? fn.trigger['schedule'] : '',
          timeZone,
        );
        const useMonitor =
          typeof fn.trigger['useMonitor'] === 'boolean' ? fn.trigger['useMonitor'] : !schedule.isSubMinute;
        if (!fn.disabled) {
          timers.push({ name: fn.name, schedule, runOnStartup: fn.trigger['runOnStartup'] === true, useMonitor });
        }
      } catch (error) {
        fn.problems.push(reason(error));
      }
    }
  }
  const needsDurable = functions.some(
    (fn) =>
      ['orchestration', 'activity', 'entity'].includes(fn.kind) ||
      fn.extraInputs.some((b) => ['durableclient', 'orchestrationclient'].includes(b.type.toLowerCase())),
  );
  return { functions, router: createRouter(routePrefix, routes), timers, needsDurable };
}
