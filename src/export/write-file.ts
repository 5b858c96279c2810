import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError } from '../errors.js';

/**
 * Writes a whole file the user asked for (an export, an evidence bundle):
 * beside it first, then renamed, so an interrupted write never leaves half
 * a file under the name asked for. What goes wrong is said with the path
 * and the fix, not as a raw system error.
 */
export async function writeOutputFile(path: string, data: string | Uint8Array): Promise<void> {
  const existing = await stat(path).catch(() => null);
  if (existing?.isDirectory())
    throw new InputError('HW_FILE_UNWRITABLE', `${path} is a folder: give a file name inside it, e.g. ${path.replace(/\/+$/, '')}/out`);
  const temporary = `${path}.${process.pid}.partial`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => {});
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const folder = await stat(dirname(path)).catch(() => null);
      if (!folder)
        throw new InputError(
          'HW_FILE_UNWRITABLE',
          `Cannot write ${path}: the folder ${dirname(path)} does not exist. Create it first (mkdir -p ${dirname(path)}).`,
        );
      throw new InputError(
        'HW_FILE_UNWRITABLE',
        `Cannot write ${path}: files cannot be created in ${dirname(path)} (${folder.isDirectory() ? 'a system folder?' : 'it is not a folder'}). Choose another place.`,
      );
    }
    if (code === 'ENOTDIR')
      throw new InputError('HW_FILE_UNWRITABLE', `Cannot write ${path}: part of ${dirname(path)} is a file, not a folder. Choose another place.`);
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
      throw new InputError(
        'HW_FILE_UNWRITABLE',
        `Cannot write ${path}: no permission to write in ${dirname(path)}. Choose another place, or fix its permissions.`,
      );
    if (code === 'ENOSPC') throw new InputError('HW_FILE_UNWRITABLE', `Cannot write ${path}: the disk is full.`);
    throw error;
  }
}
