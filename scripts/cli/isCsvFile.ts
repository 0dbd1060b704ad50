import { isDataFileName } from '../../src/analysis/locateBundle';
import { detectArchiveType } from '../../src/stages/unzip/detectArchiveType';

/**
 * A CSV file named on the command line (`.csv`, or `.csv.gz`), to be read as a bundle of that one file; not a zip saved
 * under such a name (an export link may name a `.csv` and serve a zip of it), which is read as the zip it is.
 */
export async function isCsvFile(path: string): Promise<boolean> {
  if (!isDataFileName(path)) return false;
  return (await detectArchiveType(path).catch(() => null)) !== 'zip';
}
