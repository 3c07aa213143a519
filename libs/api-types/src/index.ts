// The HTTP contract shared by the backend and the Angular app: plain types and
// constants only. This library must never import NestJS, TypeORM or BullMQ.
export * from './errors';
export * from './users';
export * from './accounts';
export * from './onboarding';
export * from './content';
export * from './personalize';
export * from './progress';
export * from './search';
export * from './anchors';
export * from './tutor';
