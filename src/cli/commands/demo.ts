import type { Command } from 'commander';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import type { Output } from '../output.js';

/**
 * `herowatch demo`: the bundled demo world, served by the emulator with its
 * clock moved to today.
 */
export function registerDemo(program: Command, output: Output, running: (emulator: Emulator) => Promise<void>): void {
  program
    .command('demo')
    .description('Start the Heroku API emulator on the demo world and show what it holds')
    .option('--serve', 'keep serving after the summary (Ctrl-C stops)')
    .option('--port <n>', 'port for --serve; 0 picks a free one', '0')
    .action(async (flags: { serve?: boolean; port: string }) => {
      const emulator = await startEmulator({ shiftToNow: true, port: Number(flags.port) });
      const world = emulator.world();
      output.out(`Heroku Platform API emulator serving the demo world at ${emulator.url}`);
      output.out('');
      for (const [key, value] of Object.entries(world.stats)) output.out(`  ${key.replace(/_/g, ' ').padEnd(20)} ${value}`);
      output.out('');
      output.out('Teams and their apps:');
      for (const team of world.teams.values()) {
        output.out(`  ${team.name} (${team.members.length} members): ${team.apps.map((a) => a.name).join(', ')}`);
      }
      if (flags.serve) {
        output.out('');
        output.out(`Serving until Ctrl-C. Try: HEROKU_HOST=${emulator.url} HEROKU_API_KEY=<token> heroku apps --all`);
        await running(emulator);
      } else {
        await emulator.close();
      }
    });
}
