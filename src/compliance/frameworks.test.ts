import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checksMarkdown } from './docs.js';
import { FrameworkError, frameworkNamed, frameworks, frameworksRoot, mappingsByCheck, parseFramework } from './frameworks.js';
import { CHECKS } from './registry.js';

describe('framework files', () => {
  it('every file parses and names only checks that exist', () => {
    const files = readdirSync(frameworksRoot).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(['cis-v8.json', 'iso27001.json', 'soc2.json']);
    for (const file of files) expect(() => parseFramework(JSON.parse(readFileSync(`${frameworksRoot}${file}`, 'utf8')), file)).not.toThrow();
    expect(frameworks().map((f) => f.id)).toEqual(['cis-v8', 'iso27001', 'soc2']);
  });

  it('a file naming an unknown check is refused, naming it', () => {
    const soc2 = JSON.parse(readFileSync(`${frameworksRoot}soc2.json`, 'utf8')) as { controls: { checks: string[] }[] };
    soc2.controls[0]!.checks.push('team_member_mfa_enabled');
    expect(() => parseFramework(soc2, 'frameworks/soc2.json')).toThrow(FrameworkError);
    expect(() => parseFramework(soc2, 'frameworks/soc2.json')).toThrow(
      'frameworks/soc2.json: control CC6.1 lists "team_member_mfa_enabled", which is not a check',
    );
  });

  it('maps every check to at least one control of SOC 2 and of ISO 27001', () => {
    const mappings = mappingsByCheck();
    for (const check of CHECKS) {
      const frameworksOf = new Set((mappings.get(check.id) ?? []).map((m) => m.framework));
      expect([...frameworksOf].sort(), check.id).toEqual(expect.arrayContaining(['iso27001', 'soc2']));
    }
    expect(frameworkNamed('SOC2')?.id).toBe('soc2');
    expect(frameworkNamed('cis-v8')?.id).toBe('cis-v8');
    expect(frameworkNamed('pci')).toBeUndefined();
  });
});

describe('check documentation', () => {
  it('docs/checks.md is the one generated from the declarations (regenerate: herowatch checks --markdown > docs/checks.md)', () => {
    expect(readFileSync(new URL('../../docs/checks.md', import.meta.url), 'utf8')).toBe(checksMarkdown());
  });

  it('documents every check and every framework control', () => {
    const text = checksMarkdown();
    for (const check of CHECKS) expect(text).toContain(`## ${check.id}\n`);
    for (const framework of frameworks()) for (const control of framework.controls) expect(text).toContain(`| ${control.id} |`);
  });
});
