import { randomBytes } from 'node:crypto';
import { discard, type StagedUpload } from './upload.js';

/** An upload waits this long between its plan and the Start button before it is removed. */
const KEEP_MS = 60 * 60 * 1000;

/**
 * Uploads checked on the upload page and waiting for Start. The page carries only a random id; the file stays on
 * the server, so the plan and the batch are made from the same bytes and nothing is uploaded twice.
 */
export class StagedUploads {
  private readonly byId = new Map<string, { upload: StagedUpload; at: number }>();

  add(upload: StagedUpload): string {
    void this.sweep();
    const id = randomBytes(16).toString('hex');
    this.byId.set(id, { upload, at: Date.now() });
    return id;
  }

  /** Takes an upload out (once): the Start button cannot import the same staged file twice. */
  take(id: string): StagedUpload | undefined {
    const entry = this.byId.get(id);
    this.byId.delete(id);
    return entry?.upload;
  }

  private async sweep(): Promise<void> {
    const now = Date.now();
    for (const [id, e] of this.byId) {
      if (now - e.at > KEEP_MS) {
        this.byId.delete(id);
        await discard(e.upload.path).catch(() => undefined);
      }
    }
  }
}
