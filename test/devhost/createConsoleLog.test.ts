import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createLineBatcher } from '../../devhost/createConsoleLog';

function recordingStreams() {
  const writes: string[] = [];
  const stream = (name: string) => ({
    write: (text: string): boolean => {
      writes.push(`${name}:${text}`);
      return true;
    },
  });
  return { writes, stdout: stream('out'), stderr: stream('err') };
}

describe('the console log line batcher', () => {
  it('writes the lines of one turn of the event loop after it, in order, one write per run of a stream', async () => {
    const { writes, stdout, stderr } = recordingStreams();
    const lines = createLineBatcher(stdout, stderr);
    lines.write(false, 'a\n');
    lines.write(false, 'b\n');
    lines.write(true, 'warning\n');
    lines.write(false, 'c\n');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['out:a\nb\n', 'err:warning\n', 'out:c\n']);
    lines.write(false, 'd\n');
    await nextTurn();
    expect(writes.at(-1)).toBe('out:d\n');
  });

  it('writes what is pending at once when flushed, and nothing twice', async () => {
    const { writes, stdout, stderr } = recordingStreams();
    const lines = createLineBatcher(stdout, stderr);
    lines.write(false, 'ready\n');
    lines.flush();
    expect(writes).toEqual(['out:ready\n']);
    await nextTurn();
    expect(writes).toEqual(['out:ready\n']);
  });
});
