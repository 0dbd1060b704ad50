import { AppError, ErrorCode } from '../errors';

/**
 * Throws INVALID_REQUEST naming every query parameter that is not in `allowed` and every one given more than once,
 * so a typo (`?stauts=failed`) or an ambiguous repeat (`?status=failed&status=success`) is reported instead of
 * silently answered with the unfiltered list.
 */
export function rejectUnexpectedQuery(query: URLSearchParams, allowed: readonly string[]): void {
  const seen = new Set<string>();
  const unknown = new Set<string>();
  const repeated = new Set<string>();
  for (const name of query.keys()) {
    if (!allowed.includes(name)) unknown.add(name);
    else if (seen.has(name)) repeated.add(name);
    seen.add(name);
  }
  const problems: string[] = [];
  if (unknown.size > 0) problems.push(`unknown query parameter(s): ${quote(unknown)}`);
  if (repeated.size > 0) problems.push(`query parameter(s) given more than once: ${quote(repeated)}`);
  if (problems.length > 0) throw new AppError(ErrorCode.InvalidRequest, problems.join('; '));
}

function quote(names: ReadonlySet<string>): string {
  return [...names]
    .slice(0, 10)
    .map((name) => JSON.stringify(name.slice(0, 64)))
    .join(', ');
}
