import { IsString } from 'class-validator';

/** The content domain's settings, read and validated at start-up with the rest (see `loadConfig`). */
export class ContentConfig {
  /** The book folder `content sync` and the admin sync endpoint import (Lectern format or a Docusaurus tree). */
  @IsString()
  CONTENT_SOURCE_DIR = 'content';
}
