import type * as Yaml from 'yaml';

/**
 * The `yaml` package, loaded on first use. Plain configs are read by Bun's native parser
 * (`plain-yaml.ts`); the package is needed only to locate an error, for YAML outside that
 * subset, and by the dashboard's config editor. Loading it costs ~3 MB of memory.
 */
export function yamlPackage(): typeof Yaml {
  return require('yaml') as typeof Yaml;
}
