import { createInterface } from 'node:readline/promises';
import { UsageError } from './output.js';

/**
 * Asks before something that cannot be undone. At a terminal, the answer
 * must be yes; elsewhere (a script, a pipe) there is no one to ask, so the
 * command is refused unless it was given --yes.
 */
export async function confirm(
  question: string,
  command: string,
  stdin: NodeJS.ReadStream = process.stdin,
  stderr: NodeJS.WriteStream = process.stderr,
): Promise<void> {
  if (!stdin.isTTY) throw new UsageError(`${question} Nobody is at a terminal to answer: add --yes to ${command} to confirm.`);
  const prompt = createInterface({ input: stdin, output: stderr });
  try {
    const answer = await prompt.question(`${question} [y/N] `);
    if (!/^y(es)?$/i.test(answer.trim())) throw new UsageError('Nothing was changed.');
  } finally {
    prompt.close();
  }
}
