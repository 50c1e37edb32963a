// Writes the demo's collections (demo/schema.ts) as the JSON `syncworker serve --collections` reads.
import { writeFileSync } from 'node:fs';
import { demoCollections } from './schema.ts';

const [path = 'dist/demo-collections.json'] = process.argv.slice(2);
writeFileSync(path, `${JSON.stringify(demoCollections, null, 2)}\n`);
