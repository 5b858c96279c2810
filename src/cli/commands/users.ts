import { Option, type Command } from 'commander';
import { addUser, createSignInLink, removeUser, revokeSession, ROLES, sessions, setPassword, setRole, users } from '../../service/users.js';
import { confirm } from '../confirm.js';
import { withHerowatch } from '../context.js';
import type { Output } from '../output.js';
import { readSecret, type SecretKind } from '../secret-input.js';
import { table } from '../table.js';

const PASSWORD: SecretKind = {
  noun: 'password',
  example: 'Standard input was empty: pipe the password in (its first line is taken), or run the command at a terminal to type it unseen.',
  oneWord: false,
};

/** The password for `email`: typed unseen at a terminal, or the first line piped in; never an argument. */
const readPassword = (email: string): Promise<string> =>
  readSecret(`Password for ${email} (input hidden, at least 12 characters): `, process.stdin, process.stderr, PASSWORD);

export function registerUsers(program: Command, output: Output): void {
  const group = program.command('users').description("The dashboard's users (roles admin and viewer) and their sessions");
  group
    .command('add')
    .description('Add a user; the password is typed unseen or piped in, never an argument')
    .argument('<email>', 'who signs in')
    .addOption(new Option('--role <role>', 'admin (connect, disconnect, suppress, settings) or viewer (reads only)').choices([...ROLES]).default('viewer'))
    .option('--json', 'print the user as JSON')
    .action(async (email: string, flags: { role: string; json?: boolean }) => {
      const password = await readPassword(email);
      const user = await withHerowatch({}, (hw) => addUser(hw, { email, password, role: flags.role }));
      if (flags.json) return output.json(user);
      output.out(`Added ${user.email} (${user.role}). They sign in at the dashboard: herowatch serve.`);
    });
  group
    .command('list')
    .description('The users and their roles')
    .option('--json', 'print them as JSON')
    .action(async (flags: { json?: boolean }) => {
      const list = await withHerowatch({}, (hw) => users(hw));
      if (flags.json) return output.json(list);
      if (list.length === 0)
        return output.out('No users yet: herowatch serve prints a one-time link to create the first admin, or run herowatch users add EMAIL --role admin.');
      output.out(
        table(
          ['ID', 'EMAIL', 'ROLE', 'CREATED', 'LAST SIGN-IN'],
          list.map((u) => [u.id, u.email, u.role, u.created_at.slice(0, 16), u.last_login_at?.slice(0, 16) ?? 'never']),
        ),
      );
    });
  group
    .command('set-role')
    .description("Change a user's role (the last admin stays admin)")
    .argument('<email>')
    .argument('<role>', ROLES.join(' or '))
    .option('--json', 'print the user as JSON')
    .action(async (email: string, role: string, flags: { json?: boolean }) => {
      const user = await withHerowatch({}, (hw) => setRole(hw, email, role));
      if (flags.json) return output.json(user);
      output.out(`${user.email} is now ${user.role}.`);
    });
  group
    .command('set-password')
    .description("Set a user's password (typed unseen or piped in); their sessions end")
    .argument('<email>')
    .action(async (email: string) => {
      const password = await readPassword(email);
      await withHerowatch({}, (hw) => setPassword(hw, email, password));
      output.out(`Password set for ${email}; their sessions were ended.`);
    });
  group
    .command('remove')
    .description('Remove a user and end their sessions (the last admin cannot be removed)')
    .argument('<email>')
    .option('--yes', 'do not ask for confirmation')
    .action(async (email: string, flags: { yes?: boolean }) => {
      if (!flags.yes) await confirm(`Remove ${email} and end their sessions?`, 'herowatch users remove');
      await withHerowatch({}, (hw) => removeUser(hw, email));
      output.out(`Removed ${email}.`);
    });
  group
    .command('link')
    .description('Print a one-time link that signs the user in to the dashboard (15 minutes), e.g. for one who lost their password')
    .argument('<email>')
    .option('--url <url>', 'where the dashboard is served', 'http://127.0.0.1:8808')
    .action(async (email: string, flags: { url: string }) => {
      const token = await withHerowatch({}, (hw) => createSignInLink(hw, email));
      output.out(`${flags.url.replace(/\/+$/, '')}/login/link?token=${token}`);
      output.err('It works once, for 15 minutes: send it only to that user.');
    });
  group
    .command('sessions')
    .description('Active dashboard sessions')
    .option('--json', 'print them as JSON')
    .action(async (flags: { json?: boolean }) => {
      const list = await withHerowatch({}, (hw) => sessions(hw));
      if (flags.json) return output.json(list);
      if (list.length === 0) return output.out('No active sessions.');
      output.out(
        table(
          ['ID', 'USER', 'SIGNED IN', 'LAST SEEN', 'EXPIRES'],
          list.map((s) => [s.id, s.email, s.created_at.slice(0, 16), s.last_seen_at.slice(0, 16), s.expires_at.slice(0, 16)]),
        ),
      );
    });
  group
    .command('revoke-session')
    .description('End a session at once (users sessions lists them)')
    .argument('<id>')
    .action(async (id: string) => {
      await withHerowatch({}, (hw) => revokeSession(hw, id));
      output.out(`Session ${id} ended.`);
    });
}
