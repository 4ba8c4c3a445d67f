import { describe, expect, it } from 'vitest';
import { describeTarget, disposableProblems, isLocalHost, looksDisposableName, parseDatabaseUrl } from '../src/trace/database-url.ts';

describe('parseDatabaseUrl', () => {
  it('reads URLs field by field, including unix socket hosts', () => {
    expect(parseDatabaseUrl('postgresql://app:s%40cret@localhost:5433/myapp_test?sslmode=disable')).toEqual({
      host: 'localhost',
      port: 5433,
      database: 'myapp_test',
      user: 'app',
      password: 's@cret',
      sslmode: 'disable',
    });
    expect(parseDatabaseUrl('postgres://%2Fvar%2Frun%2Fpostgresql/ci')).toMatchObject({ host: '/var/run/postgresql', database: 'ci', port: 5432 });
    expect(parseDatabaseUrl('postgresql:///scratch?host=/tmp&user=me')).toMatchObject({ host: '/tmp', database: 'scratch', user: 'me' });
    expect(parseDatabaseUrl('postgresql://[::1]:6543/dev')).toMatchObject({ host: '::1', port: 6543, database: 'dev' });
    expect(parseDatabaseUrl("host=127.0.0.1 port=5999 dbname='app test' user=x")).toMatchObject({ host: '127.0.0.1', port: 5999, database: 'app test', user: 'x' });
  });

  it('defaults the host to localhost, never to the environment', () => {
    expect(parseDatabaseUrl('postgresql:///app_test').host).toBe('localhost');
  });

  it('rejects what it cannot check', () => {
    expect(() => parseDatabaseUrl('postgresql://localhost')).toThrow(/must name the database/);
    expect(() => parseDatabaseUrl('postgresql://a,b/test')).toThrow(/one host/);
    expect(() => parseDatabaseUrl('postgresql://localhost/test?service=prod')).toThrow(/unsupported connection parameter "service"/);
    expect(() => parseDatabaseUrl('mysql://localhost/test')).toThrow(/neither a postgresql:\/\/ URL/);
    expect(() => parseDatabaseUrl('postgresql://localhost:99999/test')).toThrow(/invalid port/);
  });
});

describe('disposable databases', () => {
  it('accepts only this machine', () => {
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '/var/run/postgresql', '@abstract']) expect(isLocalHost(host), host).toBe(true);
    for (const host of ['db.example.com', '10.0.0.5', '192.168.1.2', '0.0.0.0', 'localhost.example.com', '::ffff:10.0.0.1']) expect(isLocalHost(host), host).toBe(false);
  });

  it('accepts names that say they are throwaway, as whole words', () => {
    for (const name of ['myapp_test', 'test', 'TestDb', 'app-ci', 'tmp1', 'prisma_shadow', 'scratch', 'dev', 'disposable_db', 'myAppTest', 'temp']) {
      expect(looksDisposableName(name), name).toBe(true);
    }
    for (const name of ['production', 'app', 'precision', 'devices', 'contest', 'latest', 'attempt']) expect(looksDisposableName(name), name).toBe(false);
  });

  it('explains every reason for refusing', () => {
    expect(disposableProblems(parseDatabaseUrl('postgresql://localhost/app_test'))).toEqual([]);
    expect(disposableProblems(parseDatabaseUrl('postgresql://db.example.com/app'))).toEqual([
      'the host "db.example.com" is not this machine (localhost, 127.0.0.1, ::1 or a unix socket directory)',
      expect.stringMatching(/^the database name "app" does not say it is disposable/),
    ]);
  });

  it('never prints the password', () => {
    expect(describeTarget(parseDatabaseUrl('postgresql://u:pw@localhost:5433/t'))).toBe('postgresql://u:***@localhost:5433/t');
    expect(describeTarget(parseDatabaseUrl('postgresql:///t?host=/tmp/x'))).toBe('postgresql:///t?host=/tmp/x');
  });
});
