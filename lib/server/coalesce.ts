import "server-only";
import { isAppError } from "@/lib/errors";

/**
 * Turns a write that takes many items into one that takes them one at a time, merging the items
 * that arrive together: the first item is written on the next turn of the event loop, and items
 * that come while a write is in flight go together in the next one. Under load many runs share
 * one statement (on PGlite a statement costs about the same for one row as for fifty); alone, an
 * item waits one `setImmediate`.
 *
 * When a merged write fails for a reason other than the database being away (503), each item is
 * retried alone, so one bad item never fails the others.
 * @example
 * const createRun = coalesce((rows: RunRow[]) => createRuns(db, rows));
 * await createRun(row); // resolves once its row is stored
 */
export function coalesce<T>(write: (items: T[]) => Promise<void>, maxItems = 500): (item: T) => Promise<void> {
  let queue: { item: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let busy = false;

  const kick = () => {
    if (busy || queue.length === 0) return;
    busy = true;
    setImmediate(() => void flush());
  };

  async function flush(): Promise<void> {
    const batch = queue.length <= maxItems ? queue : queue.slice(0, maxItems);
    queue = queue.length <= maxItems ? [] : queue.slice(maxItems);
    try {
      await write(batch.map((entry) => entry.item));
      for (const entry of batch) entry.resolve();
    } catch (error) {
      if (batch.length === 1 || (isAppError(error) && error.status === 503)) for (const entry of batch) entry.reject(error);
      else for (const entry of batch) await write([entry.item]).then(entry.resolve, entry.reject);
    } finally {
      busy = false;
      kick();
    }
  }

  return (item) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      kick();
    });
}
