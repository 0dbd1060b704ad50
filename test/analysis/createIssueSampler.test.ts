import { describe, expect, it } from 'vitest';
import { CheckCode, ISSUE_SAMPLES_PER_CHECK } from '../../src/analysis/checkCodes';
import { createIssueSampler } from '../../src/analysis/createIssueSampler';

describe('createIssueSampler', () => {
  it('keeps at most the per-check cap of samples for a symbol, each check counted on its own', () => {
    const sampler = createIssueSampler();
    const target = sampler.begin('600000.SH');
    for (let i = 0; i < ISSUE_SAMPLES_PER_CHECK + 5; i++) sampler.sample(CheckCode.ParseError, i, i + 2, 'bad row');
    sampler.sample(CheckCode.ZeroVolume, 7, 9, 'volume 0');

    expect(target.issues.filter((issue) => issue.check === CheckCode.ParseError)).toHaveLength(ISSUE_SAMPLES_PER_CHECK);
    expect(target.issues.at(-1)).toEqual({
      symbol: '600000.SH',
      day: 7,
      check: CheckCode.ZeroVolume,
      line: 9,
      detail: 'volume 0',
    });
  });

  it('gives each symbol its own list and cap, and samples into an earlier symbol after use() points back at it', () => {
    const sampler = createIssueSampler();
    const first = sampler.begin('000001.SZ');
    for (let i = 0; i < ISSUE_SAMPLES_PER_CHECK; i++) sampler.sample(CheckCode.MissingDays, -1, 0, 'gap');
    const second = sampler.begin('000002.SZ');
    sampler.sample(CheckCode.MissingDays, -1, 0, 'gap');

    sampler.use(first);
    sampler.sample(CheckCode.MissingDays, -1, 0, 'over the cap');
    sampler.sample(CheckCode.StaleRun, -1, 0, 'stale');

    expect(first.issues).toHaveLength(ISSUE_SAMPLES_PER_CHECK + 1);
    expect(first.issues.at(-1)).toMatchObject({ symbol: '000001.SZ', check: CheckCode.StaleRun });
    expect(second.issues).toEqual([
      { symbol: '000002.SZ', day: -1, check: CheckCode.MissingDays, line: 0, detail: 'gap' },
    ]);
  });
});
