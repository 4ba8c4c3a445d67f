import { constants, PerformanceObserver } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { IdleCollector } from '../src/idle-gc.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('IdleCollector', () => {
  it('runs a minor collection once the server is idle, and none when a lint starts first', async () => {
    const kinds: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) kinds.push(((entry as { detail?: { kind?: number } }).detail)?.kind ?? -1);
    });
    observer.observe({ entryTypes: ['gc'] });
    try {
      const collector = new IdleCollector(5);
      collector.schedule();
      collector.cancel(); // a lint started before the server was idle
      await sleep(30);
      expect(collector.collections).toBe(0);
      collector.schedule();
      collector.schedule(); // rescheduling does not collect twice
      await sleep(30);
      expect(collector.collections).toBe(1);
      await sleep(10); // gc entries are delivered asynchronously
      expect(kinds).toContain(constants.NODE_PERFORMANCE_GC_MINOR);
    } finally {
      observer.disconnect();
    }
  });
});
