import { datasets } from './catalog.js';

/** docs/datasets.md, generated from the dataset declarations (herowatch datasets --markdown). */
export function datasetsMarkdown(): string {
  const lines = [
    '# Datasets',
    '',
    '<!-- Generated from the resource declarations by `herowatch datasets --markdown`; do not edit by hand. -->',
    '',
    'Every dataset is a SQL view (query it with `herowatch sql`, export it with `herowatch export NAME`).',
    'Inventory datasets show each connection as of its last complete sync; `connection` names it.',
    'Config var values, OAuth tokens and credentials in URLs are never collected.',
    '',
  ];
  for (const dataset of datasets()) {
    lines.push(`## ${dataset.name}`, '', dataset.description, '', '| column | type | description |', '|---|---|---|');
    for (const column of dataset.columns) lines.push(`| ${column.name} | ${column.type} | ${column.description.replace(/\|/g, '\\|')} |`);
    lines.push('');
  }
  return lines.join('\n');
}
