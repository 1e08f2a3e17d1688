// Prints, as JSON, the required properties of every schema a request body sends (through $ref, allOf, properties,
// items and maps), each with the C# type and property NSwag generates for it: api-diff reads it at the base and now,
// because a property that becomes required in a request changes no C# signature, yet code that does not set it sends
// requests the service rejects. Usage: node spec-request-required.js <openapi.yaml>
const fs = require('fs');
const yaml = require('js-yaml');

const spec = yaml.load(fs.readFileSync(process.argv[2], 'utf8'));
const schemas = (spec.components && spec.components.schemas) || {};

// NSwag's property and class names: the letters and digits of the name, each word capitalised ($skipToken: SkipToken).
const pascal = (name) => name.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('');

const found = new Map();
const visited = new Set();

// Walks a schema sent in a request; named is the component schema (the C# class) it belongs to, if any.
function walk(schema, named) {
  if (!schema || typeof schema !== 'object') return;
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop();
    if (visited.has(name)) return;
    visited.add(name);
    walk(schemas[name], name);
    return;
  }
  if (named) {
    for (const property of schema.required || []) {
      found.set(`${named}.${property}`, { schema: named, property, type: pascal(named), member: pascal(property) });
    }
  }
  for (const part of [...(schema.allOf || []), ...(schema.oneOf || []), ...(schema.anyOf || [])]) {
    // An inline allOf part adds to the class being walked; a $ref part is its base class.
    walk(part, part && part.$ref ? undefined : named);
  }
  for (const property of Object.values(schema.properties || {})) walk(property);
  walk(schema.items);
  if (typeof schema.additionalProperties === 'object') walk(schema.additionalProperties);
}

for (const item of Object.values(spec.paths || {})) {
  for (const operation of Object.values(item || {})) {
    const content = operation && operation.requestBody && operation.requestBody.content;
    for (const media of Object.values(content || {})) walk(media.schema);
  }
}

process.stdout.write(JSON.stringify([...found.values()].sort((a, b) => `${a.schema}.${a.property}`.localeCompare(`${b.schema}.${b.property}`))));
