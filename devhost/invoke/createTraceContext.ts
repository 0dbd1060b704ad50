import { randomFillSync } from 'node:crypto';
import type { TraceContext } from '@azure/functions';

const traceparentPattern = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-([0-9a-f]{2})$/;
const allZeros = /^0+$/;

// Random ids come from a pooled buffer refilled 4 KiB at a time: a system call for every 8 bytes would cost more than
// building the rest of the invocation.
const pool = Buffer.alloc(4096);
let used = pool.length;

function randomHex(bytes: number): string {
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += bytes;
  return pool.toString('hex', used - bytes, used);
}

/**
 * The trace context the host sends with every invocation: the W3C id of the invocation's own span. For an HTTP
 * request that carries a valid `traceparent`, the span continues that trace (same trace id and flags) and keeps its
 * `tracestate`; otherwise a new trace starts, not sampled. The host also sends its activity's tags as attributes;
 * the devhost has none to send.
 */
export function createTraceContext(incoming?: { traceparent?: string; tracestate?: string }): TraceContext {
  const parent = traceparentPattern.exec(incoming?.traceparent?.trim().toLowerCase() ?? '');
  const traceId = parent && !allZeros.test(parent[1]!) ? parent[1]! : randomHex(16);
  const flags = parent && traceId === parent[1] ? parent[2]! : '00';
  return {
    traceParent: `00-${traceId}-${randomHex(8)}-${flags}`,
    traceState: parent && traceId === parent[1] ? (incoming?.tracestate ?? '') : '',
    attributes: {},
  };
}
