#!/usr/bin/env bash
# Proves the boundary lint rules really bite: each probe below is a temporary
# file that breaks one rule, and lint must reject it for that rule (and no
# other). ESLint looks up each probe's config from the probe's own folder, as
# `nx lint` does for its project. The probes are removed on exit.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# path | the rule that must reject it | what it tries | its code
probes=(
  "frontend/src/app/__boundary_probe__.ts|@nx/enforce-module-boundaries|the web app importing backend code|import { AppConfig } from '@lectern/infra';
export const probe = AppConfig;"
  "libs/api-types/src/__boundary_probe_backend__.ts|@nx/enforce-module-boundaries|the shared types importing a backend domain|import { UsersModule } from '@lectern/users';
export const probe = UsersModule;"
  "libs/api-types/src/__boundary_probe_framework__.ts|no-restricted-imports|the shared types importing a framework (NestJS, TypeORM, BullMQ, ioredis, Angular)|import { Injectable } from '@nestjs/common';
import { Entity } from 'typeorm';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { Component } from '@angular/core';
export const probe = [Injectable, Entity, Queue, Redis, Component];"
  "libs/importer/src/__boundary_probe_backend__.ts|@nx/enforce-module-boundaries|the importer library importing the backend (a domain, infra)|import { ContentService } from '@lectern/content';
import { AppConfig } from '@lectern/infra';
export const probe = [ContentService, AppConfig];"
  "libs/importer/src/__boundary_probe_framework__.ts|no-restricted-imports|the importer library importing a framework (NestJS, TypeORM, BullMQ)|import { Injectable } from '@nestjs/common';
import { Entity } from 'typeorm';
import { Queue } from 'bullmq';
export const probe = [Injectable, Entity, Queue];"
  "backend/src/infra/__boundary_probe__.ts|@nx/enforce-module-boundaries|infra importing a domain|import { ContentService } from '@lectern/content';
export const probe = ContentService;"
  "backend/src/modules/recommendations/__boundary_probe__.ts|no-restricted-imports|a domain importing another domain's entity|import { LessonEntity } from '@lectern/content';
import { UserEntity } from '@lectern/users';
export const probe = [LessonEntity, UserEntity];"
  "backend/src/modules/progress/__boundary_probe_deep__.ts|@nx/enforce-module-boundaries|a domain reaching into another domain's files for its entity|import { LessonEntity } from '../content/entities/lesson.entity';
export const probe = LessonEntity;"
  "backend/src/modules/search/__boundary_probe_relation__.ts|no-restricted-syntax|a domain relating to another domain's entity by its name (no import)|import { Entity, ManyToOne, OneToOne, PrimaryColumn } from 'typeorm'; // allowed
@Entity({ name: 'boundary_probe' })
export class BoundaryProbe {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @ManyToOne('LessonEntity', { onDelete: 'CASCADE' }) lesson?: unknown;
  @OneToOne('UserEntity') user?: unknown;
}"
)
# How many errors of its rule each probe must get: one per import, and per
# relation naming its target by a string, except lines marked "// allowed".
expected_count() { grep -E "^import |^  @(ManyToOne|OneToOne|OneToMany|ManyToMany)\('" <<<"$1" | grep -vc '// allowed'; }

# The Nx rule reads the cached project graph and is skipped (with a warning)
# without one: make sure there is one, whatever ran before.
npx nx show projects >/dev/null

paths=()
for probe in "${probes[@]}"; do paths+=("${probe%%|*}"); done
report_file=$(mktemp)
trap 'rm -f "${paths[@]}" "$report_file"' EXIT
for probe in "${probes[@]}"; do
  IFS='|' read -r path _ _ code <<<"$probe"
  code="${probe#*|*|*|}"
  printf '%s\n' "$code" >"$path"
done

# The report goes to a file: anything a plugin prints on stdout would spoil the JSON.
npx eslint --flag v10_config_lookup_from_file --no-warn-ignored --format json --output-file "$report_file" "${paths[@]}" >/dev/null 2>&1
report=$(cat "$report_file")
failed=0
for probe in "${probes[@]}"; do
  IFS='|' read -r path rule what _ <<<"$probe"
  code="${probe#*|*|*|}"
  want=$(expected_count "$code")
  verdict=$(node -e '
    const [report, file, rule, want] = process.argv.slice(1);
    let results;
    try {
      results = JSON.parse(report);
    } catch {
      console.log("lint did not run (no JSON report)");
      process.exit(0);
    }
    const result = results.find((r) => r.filePath.endsWith("/" + file));
    if (!result) {
      console.log("lint did not report on it");
      process.exit(0);
    }
    const messages = result.messages;
    const hits = messages.filter((m) => m.ruleId === rule).length;
    const others = messages.filter((m) => m.ruleId !== rule).map((m) => `${m.ruleId}: ${m.message}`);
    if (hits !== Number(want)) console.log(`expected ${want} ${rule} error(s), got ${hits}`);
    else if (others.length) console.log(`also rejected for another reason: ${others.join("; ")}`);
  ' "$report" "$path" "$rule" "$want")
  if [[ -n "$verdict" ]]; then
    echo "Boundary check FAILED for $what ($path): $verdict" >&2
    failed=1
  else
    echo "ok: lint rejects $what ($rule)"
  fi
done
[[ $failed -eq 0 ]] && echo "Module boundaries hold."
exit $failed
