import type { Random } from '../random.js';
import { ID_KIND, type IdCodec } from './ids.js';
import type { PropertyDefinition, PropertyType, SelectColor, SelectOption } from './model.js';

const COLORS: readonly SelectColor[] = [
  'default',
  'gray',
  'brown',
  'orange',
  'yellow',
  'green',
  'blue',
  'purple',
  'pink',
  'red',
];
const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
// Real property ids are short and often percent-encoded (`%3AUPp`): keep that trap for connectors.
const ID_PREFIXES = ['', '', '%3A', '%3E', '%5B', '%40', 'b%60'];

export class SchemaBuilder {
  readonly properties: PropertyDefinition[] = [];
  private readonly usedIds = new Set<string>(['title']);

  constructor(
    private readonly rng: Random,
    private readonly codec: IdCodec,
    private readonly dataSourceIdx: number,
    /** A data source's properties so far (a schema mutation): new ids and option ids stay unique. */
    existing: readonly PropertyDefinition[] = [],
  ) {
    for (const property of existing) {
      this.properties.push(property);
      this.usedIds.add(property.id);
    }
  }

  private newId(): string {
    for (;;) {
      let id = this.rng.pick(ID_PREFIXES);
      for (let i = 0; i < 3; i++) id += this.rng.pick(ID_CHARS.split(''));
      if (!this.usedIds.has(id)) {
        this.usedIds.add(id);
        return id;
      }
    }
  }

  private options(names: readonly string[]): SelectOption[] {
    const base = this.properties.length * 64;
    return names.map((name, i) => ({
      id: this.codec.encode(ID_KIND.option, this.dataSourceIdx, base + i),
      name,
      color: this.rng.pick(COLORS),
    }));
  }

  add(type: PropertyType, name: string, extra: Partial<PropertyDefinition> = {}): PropertyDefinition {
    // A fixed id (extra.id) draws nothing from the random stream, so the rest stays as it was.
    const id = extra.id ?? (type === 'title' ? 'title' : this.newId());
    this.usedIds.add(id);
    const definition: PropertyDefinition = { ...extra, id, name, type };
    if (type === 'select')
      definition.options = this.options(['Idea', 'Planned', 'Active', 'Paused', 'Shipped']);
    if (type === 'multi_select')
      definition.options = this.options(['Frontend', 'Backend', 'Infra', 'Design', 'Docs', 'Data']);
    if (type === 'status') definition.options = this.options(['Not started', 'In progress', 'Done']);
    if (type === 'formula' && !definition.formula)
      definition.formula = { expression: 'concat(prop("title"), " #", format(id()))' };
    if (type === 'unique_id' && definition.uniqueIdPrefix === undefined) definition.uniqueIdPrefix = null;
    this.properties.push(definition);
    return definition;
  }
}

/** Types a generic data source may pick from (beyond its title). */
export const GENERIC_TYPES: readonly PropertyType[] = [
  'rich_text',
  'number',
  'select',
  'multi_select',
  'status',
  'date',
  'people',
  'files',
  'checkbox',
  'url',
  'email',
  'phone_number',
  'formula',
  'created_time',
  'created_by',
  'last_edited_time',
  'last_edited_by',
];
