import { UsageError } from './output.js';

/** What is being read, for the messages: a token is one word, a password may hold spaces. */
export interface SecretKind {
  noun: string;
  /** How to pipe it in, for the message when standard input is empty. */
  example: string;
  oneWord: boolean;
}

const TOKEN: SecretKind = {
  noun: 'token',
  example:
    '--token-stdin: standard input was empty; pipe the token in, e.g. heroku authorizations:create --short ... | herowatch connect --name N --token-stdin',
  oneWord: true,
};

/**
 * A secret from standard input: piped (`heroku auth:token | herowatch connect
 * ... --token-stdin`), or typed at a terminal with nothing echoed. A piped
 * secret is its first line (without the line end).
 */
export async function readSecret(
  prompt: string,
  stdin: NodeJS.ReadStream = process.stdin,
  stderr: NodeJS.WriteStream = process.stderr,
  kind: SecretKind = TOKEN,
): Promise<string> {
  if (!stdin.isTTY) {
    let text = '';
    for await (const chunk of stdin) text += chunk.toString();
    const secret = kind.oneWord ? text.trim() : (text.split(/\r?\n/)[0] ?? '');
    if (!secret) throw new UsageError(kind.example);
    if (kind.oneWord && /\s/.test(secret))
      throw new UsageError(`Standard input held more than one word; give the ${kind.noun} alone (what it held is not shown).`);
    return secret;
  }
  stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let secret = '';
    const done = (error?: Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stderr.write('\n');
      if (error) reject(error);
      else if (!secret.trim()) reject(new UsageError(`No ${kind.noun} was entered.`));
      else resolve(kind.oneWord ? secret.trim() : secret);
    };
    const onData = (chunk: Buffer): void => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003') return done(new UsageError('Cancelled.'));
        // Ctrl-D ends the input, as in any terminal program: an empty one is refused, a typed one is taken.
        if (char === '\u0004') return done();
        if (char === '\u007f' || char === '\b') secret = secret.slice(0, -1);
        else secret += char;
      }
    };
    const onEnd = (): void => done();
    stdin.on('data', onData);
    stdin.on('end', onEnd);
  });
}
