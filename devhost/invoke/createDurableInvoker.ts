import { randomUUID } from 'node:crypto';
import type { DurableFunctionInvoker } from '../durable/types.js';
import type { FunctionKind, HostedFunction } from '../functions/classifyFunction.js';
import type { FunctionInvoker } from './createInvoker.js';

const kindLabels: Record<'orchestration' | 'activity' | 'entity', string> = {
  orchestration: 'orchestrator',
  activity: 'activity',
  entity: 'entity',
};

/** The engine's view of the app: enabled durable functions by kind, invoked through the core's invoker. */
export function createDurableInvoker(
  functions: readonly HostedFunction[],
  invoker: FunctionInvoker,
  origin: () => string,
): DurableFunctionInvoker {
  const runnable = (kind: FunctionKind): Map<string, HostedFunction> =>
    new Map(functions.filter((fn) => fn.kind === kind && !fn.disabled).map((fn) => [fn.name, fn]));
  const byKind = {
    orchestration: runnable('orchestration'),
    activity: runnable('activity'),
    entity: runnable('entity'),
  };

  // The extension's message for unknown names, so the engine can fail the instance the same way.
  const find = (kind: keyof typeof byKind, name: string): HostedFunction => {
    const fn = byKind[kind].get(name);
    if (!fn) {
      const known = [...byKind[kind].keys()].map((n) => `'${n}'`).join(', ');
      throw new Error(
        `The function '${name}' doesn't exist, is disabled, or is not an ${kindLabels[kind]} function. ` +
          `Additional info: The following are the known ${kindLabels[kind]} functions: ${known}.`,
      );
    }
    return fn;
  };

  const invoke = async (
    kind: keyof typeof byKind,
    name: string,
    value: unknown,
    triggerMetadata: Record<string, unknown> | undefined,
  ): Promise<unknown> =>
    invoker.invoke(find(kind, name), {
      trigger: () => value,
      triggerMetadata,
      origin: origin(),
      successLevel: 'debug',
    });

  return {
    orchestrators: () => new Set(byKind.orchestration.keys()),
    activities: () => new Set(byKind.activity.keys()),
    entities: () => new Set(byKind.entity.keys()),
    invokeOrchestrator: (name, bindingInfo, instanceId) => invoke('orchestration', name, bindingInfo, { instanceId }),
    invokeActivity: (name, input, instanceId) => {
      const fn = byKind.activity.get(name);
      return invoke('activity', name, input, {
        instanceId,
        data: input,
        ...(fn ? { [fn.trigger.name]: input } : {}),
        sys: { methodName: name, utcNow: new Date().toISOString(), randGuid: randomUUID() },
      });
    },
    invokeEntity: (name, bindingInfo, instanceId) => invoke('entity', name, bindingInfo, { instanceId }),
  };
}
