import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The script of a child process or thread that lives beside its caller
 * (`name` without extension), and the Node flags to run it: the compiled
 * `.js` beside a compiled caller; from the TypeScript sources (tests,
 * benchmarks), the build's copy when `npm run build` made one, else the
 * `.ts` itself through tsx.
 */
export function scriptBeside(callerUrl: string, name: string): { entry: string; execArgv: string[] } {
  if (!callerUrl.endsWith('.ts')) return { entry: fileURLToPath(new URL(`./${name}.js`, callerUrl)), execArgv: [] };
  const source = fileURLToPath(new URL(`./${name}.ts`, callerUrl));
  const at = source.lastIndexOf('/src/');
  const compiled = at === -1 ? null : `${source.slice(0, at)}/dist/${source.slice(at + '/src/'.length, -'.ts'.length)}.js`;
  if (compiled && existsSync(compiled)) return { entry: compiled, execArgv: [] };
  return { entry: source, execArgv: ['--import', 'tsx'] };
}
