import { loadConfig, type HerowatchConfig } from '../config.js';
import { explainError, openHerowatch, type Herowatch } from '../service/herowatch.js';

export interface GlobalFlags {
  apiUrl?: string;
}

/** Where the CLI says what a command did not ask about but should know (standard error). */
let notice: (line: string) => void = () => {};

export function noticesTo(write: (line: string) => void): void {
  notice = write;
}

/** Opens herowatch for one command and closes it afterwards. */
export async function withHerowatch<T>(flags: GlobalFlags, run: (hw: Herowatch, config: HerowatchConfig) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env, { apiUrl: flags.apiUrl });
  const hw = await openHerowatch(config);
  // A first run, or a mistyped HEROWATCH_HOME: either way, said, so that "no connections yet" is not a mystery.
  if (hw.database.created)
    notice(
      `herowatch: created a new, empty home at ${config.home}${process.env.HEROWATCH_HOME?.trim() ? ' (from HEROWATCH_HOME)' : ''}; if you meant an existing one, check that path.`,
    );
  try {
    return await run(hw, config);
  } catch (error) {
    throw explainError(hw, error);
  } finally {
    await hw.close();
  }
}
