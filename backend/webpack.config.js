const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');

// Entry points built from the same backend code: the api (main), the queue
// worker, the CLI and the data source TypeORM's migration generator loads.
// Dependencies stay external (node_modules).
module.exports = {
  output: {
    path: join(__dirname, '../dist/backend'),
    enabledLibraryTypes: ['commonjs2'],
    clean: true,
    devtoolModuleFilenameTemplate: '[absolute-resource-path]',
  },
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      additionalEntryPoints: [
        { entryName: 'worker', entryPath: './src/worker.ts' },
        { entryName: 'cli', entryPath: './src/cli.ts' },
        // The data source TypeORM's migration generator loads (commands/migration-generate.command.ts).
        { entryName: 'data-source', entryPath: './src/data-source.ts' },
      ],
      tsConfig: './tsconfig.app.json',
      assets: [],
      optimization: false,
      outputHashing: 'none',
      generatePackageJson: false,
      sourceMap: true,
    }),
    {
      // data-source.js is loaded with require() by TypeORM's CLI: its exports must be the module's.
      apply(compiler) {
        compiler.hooks.entryOption.tap('DataSourceExports', (_context, entry) => {
          if (entry['data-source']) entry['data-source'].library = { type: 'commonjs2' };
        });
      },
    },
  ],
};
