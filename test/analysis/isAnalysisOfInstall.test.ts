import { describe, expect, it } from 'vitest';
import { isAnalysisOfInstall } from '../../src/analysis/isAnalysisOfInstall';

const install = { installed_at: '2026-03-02T10:00:00.000Z' };

describe('isAnalysisOfInstall', () => {
  it('holds for a run that started at or after the install', () => {
    expect(isAnalysisOfInstall({ startedAt: '2026-03-02T10:00:00.000Z' }, install)).toBe(true);
    expect(isAnalysisOfInstall({ startedAt: '2026-03-02T10:05:00.000Z' }, install)).toBe(true);
  });

  it('does not hold for a run of an earlier install, such as the one a rollback replaced', () => {
    expect(isAnalysisOfInstall({ startedAt: '2026-03-02T09:59:59.999Z' }, install)).toBe(false);
  });

  it('does not hold without a run or without an install', () => {
    expect(isAnalysisOfInstall(null, install)).toBe(false);
    expect(isAnalysisOfInstall({ startedAt: '2026-03-02T10:05:00.000Z' }, null)).toBe(false);
  });
});
