// Heading anchor ids: the algorithm is the server's (shared through
// @lectern/api-types), so a heading without a server-given id still gets the
// id search results link to.

export { EXPLICIT_HEADING_ID, HeadingSlugger, headingPlainText, slugifyHeading } from '@lectern/api-types';
