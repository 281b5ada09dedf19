// `pnpm pack:check`: packs every publishable package with pnpm, as a release does, and checks
// each tarball: it has the LICENSE, and its package.json names no workspace: ranges.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const pnpm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['pnpm'];
const out = mkdtempSync(join(tmpdir(), 'tensile-pack-'));
const problems = [];

for (const dir of readdirSync('packages').map((d) => join('packages', d))) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (manifest.private) continue;
  const dest = mkdtempSync(join(out, 'p-'));
  const pack = spawnSync(pnpm[0], [...pnpm.slice(1), 'pack', '--pack-destination', dest], {
    cwd: dir,
    encoding: 'utf8',
  });
  if (pack.status !== 0) {
    problems.push(`${manifest.name}: pnpm pack failed\n${pack.stderr}`);
    continue;
  }
  const tarball = join(dest, readdirSync(dest)[0]);
  const files = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).stdout.split('\n');
  if (!files.includes('package/LICENSE')) problems.push(`${manifest.name}: no LICENSE`);
  const packed = spawnSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' });
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries(JSON.parse(packed.stdout)[field] ?? {})) {
      if (range.startsWith('workspace:')) problems.push(`${manifest.name}: ${dep}@${range}`);
    }
  }
  console.log(`${manifest.name}: ${files.filter(Boolean).length} files`);
}
rmSync(out, { recursive: true, force: true });
if (problems.length > 0) {
  console.error(`pack:check:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('pack:check: every tarball has its LICENSE and no workspace: ranges');
