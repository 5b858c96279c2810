import { loadConfig, type HerowatchConfig } from '../config.js';
import { explainError, openHerowatch, type Herowatch } from '../service/herowatch.js';

export interface GlobalFlags {
  apiUrl?: string;
}

/** Opens herowatch for one command and closes it afterwards. */
export async function withHerowatch<T>(flags: GlobalFlags, run: (hw: Herowatch, config: HerowatchConfig) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env, { apiUrl: flags.apiUrl });
  const hw = await openHerowatch(config);
  try {
    return await run(hw, config);
  } catch (error) {
    throw explainError(hw, error);
  } finally {
    await hw.close();
  }
}
