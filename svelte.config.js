// Svelte 5 compiles TypeScript in components natively; runes are on for every component.
export default {
  compilerOptions: { runes: true },
};
