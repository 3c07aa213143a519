// @lectern/importer: a book folder (Lectern's book.yaml, or a Docusaurus docs
// tree) read into plain data, through the one Markdown syntax tree of
// @lectern/markdown. No framework and no database: the content domain stores
// what readBook returns.
export * from './book-source.types';
export { readBook } from './read-book';
export { validateBook, assertValidBook, formatProblems } from './validate-book';
export { assetUrl, ASSET_CONTENT_TYPES, MAX_ASSET_BYTES, type SourceAsset } from './assets';
