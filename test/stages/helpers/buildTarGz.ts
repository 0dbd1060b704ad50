import { writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';

export interface TarMember {
  name: string;
  data?: Buffer | string;
  /** POSIX typeflag: '0' file (default), '1' hard link, '2' symlink, '3' char device, '5' directory, '6' FIFO. */
  type?: string;
  linkName?: string;
}

/** A minimal ustar writer for fixtures that real tools refuse to produce (links, '..' names, devices). */
export async function writeTarGz(
  path: string,
  members: TarMember[],
  options: { truncateTo?: number } = {},
): Promise<void> {
  const blocks: Buffer[] = [];
  for (const member of members) {
    const data = typeof member.data === 'string' ? Buffer.from(member.data) : (member.data ?? Buffer.alloc(0));
    const header = Buffer.alloc(512);
    header.write(member.name, 0, 100, 'utf8');
    header.write('0000644\0', 100, 'latin1');
    header.write('0000000\0', 108, 'latin1');
    header.write('0000000\0', 116, 'latin1');
    header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
    header.write('00000000000\0', 136, 'latin1');
    header.write(member.type ?? '0', 156, 'latin1');
    header.write(member.linkName ?? '', 157, 100, 'utf8');
    header.write('ustar\u000000', 257, 'latin1');
    header.fill(0x20, 148, 156);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  let archive = gzipSync(Buffer.concat(blocks));
  if (options.truncateTo !== undefined) archive = archive.subarray(0, options.truncateTo);
  await writeFile(path, archive);
}
