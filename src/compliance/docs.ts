import { checkCatalog } from './catalog.js';
import { frameworks } from './frameworks.js';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** docs/checks.md, generated from the check declarations and framework files (herowatch checks --markdown). */
export function checksMarkdown(): string {
  const catalog = checkCatalog();
  const lines = [
    '# Checks',
    '',
    '<!-- Generated from the check declarations and frameworks/*.json by `herowatch checks --markdown`; do not edit by hand. -->',
    '',
    'Every check runs after each sync over the stored inventory and gives one result per resource:',
    'PASS, FAIL, or UNKNOWN when what it needs was not read (the coverage gap says why).',
    '[compliance.md](compliance.md) explains when each one fails and which settings tune it.',
    '',
    '| check | severity | resource | title |',
    '|---|---|---|---|',
    ...catalog.map((c) => `| [\`${c.id}\`](#${c.id}) | ${c.severity} | ${c.resource_type} | ${cell(c.title)} |`),
    '',
  ];
  for (const check of catalog) {
    lines.push(
      `## ${check.id}`,
      '',
      `**${cell(check.title)}** (severity ${check.severity}, one result per ${check.resource_type})`,
      '',
      `Risk: ${check.risk}`,
      '',
      `Remediation: ${check.remediation.text}`,
      '',
    );
    if (check.remediation.command) lines.push('```sh', check.remediation.command, '```', '');
    lines.push(`Controls: ${check.frameworks.length > 0 ? check.frameworks.join(', ') : 'none'}`, '');
    // What a result's "data as of" is judged by.
    lines.push(`Reads: ${check.reads.length > 0 ? check.reads.map((r) => `\`${r}\``).join(', ') : "the connection's last test only"}`, '');
    if (check.references.length > 0) lines.push('References:', '', ...check.references.map((r) => `- <${r}>`), '');
  }
  lines.push('## Frameworks', '');
  for (const framework of frameworks()) {
    lines.push(
      `### ${framework.name} (\`${framework.id}\`)`,
      '',
      `${framework.version}. ${framework.description}`,
      '',
      '| control | title | checks |',
      '|---|---|---|',
    );
    for (const control of framework.controls) lines.push(`| ${control.id} | ${cell(control.title)} | ${control.checks.map((id) => `\`${id}\``).join(', ')} |`);
    lines.push('');
  }
  return lines.join('\n');
}
