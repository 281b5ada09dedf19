// Each publishable package's `prepack`: only pnpm rewrites the `workspace:^` ranges of sibling
// packages into versions when it packs; `npm pack` or `npm publish` would ship them as they are,
// and no registry can install those.
const agent = process.env.npm_config_user_agent ?? '';
if (!agent.startsWith('pnpm/')) {
  console.error(
    'Pack and publish Tensile packages with pnpm (pnpm pack, pnpm publish): npm leaves',
  );
  console.error(
    'the workspace:^ dependency ranges in package.json, which no registry can install.',
  );
  process.exit(1);
}
