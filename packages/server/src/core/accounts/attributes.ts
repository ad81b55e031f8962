import { BatonError } from '../errors.js';
import type { App, AttributeDefinition } from '../model.js';

/** Entra's built-in user attributes: always accepted, optional unless the app says otherwise. */
export const builtInAttributes = [
  'displayName',
  'givenName',
  'surname',
  'city',
  'country',
  'postalCode',
  'state',
  'streetAddress',
  'jobTitle',
] as const;

const maxLength = 256;
/** No attribute is a place for control characters (a NUL would not even fit a PostgreSQL text column). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's purpose
const controlCharacter = /[\u0000-\u001f\u007f]/;

/** The attributes an app knows: its own declarations, then the built-ins it did not redeclare. */
export function attributeDefinitions(app: App): AttributeDefinition[] {
  const declared = new Map(app.userAttributes.map((d) => [d.name, d]));
  for (const name of builtInAttributes)
    if (!declared.has(name)) declared.set(name, { name, type: 'string', required: false });
  return [...declared.values()];
}

/** Parses the `attributes` parameter: a JSON object, sent as a string. */
export function parseAttributes(value: string | undefined): Record<string, unknown> {
  if (value === undefined || value === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new BatonError('malformed_request', 'attributes must be a JSON object');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new BatonError('malformed_request', 'attributes must be a JSON object');
  return parsed as Record<string, unknown>;
}

/** Refuses unknown or malformed attributes (`invalid_attributes`), listing each. */
export function assertAttributesValid(app: App, values: Record<string, unknown>): void {
  const definitions = new Map(attributeDefinitions(app).map((d) => [d.name, d]));
  const invalid = Object.entries(values)
    .filter(([name, value]) => {
      const d = definitions.get(name);
      return !d || !valueFits(d, value);
    })
    .map(([name]) => ({ name }));
  if (invalid.length) {
    throw new BatonError(
      'invalid_attributes',
      `Attribute validation failed: ${invalid.map((i) => i.name).join(', ')}`,
      {
        attributes: invalid,
      },
    );
  }
}

/** Required attributes not yet given, in the shape `required_attributes` carries them. */
export function missingRequiredAttributes(app: App, values: Record<string, unknown>) {
  return attributeDefinitions(app)
    .filter((d) => d.required && (values[d.name] === undefined || values[d.name] === ''))
    .map((d) => ({
      name: d.name,
      type: d.type,
      required: true,
      ...(d.regex ? { options: { regex: d.regex } } : {}),
    }));
}

function valueFits(d: AttributeDefinition, value: unknown): boolean {
  if (d.type === 'boolean') return typeof value === 'boolean' || value === 'true' || value === 'false';
  if (d.type === 'number')
    return (
      (typeof value === 'number' && Number.isFinite(value)) ||
      (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    );
  if (
    typeof value !== 'string' ||
    value.length > maxLength ||
    controlCharacter.test(value) ||
    (d.required && value.trim() === '')
  )
    return false;
  if (d.options && !d.options.includes(value)) return false;
  return d.regex ? new RegExp(d.regex, 'u').test(value) : true;
}
