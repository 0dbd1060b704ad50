import type { Page } from 'playwright-core';

/** What the page showed at one moment, recorded inside the page on every change of the current-task panel. */
export interface Frame {
  heading: string;
  /** The status badge's text. */
  badge: string;
  progress: number;
  step: string | null;
  /** The steps marked current or done, in order. */
  reached: string[];
  logLines: number;
}

// The functions passed to page.evaluate run in the page; this project type-checks tests without the DOM library,
// hence `globalThis as any` inside them.

/** Starts recording a frame on every change of the page, from now on. */
export function recordFrames(page: Page): Promise<void> {
  return page.evaluate(() => {
    const page = globalThis as any;
    const frames: Frame[] = [];
    page.frames_ = frames;
    const take = (): void => {
      const doc = page.document;
      frames.push({
        heading: doc.querySelector('#current .task-heading')?.textContent ?? '',
        badge: doc.querySelector('#current .task-heading .badge')?.textContent ?? '',
        progress: Number(doc.querySelector('#current [role=progressbar]')?.getAttribute('aria-valuenow') ?? -1),
        step: doc.querySelector('#current [aria-current=step]')?.textContent ?? null,
        reached: [...doc.querySelectorAll('#current .step-current, #current .step-done')].map(
          (el: any) => el.textContent as string,
        ),
        logLines: doc.querySelectorAll('#logs .log-line').length,
      });
    };
    new page.MutationObserver(take).observe(page.document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      characterData: true,
    });
  });
}

/** The frames recorded so far. */
export const readFrames = (page: Page): Promise<Frame[]> => page.evaluate(() => (globalThis as any).frames_ as Frame[]);
