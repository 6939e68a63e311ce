// Loaded first on every page: records each Content-Security-Policy violation
// (an inline style, an eval, a Trusted Types sink, a foreign host...) for the
// driver to read. External, because the strict policy forbids inline scripts.
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push({
    directive: event.violatedDirective,
    blocked: event.blockedURI,
    sample: event.sample,
    source: `${event.sourceFile}:${event.lineNumber}`,
  });
});
