/**
 * The id scripts/build.js gives each build (`define`): what caches of the build's own answers are
 * keyed by. Undefined when rewind runs from its sources (tsx), which then keep no such cache.
 */
declare const __REWIND_BUILD__: string | undefined;

export const BUILD_ID: string | undefined = typeof __REWIND_BUILD__ === 'string' ? __REWIND_BUILD__ : undefined;
