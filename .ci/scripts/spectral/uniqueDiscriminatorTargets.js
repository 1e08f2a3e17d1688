// Spectral function (.spectral.yaml, house-discriminator-one-value-per-schema): a discriminator mapping that names one
// schema for two values. NSwag 14.7.1 cannot generate it: its inheritance attributes are keyed by schema, and the
// build dies with "Sequence contains more than one matching element" (MSB3073, exit code 255), saying nothing of why.
module.exports = (mapping, _options, context) => {
  if (!mapping || typeof mapping !== 'object') return [];
  const first = new Map();
  const problems = [];
  for (const [value, target] of Object.entries(mapping)) {
    if (!first.has(target)) {
      first.set(target, value);
      continue;
    }
    const schema = String(target).split('/').pop();
    problems.push({
      message:
        `'${value}' maps to ${schema}, which '${first.get(target)}' already maps to: NSwag cannot generate two mapping values for one schema ` +
        `(the build fails with "Sequence contains more than one matching element", MSB3073). Remove '${value}' from the mapping and add ` +
        `[JsonInheritanceAlias("${value}", typeof(${schema}))] to the base type's partial in src/ImageService.Client/Customizations/ ` +
        `(as ImageResponseBase.cs does for IoTContainer), or give '${value}' its own schema (allOf ${schema}).`,
      path: [...context.path, value],
    });
  }
  return problems;
};
