import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** The OpenAPI document of an application's controllers (served at /api/docs, committed as backend/openapi.json). */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Lectern API')
      .setDescription('AI-personalized textbook platform. Learner endpoints take the bearer token from POST /api/user/create.')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Learner token (or ADMIN_TOKEN for admin endpoints)' }, 'learner')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' }, 'admin')
      .build(),
  );
}

/** The committed form of the document: keys in a stable order, two-space indents, a final newline. */
export function openApiJson(document: OpenAPIObject): string {
  const sorted = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sorted)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
          )
        : value;
  return `${JSON.stringify(sorted(document), null, 2)}\n`;
}
