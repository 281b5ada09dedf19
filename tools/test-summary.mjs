// Prints vitest's JSON result as one plain closing line ("tests: N passed, N failed, N skipped")
// that CI tooling reads, since vitest's own summary is formatted for people. Exits non-zero when
// a test failed, vitest reported an error outside the tests, or nothing ran.
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.test-results/vitest.json';
if (!existsSync(file)) {
  console.log(
    'tests: 0 passed, 0 failed, 0 skipped (vitest wrote no results; see its output above)',
  );
  process.exit(1);
}
const r = JSON.parse(readFileSync(file, 'utf8'));
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
const failed = r.numFailedTests > 0 || r.numFailedTestSuites > 0 || r.success === false;
process.exit(failed || r.numTotalTests === 0 ? 1 : 0);
