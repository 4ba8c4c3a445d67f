import { describe, expect, it } from 'vitest';
import { describeTarget, disposableProblems, isLocalHost, looksDisposableName, parseDatabaseUrl } from '../src/trace/database-url.ts';
import { connectionSecrets, redactSecrets } from '../src/trace/redact.ts';

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
    expect(() => parseDatabaseUrl('postgresql://localhost:99999/test')).toThrow(/port is not a number/);
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

describe('errors never quote the password or a piece of it', () => {
  // Each password's every 3-character piece is checked against the error text.
  const cases: Array<[url: string, password: string, error: RegExp]> = [
    ['postgresql://u:EncQx%zz7@localhost/x_test', 'EncQx%zz7', /the password has an invalid percent-encoding/],
    ['postgresql://u:Kv7/Wq9Zr@localhost/x_test', 'Kv7/Wq9Zr', /an '@' follows a '\/', '\?' or '#'/],
    ['postgresql://u:Kv7?Wq9Zr@localhost/x_test', 'Kv7?Wq9Zr', /an '@' follows/],
    ['postgresql://u:Kv7#Wq9Zr@localhost/x_test', 'Kv7#Wq9Zr', /an '@' follows/],
    ['postgresql://u:5432/Wq9Zr@localhost/x_test', '5432/Wq9Zr', /an '@' follows/],
    ['postgresql://u:Kv7Wq9Zr/x_test', 'Kv7Wq9Zr', /the port is not a number/],
    ['postgresql://localhost/x_test?password=Kv7&Wq9Zr=1', 'Kv7&Wq9Zr=1', /a parameter name is not a libpq keyword/],
    ['host=localhost dbname=x_test password=Kv7 WqxZr=1', 'Kv7 WqxZr=1', /a parameter name is not a libpq keyword/],
    ['host=localhost dbname=x_test password=Kv7 Wq9Zr=1', 'Kv7 Wq9Zr=1', /neither a postgresql:\/\/ URL nor "key=value"/],
  ];
  it.each(cases)('%s', (url, password, error) => {
    let message = '';
    try {
      parseDatabaseUrl(url);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(error);
    for (let i = 0; i + 3 <= password.length; i++) expect(message).not.toContain(password.slice(i, i + 3));
  });

  it('still names a libpq keyword it does not support', () => {
    expect(() => parseDatabaseUrl('postgresql://localhost/x_test?sslrootcert=/x')).toThrow(/unsupported connection parameter "sslrootcert"/);
  });
});

describe('connectionSecrets and redaction', () => {
  it('finds passwords without parsing the URL: up to the last @, in password= values, and PGPASSWORD', () => {
    const secrets = connectionSecrets(
      ['trace', '--database-url=postgresql://u:Kv7/Wq?9#Zr@localhost/x_test', 'postgresql:///db?password=Ab%2Fcd+ef&x=1', "host=h password='it\\'s Pw9'", 'postgresql://u:Pc%41%zz@h/db'],
      { PGPASSWORD: 'EnvPw9' },
    );
    for (const secret of ['Kv7/Wq?9#Zr', 'Ab%2Fcd+ef', 'Ab/cd+ef', 'Ab/cd ef', "it's Pw9", 'EnvPw9', 'Pc%41%zz', 'PcA%zz']) expect(secrets).toContain(secret);
    expect(secrets).not.toContain('u');
  });

  it('replaces every occurrence, longest first, and leaves text without secrets as it is', () => {
    expect(redactSecrets('a Kv7Wq9 b Kv7Wq9Zr c', ['Kv7Wq9Zr', 'Kv7Wq9'])).toBe('a *** b *** c');
    expect(redactSecrets('nothing here', ['Kv7Wq9Zr'])).toBe('nothing here');
  });
});
