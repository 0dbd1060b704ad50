import { resolveBindingSettings } from '../config/resolveSettingReferences.js';
import type { BindingMetadata, RegisteredFunction } from '../core/coreShim.js';
import { parseRetryPolicy, type RetryPolicy } from './parseRetryPolicy.js';

export type FunctionKind = 'http' | 'timer' | 'orchestration' | 'activity' | 'entity' | 'unsupported';

/** A binding with its canonical name (the metadata map key, as the worker uses it) and %settings% resolved. */
export type NamedBinding = BindingMetadata & { name: string };

/** A registered function as the devhost will run it. */
export interface HostedFunction {
  readonly name: string;
  readonly kind: FunctionKind;
  readonly trigger: NamedBinding;
  readonly returnBinding: NamedBinding | undefined;
  readonly extraInputs: readonly NamedBinding[];
  readonly extraOutputs: readonly NamedBinding[];
  readonly registered: RegisteredFunction;
  /** The function-level retry policy; only timer functions are retried (see startDevhost). */
  readonly retry: RetryPolicy | undefined;
  /** AzureWebJobs.<name>.Disabled is true or 1. */
  readonly disabled: boolean;
  /** Why the function cannot run here; an invocation attempt fails with these reasons. */
  readonly problems: string[];
}

const kindsByTrigger: Record<string, FunctionKind> = {
  httptrigger: 'http',
  timertrigger: 'timer',
  orchestrationtrigger: 'orchestration',
  activitytrigger: 'activity',
  entitytrigger: 'entity',
};

const durableClientTypes = new Set(['durableclient', 'orchestrationclient']);

function isDisabled(name: string, env: NodeJS.ProcessEnv): boolean {
  const value = env[`AzureWebJobs.${name}.Disabled`]?.trim().toLowerCase();
  return value === 'true' || value === '1';
}

/** Classifies a registration by trigger type and lists every binding the devhost cannot serve. */
export function classifyFunction(registered: RegisteredFunction, env: NodeJS.ProcessEnv): HostedFunction {
  const { metadata } = registered;
  const problems: string[] = [];
  const named: NamedBinding[] = [];
  let returnBinding: NamedBinding | undefined;
  for (const [key, raw] of Object.entries(metadata.bindings)) {
    let binding: NamedBinding;
    try {
      binding = { ...resolveBindingSettings(raw, env), name: key === '$return' ? (raw.name ?? key) : key };
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
      binding = { ...raw, name: key };
    }
    if (key === '$return') returnBinding = binding;
    else named.push(binding);
  }
  const isTrigger = (b: NamedBinding): boolean => b.direction === 'in' && b.type.toLowerCase().endsWith('trigger');
  const trigger = named.find(isTrigger) ?? { type: 'unknown', direction: 'in', name: 'unknown' };
  const extraInputs = named.filter((b) => b !== trigger && b.direction !== 'out');
  const extraOutputs = named.filter((b) => b.direction === 'out');
  let kind = kindsByTrigger[trigger.type.toLowerCase()] ?? 'unsupported';
  if (kind === 'unsupported') {
    kind = 'unsupported';
    problems.push(`the trigger type '${trigger.type}' is not supported by the devhost`);
  }
  for (const input of extraInputs) {
    if (!durableClientTypes.has(input.type.toLowerCase())) {
      problems.push(`the input binding '${input.name}' of type '${input.type}' is not supported by the devhost`);
    }
  }
  let retry: RetryPolicy | undefined;
  try {
    retry = parseRetryPolicy(metadata.retryOptions);
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  const outputs = returnBinding ? [...extraOutputs, returnBinding] : extraOutputs;
  for (const output of outputs) {
    if (output.type.toLowerCase() === 'http' && kind === 'http') continue;
    problems.push(`the output binding '${output.name}' of type '${output.type}' is not supported by the devhost`);
  }
  return {
    name: metadata.name,
    kind,
    trigger,
    returnBinding,
    extraInputs,
    extraOutputs,
    registered,
    retry,
    disabled: isDisabled(metadata.name, env),
    problems,
  };
}
