import { randomUUID } from 'node:crypto';

interface ProgrammingModelLike {
  getInvocationModel(coreContext: Record<string, unknown>): unknown;
}

interface InvocationModelLike {
  getArguments(): Promise<unknown>;
}

const isProgrammingModel = (value: unknown): value is ProgrammingModelLike =>
  typeof (value as Partial<ProgrammingModelLike> | undefined)?.getInvocationModel === 'function';

/**
 * Whether the app called `app.setup({ enableHttpStream: true })`. The library keeps that flag private; what it
 * shows is that, with streams on, building the arguments of an HTTP invocation waits for the request to arrive on
 * its own proxy instead of taking the body from the host. So the probe asks the app's programming model for the
 * arguments of a dummy HTTP invocation and looks whether they are ready once pending promise callbacks have run.
 * (With streams on, the library keeps one listener for the dummy invocation id; it never fires.)
 */
export async function isHttpStreamEnabled(programmingModel: unknown): Promise<boolean> {
  if (!isProgrammingModel(programmingModel)) return false;
  const invocationId = `devhost-stream-probe-${randomUUID()}`;
  const bindings = { req: { type: 'httpTrigger', direction: 'in' } };
  let settled = false;
  try {
    const model = (await programmingModel.getInvocationModel({
      invocationId,
      metadata: { name: 'devhostStreamProbe', bindings },
      request: { invocationId, inputData: [{ name: 'req', data: { string: '' } }], triggerMetadata: {} },
      state: undefined,
      log: () => undefined,
    })) as InvocationModelLike;
    model.getArguments().then(
      () => (settled = true),
      () => (settled = true),
    );
  } catch {
    return false;
  }
  await new Promise<void>((resolve) => setImmediate(resolve));
  return !settled;
}
