/** Returned for a field that is present but not a number. Missing values (empty, NaN, null, None) return NaN. */
export const INVALID_NUMBER = Number.NEGATIVE_INFINITY;

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
const MAX_EXACT = 2 ** 53;

/**
 * Parses a decimal field from bytes without allocating. Integer mantissa / power of ten is exact IEEE division, so
 * the result equals `Number(text)`; exponents and very long mantissas fall back to `Number`.
 */
export function parseNumberField(bytes: Uint8Array, start: number, end: number): number {
  if (start >= end) return NaN;
  let i = start;
  let negative = false;
  const first = bytes[i];
  if (first === 45 || first === 43) {
    negative = first === 45;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let fraction = 0;
  let seenDot = false;
  for (; i < end; i++) {
    const b = bytes[i] ?? 0;
    if (b >= 48 && b <= 57) {
      mantissa = mantissa * 10 + (b - 48);
      digits++;
      if (seenDot) fraction++;
    } else if (b === 46 && !seenDot) {
      seenDot = true;
    } else {
      return parseSlow(bytes, start, end);
    }
  }
  if (digits === 0) return INVALID_NUMBER;
  if (mantissa >= MAX_EXACT || fraction >= POW10.length) return parseSlow(bytes, start, end);
  const value = fraction === 0 ? mantissa : mantissa / (POW10[fraction] ?? 1);
  return negative ? -value : value;
}

function parseSlow(bytes: Uint8Array, start: number, end: number): number {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start)
    .toString('latin1')
    .trim();
  if (text === '' || text === 'NaN' || text === 'nan' || text === 'null' || text === 'None') return NaN;
  // Thousands grouped by commas, as a spreadsheet saves a formatted number (quoted in the CSV): "1,234,567.5". A
  // single comma that does not group three digits ("1,5", a decimal comma) stays invalid.
  if (/^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/.test(text)) return Number(text.replace(/,/g, ''));
  // Number() accepts hex, "Infinity" and whitespace; a plain decimal with an optional exponent is all we allow.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return INVALID_NUMBER;
  return Number(text);
}
