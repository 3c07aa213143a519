#!/usr/bin/env bash
# Proves the module-boundary lint rule really bites: a file in the Angular app
# that imports backend code (or the shared types importing NestJS) must fail
# lint. The probes are temporary files, removed on exit.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
probes=(frontend/src/app/__boundary_probe__.ts libs/api-types/src/__boundary_probe__.ts)
trap 'rm -f "${probes[@]}"' EXIT
printf "import { AppConfig } from '@lectern/infra';\nexport const probe = AppConfig;\n" > "${probes[0]}"
printf "import { UsersModule } from '@lectern/users';\nexport const probe = UsersModule;\n" > "${probes[1]}"
failed=0
for probe in "${probes[@]}"; do
  if out=$(npx eslint --no-warn-ignored "$probe" 2>&1); then
    echo "Boundary check FAILED: lint accepted $probe importing backend code" >&2
    failed=1
  elif ! grep -q 'enforce-module-boundaries' <<<"$out"; then
    echo "Boundary check FAILED: lint rejected $probe for another reason:" >&2
    echo "$out" >&2
    failed=1
  fi
done
[[ $failed -eq 0 ]] && echo "Module boundaries hold: the web app and the shared types cannot import backend code."
exit $failed
