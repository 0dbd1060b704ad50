/**
 * Record signatures and field values of the zip format (PKWARE's APPNOTE 6.3), shared by the reader (src/stages/unzip)
 * and the writer that scripts, tests and benchmarks use (scripts/zip).
 */
export const ZipSignature = {
  localFile: 0x04034b50,
  centralFile: 0x02014b50,
  endOfCentralDirectory: 0x06054b50,
  zip64EndOfCentralDirectory: 0x06064b50,
  zip64Locator: 0x07064b50,
  dataDescriptor: 0x08074b50,
} as const;

export const ZipMethod = { stored: 0, deflate: 8 } as const;

/** General-purpose flag bits. */
export const ZipFlag = { encrypted: 0x0001, dataDescriptor: 0x0008, utf8Name: 0x0800 } as const;

/** Header id of the zip64 "extended information" extra field. */
export const ZIP64_EXTRA_ID = 0x0001;
/** A 32-bit size or offset field holding this value means "look in the zip64 extra field". */
export const ZIP32_MAX = 0xffffffff;
export const ZIP16_MAX = 0xffff;

export const LOCAL_HEADER_SIZE = 30;
export const CENTRAL_HEADER_SIZE = 46;
export const EOCD_SIZE = 22;
export const ZIP64_EOCD_SIZE = 56;
export const ZIP64_LOCATOR_SIZE = 20;

/** Unix file-type bits as stored in the high 16 bits of the external attributes (host system 3 = Unix). */
export const UnixMode = {
  typeMask: 0o170000,
  regular: 0o100000,
  directory: 0o040000,
  symlink: 0o120000,
} as const;
export const HOST_UNIX = 3;

/** MS-DOS date and time fields (2-second resolution, local calendar fields, years 1980–2107). */
export function toDosDateTime(date: Date): { time: number; date: number } {
  const year = Math.min(Math.max(date.getUTCFullYear(), 1980), 2107);
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}
