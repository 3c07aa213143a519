import baseConfig from '../../../../eslint.config.mjs';

// test-fixtures hold authors' files (a sidebars.ts, a docusaurus.config.ts) as a real book has them: not our code.
export default [...baseConfig, { ignores: ['test-fixtures/**'] }];
