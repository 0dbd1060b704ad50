import * as df from 'durable-functions';
import { getAppServices } from '../appServices';
import type { FinishTaskInput, StageActivityInput } from '../pipeline/pipelineContract';
import { marketDataPipelineOrchestrator } from '../pipeline/marketDataPipelineOrchestrator';
import { PipelineName } from '../pipeline/pipelineNames';

df.app.orchestration(PipelineName.orchestrator, marketDataPipelineOrchestrator);

df.app.activity(PipelineName.beginTask, {
  handler: (input: { taskId: string }) => getAppServices().activities.beginTask(input),
});
df.app.activity(PipelineName.downloadBundle, {
  handler: (input: StageActivityInput) => getAppServices().activities.downloadBundle(input),
});
df.app.activity(PipelineName.unzipBundle, {
  handler: (input: StageActivityInput) => getAppServices().activities.unzipBundle(input),
});
df.app.activity(PipelineName.rollbackBundle, {
  handler: (input: StageActivityInput) => getAppServices().activities.rollbackBundle(input),
});
df.app.activity(PipelineName.diffBundle, {
  handler: (input: StageActivityInput) => getAppServices().activities.diffBundle(input),
});
df.app.activity(PipelineName.analyzeBundle, {
  handler: (input: StageActivityInput) => getAppServices().activities.analyzeBundle(input),
});
df.app.activity(PipelineName.finishTask, {
  handler: (input: FinishTaskInput) => getAppServices().activities.finishTask(input),
});
