// Theme before the first paint. A classic, render-blocking script on purpose: it is tiny, comes from our own
// origin (the CSP allows 'self' scripts, never inline ones) and sets <html data-theme> before anything is drawn,
// so a dark-theme user never sees a white flash. The one place the choice is resolved: src/ui/theme.ts writes
// the choice and fires 'singgah:theme'; another tab's choice arrives as a 'storage' event.
(() => {
  const dark = window.matchMedia('(prefers-color-scheme: dark)');
  const apply = () => {
    let choice = 'system';
    try {
      choice = localStorage.getItem('singgah.theme') || 'system';
    } catch {
      // storage blocked: follow the system
    }
    const theme = choice === 'light' || choice === 'dark' ? choice : dark.matches ? 'dark' : 'light';
    document.documentElement.dataset.theme = theme;
    document.documentElement.dataset.themeChoice = choice;
  };
  apply();
  dark.addEventListener('change', apply);
  window.addEventListener('singgah:theme', apply);
  window.addEventListener('storage', apply);
})();
