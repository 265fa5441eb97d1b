// How the build cuts the code a visit loads at start into few files. Left to itself the bundler makes a chunk
// for every set of modules shared by a different set of screens: Home's start fetched ~35 small files, and
// each response costs a phone ~300 bytes beyond its body (Resource Timing's figure; more over HTTP/1.1) and
// compresses worse than one file would. So:
//   - `shell`: the entry's static imports (index.html preloads them): the first paint;
//   - `home`:  the static imports of src/ui/home-start.ts (the model, Home's details, the service-worker
//     bridge), which main.tsx requests at once;
//   - `common`: the part of those the Scan screen imports statically too (errors, bytes, SHA-2), so that opening
//     the scanner waits for this small file and never for the model's code.
// Every other module is left to the bundler's automatic splitting: lazy screens and lazy parts (the DCC decoder,
// the scanner's engine, the other language) stay out of both. vite.config.ts uses this; scripts/check-size.mjs
// reads the same lists to measure and check the result.
import { resolve } from 'node:path';

/** The module main.tsx imports dynamically at start: its static imports make the `home` chunk. */
export const HOME_START = 'src/ui/home-start.ts';
/** The entry: its static imports make the `shell` chunk. */
export const ENTRY = 'src/main.tsx';
/** Screens whose static imports are kept out of `home` (in `common`), so they do not wait for it. */
export const KEPT_APART = ['src/ui/screens/Scan.tsx'];

/**
 * `build.rolldownOptions.output.codeSplitting` for vite.config.ts. `root` is the project folder (module ids
 * are absolute paths).
 */
export function startChunks(root) {
  // Per chunking pass (the page's build and the service worker's are separate passes over other modules).
  const passes = new WeakMap();
  /** @param {{ getModuleInfo(id: string): { importedIds: string[] } | null }} ctx */
  const compute = (ctx) => {
    const closure = (files) => {
      const seen = new Set();
      const visit = (id) => {
        const info = ctx.getModuleInfo(id);
        if (!info || seen.has(id)) return;
        seen.add(id);
        for (const dep of info.importedIds) visit(dep);
      };
      for (const f of files) visit(resolve(root, f));
      return seen;
    };
    const shell = closure([ENTRY]);
    const apart = closure(KEPT_APART);
    const start = [...closure([HOME_START])].filter((id) => !shell.has(id));
    return {
      shell,
      common: new Set(start.filter((id) => apart.has(id))),
      home: new Set(start.filter((id) => !apart.has(id))),
    };
  };
  const setsOf = (ctx) => {
    if (!passes.has(ctx)) passes.set(ctx, compute(ctx));
    return passes.get(ctx);
  };
  // A group takes its modules' imports along, unless a group of higher priority has them already: the shell
  // first, then what Scan shares, then the rest of the start.
  const group = (name, priority) => ({
    debugName: name,
    name: (id, ctx) => (setsOf(ctx)[name].has(id) ? name : null),
    priority,
  });
  return { groups: [group('shell', 3), group('common', 2), group('home', 1)] };
}
