// An Optic ruleset (optic.yml) for what breaking-changes does not see: a property, or an array's items, whose type or
// format changes in a request or a response. Optic's own rules compare a property's type alone, and only in the
// direction that breaks a lenient client (a response type that widens, a request type that narrows); the SDK maps
// every type and format to one C# type (string, long, DateTimeOffset, a class), so any change breaks callers compiled
// against the previous one, in either direction and at any depth (modelIds' items from string to object). A change
// that only adds or removes null is not one: the SDK reads null into every optional property (NullabilityReason in
// .ci/scripts/SpecEvolution.ps1).
const { Ruleset, RequestRule, ResponseBodyRule, RuleError } = require('@useoptic/rulesets-base');

// The C# shape of a flattened schema: its types without null, and its format.
function shape(flatSchema) {
  const raw = flatSchema.type;
  const types = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((t) => t !== 'null').sort();
  return { types: types.join('|') || '(any)', format: flatSchema.format || '' };
}

function describe(s) {
  return s.format ? `${s.types} (${s.format})` : s.types;
}

// The property whose items a schema path names: .../properties/modelIds/items -> modelIds (items of items: modelIds[]).
function owner(jsonPath) {
  const parts = jsonPath.split('/');
  let suffix = '';
  while (parts.length && parts[parts.length - 1] === 'items') { parts.pop(); suffix += '[]'; }
  return parts[parts.length - 1] + suffix.slice(2);
}

const isItems = (schema) => schema.location.jsonPath.endsWith('/items');

// Throws when the type or format of the property (or items schema) changed.
function checkShape(before, after, what, where) {
  const old = shape(before.value.flatSchema);
  const now = shape(after.value.flatSchema);
  if (old.types === now.types && old.format === now.format) return;
  const name = `'${after.value.key ?? owner(after.location.jsonPath)}'`;
  throw new RuleError({
    message: `the type of ${what} ${name} changed from ${describe(old)} to ${describe(now)}: the SDK's C# type for it changes, so code built against the previous version ${where}. This is a breaking change.`,
  });
}

const requestTypes = new RequestRule({
  name: 'sdk: request property type changes',
  rule: (request) => {
    request.property.changed((before, after) => checkShape(before, after, 'request property', 'no longer compiles or sends what the service expects'));
    request.schema.changed((before, after) => isItems(after) && checkShape(before, after, 'the items of request property', 'no longer compiles or sends what the service expects'));
  },
});

const responseTypes = new ResponseBodyRule({
  name: 'sdk: response property type changes',
  rule: (response) => {
    response.property.changed((before, after) => checkShape(before, after, 'response property', 'no longer compiles or fails to read the answer'));
    response.schema.changed((before, after) => isItems(after) && checkShape(before, after, 'the items of response property', 'no longer compiles or fails to read the answer'));
  },
});

module.exports = {
  name: 'sdk-type-changes',
  description: 'A request or response property (or array items) whose type or format changes is breaking for a typed SDK.',
  configSchema: {},
  rulesetConstructor: () => new Ruleset({ name: 'sdk-type-changes', rules: [requestTypes, responseTypes] }),
};
