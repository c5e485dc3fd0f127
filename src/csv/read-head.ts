import type { FileHandle } from 'node:fs/promises';

/** How much of the file start the delimiter sniffer sees: the header line, however wide, fits comfortably. */
export const HEAD_BYTES = 64 * 1024;

/** Reads at most the first {@link HEAD_BYTES} of the file, without moving the position a stream would read from. */
export async function readHead(handle: FileHandle): Promise<Buffer> {
  const buffer = Buffer.alloc(HEAD_BYTES);
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}
