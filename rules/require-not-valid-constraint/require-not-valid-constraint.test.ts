import { RuleTester } from '@sqlwarden/core/testing';
import rule from './index.ts';

const schema = `
CREATE TABLE users (id bigint PRIMARY KEY, email text);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, amount int);
CREATE TABLE events (id bigint, at timestamptz, user_id bigint) PARTITION BY RANGE (at);
`;
const withNotValidCheck = `${schema}
ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
`;
const none = { migrationTransaction: 'none' as const };

const FK = 'ADD FOREIGN KEY blocks writes to `orders` and `users` for a full check; add it NOT VALID, then VALIDATE it separately';
const CHECK = 'ADD CHECK blocks reads and writes on `orders` for a full check; add it NOT VALID, then VALIDATE it separately';
const FK_LOCKS = /takes SHARE ROW EXCLUSIVE locks on `orders` and `users` and scans all of `orders` to check the existing rows, blocking writes to `orders` and `users` \(reads continue\) for the whole scan\./;
const CHECK_LOCKS = /takes an ACCESS EXCLUSIVE lock on `orders` and scans all of `orders` to check the existing rows, blocking reads and writes on `orders` for the whole scan\./;
const VALIDATE_FK = /it takes a SHARE UPDATE EXCLUSIVE lock on `orders` and a ROW SHARE lock on `users`, which block neither reads nor writes/;
const VALIDATE_CHECK = /it takes a SHARE UPDATE EXCLUSIVE lock on `orders`, which blocks neither reads nor writes/;

new RuleTester().run(rule, {
  valid: [
    // CREATE TABLE AS copies rows, but nobody else uses the new table yet: a CHECK's scan blocks nobody.
    { code: 'CREATE TABLE users_copy AS SELECT * FROM users;\nALTER TABLE users_copy ADD CONSTRAINT users_copy_id_check CHECK (id > 0);', schema },
    // Created WITH NO DATA: empty.
    { code: 'CREATE TABLE orders_copy AS SELECT * FROM orders WITH NO DATA;\nALTER TABLE orders_copy ADD FOREIGN KEY (user_id) REFERENCES users (id);', schema },
    { code: 'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;', schema },
    { code: 'ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID', schema },
    { code: 'alter table orders add check (amount > 0) not valid, add foreign key (user_id) references users not valid', schema },
    // The validation on its own: a single-statement file runs without a transaction block.
    { code: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive', schema: withNotValidCheck },
    // Statements that each commit on their own.
    {
      code: 'ALTER TABLE orders ADD CONSTRAINT c CHECK (amount > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT c;',
      schema,
      settings: none,
    },
    { code: '-- +goose Up\n-- +goose NO TRANSACTION\nALTER TABLE orders ADD CONSTRAINT c CHECK (amount > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT c;', schema },
    // A COMMIT between the ADD and the VALIDATE.
    {
      code: 'BEGIN;\nALTER TABLE orders ADD CONSTRAINT c CHECK (amount > 0) NOT VALID;\nCOMMIT;\nALTER TABLE orders VALIDATE CONSTRAINT c;',
      schema,
    },
    // Another constraint, or another table, in the same transaction.
    { code: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;\nCOMMIT;', schema: withNotValidCheck },
    // A lock that does not block writes (SHARE UPDATE EXCLUSIVE) held before the VALIDATE.
    { code: 'BEGIN;\nALTER TABLE orders SET (fillfactor = 90);\nALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;\nCOMMIT;', schema: withNotValidCheck },
    // New and emptied tables: nothing to check.
    { code: 'CREATE TABLE payments (id bigint, order_id bigint, amount int);\nALTER TABLE payments ADD CONSTRAINT p_fk FOREIGN KEY (order_id) REFERENCES orders (id), ADD CHECK (amount > 0);', schema },
    { code: 'CREATE TABLE p (id bigint, amount int);\nALTER TABLE p ADD CONSTRAINT c CHECK (amount > 0) NOT VALID;\nALTER TABLE p VALIDATE CONSTRAINT c;', schema },
    { code: 'TRUNCATE orders;\nALTER TABLE orders ADD CONSTRAINT c CHECK (amount > 0);', schema },
    // A new column without a DEFAULT is NULL everywhere: PostgreSQL skips the foreign key check.
    { code: 'ALTER TABLE orders ADD COLUMN referrer_id bigint REFERENCES users (id)', schema },
    { code: 'ALTER TABLE orders ADD COLUMN referrer_id bigint CONSTRAINT orders_referrer_fkey REFERENCES users ON DELETE SET NULL', schema },
    // NOT ENFORCED constraints (PostgreSQL 18) are never checked.
    { code: 'ALTER TABLE orders ADD CONSTRAINT c CHECK (amount > 0) NOT ENFORCED', schema, settings: { postgresVersion: 18 } },
    // Other constraint kinds belong to other rules.
    { code: 'ALTER TABLE orders ADD CONSTRAINT orders_user_key UNIQUE (user_id)', schema },
    // Not a migration.
    { code: 'ALTER TABLE orders ADD CONSTRAINT c CHECK (amount > 0)', schema, migration: false },
    // A rollback's lock findings are not reported by default.
    { code: '-- +goose Up\nSELECT 1;\n-- +goose Down\nALTER TABLE orders ADD CONSTRAINT c CHECK (amount > 0);', schema },
    // CREATE TABLE constraints are checked against an empty table.
    { code: 'CREATE TABLE refunds (id bigint, order_id bigint REFERENCES orders (id), amount int CHECK (amount > 0))', schema },
  ],
  invalid: [
    // CREATE TABLE AS copies rows: the new table's foreign key is validated against them.
    {
      code: 'CREATE TABLE orders_copy AS SELECT * FROM orders;\nALTER TABLE orders_copy ADD CONSTRAINT orders_copy_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id);',
      schema,
      errors: [{ message: /^ADD FOREIGN KEY blocks writes to `orders_copy` and `users`/, detail: /^ADD FOREIGN KEY `orders_copy_user_id_fkey`/, line: 2 }],
    },
    // 1. Foreign key: locks from the lock model, a suggestion that appends NOT VALID and a VALIDATE.
    {
      code: 'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)',
      schema,
      errors: [
        {
          message: FK,
          detail: FK_LOCKS,
          line: 1,
          column: 20,
          endColumn: 98,
          suggestions: [
            {
              desc: 'Add NOT VALID and validate in a statement of its own',
              output:
                'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey',
            },
          ],
        },
      ],
      output: null,
    },
    {
      code: 'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)',
      schema,
      errors: [{ detail: VALIDATE_FK }],
      name: 'the detail names the locks VALIDATE takes',
    },
    // Unnamed: the suggestion writes out the name PostgreSQL would choose, in the statement's case.
    {
      code: 'alter table orders add foreign key (user_id) references users;',
      schema,
      errors: [
        {
          message: FK,
          detail: /^ADD FOREIGN KEY \(unnamed, PostgreSQL calls it `orders_user_id_fkey`\) takes SHARE ROW EXCLUSIVE locks/,
          suggestions: [{ output: 'alter table orders add constraint orders_user_id_fkey foreign key (user_id) references users not valid;\nalter table orders validate constraint orders_user_id_fkey;' }],
        },
      ],
    },
    // Inside a transaction block the VALIDATE is left to a separate migration.
    {
      code: 'BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;\nCOMMIT;',
      schema,
      errors: [
        {
          message: FK,
          detail: /then run `ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey` in a separate transaction \(a migration of its own, or after a COMMIT\)/,
          line: 2,
          suggestions: [
            {
              desc: 'Add NOT VALID; validate in a separate migration',
              output: 'BEGIN;\nALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE NOT VALID;\nCOMMIT;',
            },
          ],
        },
      ],
    },
    // 2. CHECK: ACCESS EXCLUSIVE.
    {
      code: 'ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0);',
      schema,
      errors: [
        {
          message: CHECK,
          detail: CHECK_LOCKS,
          suggestions: [{ output: 'ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;' }],
        },
      ],
    },
    { code: 'ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0);', schema, errors: [{ detail: VALIDATE_CHECK }], name: 'VALIDATE of a CHECK' },
    {
      code: 'ALTER TABLE public.orders ADD CHECK (amount > 0 AND user_id IS NOT NULL), ADD COLUMN note text',
      schema,
      errors: [
        {
          message: /^ADD CHECK blocks reads and writes on `orders` for a full check;/,
          detail: /^ADD CHECK \(unnamed, PostgreSQL calls it `orders_amount_check`\)/,
          column: 27,
          endColumn: 73,
          suggestions: [{ output: 'ALTER TABLE public.orders ADD CONSTRAINT orders_amount_check CHECK (amount > 0 AND user_id IS NOT NULL) NOT VALID, ADD COLUMN note text;\nALTER TABLE public.orders VALIDATE CONSTRAINT orders_amount_check' }],
        },
      ],
    },
    // An unknown table may hold rows: reported.
    { code: 'ALTER TABLE invoices ADD CONSTRAINT invoices_total CHECK (total >= 0)', errors: [{ message: /^ADD CHECK blocks reads and writes on `invoices`/, detail: /scans all of `invoices`/ }] },
    // A table emptied by DELETE still has its dead rows scanned.
    { code: 'DELETE FROM orders;\nALTER TABLE orders ADD CONSTRAINT c CHECK (amount > 0);', schema, settings: none, errors: 1 },
    // Down sections run on production too, but their lock findings are reported only when asked for.
    { code: '-- +goose Up\nSELECT 1;\n-- +goose Down\nALTER TABLE orders ADD CONSTRAINT c CHECK (amount > 0);', schema, settings: { rollbacks: 'all' }, errors: [{ message: CHECK, line: 4 }] },
    // Partitioned tables: no NOT VALID foreign keys before PostgreSQL 18, so no such suggestion.
    {
      code: 'ALTER TABLE events ADD CONSTRAINT events_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)',
      schema,
      errors: [
        {
          message: 'ADD FOREIGN KEY blocks writes to `events` and `users` while it checks every partition; add it NOT VALID to each partition first',
          detail: /PostgreSQL 15 rejects NOT VALID foreign keys on partitioned tables \(allowed from 18\)\. Instead, on each partition add the same foreign key NOT VALID/,
          suggestions: [],
        },
      ],
    },
    {
      code: 'ALTER TABLE events ADD CONSTRAINT events_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id)',
      schema,
      settings: { postgresVersion: 18 },
      errors: [{ message: /^ADD FOREIGN KEY blocks writes to `events` and `users` for a full check;/, detail: /^ADD FOREIGN KEY `events_user_id_fkey` takes SHARE ROW EXCLUSIVE locks/, suggestions: [{ output: 'ALTER TABLE events ADD CONSTRAINT events_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE events VALIDATE CONSTRAINT events_user_id_fkey' }] }],
    },
    // 3. Column constraints, which cannot be NOT VALID.
    {
      code: 'ALTER TABLE orders ADD COLUMN discount int CHECK (discount >= 0)',
      schema,
      errors: [{ message: 'ADD COLUMN `discount` ... CHECK blocks reads and writes on `orders` for a full check; add the CHECK NOT VALID after', detail: /^ADD COLUMN `discount` with a CHECK constraint takes an ACCESS EXCLUSIVE lock on `orders` and scans all of `orders` to check it, blocking reads and writes on `orders` for the whole scan\. A column constraint cannot be NOT VALID/, column: 20, endColumn: 65 }],
    },
    // A DEFAULT (even NULL) fills the existing rows, and PostgreSQL validates the foreign key on all of them.
    {
      code: 'ALTER TABLE orders ADD COLUMN referrer_id bigint DEFAULT 999 REFERENCES users (id)',
      schema,
      errors: [{ message: 'ADD COLUMN `referrer_id` ... REFERENCES blocks reads and writes on `orders` for a full check; add the foreign key NOT VALID after', detail: /^ADD COLUMN `referrer_id` with a DEFAULT and a REFERENCES constraint takes .*checks every existing row against `users`/, column: 20 }],
    },
    {
      code: 'ALTER TABLE orders ADD COLUMN referrer_id bigint DEFAULT NULL REFERENCES users (id)',
      schema,
      errors: [{ detail: /^ADD COLUMN `referrer_id` with a DEFAULT and a REFERENCES constraint/ }],
    },
    // 4. VALIDATE while the ADD's lock is still held.
    {
      code: 'BEGIN;\nALTER TABLE orders ADD CONSTRAINT c CHECK (amount > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT c;\nCOMMIT;',
      schema,
      errors: [
        {
          message: 'VALIDATE runs while the ADD CONSTRAINT on line 2 still blocks reads and writes on `orders`; commit before validating',
          detail:
            /^VALIDATE CONSTRAINT c runs in the same transaction as its ADD CONSTRAINT \.\.\. NOT VALID \(line 2\), which still holds an ACCESS EXCLUSIVE lock on `orders` until the transaction ends: the validation scan of `orders` runs while the lock blocks reads and writes on `orders`\./,
          line: 3,
          column: 20,
          endColumn: 41,
        },
      ],
    },
    {
      code: 'ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT fk;',
      schema,
      errors: [{ message: 'VALIDATE runs while the ADD CONSTRAINT on line 1 still blocks writes to `orders` and `users`; commit before validating', detail: /^VALIDATE CONSTRAINT fk runs in the same transaction .* \(line 1\), which still holds SHARE ROW EXCLUSIVE locks on `orders` and `users`/ }],
      name: 'a multi-statement file is one implicit transaction',
    },
    {
      code: 'ALTER TABLE orders ADD CONSTRAINT c CHECK (amount > 0) NOT VALID, VALIDATE CONSTRAINT c',
      schema,
      errors: [{ message: /^VALIDATE runs while the ADD CONSTRAINT in this statement still blocks reads and writes on `orders`;/, detail: /^VALIDATE CONSTRAINT c runs in the same transaction as its ADD CONSTRAINT \.\.\. NOT VALID in this statement, which still holds an ACCESS EXCLUSIVE lock on `orders`/ }],
    },
    { code: 'ALTER TABLE orders ADD CONSTRAINT c CHECK (amount > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT c;', schema, settings: { migrationTransaction: 'wrapped' }, errors: 1 },
    // ... or after another statement that blocks writes on the table.
    {
      code: 'BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;\nCOMMIT;',
      schema: withNotValidCheck,
      errors: [{ message: 'VALIDATE runs while line 2 of this transaction still blocks reads and writes on `orders`; validate in a separate transaction', detail: /^VALIDATE CONSTRAINT orders_amount_positive runs in the same transaction as `ADD COLUMN note text` \(line 2\), which holds an ACCESS EXCLUSIVE lock on `orders` until the transaction ends: the validation scan of `orders` runs while the lock blocks reads and writes on `orders`\. Validate in a separate transaction/, line: 3 }],
    },
    {
      code: 'BEGIN;\nALTER TABLE orders ADD CONSTRAINT c CHECK (amount > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;\nCOMMIT;',
      schema: withNotValidCheck,
      errors: [{ detail: /^VALIDATE CONSTRAINT orders_amount_positive runs in the same transaction as `ADD CONSTRAINT c CHECK \(amount > 0\) NOT VALID` \(line 2\), which holds an ACCESS EXCLUSIVE lock/ }],
      name: 'adding another constraint NOT VALID still takes ACCESS EXCLUSIVE',
    },
    {
      code: 'BEGIN;\nCREATE INDEX orders_amount ON orders (amount);\nALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;\nCOMMIT;',
      schema: withNotValidCheck,
      errors: [{ message: /^VALIDATE runs while line 2 of this transaction still blocks writes to `orders`;/, detail: /holds a SHARE lock on `orders` until the transaction ends: the validation scan of `orders` runs while the lock blocks writes to `orders`/ }],
    },
    {
      code: 'ALTER TABLE orders ADD COLUMN note text, VALIDATE CONSTRAINT orders_amount_positive',
      schema: withNotValidCheck,
      errors: [{ message: 'VALIDATE runs while another subcommand of this statement still blocks reads and writes on `orders`; validate in a separate transaction', detail: /^VALIDATE CONSTRAINT orders_amount_positive runs in the same transaction as `ADD COLUMN note text` in this statement/ }],
      name: 'another subcommand of the same ALTER TABLE',
    },
  ],
});
