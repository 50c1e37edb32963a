// Writes the demo's collections (demo/schema.ts) as the JSON `syncworker serve --collections` reads;
// `--strict`: the stricter server that refuses todos with extra fields.
import { writeFileSync } from 'node:fs';
import { demoCollections, strictDemoCollections } from './schema.ts';

const isStrict = process.argv.includes('--strict');
const [path = 'dist/demo-collections.json'] = process.argv.slice(2).filter((arg) => arg !== '--strict');
writeFileSync(path, `${JSON.stringify(isStrict ? strictDemoCollections : demoCollections, null, 2)}\n`);
