/**
 * The small glob dialect of rewind.yaml's `migrations:` (`apps/catalog/migrations/*.sql`,
 * `**\/migrations/*.sql`, `{db,sql}/*.sql`) as a RegExp over repo-relative paths.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] ?? '';
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') re += '(?:';
    else if (c === '}') re += ')';
    else if (c === ',' && glob.lastIndexOf('{', i) > glob.lastIndexOf('}', i)) re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** rewind's default when an app names no glob: any `.sql` under a `migrations/` folder. */
export const DEFAULT_MIGRATIONS_GLOB = '**/migrations/**/*.sql';
