/**
 * Durable names are persisted state: they live in orchestration history. Renaming one is a schema change —
 * in-flight instances would replay against a name that no longer exists.
 */
export const PipelineName = {
  orchestrator: 'marketDataPipeline',
  beginTask: 'beginTask',
  downloadBundle: 'downloadBundle',
  unzipBundle: 'unzipBundle',
  analyzeBundle: 'analyzeBundle',
  rollbackBundle: 'rollbackBundle',
  diffBundle: 'diffBundle',
  finishTask: 'finishTask',
} as const;

/** The singleton instance id: while it is Pending/Running/Suspended, no other pipeline can start. */
export const PIPELINE_INSTANCE_ID = 'market-data-pipeline';
