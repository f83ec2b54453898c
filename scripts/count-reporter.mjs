// A node:test reporter that prints only the closing line CI reads:
// "N passed, N failed[, N skipped]". Counts leaf tests (tests with no subtests).
export default async function* countReporter(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = event.data;
    // Suites report as tests too; count only leaves (and whole-file failures).
    if (d.details?.type === 'suite') {
      if (event.type === 'test:fail' && d.details?.error?.failureType !== 'subtestsFailed') failed++;
      continue;
    }
    if (d.skip || d.todo) skipped++;
    else if (event.type === 'test:pass') passed++;
    else failed++;
  }
  yield `\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
}
