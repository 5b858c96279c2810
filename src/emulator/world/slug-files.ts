import type { SlugFile } from '../scenario/types.js';

/** What Heroku's buildpacks would report for an app with these files. */
export interface BuildpackGuess {
  description: string | null;
  processTypes: Record<string, string>;
}

const LANGUAGES: { marker: string; description: string; web: string }[] = [
  { marker: 'package.json', description: 'Node.js', web: 'npm start' },
  { marker: 'Gemfile', description: 'Ruby', web: 'bundle exec puma -C config/puma.rb' },
  { marker: 'requirements.txt', description: 'Python', web: 'gunicorn app:app' },
  { marker: 'Pipfile', description: 'Python', web: 'gunicorn app:app' },
  { marker: 'pyproject.toml', description: 'Python', web: 'gunicorn app:app' },
  { marker: 'go.mod', description: 'Go', web: 'bin/server' },
  { marker: 'composer.json', description: 'PHP', web: 'heroku-php-apache2' },
  { marker: 'pom.xml', description: 'Java', web: 'java -jar target/app.jar' },
];

export function guessBuildpack(files: Record<string, SlugFile>): BuildpackGuess {
  const language = LANGUAGES.find((l) => l.marker in files);
  const processTypes: Record<string, string> = language ? { web: language.web } : {};
  const procfile = files.Procfile;
  if (typeof procfile === 'string') {
    for (const line of procfile.split('\n')) {
      const match = /^([\w-]+):\s*(.+)$/.exec(line.trim());
      if (match) processTypes[match[1]!] = match[2]!;
    }
  }
  return { description: language?.description ?? null, processTypes };
}

/** A file's bytes: strings as they are, other JSON values pretty-printed. */
export function fileContent(file: SlugFile): string {
  return typeof file === 'string' ? file : `${JSON.stringify(file, null, 2)}\n`;
}
