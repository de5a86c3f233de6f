import { Validator } from '@cfworker/json-schema';
import { describe, expect, it } from 'vitest';
import { fieldName, typedRow } from './typed-document.js';
import { propertyTypeSchema } from './typed-schema.js';
import { type PropertyValue, plainValue } from './typed-values.js';

const text = (content: string) => ({
  type: 'text',
  text: { content, link: null },
  annotations: { bold: false },
  plain_text: content,
  href: null,
});
const date = { start: '2025-01-02', end: null, time_zone: null };
const user = { object: 'user', id: 'u-1' };

/** Every page property type @notionhq/client 5.26 knows, as Notion sends it, and its plain value. */
const CASES: Array<[string, unknown, unknown]> = [
  ['title', [text('Launch '), text('plan')], 'Launch plan'],
  ['rich_text', [], ''],
  ['number', 12.5, 12.5],
  ['number', null, null],
  ['checkbox', true, true],
  ['select', { id: 'o1', name: 'Active', color: 'green' }, 'Active'],
  ['select', null, null],
  ['status', { id: 's1', name: 'Done', color: 'green' }, 'Done'],
  [
    'multi_select',
    [
      { id: 'a', name: 'Infra' },
      { id: 'b', name: 'Docs' },
    ],
    ['Infra', 'Docs'],
  ],
  [
    'date',
    { start: '2025-01-02T10:00:00.000Z', end: '2025-01-03', time_zone: 'Europe/Paris' },
    {
      start: '2025-01-02T10:00:00.000Z',
      end: '2025-01-03',
      time_zone: 'Europe/Paris',
    },
  ],
  ['date', null, null],
  ['people', [user, { object: 'user', id: 'u-2' }], ['u-1', 'u-2']],
  ['relation', [{ id: 'p-1' }, { id: 'p-2' }], ['p-1', 'p-2']],
  [
    'files',
    [
      {
        name: 'a.pdf',
        type: 'file',
        file: { url: 'https://files/a.pdf?sig', expiry_time: '2025-01-01T00:00:00Z' },
      },
      { name: 'Ref', type: 'external', external: { url: 'https://example.com' } },
    ],
    [
      { name: 'a.pdf', url: 'https://files/a.pdf?sig' },
      { name: 'Ref', url: 'https://example.com' },
    ],
  ],
  ['url', 'https://example.com', 'https://example.com'],
  ['email', null, null],
  ['phone_number', '+1 555', '+1 555'],
  ['formula', { type: 'string', string: 'x #1' }, 'x #1'],
  ['formula', { type: 'number', number: 3 }, 3],
  ['formula', { type: 'boolean', boolean: false }, false],
  ['formula', { type: 'date', date }, date],
  ['formula', { type: 'string', string: null }, null],
  ['rollup', { type: 'number', number: 40, function: 'count' }, 40],
  ['rollup', { type: 'date', date, function: 'latest_date' }, date],
  [
    'rollup',
    {
      type: 'array',
      array: [
        { type: 'title', title: [text('Task 1')] },
        { type: 'number', number: 2 },
      ],
      function: 'show_original',
    },
    ['Task 1', 2],
  ],
  ['rollup', { type: 'unsupported', unsupported: {}, function: 'median' }, null],
  ['created_time', '2025-01-02T10:00:00.000Z', '2025-01-02T10:00:00.000Z'],
  ['created_by', user, 'u-1'],
  ['last_edited_time', '2025-01-02T10:00:00.000Z', '2025-01-02T10:00:00.000Z'],
  ['last_edited_by', user, 'u-1'],
  ['unique_id', { prefix: 'PRJ', number: 7 }, { text: 'PRJ-7', number: 7 }],
  ['unique_id', { prefix: null, number: 7 }, { text: '7', number: 7 }],
  [
    'verification',
    { state: 'verified', verified_by: user, date },
    { state: 'verified', verified_by: 'u-1', date },
  ],
  [
    'verification',
    { state: 'unverified', verified_by: null, date: null },
    {
      state: 'unverified',
      verified_by: null,
      date: null,
    },
  ],
  [
    'place',
    { lat: 48.85, lon: 2.35, name: 'Office', address: '1 Rue', google_place_id: 'g' },
    {
      lat: 48.85,
      lon: 2.35,
      name: 'Office',
      address: '1 Rue',
    },
  ],
  ['place', null, null],
  ['button', {}, null],
];

describe('plainValue', () => {
  it.each(CASES)('%s %j → %j, valid against the type’s schema', (type, raw, expected) => {
    const value: PropertyValue = { id: 'x', type, [type]: raw };
    const plain = plainValue(value);
    expect(plain).toEqual(expected);
    const result = new Validator(propertyTypeSchema(type) as never, '2020-12', false).validate(plain);
    expect(result.valid, JSON.stringify(result.errors.slice(0, 2))).toBe(true);
  });

  it('covers every property type of the SDK', () => {
    expect(new Set(CASES.map(([type]) => type)).size).toBe(24);
  });

  it('keeps the value of a type it does not know, under a schema that accepts any JSON', () => {
    expect(plainValue({ id: 'x', type: 'location', location: { lat: 1 } })).toEqual({ lat: 1 });
    expect(propertyTypeSchema('location')).toEqual({});
  });
});

describe('typedRow', () => {
  it('writes the fixed fields, a field per property, the raw rich text, and the rule for clashing names', () => {
    const row = typedRow({
      object: 'page',
      id: 'row-1',
      url: 'https://www.notion.so/row-1',
      created_time: '2025-01-01T00:00:00.000Z',
      last_edited_time: '2025-01-02T00:00:00.000Z',
      created_by: user,
      last_edited_by: { object: 'user', id: 'u-2' },
      in_trash: false,
      parent: { type: 'data_source_id', data_source_id: 'ds-1' },
      properties: {
        Name: { id: 'title', type: 'title', title: [text('Row')] },
        id: { id: 'a', type: 'number', number: 1 },
        'id (property)': { id: 'b', type: 'checkbox', checkbox: true },
        Notes: { id: 'c', type: 'rich_text', rich_text: [text('n')] },
      },
    });
    expect(row.doc).toEqual({
      id: 'row-1',
      url: 'https://www.notion.so/row-1',
      created_time: '2025-01-01T00:00:00.000Z',
      last_edited_time: '2025-01-02T00:00:00.000Z',
      created_by: 'u-1',
      last_edited_by: 'u-2',
      in_trash: false,
      Name: 'Row',
      'id (property)': 1,
      'id (property) (property)': true,
      Notes: 'n',
      raw_rich_text: { Name: [text('Row')], Notes: [text('n')] },
    });
    expect(row.columns).toEqual({
      Name: 'title',
      'id (property)': 'number',
      'id (property) (property)': 'checkbox',
      Notes: 'rich_text',
    });
    expect(['url', '_meta', 'raw_rich_text', 'Budget'].map(fieldName)).toEqual([
      'url (property)',
      '_meta (property)',
      'raw_rich_text (property)',
      'Budget',
    ]);
  });
});
