import { randomUUID } from "node:crypto";
import { mkdir, readFile, realpath, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { AppError } from "@/lib/errors";

/**
 * Where uploaded files live: DATA_DIR/files/<2-char prefix>/<uuid>. The key is generated here
 * from a random UUID; a user's file name is display text in the database and never reaches a
 * path (C7), so `../../etc/cron.d/x`, `..%2f..%2f`, NUL bytes or 300-character names cannot
 * escape or break the folder. Keys read back from the database are validated the same way
 * before use.
 *
 * With DATABASE_URL (a PostgreSQL server) the files still live in DATA_DIR on the machine that
 * received the upload, so `npm run worker` on another machine needs that folder shared (e.g. a
 * network mount) — object storage behind this same interface can come later.
 */
export interface FileStore {
  /** The folder files are stored under (absolute). */
  readonly root: string;
  /** Stores bytes under a new server-generated key and returns the key. */
  put(bytes: Uint8Array): Promise<string>;
  get(key: string): Promise<Uint8Array>;
  /** Removes a file; a missing file is not an error (deletes are retried after crashes). */
  delete(key: string): Promise<void>;
  /** The absolute path of a key (validated; always inside `root`). */
  pathOf(key: string): string;
}

const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const badKey = (key: string) =>
  new AppError("storage:bad_key", { en: "Invalid file storage key.", zh: "无效的文件存储键。" }, 400, { key: key.slice(0, 64) });

const missing = () =>
  new AppError(
    "storage:not_found",
    { en: "The stored file is missing; upload the document again.", zh: "找不到已存储的文件，请重新上传该文档。" },
    404,
  );

/**
 * A file store rooted at `root` (the app passes DATA_DIR/files; tests pass a temporary folder).
 * @example
 * const files = createFileStore(path.join(env().DATA_DIR, "files"));
 * const key = await files.put(bytes); // "3f2a…" — store it in documents.storage_key
 * const again = await files.get(key);
 */
export function createFileStore(root: string): FileStore {
  const absoluteRoot = path.resolve(root);
  const pathOf = (key: string) => {
    if (!KEY.test(key)) throw badKey(key);
    return path.join(absoluteRoot, key.slice(0, 2), key);
  };
  return {
    root: absoluteRoot,
    pathOf,
    async put(bytes) {
      const key = randomUUID();
      const target = pathOf(key);
      await mkdir(path.dirname(target), { recursive: true });
      // Write to a temporary name first: a crash mid-write never leaves a truncated file under
      // the real key, because rename() within a folder is atomic.
      const temp = `${target}.${process.pid}.tmp`;
      try {
        await writeFile(temp, bytes, { flag: "wx" });
        await rename(temp, target);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      return key;
    },
    async get(key) {
      try {
        return new Uint8Array(await readFile(pathOf(key)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") throw missing();
        throw error;
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}

/**
 * The real path of a stored key, resolving symlinks — for checks that the file really is inside
 * the root (tests, audits).
 * @example expect((await resolvedPathOf(files, key)).startsWith(await realpath(files.root))).toBe(true)
 */
export async function resolvedPathOf(store: FileStore, key: string): Promise<string> {
  return realpath(store.pathOf(key));
}
