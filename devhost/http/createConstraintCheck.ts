import { DevhostError, DevhostErrorCode } from '../devhostError.js';
import type { RouteConstraintSpec } from './parseRouteTemplate.js';

export type ConstraintCheck = (value: string) => boolean;

const integer = /^[-+]?\d+$/;
const real = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const fixedPoint = /^[-+]?(\d+\.?\d*|\.\d+)$/;
const guidFormats = [
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  /^[0-9a-f]{32}$/i,
  /^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/i,
  /^\([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\)$/i,
];

function inRange(value: string, min: bigint, max: bigint): boolean {
  if (!integer.test(value)) return false;
  const n = BigInt(value);
  return n >= min && n <= max;
}

function number(spec: RouteConstraintSpec, index: number): bigint {
  const arg = spec.args[index];
  if (arg === undefined || !integer.test(arg)) {
    throw new DevhostError(DevhostErrorCode.InvalidConfig, `Route constraint "${spec.name}" needs integer arguments.`);
  }
  return BigInt(arg);
}

const int32 = [-(2n ** 31n), 2n ** 31n - 1n] as const;
const int64 = [-(2n ** 63n), 2n ** 63n - 1n] as const;

/** The check for one ASP.NET Core route constraint (invariant culture, as the Functions host uses). */
export function createConstraintCheck(spec: RouteConstraintSpec): ConstraintCheck {
  switch (spec.name) {
    case 'int':
      return (v) => inRange(v, ...int32);
    case 'long':
      return (v) => inRange(v, ...int64);
    case 'bool':
      return (v) => /^(true|false)$/i.test(v);
    case 'datetime':
      return (v) => /\d/.test(v) && !Number.isNaN(Date.parse(v));
    case 'decimal':
      return (v) => fixedPoint.test(v);
    case 'double':
    case 'float':
      return (v) => real.test(v);
    case 'guid':
      return (v) => guidFormats.some((format) => format.test(v));
    case 'alpha':
      return (v) => /^[a-z]+$/i.test(v);
    case 'required':
      return (v) => v.length > 0;
    case 'minlength': {
      const min = Number(number(spec, 0));
      return (v) => v.length >= min;
    }
    case 'maxlength': {
      const max = Number(number(spec, 0));
      return (v) => v.length <= max;
    }
    case 'length': {
      const min = Number(number(spec, 0));
      const max = spec.args.length > 1 ? Number(number(spec, 1)) : min;
      return (v) => v.length >= min && v.length <= max;
    }
    case 'min': {
      const min = number(spec, 0);
      return (v) => inRange(v, min, int64[1]);
    }
    case 'max': {
      const max = number(spec, 0);
      return (v) => inRange(v, int64[0], max);
    }
    case 'range': {
      const [min, max] = [number(spec, 0), number(spec, 1)];
      return (v) => inRange(v, min, max);
    }
    case 'regex': {
      // ASP.NET matches unanchored, case-insensitively.
      const pattern = new RegExp(spec.args[0] ?? '', 'i');
      return (v) => pattern.test(v);
    }
    default:
      throw new DevhostError(DevhostErrorCode.InvalidConfig, `Unknown route constraint "${spec.name}".`);
  }
}
