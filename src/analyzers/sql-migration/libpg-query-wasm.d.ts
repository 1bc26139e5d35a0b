// libpg-query ships no types for its Emscripten module; pg-parser.ts states the shape it uses (pg-wasm.ts PgWasmModule).
declare module 'libpg-query/wasm/libpg-query.js' {
  const factory: () => Promise<unknown>;
  export default factory;
}
