import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { AppError, ErrorCode } from '../../errors';
import { createByteReader, type ByteReader } from './createByteReader';
import { ratioCap, type ExtractLimits } from './extractLimits';
import { streamChunks } from './streamChunks';

// Inflated bytes held ahead of the reader: zlib inflates on the libuv thread pool meanwhile.
const READ_AHEAD = 4 * 2 ** 20;

/**
 * A pull reader over the gunzipped bytes of a .tar.gz file. The whole stream is held to the compression-ratio limit
 * (actual gunzipped bytes against compressed bytes read so far), so a gzip bomb stops early. `close` releases it.
 */
export function openTarGzReader(archivePath: string, limits: ExtractLimits): { reader: ByteReader; close: () => void } {
  const source = createReadStream(archivePath, { highWaterMark: 256 * 1024 });
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  let streamed = 0;
  const counted = (async function* () {
    for await (const chunk of streamChunks(gunzip, READ_AHEAD)) {
      streamed += chunk.length;
      if (streamed > ratioCap(source.bytesRead, limits)) {
        throw new AppError(
          ErrorCode.UnsafeArchive,
          `Unsafe archive: the tar.gz stream has a compression ratio above ${limits.maxRatio}; possible gzip bomb.`,
        );
      }
      yield chunk;
    }
  })();
  return {
    reader: createByteReader(counted),
    close: () => {
      source.destroy();
      gunzip.destroy();
    },
  };
}
