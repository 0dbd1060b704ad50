import { describe, expect, it } from 'vitest';
import { CheckCode, ISSUE_SAMPLES_PER_CHECK } from '../../src/analysis/checkCodes';
import { createIssueSampler } from '../../src/analysis/createIssueSampler';
import { createIssueNotes, flushIssueNotes, Note, noteIssue } from '../../src/analysis/issueNotes';
import { parseIsoDay } from '../../src/analysis/dayNumbers';

describe('issue notes', () => {
  it('hands notes to the sampler in the order taken, with the texts built from their numbers', () => {
    const sampler = createIssueSampler();
    const target = sampler.begin('600000.SH');
    const notes = createIssueNotes(sampler.sample);
    const day = parseIsoDay('2024-03-01');
    noteIssue(notes, Note.OhlcViolation, day, 7, 10.5, 10, 10.2, 10.3);
    noteIssue(notes, Note.LimitBreach, day, 8, 0, 1, 11.55, 12);
    noteIssue(notes, Note.StaleRun, -1, 0, 6, 9.87, day);
    noteIssue(notes, Note.ZeroVolume, day, 9);
    expect(target.issues).toEqual([]);

    flushIssueNotes(notes);
    expect(target.issues.map(({ check, line, detail }) => [check, line, detail])).toEqual([
      [CheckCode.OhlcViolation, 7, 'o=10.5 h=10 l=10.2 c=10.3'],
      [CheckCode.LimitBreach, 8, 'close 12 above limit 11.55'],
      [CheckCode.StaleRun, 0, '6 rows with close 9.87 ending before 2024-03-01'],
      [CheckCode.ZeroVolume, 9, 'volume 0'],
    ]);
    expect(notes.count).toBe(0);
  });

  it('keeps no more notes of a kind than the sampler would, and starts afresh after a flush', () => {
    const sampler = createIssueSampler();
    const target = sampler.begin('000001.SZ');
    const notes = createIssueNotes(sampler.sample);
    for (let i = 0; i < ISSUE_SAMPLES_PER_CHECK * 3; i++) noteIssue(notes, Note.ParseError, i, i + 2);
    noteIssue(notes, Note.OffCalendar, 5, 99);
    expect(notes.count).toBe(ISSUE_SAMPLES_PER_CHECK + 1);

    flushIssueNotes(notes);
    expect(target.issues.filter((issue) => issue.check === CheckCode.ParseError)).toHaveLength(ISSUE_SAMPLES_PER_CHECK);
    expect(target.issues.at(-1)).toMatchObject({ check: CheckCode.OffCalendar, day: 5, line: 99 });

    sampler.begin('000002.SZ');
    noteIssue(notes, Note.ParseError, 1, 3);
    expect(notes.count).toBe(1);
  });
});
