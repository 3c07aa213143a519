import { exitWith } from '@lectern/infra';
import { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { generateOpenApiJson, OPENAPI_PATH } from '../openapi-document';

/** `openapi [--check]`: writes backend/openapi.json from the code (no database or environment needed), or checks it is current. */
export function openApiCommand(): Command {
  return new Command('openapi')
    .description(`write ${OPENAPI_PATH}, the OpenAPI document generated from the code (--check: fail if it is out of date)`)
    .option('--check', 'exit 1 when the committed document differs from the code')
    .action(async (options: { check?: boolean }) => {
      const generated = await generateOpenApiJson();
      const current = (() => {
        try {
          return readFileSync(OPENAPI_PATH, 'utf8');
        } catch {
          return '';
        }
      })();
      if (options.check) {
        if (generated === current) console.log(`${OPENAPI_PATH} matches the code.`);
        else {
          console.error(`${OPENAPI_PATH} is out of date: run \`npx nx run backend:openapi\` and commit it.`);
          exitWith(1);
        }
        return;
      }
      writeFileSync(OPENAPI_PATH, generated);
      console.log(generated === current ? `${OPENAPI_PATH} is unchanged.` : `Wrote ${OPENAPI_PATH}.`);
    });
}
