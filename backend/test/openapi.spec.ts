import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateOpenApiJson, OPENAPI_PATH } from '../src/openapi-document';

describe('the committed OpenAPI document', () => {
  it(`matches the code (after an API change, run \`npx nx run backend:openapi\` and commit ${OPENAPI_PATH})`, async () => {
    const committed = readFileSync(join(__dirname, '../..', OPENAPI_PATH), 'utf8');
    const generated = await generateOpenApiJson();
    const paths = (json: string) => Object.keys((JSON.parse(json) as { paths: object }).paths);
    // The paths first, for a readable failure; then the whole document, byte for byte.
    expect(paths(generated)).toEqual(paths(committed));
    expect(generated).toBe(committed);
  });
});
