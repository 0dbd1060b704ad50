/**
 * Math.round's result (halves toward +∞) for every |x| < 2^52 but two: 0.49999999999999994 gives 1 (x + 0.5 rounds
 * up to 1 before the floor), and a result that Math.round makes -0 comes out +0. Used by the per-row loops because
 * V8 compiles Math.round to a branch on the value's fraction, which the CPU mispredicts on every other price; a floor
 * is one instruction.
 */
export function roundHalfUp(x: number): number {
  return Math.floor(x + 0.5);
}
