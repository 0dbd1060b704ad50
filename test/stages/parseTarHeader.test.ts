import { describe, expect, it } from 'vitest';
import { parseTarHeader, TAR_BLOCK } from '../../src/stages/unzip/parseTarHeader';

interface HeaderFields {
  name?: string;
  mode?: string;
  size?: string;
  type?: string;
  linkName?: string;
  magic?: string;
  prefix?: string;
  checksum?: (sum: number) => string;
}

/** A header block with each field written as given (the checksum computed unless a field for it is given). */
function header(fields: HeaderFields): Buffer {
  const block = Buffer.alloc(TAR_BLOCK);
  const put = (text: string, at: number): void => void block.write(text, at, 'latin1');
  block.write(fields.name ?? 'data/a.csv', 0, 'utf8');
  put(fields.mode ?? '0000644\0', 100);
  put(fields.size ?? '00000000012\0', 124);
  put(fields.type ?? '0', 156);
  put(fields.linkName ?? '', 157);
  put(fields.magic ?? 'ustar\u000000', 257);
  put(fields.prefix ?? '', 345);
  put('        ', 148);
  let sum = 0;
  for (const byte of block) sum += byte;
  put((fields.checksum ?? ((value) => `${value.toString(8).padStart(6, '0')}\0 `))(sum), 148);
  return block;
}

describe('parseTarHeader', () => {
  it('reads the name, size, type and link name, joining a ustar prefix to the name', () => {
    expect(parseTarHeader(header({}))).toEqual({ name: 'data/a.csv', size: 10, type: '0', linkName: '' });
    expect(parseTarHeader(header({ name: 'b.csv', prefix: 'deep/dir' }))).toMatchObject({ name: 'deep/dir/b.csv' });
    expect(parseTarHeader(header({ type: '2', linkName: '../x' }))).toMatchObject({ type: '2', linkName: '../x' });
    expect(parseTarHeader(header({ name: 'ä.csv' }))).toMatchObject({ name: 'ä.csv' });
  });

  it('ignores the prefix field of a pre-POSIX (GNU) header', () => {
    expect(parseTarHeader(header({ magic: 'ustar  \0', prefix: 'not/a/prefix' }))).toMatchObject({
      name: 'data/a.csv',
    });
  });

  it('reads octal fields padded with spaces or NULs on either side, and an empty one as 0', () => {
    expect(parseTarHeader(header({ size: '        17 \0' }))!.size).toBe(15);
    expect(parseTarHeader(header({ size: '\t17\0\0\0\0\0\0\0\0\0' }))!.size).toBe(15);
    expect(parseTarHeader(header({ size: '\0\0\0\0\0\0\0\0\0\0\0\0' }))!.size).toBe(0);
    expect(parseTarHeader(header({ size: '77777777777\0' }))!.size).toBe(8 ** 11 - 1);
    expect(parseTarHeader(header({ checksum: (sum) => `  ${sum.toString(8)}\0` }))).not.toBeNull();
  });

  it('returns null for the all-zero end block', () => {
    expect(parseTarHeader(Buffer.alloc(TAR_BLOCK))).toBeNull();
  });

  it('rejects a wrong checksum and a malformed number', () => {
    expect(() => parseTarHeader(header({ checksum: (sum) => (sum + 1).toString(8) }))).toThrow(/fails its checksum/);
    expect(() => parseTarHeader(header({ size: '0000001238\0' }))).toThrow(/malformed number/);
    expect(() => parseTarHeader(header({ size: '12 34\0' }))).toThrow(/malformed number/);
    expect(() => parseTarHeader(header({ checksum: () => 'x' }))).toThrow(/malformed number/);
  });
});
