/** Checksum files are a few lines; anything larger is something else (an error page, the archive itself). */
export const MAX_CHECKSUM_FILE_BYTES = 64 * 1024;

/** The digest for our file, or why the bytes are not a usable checksum file (phrased to follow "it"). */
export type ChecksumReading = { readonly digest: string } | { readonly problem: string };

/**
 * Reads the digest for `fileName` from the bytes of a checksum file. One digest is taken as it is (a wrong one fails
 * the comparison later); from a list of several (a SHA256SUMS-style file) only the line naming our file counts.
 * Accepts a bare digest, `sha256sum` output ("<hex>  name", "<hex> *name") and BSD/OpenSSL style.
 */
export function readChecksumDigest(bytes: Buffer, contentType: string | null, fileName: string): ChecksumReading {
  if (bytes.length > MAX_CHECKSUM_FILE_BYTES) return { problem: `is larger than ${MAX_CHECKSUM_FILE_BYTES} bytes` };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { problem: 'is not text' };
  }
  if (text.includes('\u0000')) return { problem: 'is not text' };
  // A checksum file never starts with markup: this is a catch-all page served with 200.
  if (/^\s*</.test(text) || /^\s*text\/html\b/i.test(contentType ?? '')) return { problem: 'is an HTML page' };
  const digests = text
    .split(/\r?\n/)
    .map(parseChecksumLine)
    .filter((entry) => entry !== null);
  if (digests.length === 0) return { problem: 'holds no SHA-256 digest' };
  const match = digests.length === 1 ? digests[0] : digests.find((entry) => entry.name === fileName);
  if (match === undefined) return { problem: `lists several files but none named ${JSON.stringify(fileName)}` };
  return { digest: match.digest };
}

/** `<hex>`, sha256sum's `<hex>  name` / `<hex> *name`, BSD's `SHA256 (name) = <hex>`, OpenSSL's `SHA2-256(name)= <hex>`. */
function parseChecksumLine(line: string): { digest: string; name: string | null } | null {
  const gnu = /^\s*([0-9a-fA-F]{64})(?:\s+\*?(.*?))?\s*$/.exec(line);
  if (gnu?.[1] !== undefined) return { digest: gnu[1].toLowerCase(), name: baseName(gnu[2]) };
  const bsd = /^\s*SHA(?:2-)?256\s?\((.*)\)\s?=\s*([0-9a-fA-F]{64})\s*$/.exec(line);
  if (bsd?.[2] !== undefined) return { digest: bsd[2].toLowerCase(), name: baseName(bsd[1]) };
  return null;
}

function baseName(name: string | undefined): string | null {
  if (name === undefined || name === '') return null;
  return name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
}
