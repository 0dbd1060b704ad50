import { existsSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** One file of the deployment package: its path inside the zip (forward slashes) and where to read it. */
export interface PackageFile {
  readonly name: string;
  readonly source: string;
}

/** The rules of `<root>/.funcignore` (gitignore syntax), as Core Tools applies them when it publishes. */
export function readFuncignore(root: string): Ignore {
  const file = path.join(root, '.funcignore');
  return ignore().add(existsSync(file) ? readFileSync(file, 'utf8') : '');
}

/**
 * Every file under `dir` that the rules keep, named `<prefix><relative path>`. Directories the rules drop are not
 * entered (gitignore cannot re-include a file below an excluded directory either). `skip` names top-level entries
 * to leave out whatever the rules say. Symbolic links are refused: a zip deployment cannot carry them safely.
 */
export async function collectPackageFiles(
  dir: string,
  rules: Ignore,
  options: { readonly prefix?: string; readonly skip?: readonly string[] } = {},
): Promise<PackageFile[]> {
  const prefix = options.prefix ?? '';
  const skip = new Set(options.skip ?? []);
  const files: PackageFile[] = [];
  const walk = async (relative: string): Promise<void> => {
    const entries = await readdir(path.join(dir, relative), { withFileTypes: true });
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const childRelative = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (relative === '' && skip.has(entry.name)) continue;
      const name = `${prefix}${childRelative}`;
      const source = path.join(dir, childRelative);
      if (entry.isSymbolicLink()) {
        throw new Error(`${name} is a symbolic link; a deployment package cannot carry it. Replace it with a file.`);
      }
      if (entry.isDirectory()) {
        if (!rules.ignores(`${name}/`)) await walk(childRelative);
      } else if (entry.isFile() && !rules.ignores(name)) {
        files.push({ name, source });
      }
      // Sockets, FIFOs and devices have no place in a package: they are left out.
    }
  };
  await walk('');
  return files;
}
