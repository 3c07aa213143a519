// The docs folder and its exclusions are computed, as real sites do: only evaluating the config finds them.
import type { Config } from '@docusaurus/types';

const unfinished: string[] = ['drafts', 'scratch'].map((folder) => `**/${folder}/**`);

export default async function createConfig(): Promise<Config> {
  return {
    title: ['Computed', 'Config'].join(' '),
    tagline: `Built ${'by code'}`,
    presets: [['classic', { docs: { path: './book/', exclude: [...unfinished, '**/*.wip.md'] } }]],
  } as unknown as Config;
}
