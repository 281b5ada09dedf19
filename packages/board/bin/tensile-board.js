#!/usr/bin/env node
// The command's entry is a committed file, so package managers can link the bin before dist/ is
// built (in this repository, `pnpm board` runs the source with tsx instead).
import('../dist/cli.js').catch((err) => {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist/cli.js'))
    throw err;
  console.error('tensile-board: dist/ is not built; run `pnpm build` first');
  process.exit(1);
});
