// Ends a run with one plain line, `wtr: N passed, N failed, N skipped`, so
// CI logs state the count without the progress-bar decoration around it.

function count(suite, totals) {
  for (const test of suite?.tests ?? []) {
    if (test.skipped) totals.skipped += 1;
    else if (test.passed) totals.passed += 1;
    else totals.failed += 1;
  }
  for (const child of suite?.suites ?? []) count(child, totals);
}

export function summaryReporter() {
  return {
    onTestRunFinished({ sessions }) {
      const totals = { passed: 0, failed: 0, skipped: 0 };
      let brokenFiles = 0;
      for (const session of sessions) {
        count(session.testResults, totals);
        if (!session.passed && (session.errors?.length ?? 0) > 0) brokenFiles += 1;
      }
      const broken = brokenFiles ? ` (${brokenFiles} test files failed to load or run)` : '';
      process.stdout.write(`\nwtr: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped${broken}\n`);
    },
  };
}
