import { readdirSync, readFileSync } from 'node:fs';

/** Resident set size of one process in bytes (from /proc/<pid>/status), or 0 when it is gone. */
function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match?.[1] === undefined ? 0 : Number(match[1]) * 1024;
  } catch {
    return 0;
  }
}

/** `root` and every process below it, from the parent ids in /proc/<pid>/stat. */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name may contain spaces and parentheses: the fields after its closing parenthesis are fixed.
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

export interface RssSampler {
  /** Highest total RSS of the tree seen so far, and the root's own high-water mark (VmHWM), in bytes. */
  stop(): { peakTreeBytes: number; rootHighWaterBytes: number };
}

/** Polls the summed RSS of `root`'s process tree every `everyMs` (worker threads are inside the root process). */
export function sampleTreeRss(root: number, everyMs = 100): RssSampler {
  let peak = 0;
  const sample = (): void => {
    const total = processTree(root).reduce((sum, pid) => sum + statusField(pid, 'VmRSS'), 0);
    peak = Math.max(peak, total);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakTreeBytes: peak, rootHighWaterBytes: statusField(root, 'VmHWM') };
    },
  };
}
