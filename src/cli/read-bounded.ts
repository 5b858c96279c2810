import { open } from 'node:fs/promises';

/**
 * A document to import (an SBOM, a VEX document), from a file or standard
 * input (`-`): its text, refused past `maxBytes` before it is read whole.
 */
export async function readBounded(file: string, maxBytes: number, refuse: (message: string) => Error): Promise<string> {
  const tooBig = () => refuse(`${file === '-' ? 'standard input' : file} is larger than ${maxBytes / 1024 ** 2} MiB, beyond what herowatch reads`);
  const chunks: Buffer[] = [];
  let size = 0;
  const take = (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) throw tooBig();
    chunks.push(chunk);
  };
  if (file === '-') {
    for await (const chunk of process.stdin) take(chunk as Buffer);
  } else {
    const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
      throw refuse(`cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
    });
    try {
      if ((await handle.stat()).isDirectory()) throw refuse(`${file} is a folder: give the file`);
      for await (const chunk of handle.createReadStream()) take(chunk as Buffer);
    } finally {
      await handle.close();
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}
