import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const schema = `
CREATE TABLE users (id bigint PRIMARY KEY, email text);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, amount int);
CREATE TABLE events (id bigint, k int) PARTITION BY RANGE (k);
CREATE TABLE events_new (id bigint, k int);
CREATE MATERIALIZED VIEW totals AS SELECT user_id, sum(amount) AS total FROM orders GROUP BY user_id;
`;
const none = { migrationTransaction: 'none' as const };
const TRIGGER_FN = 'CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;';
const HEADLINE_USERS = 'No lock_timeout: reads and writes on `users` queue while this statement waits for its lock; set lock_timeout first';
const AE_USERS = /takes an ACCESS EXCLUSIVE lock on `users`, blocking reads and writes on `users`, and no `lock_timeout` is set before it/;

new RuleTester().run(rule, {
  valid: [
    // REPACK (CONCURRENTLY) runs outside a transaction block under SHARE UPDATE EXCLUSIVE.
    { code: 'REPACK (CONCURRENTLY) users;', schema, settings: { ...none, postgresVersion: 19 } },
    // A timeout before the statement, in every accepted spelling.
    { code: "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN note text;", schema },
    { code: "SET lock_timeout TO '2s';\nALTER TABLE users ADD COLUMN note text;", schema, settings: none },
    { code: "SET SESSION lock_timeout = 2000;\nALTER TABLE users ADD COLUMN note text;", schema, settings: none },
    { code: "set lock_timeout = '1s'; alter table users add column note text;", schema },
    { code: "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE users ADD COLUMN note text;\nCOMMIT;", schema },
    // SET LOCAL works in the implicit transaction of a multi-statement file (checked on PostgreSQL 15).
    { code: "SET LOCAL lock_timeout = '2s';\nALTER TABLE users ADD COLUMN note text;", schema },
    { code: "SELECT set_config('lock_timeout', '2s', false);\nALTER TABLE users ADD COLUMN note text;", schema, settings: none },
    { code: "BEGIN;\nSELECT set_config('lock_timeout', '2s', true);\nALTER TABLE users ADD COLUMN note text;\nCOMMIT;", schema },
    // A session SET inside a committed transaction stays in effect after COMMIT.
    { code: "BEGIN;\nSET lock_timeout = '2s';\nCOMMIT;\nALTER TABLE users ADD COLUMN note text;", schema },
    // Locks that block neither reads nor writes (SHARE UPDATE EXCLUSIVE and weaker).
    { code: 'CREATE INDEX CONCURRENTLY users_email ON users (email);', schema },
    { code: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_check;', schema },
    { code: 'ALTER TABLE users ALTER COLUMN email SET STATISTICS 500;', schema },
    // PostgreSQL 12+: SHARE UPDATE EXCLUSIVE on the parent; the new partition is new; the DEFAULT
    // partition, which the catalog cannot tell exists, does not count on its own.
    { code: 'CREATE TABLE p2 (id bigint, k int);\nALTER TABLE events ATTACH PARTITION p2 FOR VALUES FROM (0) TO (100);', schema, settings: { postgresVersion: 15 } },
    { code: "INSERT INTO users (id, email) VALUES (1, 'a@b.c');\nUPDATE orders SET amount = 0 WHERE id = 1;", schema },
    { code: 'SELECT count(*) FROM users;', schema },
    // Tables created in this file block nobody.
    { code: 'CREATE TABLE payments (id bigint PRIMARY KEY, amount int);\nCREATE INDEX payments_amount ON payments (amount);\nALTER TABLE payments ADD COLUMN note text;', schema },
    { code: 'CREATE TABLE payments (id bigint PRIMARY KEY);', schema },
    { code: 'CREATE SEQUENCE s;\nALTER SEQUENCE s RESTART WITH 10;', schema },
    { code: 'CREATE VIEW v AS SELECT id FROM users;', schema },
    // Not a migration.
    { code: 'ALTER TABLE users ADD COLUMN note text;', schema, migration: false },
    // Only the first statement of a section is reported: one report per file.
    // statement_timeout is only required with the option.
    { code: "SET lock_timeout = '2s';\nSET statement_timeout = '1h';\nALTER TABLE users ADD COLUMN note text;", schema, options: { requireStatementTimeout: true } },
    // A lock the transaction already holds as strongly is granted at once (PostgreSQL 15: a
    // CREATE INDEX after an ALTER TABLE of the same table does not queue behind other sessions):
    // the ALTER TABLE, which ran with a timeout, is the statement that waited.
    {
      code: "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE users ADD COLUMN note text;\nSET LOCAL lock_timeout = 0;\nCREATE INDEX users_note ON users (note);\nCOMMIT;",
      schema,
    },
    // Rollbacks are reported only with `rollbacks: 'all'`.
    { code: "-- +goose Up\nSET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN note text;\n-- +goose Down\nALTER TABLE users DROP COLUMN note;", schema, name: 'a goose Down section without a timeout' },
    { code: 'ALTER TABLE users DROP COLUMN note;', schema, filename: 'migrations/000002_add_note.down.sql', name: 'a down file without a timeout' },
    // The lock model says ATTACH PARTITION takes ACCESS EXCLUSIVE on the parent only before 12.
    { code: 'CREATE TABLE p2 (id bigint, k int);\nALTER TABLE events ATTACH PARTITION p2 FOR VALUES FROM (0) TO (100);', schema, settings: { postgresVersion: 13 } },
  ],
  invalid: [
    // PostgreSQL 19 statements recognised from tokens (no PG 19 server here; facts in locks/VERIFICATION.md).
    { code: 'REPACK users;', schema, settings: { postgresVersion: 19 }, errors: [{ detail: /^`REPACK users` takes an ACCESS EXCLUSIVE lock on `users`, blocking reads and writes on `users`, and no `lock_timeout` is set before it/ }] },
    {
      code: 'ALTER TABLE users MERGE PARTITIONS (users_a, users_b) INTO users_ab;',
      schema,
      settings: { postgresVersion: 19 },
      errors: [{ detail: /^`ALTER TABLE users MERGE PARTITIONS \(users_a, users_b\) INT\.\.\.` takes ACCESS EXCLUSIVE locks on `users`, `users_a` and `users_b`/ }],
    },
    {
      code: 'ALTER TABLE users ADD COLUMN note text;',
      schema,
      errors: [
        {
          message: HEADLINE_USERS,
          detail:
            "`ALTER TABLE users ADD COLUMN note text` takes an ACCESS EXCLUSIVE lock on `users`, blocking reads and writes on `users`, and no `lock_timeout` is set before it. If another transaction holds a conflicting lock on `users` (even an idle transaction that only read it), this statement waits for it without limit, and every query on `users` that arrives meanwhile queues behind it: the outage lasts as long as that wait, on top of the time the statement itself takes. Set `SET lock_timeout = '2s';` before it and retry the migration when it times out.",
          line: 1,
          column: 1,
          endColumn: 39,
          suggestions: [{ desc: 'Set lock_timeout before this statement', output: "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN note text;" }],
        },
      ],
      output: null,
    },
    // Reported once, at the first statement that needs it; the SET goes inside the transaction.
    {
      code: "BEGIN;\n  CREATE INDEX orders_amount ON orders (amount);\n  ALTER TABLE users ADD COLUMN note text;\nCOMMIT;",
      schema,
      errors: [
        {
          message: 'No lock_timeout: writes to `orders` queue while this statement waits for its lock; set lock_timeout first',
          detail: /^`CREATE INDEX orders_amount ON orders \(amount\)` takes a SHARE lock on `orders`, blocking writes to `orders` \(reads continue\), and no `lock_timeout`/,
          line: 2,
          suggestions: [{ output: "BEGIN;\n  SET LOCAL lock_timeout = '2s';\n  CREATE INDEX orders_amount ON orders (amount);\n  ALTER TABLE users ADD COLUMN note text;\nCOMMIT;" }],
        },
      ],
    },
    // The timeout comes too late.
    { code: "ALTER TABLE users ADD COLUMN note text;\nSET lock_timeout = '2s';", schema, errors: [{ message: HEADLINE_USERS, detail: AE_USERS, line: 1 }] },
    // SET LOCAL ends with its transaction.
    {
      code: "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE users ADD COLUMN a text;\nCOMMIT;\nALTER TABLE users ADD COLUMN b text;",
      schema,
      errors: [{ detail: /no `lock_timeout` is set before it \(the `SET LOCAL lock_timeout` at line 2 ended with its transaction\)/, line: 5, suggestions: [{ output: "BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE users ADD COLUMN a text;\nCOMMIT;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE users ADD COLUMN b text;" }] }],
    },
    // SET LOCAL outside a transaction block does nothing (PostgreSQL warns and ignores it).
    {
      code: "SET LOCAL lock_timeout = '2s';\nALTER TABLE users ADD COLUMN note text;",
      schema,
      settings: none,
      errors: [{ detail: /\(the `SET LOCAL lock_timeout` at line 1 has no effect outside a transaction block\)/ }],
    },
    // A ROLLBACK undoes a SET made in its transaction.
    {
      code: "BEGIN;\nSET lock_timeout = '2s';\nROLLBACK;\nALTER TABLE users ADD COLUMN note text;",
      schema,
      errors: [{ detail: /\(the ROLLBACK at line 3 undid the `SET lock_timeout` at line 2\)/, line: 4 }],
    },
    // Turned off again.
    { code: "SET lock_timeout = '2s';\nRESET lock_timeout;\nALTER TABLE users ADD COLUMN note text;", schema, errors: [{ detail: /\(line 2 turns it off \(RESET\)\)/ }] },
    { code: "SET lock_timeout = '2s';\nSET lock_timeout = 0;\nALTER TABLE users ADD COLUMN note text;", schema, errors: [{ detail: /\(line 2 turns it off \(0 disables it\)\)/ }] },
    { code: "SET lock_timeout = '2s';\nSET lock_timeout TO DEFAULT;\nALTER TABLE users ADD COLUMN note text;", schema, errors: [{ detail: /turns it off \(SET \.\.\. TO DEFAULT\)/ }] },
    { code: "SET lock_timeout = '2s';\nRESET ALL;\nALTER TABLE users ADD COLUMN note text;", schema, errors: 1 },
    { code: "SET lock_timeout = '2s';\nDISCARD ALL;\nALTER TABLE users ADD COLUMN note text;", schema, settings: none, errors: 1 },
    // Another setting is not enough.
    { code: "SET statement_timeout = '5s';\nALTER TABLE users ADD COLUMN note text;", schema, errors: [{ detail: AE_USERS }] },
    // A table created in this file, with a foreign key to a table in use: SHARE ROW EXCLUSIVE on users.
    {
      code: 'CREATE TABLE payments (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));',
      schema,
      errors: [{ detail: /takes a SHARE ROW EXCLUSIVE lock on `users`, blocking writes to `users` \(reads continue\)/ }],
    },
    // Version-aware: ATTACH PARTITION takes ACCESS EXCLUSIVE on the parent before PostgreSQL 12.
    {
      code: 'CREATE TABLE p2 (id bigint, k int);\nALTER TABLE events ATTACH PARTITION p2 FOR VALUES FROM (0) TO (100);',
      schema,
      settings: { postgresVersion: 11 },
      errors: [{ detail: /ACCESS EXCLUSIVE locks on `events` and the DEFAULT partition of events, if there is one, blocking reads and writes/, line: 2 }],
    },
    // Attaching a table in use locks it ACCESS EXCLUSIVE.
    {
      code: 'ALTER TABLE events ATTACH PARTITION events_new FOR VALUES FROM (0) TO (100);',
      schema,
      errors: [{ detail: /takes ACCESS EXCLUSIVE locks on `events_new` and the DEFAULT partition of events, if there is one, .* every query on `events_new` that arrives/ }],
    },
    // Other statements the lock model knows block traffic.
    { code: 'REFRESH MATERIALIZED VIEW totals;', schema, errors: [{ detail: /ACCESS EXCLUSIVE lock on `totals`/ }] },
    { code: 'ALTER SEQUENCE users_id_seq RESTART WITH 100;', schema, errors: [{ detail: /SHARE ROW EXCLUSIVE lock on `users_id_seq`/ }] },
    { code: 'LOCK TABLE orders IN SHARE MODE;', schema, errors: [{ detail: /SHARE lock on `orders`/ }] },
    { code: 'VACUUM FULL orders;', schema, errors: [{ detail: /ACCESS EXCLUSIVE lock on `orders`/ }] },
    { code: 'DROP TABLE orders;', schema, errors: 1 },
    // With requireStatementTimeout, both settings; the suggestion inserts both.
    {
      code: 'alter table users add column note text;',
      schema,
      options: { requireStatementTimeout: true, statementTimeout: '15min' },
      errors: [
        {
          message: 'No lock_timeout: reads and writes on `users` queue while this statement waits for its lock; set lock_timeout and statement_timeout first',
          detail: /and no `lock_timeout` is set before it\. .* No `statement_timeout` is set either/,
          suggestions: [{ desc: 'Set lock_timeout and statement_timeout before this statement', output: "set lock_timeout = '2s';\nset statement_timeout = '15min';\nalter table users add column note text;" }],
        },
      ],
    },
    {
      code: "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN note text;",
      schema,
      options: { requireStatementTimeout: true },
      errors: [{ message: /^No statement_timeout: nothing bounds how long this statement waits for or holds its lock on `users`; set statement_timeout first$/, detail: /and no `statement_timeout` is set before it: nothing bounds how long it runs/, line: 2, suggestions: [{ desc: 'Set statement_timeout before this statement', output: "SET lock_timeout = '2s';\nSET LOCAL statement_timeout = '1h';\nALTER TABLE users ADD COLUMN note text;" }] }],
    },
    // Statement on the same line as another one: the SET goes inline.
    { code: 'BEGIN; ALTER TABLE users ADD COLUMN note text; COMMIT;', schema, errors: [{ suggestions: [{ output: "BEGIN; SET LOCAL lock_timeout = '2s'; ALTER TABLE users ADD COLUMN note text; COMMIT;" }] }] },
    // Held locks cover only the modes they conflict with: SHARE (CREATE INDEX) does not cover ACCESS EXCLUSIVE.
    {
      code: "BEGIN;\nSET LOCAL lock_timeout = '2s';\nCREATE INDEX orders_amount ON orders (amount);\nSET LOCAL lock_timeout = 0;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;",
      schema,
      errors: [{ line: 5 }],
    },
    // ROLLBACK TO SAVEPOINT releases the locks taken after the savepoint: the ALTER waits again.
    {
      code: "BEGIN;\nSAVEPOINT s;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE users ADD COLUMN a text;\nSET LOCAL lock_timeout = 0;\nROLLBACK TO SAVEPOINT s;\nALTER TABLE users ADD COLUMN b text;\nCOMMIT;",
      schema,
      errors: [{ detail: AE_USERS, line: 7 }],
    },
    // DROP FUNCTION ... CASCADE drops the triggers that execute the function, which takes ACCESS
    // EXCLUSIVE on their tables (PostgreSQL 15, pg_locks): that statement waits, not the
    // CREATE TRIGGER that follows while the lock is held.
    {
      code: `SET lock_timeout = '2s';\nCREATE TRIGGER ta BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION f();\nRESET lock_timeout;\nBEGIN;\nDROP FUNCTION f() CASCADE;\n${TRIGGER_FN}\nCREATE TRIGGER ta BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION f();\nCOMMIT;`,
      schema,
      errors: [
        {
          detail: /^`DROP FUNCTION f\(\) CASCADE` \(dropping trigger `ta` on `users`\) takes an ACCESS EXCLUSIVE lock on `users`, blocking reads and writes on `users`, and no `lock_timeout` is set before it \(line 3 turns it off \(RESET\)\)\./,
          line: 5,
        },
      ],
    },
    // The trigger a DROP FUNCTION ... CASCADE drops is not in this file: the CREATE TRIGGER is
    // reported, and the message says the drop may be the statement that waits.
    {
      code: `BEGIN;\nDROP FUNCTION f() CASCADE;\n${TRIGGER_FN}\nCREATE TRIGGER ta BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION f();\nCOMMIT;`,
      schema,
      errors: [
        {
          detail: /SHARE ROW EXCLUSIVE lock on `users`.* If the `DROP FUNCTION f\(\) CASCADE` at line 2 dropped a trigger on `users` \(this file does not show one\), that statement took an ACCESS EXCLUSIVE lock on it and is the one that waited: set the timeout before it\.$/,
          line: 4,
        },
      ],
    },
    // Up and down sections run separately: each needs its own timeout. A rollback is checked only
    // with `rollbacks: 'all'` (a missing timeout does not make the statement fail; see the valid cases).
    {
      code: "-- +goose Up\nSET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN note text;\n-- +goose Down\nALTER TABLE users DROP COLUMN note;",
      schema,
      settings: { rollbacks: 'all' },
      errors: [{ line: 5 }],
    },
  ],
});
