import type { StageContext } from '../../src/stages/stageContext';

/**
 * What a command's stages report to: live progress on one rewritten stderr line when stderr is a terminal (never in
 * pipes or logs), and warnings and errors on stderr. `label` names the work ("analysing"). Every step's progress is
 * shown (listing an archive whose layout shows late, extracting or splitting a long-form file, the symbols), so a long
 * step never looks stalled; a warning takes the progress line's place and the line comes back below it. A progress
 * with an empty message clears the line.
 */
export function createCommandContext(label: string, signal: AbortSignal): StageContext {
  const terminal = process.stderr.isTTY === true;
  let shown = '';
  const line = (): string => {
    if (shown === '') return '';
    const text = `${label}: ${shown}`;
    // A line wider than the terminal wraps, and the carriage return would then rewrite only its last row.
    const width = process.stderr.columns;
    return width > 1 && text.length >= width ? `${text.slice(0, width - 2)}…` : text;
  };
  return {
    signal,
    onProgress: (progress) => {
      if (!terminal || progress.message === shown) return;
      shown = progress.message;
      process.stderr.write(`\r\x1b[K${line()}`);
    },
    log: (level, message) => {
      if (level !== 'WARNING' && level !== 'ERROR') return;
      const text = `${level.toLowerCase()}: ${message}\n`;
      process.stderr.write(terminal && shown !== '' ? `\r\x1b[K${text}${line()}` : text);
    },
  };
}
