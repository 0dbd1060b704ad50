import { isDataFileName } from '../../src/analysis/locateBundle';
import { detectArchiveType, type ArchiveType } from '../../src/stages/unzip/detectArchiveType';

/**
 * What a bundle file named on the command line is, from one look at its first bytes: a zip or a tar.gz, or a CSV file
 * (`.csv`, or `.csv.gz`) to be read as a bundle of that one file. A zip saved under a CSV name (an export link may
 * name a `.csv` and serve a zip of it) is the zip it is. Anything else is UNSUPPORTED_ARCHIVE, naming what it is.
 */
export async function bundleFileKind(path: string): Promise<ArchiveType | 'csv'> {
  const detected = await detectArchiveType(path).then(
    (type) => ({ type }),
    (error: unknown) => ({ error }),
  );
  if ('type' in detected && detected.type === 'zip') return 'zip';
  if (isDataFileName(path)) return 'csv';
  if ('type' in detected) return detected.type;
  throw detected.error;
}
