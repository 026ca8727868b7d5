// Parses TESSERA_DATABASE_URL: `sqlite:PATH` (relative or absolute; `sqlite://` + absolute path
// also accepted), `sqlite::memory:`, `postgres://...` / `postgresql://...`.

export type DatabaseTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export function parseDatabaseUrl(databaseUrl: string): DatabaseTarget {
  const value = databaseUrl.trim();
  if (/^postgres(ql)?:\/\//i.test(value)) return { kind: 'postgres', url: value };
  if (/^sqlite:/i.test(value)) {
    let path = value.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(2);
    if (path === '') {
      throw new Error('TESSERA_DATABASE_URL: "sqlite:" needs a file path, e.g. sqlite:./data/tessera.db');
    }
    return { kind: 'sqlite', path };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1];
  throw new Error(
    `TESSERA_DATABASE_URL: unsupported ${scheme ? `scheme "${scheme}:"` : 'value'}; ` +
      'use sqlite:PATH, sqlite::memory: or postgres://USER:PASSWORD@HOST:PORT/DATABASE',
  );
}

/** The URL with any password replaced, for logs and error messages. */
export function redactDatabaseUrl(databaseUrl: string): string {
  return databaseUrl.replace(/^(\w+:\/\/[^:/@]*:)[^@]*@/, '$1***@');
}
