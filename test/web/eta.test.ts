import { describe, expect, it } from 'vitest';
import type { StageEstimate, Task } from '../../web/apiTypes';
import { estimateSecondsLeft } from '../../web/eta';

const plan: StageEstimate[] = [
  { stage: 'download', from: 0, to: 60, median_seconds: 60, samples: 3 },
  { stage: 'unzip', from: 60, to: 75, median_seconds: 10, samples: 3 },
  { stage: 'analyze', from: 75, to: 99, median_seconds: 30, samples: 3 },
];

function task(fields: Partial<Task>): Task {
  return {
    task_id: 'x',
    task_type: 'download',
    status: 'running',
    source: 'manual',
    progress: 0,
    stage: null,
    message: null,
    error: null,
    created_at: '2025-01-01T00:00:00.000Z',
    started_at: null,
    finished_at: null,
    retry_of: null,
    ...fields,
  };
}

describe('the time-left estimate', () => {
  it('adds the unfinished share of the current stage to every later stage', () => {
    expect(estimateSecondsLeft(task({ stage: 'download', progress: 30 }), plan)).toBe(30 + 10 + 30);
    expect(estimateSecondsLeft(task({ stage: 'analyze', progress: 87 }), plan)).toBe(15);
    expect(estimateSecondsLeft(task({ status: 'pending' }), plan)).toBe(100);
  });

  it('gives no estimate without past runs of a stage still to come, or for an ended task', () => {
    const unknown = plan.map((slice) => (slice.stage === 'analyze' ? { ...slice, median_seconds: null } : slice));
    expect(estimateSecondsLeft(task({ stage: 'unzip', progress: 70 }), unknown)).toBeNull();
    expect(estimateSecondsLeft(task({ status: 'success', progress: 100, stage: 'analyze' }), plan)).toBeNull();
  });
});
