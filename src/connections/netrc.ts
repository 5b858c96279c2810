import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors.js';

/**
 * The password of `machine <host>` in a .netrc file, where `heroku login`
 * keeps the CLI's token (machine api.heroku.com). Tokens are whitespace
 * separated; `macdef` bodies are skipped. A `default` entry is never used:
 * it holds a password meant for any host, not a Heroku token.
 */
export function netrcPassword(text: string, host: string): string | null {
  const tokens = text
    .replace(/#[^\n]*/g, '')
    .split(/\s+/)
    .filter(Boolean);
  let current: string | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === 'machine') current = tokens[++i] ?? null;
    else if (token === 'default') current = '*';
    else if (token === 'macdef') {
      // A macro runs to the next blank line, which whitespace splitting hides; skip its name.
      i++;
    } else if (token === 'password') {
      const password = tokens[++i] ?? null;
      if (current === host) return password;
    } else if (token === 'login' || token === 'account') i++;
  }
  return null;
}

/** The Heroku CLI's token for the API host, from ~/.netrc. */
export async function tokenFromHerokuCli(apiUrl: string, home: string = homedir()): Promise<string> {
  const host = new URL(apiUrl).hostname;
  const path = join(home, '.netrc');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new InputError(
      'HW_FILE_UNREADABLE',
      `There is no ${path}: log in with the Heroku CLI first (heroku login), or give the token with --token-stdin or --token-env.`,
    );
  }
  const token = netrcPassword(text, host);
  if (!token) throw new InputError('HW_FILE_UNREADABLE', `${path} has no entry for ${host}: log in with the Heroku CLI first (heroku login).`);
  return token;
}
