import { describe, expect, it } from 'vitest';
import { roundHalfUp } from '../../src/analysis/roundHalfUp';

// A seeded generator, so a failure names values that can be tried again.
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('roundHalfUp', () => {
  it('gives Math.round for halves, their neighbours and values of every magnitude a raw price or volume takes', () => {
    const random = lcg(42);
    const mismatches: number[] = [];
    const check = (x: number): void => {
      if (x !== 0.49999999999999994 && roundHalfUp(x) !== Math.round(x)) mismatches.push(x);
    };
    for (let n = -1000; n <= 1000; n++) {
      const half = n + 0.5;
      for (const x of [half, nextDown(half), nextUp(half)]) check(x);
      if (n !== 0) for (const x of [n, nextDown(n), nextUp(n)]) check(x);
    }
    for (let exponent = -3; exponent <= 51; exponent++) {
      for (let i = 0; i < 2000; i++) {
        const x = (1 + random()) * 2 ** exponent;
        check(x);
        check(-x);
        check(Math.floor(x) + 0.5);
      }
    }
    // Float32 prices at 1/16 ticks scaled by 1000 land exactly on halves (62.5 for 0.0625).
    for (let sixteenths = 1; sixteenths < 20000; sixteenths++) check(Math.fround(sixteenths / 16) * 1000);
    expect(mismatches).toEqual([]);
  });

  it('differs from Math.round only where its comment says', () => {
    expect(roundHalfUp(0.49999999999999994)).toBe(1);
    expect(Math.round(0.49999999999999994)).toBe(0);
    expect(Object.is(roundHalfUp(-0.25), 0)).toBe(true);
    expect(Object.is(Math.round(-0.25), -0)).toBe(true);
    expect(roundHalfUp(Number.NaN)).toBeNaN();
    expect(roundHalfUp(Infinity)).toBe(Infinity);
  });
});

function nextUp(x: number): number {
  return stepBits(x, 1);
}

function nextDown(x: number): number {
  return stepBits(x, -1);
}

/** The neighbouring double above (+1) or below (-1) a non-zero x. */
function stepBits(x: number, direction: 1 | -1): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, x > 0 === direction > 0 ? bits + 1n : bits - 1n);
  return view.getFloat64(0);
}
