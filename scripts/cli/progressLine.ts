import type { StageContext } from '../../src/stages/stageContext';

/**
 * Live progress on one rewritten stderr line, only when stderr is a terminal (never in pipes or logs); `label` names
 * the work ("analysing"). Every step's message is shown (listing an archive whose layout shows late, extracting or
 * splitting a long-form file, the symbols), so a long step never looks stalled. An empty message clears the line.
 */
export function createProgressLine(label: string): StageContext['onProgress'] {
  if (!process.stderr.isTTY) return () => undefined;
  let shown = '';
  return (progress) => {
    if (progress.message === shown) return;
    shown = progress.message;
    process.stderr.write(`\r\x1b[K${progress.message === '' ? '' : `${label}: ${progress.message}`}`);
  };
}
