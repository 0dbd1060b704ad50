import path from 'node:path';

// The library is one webpack bundle at <pkg>/dist/azure-functions.js; its frames name the copy that is calling.
const libraryFrame =
  /((?:[A-Za-z]:)?[^\s(]*[\\/]node_modules[\\/]@azure[\\/]functions)[\\/]dist[\\/]azure-functions(?:\.min)?\.js/;

/** The package directory of the @azure/functions copy on the current call stack, if any. */
export function findLibraryDirInStack(): string | undefined {
  const previousLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 50;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = previousLimit;
  const match = libraryFrame.exec(stack);
  if (!match?.[1]) return undefined;
  const dir = match[1].startsWith('file://') ? new URL(match[1]).pathname : match[1];
  return path.resolve(dir);
}
