import { fileURLToPath } from 'node:url';

// Data files shipped with the package. This module sits at the same depth in
// src/ and in dist/, so one relative URL serves both.
const assetsRoot = new URL('../../assets/', import.meta.url);
const scenariosRoot = new URL('../../scenarios/', import.meta.url);

export const platformApiSchemaPath = fileURLToPath(new URL('heroku/platform-api-schema.json', assetsRoot));
export const demoScenarioPath = fileURLToPath(new URL('demo.json', scenariosRoot));
