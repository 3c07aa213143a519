export default {
  title: 'Rules Book',
  tagline: 'Every Docusaurus rule once',
  presets: [['classic', { docs: { exclude: ['**/templates/**', '**/*.draft.md'] } }]],
};
