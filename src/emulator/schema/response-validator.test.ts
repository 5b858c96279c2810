import { describe, expect, it } from 'vitest';
import { ResponseValidator } from './response-validator.js';

const validator = new ResponseValidator();
const region = {
  id: '4c1d5a7e-2f0b-5c55-9e0a-6b8d3f2a9c11',
  name: 'us',
  country: 'United States',
  created_at: '2012-11-21T20:44:16Z',
  description: 'United States',
  locale: 'Virginia',
  private_capable: false,
  provider: { name: 'amazon-web-services', region: 'us-east-1' },
  updated_at: '2016-08-09T22:03:28Z',
};

describe('ResponseValidator', () => {
  it("accepts a body that matches the link's target schema", () => {
    expect(validator.check('GET', '/regions/us', 200, region)).toEqual([]);
    expect(validator.check('GET', '/regions', 200, [region, region])).toEqual([]);
  });

  it('flags a property the definition does not declare (strictProperties)', () => {
    expect(validator.check('GET', '/regions/us', 200, { ...region, invented: true })).toEqual(['/ has property "invented", which the schema does not declare']);
  });

  it("flags wrong types and formats, with the item's path", () => {
    expect(validator.check('GET', '/regions', 200, [region, { ...region, private_capable: 'no' }])).toEqual(['/1/private_capable must be boolean']);
    expect(validator.check('GET', '/regions/us', 200, { ...region, created_at: 'yesterday' })).toEqual(['/created_at must match format "date-time"']);
  });

  it('checks expanded add-on fields against their own definitions', () => {
    const problems = validator.check(
      'GET',
      '/addons',
      200,
      [{ addon_service: { id: region.id, name: 'x', bogus: 1 }, plan: { id: region.id, name: 'x:y' } }],
      ['addon_service'],
    );
    expect(problems).toContain('addon_service/ has property "bogus", which the schema does not declare');
  });

  it("checks error bodies for Heroku's shape", () => {
    expect(validator.check('GET', '/apps/x', 404, { id: 'not_found', message: "Couldn't find that app.", resource: 'app' })).toEqual([]);
    expect(validator.check('GET', '/apps/x', 404, { error: 'nope' })).toEqual(['error body has no string "id"', 'error body has no string "message"']);
  });

  it('flags a path no link of the schema serves', () => {
    expect(validator.check('GET', '/made-up', 200, {})).toEqual(['no link of the official schema serves GET /made-up']);
  });
});
