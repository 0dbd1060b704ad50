import { describe, expect, it } from 'vitest';
import { stagePlan, type PipelineTaskType } from '../../src/pipeline/stagePlan';

const TYPES: PipelineTaskType[] = ['download', 'analyze', 'rollback'];

describe('stagePlan', () => {
  it('gives every stage of a task type a contiguous slice from 0 to 99', () => {
    for (const withDiff of [true, false]) {
      for (const type of TYPES) {
        const plan = stagePlan(type, { withDiff });
        expect(plan[0]?.from).toBe(0);
        expect(plan.at(-1)?.to).toBe(99);
        plan.slice(1).forEach((slice, i) => expect(slice.from).toBe(plan[i]!.to));
      }
    }
  });

  it('puts the diff between the install and the analysis of downloads and rollbacks', () => {
    expect(stagePlan('download').map((s) => s.stage)).toEqual(['download', 'unzip', 'diff', 'analyze']);
    expect(stagePlan('rollback').map((s) => s.stage)).toEqual(['rollback', 'diff', 'analyze']);
    expect(stagePlan('analyze').map((s) => s.stage)).toEqual(['analyze']);
  });

  it('keeps the plan without a diff for an orchestration started before the diff stage existed', () => {
    expect(stagePlan('download', { withDiff: false }).map((s) => s.stage)).toEqual(['download', 'unzip', 'analyze']);
    expect(stagePlan('rollback', { withDiff: false }).map((s) => s.stage)).toEqual(['rollback', 'analyze']);
  });
});
