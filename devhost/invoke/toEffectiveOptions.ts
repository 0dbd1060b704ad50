import type { EffectiveFunctionOptions, FunctionInput, FunctionOutput, FunctionTrigger } from '@azure/functions';
import type { BindingMetadata } from '../core/coreShim.js';

const isTrigger = (type: string): boolean => /trigger$/i.test(type);

// A function's bindings never change once registration is locked, so each is classified once.
const classified = new WeakMap<Record<string, BindingMetadata>, EffectiveFunctionOptions>();

/**
 * `context.options` as the worker hands it to the library: every registered binding as the app declared it (settings
 * such as `%SCHEDULE%` unresolved, `direction` and `properties` kept, `dataType` present), named by its key in the
 * metadata; the return binding is therefore named `$return`. Every call returns new objects, as every invocation
 * gets its own from the worker.
 */
export function toEffectiveOptions(bindings: Record<string, BindingMetadata>): EffectiveFunctionOptions {
  let template = classified.get(bindings);
  if (template === undefined) {
    template = classify(bindings);
    classified.set(bindings, template);
  }
  return {
    trigger: { ...template.trigger },
    return: template.return && { ...template.return },
    extraInputs: template.extraInputs.map((input) => ({ ...input })),
    extraOutputs: template.extraOutputs.map((output) => ({ ...output })),
  };
}

function classify(bindings: Record<string, BindingMetadata>): EffectiveFunctionOptions {
  let trigger: FunctionTrigger | undefined;
  let returnBinding: FunctionOutput | undefined;
  const extraInputs: FunctionInput[] = [];
  const extraOutputs: FunctionOutput[] = [];
  for (const [name, binding] of Object.entries(bindings)) {
    // The worker converts dataType and direction to its gRPC enums and back, so both keys are always present.
    const option = {
      ...binding,
      dataType: binding['dataType'],
      direction: binding.direction,
      type: binding.type,
      name,
    };
    if (isTrigger(binding.type)) trigger = option;
    else if (name === '$return') returnBinding = option;
    else if (binding.direction === 'in') extraInputs.push(option);
    else if (binding.direction === 'out') extraOutputs.push(option);
  }
  return {
    trigger: trigger ?? { type: 'unknown', name: 'unknown' },
    return: returnBinding,
    extraInputs,
    extraOutputs,
  };
}
